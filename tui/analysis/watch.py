"""Watchlists: saved views marked as watched, checked against each refresh's new items.

A refresh calls `raise_alerts(store, new_ids)` inside the transaction that stored the
items, so an alert exists exactly when its items do (a kill -9 leaves both or neither).
Only the new items are tested (`ItemQuery.ids`, probed by key: `Store.filter_ids`), so
the cost grows with what a refresh brings, never with the store. An alert is raised
once per (view, story): five outlets carrying one story raise one alert, and a story
marked seen does not come back when a sixth outlet reports it. No Textual, no I/O
beyond the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.model import ItemQuery
from tui.query import parse_query
from tui.store import Store, utc_now

ALERTS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class ViewInfo:
    """A saved view with its watch state and alert counts."""

    id: int
    name: str
    query: str
    watched: bool
    unseen: int
    alerts: int
    hook_error: str | None
    hook_error_at: str | None

    def to_json(self) -> dict[str, Any]:
        """The `aigeo views --json` shape."""
        return {
            "id": self.id,
            "name": self.name,
            "query": self.query,
            "watched": self.watched,
            "unseen_alerts": self.unseen,
            "alerts": self.alerts,
            "hook_error": self.hook_error,
            "hook_error_at": self.hook_error_at,
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """A new match of a watched view: the first item of its story that matched."""

    id: int
    view_id: int
    view: str
    query: str
    item_id: int
    story: int  # the story (cluster) id; minus the item id for an item without one
    at: str  # when the alert was raised (UTC ISO 8601)
    seen: bool
    title: str
    url: str | None
    source: str
    published: str | None
    sources: int  # outlets carrying the story when it was listed

    def to_json(self) -> dict[str, Any]:
        """The JSON document of one alert (what `aigeo alerts --json` lists and what
        the hook command reads on stdin)."""
        return {
            "id": self.id,
            "view": self.view,
            "view_id": self.view_id,
            "query": self.query,
            "at": self.at,
            "seen": self.seen,
            "item": {
                "id": self.item_id,
                "title": self.title,
                "url": self.url,
                "source": self.source,
                "published": self.published,
            },
            "story_id": self.story if self.story > 0 else None,
            "sources": self.sources,
        }


# --------------------------------------------------------------------------- views


def find_view(store: Store, name: str) -> tuple[int, str] | None:
    """(id, query) of the view called `name` (exact, then case-insensitive)."""
    row = store.conn.execute("SELECT id, query FROM views WHERE name = ?", (name,)).fetchone()
    if row is None:
        row = store.conn.execute(
            "SELECT id, query FROM views WHERE lower(name) = lower(?) ORDER BY id", (name,)
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def watch_view(store: Store, name: str, query: str | None = None) -> int:
    """Mark a view watched (saving it first when `query` is given); returns its id.

    Alerts start with the next refresh: what is stored already never alerts.
    Raises KeyError when there is no such view and no query to save.
    """
    with store.write():
        if query is not None:
            view_id = store.save_view(name, query)
        else:
            found = find_view(store, name)
            if found is None:
                raise KeyError(name)
            view_id = found[0]
        store.conn.execute(
            "UPDATE views SET watched = 1, watched_at = COALESCE(watched_at, ?) WHERE id = ?",
            (utc_now(), view_id),
        )
    return view_id


def unwatch_view(store: Store, name: str) -> bool:
    """Stop watching a view (it stays saved, its alerts stay listed); False if unknown."""
    found = find_view(store, name)
    if found is None:
        return False
    with store.write():
        store.conn.execute(
            "UPDATE views SET watched = 0, watched_at = NULL WHERE id = ?", (found[0],)
        )
    return True


def view_infos(store: Store) -> list[ViewInfo]:
    """Every saved view, by name, with its watch state and alert counts."""
    rows = store.conn.execute(
        "SELECT v.id, v.name, v.query, v.watched, v.hook_error, v.hook_error_at, "
        "(SELECT count(*) FROM alerts a WHERE a.view_id = v.id AND a.seen = 0), "
        "(SELECT count(*) FROM alerts a WHERE a.view_id = v.id) "
        "FROM views v ORDER BY lower(v.name)"
    ).fetchall()
    return [
        ViewInfo(
            id=int(r[0]),
            name=str(r[1]),
            query=str(r[2]),
            watched=bool(r[3]),
            hook_error=r[4],
            hook_error_at=r[5],
            unseen=int(r[6]),
            alerts=int(r[7]),
        )
        for r in rows
    ]


def record_hook_result(store: Store, view_id: int, error: str | None) -> None:
    """Keep the hook's last failure on its view (None clears it after a success)."""
    with store.write():
        store.conn.execute(
            "UPDATE views SET hook_error = ?, hook_error_at = ? WHERE id = ?",
            (error, utc_now() if error else None, view_id),
        )


# --------------------------------------------------------------------------- alerts


def raise_alerts(store: Store, new_ids: Sequence[int], now: datetime | None = None) -> list[Alert]:
    """Test the watched views against `new_ids` and store an alert per new story match.

    Runs in the caller's transaction when there is one. Returns the alerts raised, in
    the order raised. A view whose query no longer parses cleanly still applies what
    does (as the search box does).
    """
    if not new_ids:
        return []
    views = store.conn.execute(
        "SELECT id, query FROM views WHERE watched = 1 ORDER BY id"
    ).fetchall()
    if not views:
        return []
    now = now or datetime.now(UTC)
    ids = tuple(sorted(set(new_ids)))
    raised: list[int] = []
    with store.write():
        stories = dict(
            store.conn.execute(
                "SELECT id, COALESCE(cluster_id, -id) FROM items "
                "WHERE id IN (SELECT value FROM json_each(?))",
                (_json_ids(ids),),
            ).fetchall()
        )
        at = now.astimezone(UTC).replace(microsecond=0).isoformat()
        for view_id, text in views:
            query = parse_query(text, now=now).to_item_query(ItemQuery(ids=ids))
            # a savepoint per view: whatever goes wrong with one view's query never
            # costs the items the refresh is storing in this same transaction
            store.conn.execute("SAVEPOINT watch_view")
            try:
                for item_id in sorted(store.filter_ids(query)):
                    cur = store.conn.execute(
                        "INSERT INTO alerts(view_id, item_id, story, at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(view_id, story) DO NOTHING",
                        (view_id, item_id, stories.get(item_id, -item_id), at),
                    )
                    if cur.rowcount > 0 and cur.lastrowid:
                        raised.append(int(cur.lastrowid))
            except sqlite3.Error:
                store.conn.execute("ROLLBACK TO watch_view")
                kept = _kept(store, raised)
                raised = [a for a in raised if a in kept]
            store.conn.execute("RELEASE watch_view")
    found = _alerts_where(store, "a.id IN (SELECT value FROM json_each(?))", [_json_ids(raised)])
    return found[::-1]


def list_alerts(
    store: Store,
    *,
    since: str | None = None,
    include_seen: bool = False,
    view_id: int | None = None,
    limit: int = ALERTS_SHOWN,
) -> list[Alert]:
    """Alerts, newest first: unseen ones only unless `include_seen`."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if not include_seen:
        clauses.append("a.seen = 0")
    if since:
        clauses.append("a.at >= ?")
        params.append(since)
    if view_id is not None:
        clauses.append("a.view_id = ?")
        params.append(view_id)
    found = _alerts_where(store, " AND ".join(clauses), params, limit=limit)
    return sorted(found, key=lambda a: (a.at, a.id), reverse=True)


def unseen_counts(store: Store) -> dict[int, int]:
    """View id → unseen alerts, for the badges."""
    return {
        int(r[0]): int(r[1])
        for r in store.conn.execute(
            "SELECT view_id, count(*) FROM alerts WHERE seen = 0 GROUP BY view_id"
        )
    }


def mark_seen(
    store: Store, alert_ids: Sequence[int] | None = None, *, view_id: int | None = None
) -> int:
    """Mark alerts seen: these ids, or every alert of a view, or (neither) all of them."""
    with store.write():
        if alert_ids is not None:
            cur = store.conn.execute(
                "UPDATE alerts SET seen = 1 WHERE seen = 0 AND id IN "
                "(SELECT value FROM json_each(?))",
                (_json_ids(alert_ids),),
            )
        elif view_id is not None:
            cur = store.conn.execute(
                "UPDATE alerts SET seen = 1 WHERE seen = 0 AND view_id = ?", (view_id,)
            )
        else:
            cur = store.conn.execute("UPDATE alerts SET seen = 1 WHERE seen = 0")
        return cur.rowcount


def _kept(store: Store, alert_ids: list[int]) -> set[int]:
    """The alerts among these that exist (after a rollback to a savepoint)."""
    rows = store.conn.execute(
        "SELECT id FROM alerts WHERE id IN (SELECT value FROM json_each(?))",
        (_json_ids(alert_ids),),
    )
    return {int(r[0]) for r in rows}


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _alerts_where(
    store: Store, where: str, params: list[Any], *, limit: int = ALERTS_SHOWN
) -> list[Alert]:
    rows = store.conn.execute(
        "SELECT a.id, a.view_id, v.name, v.query, a.item_id, a.story, a.at, a.seen, "
        "i.title, i.url, s.title, i.published, COALESCE(st.sources, 1) "
        "FROM alerts a JOIN views v ON v.id = a.view_id JOIN items i ON i.id = a.item_id "
        "JOIN sources s ON s.id = i.source_id LEFT JOIN stories st ON st.id = a.story "
        f"WHERE {where} ORDER BY a.id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [
        Alert(
            id=int(r[0]),
            view_id=int(r[1]),
            view=str(r[2]),
            query=str(r[3]),
            item_id=int(r[4]),
            story=int(r[5]),
            at=str(r[6]),
            seen=bool(r[7]),
            title=str(r[8]),
            url=r[9],
            source=str(r[10]),
            published=r[11],
            sources=int(r[12]),
        )
        for r in rows
    ]
