"""The analysis windows: how long they are, and where they end when the data is older.

A corpus that is months old (the seed corpus, an archive, feeds read again after a
break) would show empty trends, briefs and story lists: the windows then end at the
newest dated item instead, and the dashboard and the command line both say so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tui.store import Store

#: Weeks a trends report spans: the dashboard's Trends screen and `aigeo trends` alike.
TREND_WEEKS = 12


def newest_item_at(store: Store) -> datetime | None:
    """When the newest dated item was published (the newest undated one's fetch time
    when no item is dated); None when empty. An undated item sorts at its fetch time,
    so one just fetched from an old feed would otherwise pin the windows to today and
    leave the rest of an old corpus out of them (seen with the shared corpus's feeds)."""
    row = store.conn.execute(
        "SELECT max(sort_at) FROM items WHERE published IS NOT NULL"
    ).fetchone()
    if not row or not row[0]:
        row = store.conn.execute("SELECT max(sort_at) FROM items").fetchone()
    if not row or not row[0]:
        return None
    try:
        return datetime.fromisoformat(row[0])
    except ValueError:
        return None


def anchored_now(store: Store, now: datetime, window: timedelta) -> datetime:
    """`now`, or the newest item's time when every item is older than `window`.

    A corpus that is months old (the seed corpus, an archive) would otherwise show empty
    trends and briefs: the analysis windows end at the newest item instead, and say so.
    """
    newest = newest_item_at(store)
    if newest is None:
        return now
    if newest.tzinfo is None:
        newest = newest.replace(tzinfo=now.tzinfo)
    return newest if newest < now - window else now
