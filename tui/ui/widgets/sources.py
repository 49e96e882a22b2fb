"""The Sources panel: every source with its unread and total counts."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList

from tui.feeds.health import source_health
from tui.model import SourceSummary
from tui.ui.format import plain
from tui.ui.messages import Picked, SourceHighlighted
from tui.ui.widgets.counted import HEADING, CountedList, CountedRow

ALL_SOURCES = "source:all"
HEALTH_STYLES = {
    "ok": "green",
    "stale": "yellow",
    "failing": "bold red",
    "disabled": "dim red",
    "new": "dim",
}


def source_option_id(source_id: int) -> str:
    """The option id of a source row."""
    return f"source:{source_id}"


def tag_option_id(tag: str) -> str:
    """The option id of a tag row."""
    return f"tag:{tag}"


def category_option_id(category: str) -> str:
    """The option id of a folder (category) row."""
    return f"category:{category}"


def parse_source_option(option_id: str | None) -> int | None:
    """The source id of a source row's option id (None for any other row)."""
    prefix, _, value = (option_id or "").partition(":")
    return int(value) if prefix == "source" and value.isdigit() else None


# what the panel last showed: summaries, tags, now, views (id, label, count), failed ids
_Shown = tuple[list[SourceSummary], dict[str, int], datetime, list[tuple[int, str, int]], set[int]]


class SourcesPanel(CountedList):
    """Sources with counts; selecting one filters the item list."""

    BORDER_TITLE = "Sources"
    BINDINGS = [
        Binding("space", "toggle_folder", "Fold / unfold folder", id="toggle_folder"),
        Binding("E", "screen.edit_source", "Edit feed or view", id="edit_source"),
        Binding("D", "screen.toggle_source", "Disable / enable feed", id="toggle_source"),
        Binding("delete,X", "screen.remove_source", "Remove feed or view", id="remove_source"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.collapsed: set[str] = set()  # folded categories (folders)
        self._shown: _Shown | None = None

    def show_sources(
        self,
        summaries: list[SourceSummary],
        tags: dict[str, int] | None = None,
        now: datetime | None = None,
        views: list[tuple[int, str, int]] | None = None,
        failed: set[int] | None = None,
    ) -> None:
        """Show "All sources", the views and tags (always in sight), then the feeds.

        Feeds with a category (an OPML folder) are grouped under a folder row that can be
        folded (Space) and chosen (Enter: the items of every feed in it). `failed`
        sources (a refresh of them crashed) are marked "!" whatever their health.
        """
        now = now or datetime.now(UTC)
        tags, views, failed = tags or {}, views or [], failed or set()
        self._shown = (summaries, tags, now, views, failed)
        rows = [
            CountedRow(
                ALL_SOURCES,
                Text("All sources", style="bold"),
                sum(s.total for s in summaries),
                sum(s.unread for s in summaries),
            )
        ]
        for view_id, name, count in views:
            rows.append(CountedRow(f"view:{view_id}", plain("◆ " + name), count))
        for tag, count in tags.items():
            rows.append(CountedRow(tag_option_id(tag), plain("#" + tag, style="italic"), count))
        if views or tags:
            rows.append(CountedRow(HEADING + "feeds", Text("Feeds", style="bold dim"), None))
        folders: dict[str, list[SourceSummary]] = {}
        for summary in summaries:
            if summary.source.category:
                folders.setdefault(summary.source.category, []).append(summary)
            else:
                rows.append(self._source_row(summary, now, failed, indent=""))
        for category in sorted(folders, key=str.casefold):
            members = folders[category]
            folded = category in self.collapsed
            label = Text("▸ " if folded else "▾ ", style="bold")
            label.append_text(plain(category, style="bold"))
            total, unread = sum(m.total for m in members), sum(m.unread for m in members)
            rows.append(CountedRow(category_option_id(category), label, total, unread))
            if not folded:
                rows += [self._source_row(m, now, failed, indent="  ") for m in members]
        self.show_rows(rows)

    @staticmethod
    def _source_row(
        summary: SourceSummary, now: datetime, failed: set[int], *, indent: str
    ) -> CountedRow:
        health = source_health(summary.source, now)
        if summary.source.id in failed:
            label = Text(indent + "! ", style="bold red")
        else:
            label = Text(indent + health.mark + " ", style=HEALTH_STYLES.get(health.state, ""))
        label.append_text(plain(summary.source.title))
        return CountedRow(source_option_id(summary.source.id), label, summary.total, summary.unread)

    def action_toggle_folder(self) -> None:
        """Space on a folder row: fold or unfold it."""
        prefix, _, category = (self.highlighted_id or "").partition(":")
        if prefix != "category" or self._shown is None:
            return
        self.collapsed ^= {category}
        self.show_sources(*self._shown[:3], views=self._shown[3], failed=self._shown[4])

    def picked(self, option_id: str) -> Picked | None:
        prefix, _, value = option_id.partition(":")
        if option_id == ALL_SOURCES:
            return Picked("all-sources", None)
        if prefix == "source" and value.isdigit():
            return Picked("source", int(value))
        if prefix == "view" and value.isdigit():
            return Picked("view", int(value))
        if prefix == "tag":
            return Picked("tag", value)
        if prefix == "category":
            return Picked("category", value)
        return None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        source_id = parse_source_option(event.option_id)
        if source_id is not None:
            self.post_message(SourceHighlighted(source_id))
