"""The Sources panel: every source with its unread and total counts."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from tui.feeds.health import source_health
from tui.model import SourceSummary
from tui.ui.format import plain
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

    def show_sources(
        self,
        summaries: list[SourceSummary],
        tags: dict[str, int] | None = None,
        now: datetime | None = None,
        views: list[tuple[int, str, int]] | None = None,
    ) -> None:
        """Show "All sources", every source with its health mark, then the tags."""
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
