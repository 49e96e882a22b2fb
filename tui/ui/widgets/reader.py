"""The reading pane: metadata, themes, actors, tags and the article text, all inert."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.feeds.health import source_health
from tui.labels import item_label
from tui.model import ItemDetail, Source, ThemeDef
from tui.plain_text import clip, terminal_safe
from tui.ui.format import date_label, plain


class Reader(VerticalScroll):
    """Shows one item. Every field from a feed is rendered as literal text."""

    BORDER_TITLE = "Reader"
    BINDINGS = [
        Binding("space", "screen.page_or_next", "Page down / next unread", id="page_next"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._body = Static(Text("Select an item to read it.", style="dim"), id="reader-body")
        self.item: ItemDetail | None = None
        self.showing_source = False  # a feed's health is shown (Sources has focus)
        self.plain = ""
        # the last article body converted for display: what it depends on → (body, markdown)
        self._converted: tuple[tuple[object, ...], tuple[str, bool]] | None = None

    def compose(self) -> ComposeResult:
        yield self._body

    def show_source(self, source: Source, fetches: list[dict[str, object]], now: datetime) -> None:
        """Display a source's health and recent fetches (when the Sources panel has focus)."""
        self.item = None
        self.showing_source = True
        lines = render_source(source, fetches, now)
        self.plain = "\n".join(line.plain for line in lines)
        self._body.update(Group(*lines))
        self.scroll_home(animate=False)

    def show(self, item: ItemDetail | None, themes: dict[str, ThemeDef]) -> None:
        """Display an item (None clears the pane)."""
        self.item = item
        self.showing_source = False
        if item is None:
            self.plain = "No item selected."
            self._body.update(Text(self.plain, style="dim"))
            return
        try:
            self._show_item(item, themes)
        except Exception as exc:  # hostile structure must cost this item's view, not the app
            self._converted = None
            self.plain = f"This item could not be displayed ({type(exc).__name__})."
            self._body.update(Text(self.plain, style="red"))
        self.scroll_home(animate=False)

    def _show_item(self, item: ItemDetail, themes: dict[str, ThemeDef]) -> None:
        lines = render_header(item, themes)
        key = (item.id, item.source_kind, item.content, item.summary, item.text)
        if self._converted is None or self._converted[0] != key:
            # HTML → Markdown costs milliseconds: once per article, not per redraw; its
            # module (and tui.themes.why) load with the first article, after the first frame
            from tui.item_body import article_body

            self._converted = key, article_body(item)
        body, is_markdown = self._converted[1]
        body = terminal_safe(body) or "(no text)"
        self.plain = "\n".join(line.plain for line in lines) + "\n\n" + body
        if is_markdown:  # rich.markdown (markdown-it, pygments): imported on first use
            from tui.ui.web_markdown import WebMarkdown

            rendered: Any = WebMarkdown(body, hyperlinks=True)
        else:
            rendered = Text(body)
        self._body.update(Group(*lines, Text(""), rendered))
        self.scroll_home(animate=False)


def render_source(source: Source, fetches: list[dict[str, object]], now: datetime) -> list[Text]:
    """A source's details and health for the reading pane."""
    health = source_health(source, now)
    lines = [plain(source.title, style="bold", multiline=True)]
    lines.append(Text.assemble(("Feed: ", "bold"), plain(source.url)))
    if source.category:
        lines.append(Text.assemble(("Category: ", "bold"), plain(source.category)))
    lines.append(Text.assemble(("Health: ", "bold"), plain(health.detail)))
    if source.next_check_at:
        lines.append(Text.assemble(("Next check: ", "bold"), plain(source.next_check_at[:16])))
    if fetches:
        lines.append(Text(""))
        lines.append(Text("Recent fetches", style="bold"))
        for fetch in fetches:
            status = fetch.get("status") or "-"
            row = Text(
                terminal_safe(
                    f"{str(fetch.get('at', ''))[:16]}  {status!s:>4}  "
                    f"{fetch.get('new_items') or 0} new  {fetch.get('duration_ms') or 0} ms  "
                )
            )
            if fetch.get("error"):
                row.append_text(plain(str(fetch["error"]), style="red"))
            lines.append(row)
    lines.append(Text(""))
    lines.append(Text("r refreshes this feed · Enter shows its items", style="dim"))
    return lines


def render_header(item: ItemDetail, themes: dict[str, ThemeDef]) -> list[Text]:
    """The reading pane's header lines for one item: title, meta, themes, actors, tags."""
    title = plain(item_label(item.title, item.text, item.url), style="bold", multiline=True)
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
            row.append_text(plain(name))
            row.append(f" {theme.score:.2f}" if theme.origin == "rule" else " (you)", style="dim")
        lines.append(row)
        from tui.themes.why import why_line

        rule_themes = [t.id for t in item.themes if t.origin == "rule"]
        reasons = why_line(item.title, item.text or item.summary or "", rule_themes)
        if reasons:  # "Why this theme?": the phrases that scored (issue 13)
            lines.append(Text.assemble(("Why: ", "bold"), plain(reasons, style="dim")))
    if item.actors:
        lines.append(Text.assemble(("Actors: ", "bold"), plain(", ".join(item.actors))))
    if item.tags:
        lines.append(Text.assemble(("Tags: ", "bold"), plain(", ".join(item.tags))))
    if item.story_others:
        others = ", ".join(dict.fromkeys(source for source, _ in item.story_others))
        lines.append(Text.assemble(("Also reported by: ", "bold"), plain(others)))
    if item.url:
        link = plain(clip(item.url, 300), style="underline")
        lines.append(Text.assemble(("Link: ", "bold"), link))
    if item.note:  # the analyst's own note (i edits it)
        lines.append(
            Text.assemble(("Your note: ", "bold yellow"), plain(item.note, multiline=True))
        )
    return lines


def __getattr__(name: str) -> Any:
    """`WebMarkdown` and `hyperlink_allowed` live in tui.ui.web_markdown (loaded lazily:
    it imports pygments)."""
    if name in ("WebMarkdown", "hyperlink_allowed"):
        from tui.ui import web_markdown

        return getattr(web_markdown, name)
    raise AttributeError(name)
