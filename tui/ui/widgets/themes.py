"""The Themes panel: the lexicon's themes with their item counts."""

from __future__ import annotations

from rich.text import Text

from tui.model import ThemeDef
from tui.ui.widgets.counted import CountedList, CountedRow

ALL_THEMES = "theme:all"


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

    def show_themes(self, themes: list[ThemeDef], counts: dict[str, tuple[int, int]]) -> None:
        """Show every theme of the lexicon, after an "All themes" row."""
        rows = [CountedRow(ALL_THEMES, Text("All themes", style="bold"), None)]
        for theme in themes:
            total, unread = counts.get(theme.id, (0, 0))
            rows.append(CountedRow(theme_option_id(theme.id), Text(theme.name), total, unread))
        self.show_rows(rows)
