"""The reading pane: metadata, themes, actors, tags and the article text, all inert."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.model import ItemDetail, ThemeDef
from tui.ui.format import date_label, plain


class Reader(VerticalScroll):
    """Shows one item. Every field from a feed is rendered as literal text."""

    BORDER_TITLE = "Reader"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._body = Static(Text("Select an item to read it.", style="dim"), id="reader-body")
        self.item: ItemDetail | None = None
        self.plain = ""

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def show(self, item: ItemDetail | None, themes: dict[str, ThemeDef]) -> None:
        """Display an item (None clears the pane)."""
        self.item = item
        lines = render_item(item, themes) if item else [Text("No item selected.", style="dim")]
        self.plain = "\n".join(line.plain for line in lines)
        self._body.update(Group(*lines))
        self.scroll_home(animate=False)


def render_item(item: ItemDetail, themes: dict[str, ThemeDef]) -> list[Text]:
    """The reading pane's lines for one item."""
    title = plain(item.title, style="bold", multiline=True)
    meta = Text(no_wrap=False)
    meta.append_text(plain(item.source, style="cyan"))
    if item.author:
        meta.append(" · ")
        meta.append_text(plain(item.author))
    meta.append(" · ")
    meta.append(date_label(item.published))
    if item.starred:
        meta.append("  ★ starred", style="yellow")
    lines: list[Text] = [title, meta]
    if item.themes:
        row = Text("Themes: ", style="bold")
        for index, theme in enumerate(item.themes):
            if index:
                row.append(", ")
            name = themes[theme.id].name if theme.id in themes else theme.id
            row.append(name)
            row.append(f" {theme.score:.2f}" if theme.origin == "rule" else " (you)", style="dim")
        lines.append(row)
    if item.actors:
        lines.append(Text.assemble(("Actors: ", "bold"), plain(", ".join(item.actors))))
    if item.tags:
        lines.append(Text.assemble(("Tags: ", "bold"), plain(", ".join(item.tags))))
    if item.url:
        lines.append(Text.assemble(("Link: ", "bold"), plain(item.url, style="underline")))
    lines.append(Text(""))
    lines.append(plain(item.text or item.summary or "(no text)", multiline=True))
    return lines
