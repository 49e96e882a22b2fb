"""The analyst's notes on items: one note per item, in its own table (`item_notes`).

Nothing that refreshes, re-themes or fetches articles writes this table, so a note
outlives all of them. An empty note deletes the row. Notes are the user's own text but
are shown in terminals and briefs like feed text: control characters are stripped on
the way in (newlines and tabs kept), and every renderer escapes them again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tui.plain_text import terminal_safe
from tui.store.base import utc_now

if TYPE_CHECKING:
    from tui.store import Store

MAX_NOTE_CHARS = 20_000
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_note(text: str) -> str:
    """A note as stored: controls removed, line ends normalised, trailing space trimmed."""
    text = terminal_safe(text.replace("\r\n", "\n").replace("\r", "\n"))  # escapes, bidi
    text = _CONTROLS.sub("", text)
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))[:MAX_NOTE_CHARS]


def set_note(store: Store, item_id: int, text: str) -> str:
    """Set (or, with empty text, remove) the note of an item; returns what was stored."""
    note = clean_note(text)
    with store.write():
        if note:
            store.conn.execute(
                "INSERT INTO item_notes(item_id, note, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(item_id) DO UPDATE SET note = excluded.note, "
                "updated_at = excluded.updated_at",
                (item_id, note, utc_now()),
            )
        else:
            store.conn.execute("DELETE FROM item_notes WHERE item_id = ?", (item_id,))
    return note


def get_note(store: Store, item_id: int) -> str:
    """The note of an item ("" when none)."""
    row = store.conn.execute("SELECT note FROM item_notes WHERE item_id = ?", (item_id,)).fetchone()
    return str(row[0]) if row else ""


def notes_for(store: Store, item_ids: list[int]) -> dict[int, str]:
    """Item id → note, for the items among these that have one."""
    if not item_ids:
        return {}
    return {
        int(r[0]): str(r[1])
        for r in store.conn.execute(
            "SELECT item_id, note FROM item_notes "
            "WHERE item_id IN (SELECT value FROM json_each(?))",
            ("[" + ",".join(str(int(i)) for i in item_ids) + "]",),
        )
    }


def all_notes(store: Store) -> list[dict[str, object]]:
    """Every note with its item, newest note first (for `aigeo notes`)."""
    rows = store.conn.execute(
        "SELECT n.item_id, i.title, i.url, s.title, i.published, n.note, n.updated_at "
        "FROM item_notes n JOIN items i ON i.id = n.item_id "
        "JOIN sources s ON s.id = i.source_id ORDER BY n.updated_at DESC, n.item_id DESC"
    ).fetchall()
    keys = ("item_id", "title", "url", "source", "published", "note", "updated_at")
    return [dict(zip(keys, tuple(row), strict=True)) for row in rows]
