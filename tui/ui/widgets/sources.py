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


def parse_source_option(option_id: str | None) -> int | None:
    """The source id of a source row's option id (None for any other row)."""
    prefix, _, value = (option_id or "").partition(":")
    return int(value) if prefix == "source" and value.isdigit() else None


class SourcesPanel(CountedList):
    """Sources with counts; selecting one filters the item list."""

    BORDER_TITLE = "Sources"
    BINDINGS = [
        Binding("E", "screen.edit_source", "Edit feed or view", id="edit_source"),
        Binding("D", "screen.toggle_source", "Disable / enable feed", id="toggle_source"),
        Binding("delete,X", "screen.remove_source", "Remove feed or view", id="remove_source"),
    ]

    def show_sources(
        self,
        summaries: list[SourceSummary],
        tags: dict[str, int] | None = None,
        now: datetime | None = None,
        views: list[tuple[int, str, int]] | None = None,
        failed: set[int] | None = None,
    ) -> None:
        """Show "All sources", every source with its health mark, then the tags.

        `failed` sources (a refresh of them crashed) are marked "!" whatever their health.
        """
        now = now or datetime.now(UTC)
        rows = [
            CountedRow(
                ALL_SOURCES,
                Text("All sources", style="bold"),
                sum(s.total for s in summaries),
                sum(s.unread for s in summaries),
            )
        ]
        for summary in summaries:
            health = source_health(summary.source, now)
            if failed and summary.source.id in failed:
                label = Text("! ", style="bold red")
            else:
                label = Text(health.mark + " ", style=HEALTH_STYLES.get(health.state, ""))
            label.append_text(plain(summary.source.title))
            rows.append(
                CountedRow(
                    source_option_id(summary.source.id), label, summary.total, summary.unread
                )
            )
        if views:
            rows.append(CountedRow(HEADING + "views", Text("Views", style="bold dim"), None))
        for view_id, name, count in views or []:
            rows.append(CountedRow(f"view:{view_id}", plain("◆ " + name), count))
        if tags:
            rows.append(CountedRow(HEADING + "tags", Text("Tags", style="bold dim"), None))
        for tag, count in (tags or {}).items():
            rows.append(CountedRow(tag_option_id(tag), plain("#" + tag, style="italic"), count))
        self.show_rows(rows)

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
        return None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        source_id = parse_source_option(event.option_id)
        if source_id is not None:
            self.post_message(SourceHighlighted(source_id))
