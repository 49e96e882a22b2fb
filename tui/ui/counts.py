"""What the dashboard's side panels and header show, read from the store (no Textual).

The screen calls these and hands the results to the panels, which never see the store.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tui.analysis.series import daily_series
from tui.model import ItemQuery, ThemeDef
from tui.plain_text import terminal_safe
from tui.query import ParsedQuery, parse_query
from tui.store import Store


def theme_series(
    store: Store, theme_ids: list[str], today: date, days: int
) -> dict[str, list[int]]:
    """Each theme's items per day over the last `days` days (oldest first)."""
    since = (today - timedelta(days=days - 1)).isoformat()
    daily = store.theme_daily_counts(since)
    return {t: daily_series(daily.get(t, {}), today, days) for t in theme_ids}


def view_label(name: str, watched: bool, unseen: int) -> str:
    """A view's name under Sources: ◉ when watched, ● N with unseen alerts."""
    label = ("◉ " if watched else "") + name
    return label + (f"  ●{unseen}" if unseen else "")


def view_counts(store: Store, now: datetime) -> list[tuple[int, str, int]]:
    """Each saved view with its badge and current count: (id, label, items)."""
    return [
        (
            view_id,
            view_label(name, watched, unseen),
            store.count_items(parse_query(query, now=now).to_item_query()),
        )
        for view_id, name, query, watched, unseen in store.view_badges()
    ]


def describe_filter(
    store: Store,
    query_filter: ItemQuery,
    search: ParsedQuery,
    themes: dict[str, ThemeDef],
    *,
    unread_only: bool = False,
) -> str:
    """The active filter in words, for the header."""
    parts = [f"search: {search.describe()}"] if not search.is_empty else []
    if query_filter.source_id is not None:
        source = store.get_source(query_filter.source_id)
        name = terminal_safe(source.title, multiline=False) if source else "?"
        parts.append(f"source: {name}")
    for group in query_filter.category_groups:
        parts.append(f"folder: {terminal_safe(' or '.join(group), multiline=False)}")
    if query_filter.tag:
        parts.append(f"tag: {terminal_safe(query_filter.tag, multiline=False)}")
    if query_filter.theme:
        theme = themes.get(query_filter.theme)
        parts.append(f"theme: {theme.name if theme else query_filter.theme}")
    if unread_only:
        parts.append("unread only")
    return " · ".join(parts) or "all items"
