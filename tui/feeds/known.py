"""What the store already holds of a source, handed to its parse job (issue #12).

A refresh answered 200 re-parses the whole document, yet most entries are usually
stored unchanged, and the store then discards their classification. So before a parse
the poller reads, in one indexed query on the store thread, the `(guid, key)` of the
source's newest stored items; the worker skips the lexicon for an entry whose guid
and key match (it still sanitises it: the content hash is taken over sanitised text).

Decisions:
- the key is a 16-byte digest of exactly what the store compares to call an item
  unchanged (`Store.save_items`: content hash and title), so "skipped here" and
  "unchanged there" agree; titles and texts never cross into the worker.
- only the newest `KNOWN_PER_MAX_ITEMS x max_items` items by `sort_at` (the
  `(source_id, sort_at)` index, no sort): the entries of a document are nearly always
  among them, and a source's whole back catalogue would cost pickling for nothing.
  An entry left out is classified, as before: the map only saves work.
- the store has the last word: an entry skipped here that the store finds new or
  changed after all (another process wrote or pruned the source meanwhile) is
  classified on the store thread by `classify_late`, never stored unthemed.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from tui.model import Classification, NewItem

if TYPE_CHECKING:
    from tui.store import Store

#: guid → `entry_key` of a stored item.
KnownEntries = dict[str, bytes]

KNOWN_PER_MAX_ITEMS = 2


def entry_key(content_hash: str | None, title: str) -> bytes:
    """The digest an entry and its stored copy share when the store would leave it alone."""
    return hashlib.blake2b(f"{content_hash}\n{title}".encode(), digest_size=16).digest()


def known_entries(store: Store, source_id: int, max_items: int) -> KnownEntries:
    """The keys of the source's newest stored items (one indexed query)."""
    limit = max(1, KNOWN_PER_MAX_ITEMS * max_items)
    return {
        guid: entry_key(digest, title)
        for guid, digest, title in store.newest_item_versions(source_id, limit)
        if digest is not None
    }


def is_known(known: KnownEntries | None, item: NewItem) -> bool:
    """True when `item` is stored with the same content hash and title."""
    if not known:
        return False
    stored = known.get(item.guid)
    return stored is not None and stored == entry_key(item.content_hash, item.title)


def classify_late(item: NewItem) -> Classification:
    """Classify an entry the worker skipped but the store must write (a rare race)."""
    from tui.themes import load_lexicon

    return load_lexicon().classify(item.title, item.text)


__all__ = [
    "KNOWN_PER_MAX_ITEMS",
    "KnownEntries",
    "classify_late",
    "entry_key",
    "is_known",
    "known_entries",
]
