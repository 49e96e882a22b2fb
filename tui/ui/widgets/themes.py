"""The Themes panel: the lexicon's themes with their item counts."""

from __future__ import annotations

from rich.text import Text

from tui.analysis.series import bucket, sparkline, trend_mark
from tui.model import ThemeDef
from tui.ui.messages import Picked
from tui.ui.widgets.counted import CountedList, CountedRow

ALL_THEMES = "theme:all"
TREND_DAYS = 30
SPARK_BUCKET_DAYS = 3  # 30 days → 10 characters


def theme_option_id(theme_id: str) -> str:
    """The option id of a theme row."""
    return f"theme:{theme_id}"


def parse_theme_option(option_id: str | None) -> str | None:
    """The theme id of an option id (None for "All themes")."""
    if not option_id or option_id == ALL_THEMES:
        return None
    return option_id.split(":", 1)[1]


class ThemesPanel(CountedList):
    """Themes with counts; selecting one filters the item list."""

    BORDER_TITLE = "Themes"

    def show_themes(
        self,
        themes: list[ThemeDef],
        counts: dict[str, tuple[int, int]],
        series: dict[str, list[int]] | None = None,
    ) -> None:
        """Show every theme of the lexicon, after an "All themes" row.

        `series` holds each theme's daily counts (oldest first) for the sparkline and the
        rising/falling mark.
        """
        rows = [CountedRow(ALL_THEMES, Text("All themes", style="bold"), None)]
        for theme in themes:
            total, unread = counts.get(theme.id, (0, 0))
            daily = (series or {}).get(theme.id, [])
            rows.append(
                CountedRow(
                    theme_option_id(theme.id),
                    Text(theme.name),
                    total,
                    unread,
                    spark=sparkline(bucket(daily, SPARK_BUCKET_DAYS)) if daily else "",
                    mark=trend_mark(daily) if daily else "",
                )
            )
        self.show_rows(rows)

    def picked(self, option_id: str) -> Picked | None:
        return Picked("theme", parse_theme_option(option_id))
