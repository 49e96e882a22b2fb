"""Pure formatting helpers for the dashboard: feed text becomes inert `rich.text.Text`."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

from tui.model import ThemeScore
from tui.plain_text import terminal_safe


def plain(text: str | None, *, style: str | Style = "", multiline: bool = False) -> Text:
    """Stranger-written text as a Text that renders literally (never parsed as markup)."""
    return Text(terminal_safe(text, multiline=multiline), style=style, no_wrap=not multiline)


def parse_iso(value: str | None) -> datetime | None:
    """A stored ISO timestamp as an aware datetime, or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def age(value: str | None, now: datetime) -> str:
    """A compact age such as 5m, 3h, 2d, 7w, 4mo or 2y ('?' when unknown)."""
    when = parse_iso(value)
    if when is None:
        return "?"
    seconds = max(0, int((now - when).total_seconds()))
    for limit, unit, size in (
        (3600, "m", 60),
        (86400, "h", 3600),
        (86400 * 14, "d", 86400),
        (86400 * 60, "w", 86400 * 7),
        (86400 * 730, "mo", 86400 * 30),
    ):
        if seconds < limit:
            return f"{seconds // size}{unit}"
    return f"{seconds // (86400 * 365)}y"


def date_label(value: str | None) -> str:
    """The date part of a timestamp for the reading pane (YYYY-MM-DD HH:MM UTC)."""
    when = parse_iso(value)
    if when is None:
        return "date unknown"
    when = when.astimezone(UTC)
    if when.hour == 0 and when.minute == 0:
        return when.strftime("%Y-%m-%d")
    return when.strftime("%Y-%m-%d %H:%M UTC")


def theme_chips(themes: list[ThemeScore], limit: int = 3) -> Text:
    """Short theme ids for the item list, best first."""
    chips = Text(no_wrap=True, overflow="ellipsis")
    for index, theme in enumerate(themes[:limit]):
        if index:
            chips.append(" ")
        style = "italic" if theme.origin == "user" else ""
        chips.append(terminal_safe(theme.id, multiline=False), style)
    if len(themes) > limit:
        chips.append(f" +{len(themes) - limit}", style="dim")
    return chips
