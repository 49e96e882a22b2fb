"""The Sources panel: every source with its unread and total counts."""

from __future__ import annotations

from rich.text import Text

from tui.model import SourceSummary
from tui.ui.format import plain
from tui.ui.widgets.counted import HEADING, CountedList, CountedRow

ALL_SOURCES = "source:all"


def source_option_id(source_id: int) -> str:
    """The option id of a source row."""
    return f"source:{source_id}"


def tag_option_id(tag: str) -> str:
    """The option id of a tag row."""
    return f"tag:{tag}"


def parse_source_option(option_id: str | None) -> int | None:
    """The source id of an option id (None for "All sources")."""
    if not option_id or option_id == ALL_SOURCES:
        return None
    return int(option_id.split(":", 1)[1])


class SourcesPanel(CountedList):
    """Sources with counts; selecting one filters the item list."""

    BORDER_TITLE = "Sources"

    def show_sources(
        self, summaries: list[SourceSummary], tags: dict[str, int] | None = None
    ) -> None:
        """Show "All sources", every source, then the user's tags with their counts."""
        rows = [
            CountedRow(
                ALL_SOURCES,
                Text("All sources", style="bold"),
                sum(s.total for s in summaries),
                sum(s.unread for s in summaries),
            )
        ]
        for summary in summaries:
            label = plain(summary.source.title)
            if summary.source.error:
                label.append(" !", style="bold red")
            rows.append(
                CountedRow(
                    source_option_id(summary.source.id), label, summary.total, summary.unread
                )
            )
        if tags:
            rows.append(CountedRow(HEADING + "tags", Text("Tags", style="bold dim"), None))
        for tag, count in (tags or {}).items():
            rows.append(CountedRow(tag_option_id(tag), plain("#" + tag, style="italic"), count))
        self.show_rows(rows)
