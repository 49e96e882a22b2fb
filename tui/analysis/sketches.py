"""Story sketches: which articles tell the same news, by text similarity (no I/O).

Outlets rewrite a story in their own sentences but keep its names, numbers and the
words of its headline. So an article's *features* are the words of its title plus the
capitalised words and numbers of its lede (the first `LEDE_CHARS` characters), case
folded, at most `MAX_FEATURES` of them. On hand-written rewrites (tests/support/newsdata.py)
this separates the same story (Jaccard ≥ 0.34) from another story on the same theme
(≤ 0.15) far better than all words (0.21 vs 0.12) or word shingles, which rewriting
destroys.

Candidates are found by MinHash LSH: a one-permutation MinHash (`SKETCH_SIZE` bins,
empty bins densified from a fixed probe sequence, Shrivastava & Li 2014) cut into bands
of `BAND_ROWS` values; two articles sharing any band are compared exactly (Jaccard of
their stored feature hashes, `SAME_STORY`). With 24 bands of 2 a pair at Jaccard 0.3 is
a candidate 9 times in 10, at 0.45 always; at 0.05 (unrelated) 6 times in 100. One hash
per feature keeps this cheap in pure Python (~15 µs an article, no numpy import).
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import random
import re
from array import array
from collections.abc import Iterable, Sequence

LEDE_CHARS = 800
MAX_FEATURES = 40
MIN_FEATURES = 5  # fewer says too little to match on (a bare "Weekly update")
SKETCH_SIZE = 48
BAND_ROWS = 2
BANDS = SKETCH_SIZE // BAND_ROWS
SAME_STORY = 0.25  # Jaccard of features at or above which two articles are one story
WINDOW_DAYS = 3  # rewrites of one story appear within days of each other
_VALUE_BITS = 16
_VALUE_MASK = (1 << _VALUE_BITS) - 1

_WORD = re.compile(r"[^\W_]+(?:[.,]\d+)*")
# A word starting with a capital or digit (any script without case counts too).
_SALIENT = re.compile(r"\b[^\W_a-z][^\W_]*(?:[.,]\d+)*")
_STOP_WORDS = """
    a an and are as at be been but by can could did do does for from had has have he her
    his how i if in into is it its may more most new no not of on or our over says said she
    so than that the their then there these they this those to under up was we were what
    when where which who why will with would you your after before about also all any
    just now one two"""
_STOP_CAPITALISED = """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december read more photo image getty
    reuters ap afp bloomberg"""

_IGNORED = frozenset(_STOP_WORDS.split()) | frozenset(_STOP_CAPITALISED.split())


def features(title: str, text: str) -> list[str]:
    """The distinctive words of an article: its title's words, then the capitalised
    words and numbers of its lede, case folded, stop words dropped, first seen first."""
    words = _WORD.findall(title) + _SALIENT.findall(text, 0, LEDE_CHARS)
    folded = dict.fromkeys(" ".join(words).casefold().split())
    out = [w for w in folded if len(w) > 1 and w not in _IGNORED]
    return out[:MAX_FEATURES]


_HASHES: dict[str, tuple[int, int, int]] = {}
_HASH_CACHE_MAX = 200_000


def _hashed(feature: str) -> tuple[int, int, int]:
    """A feature's stable 32-bit hash, sketch bin and bin value (cached: news words repeat)."""
    found = _HASHES.get(feature)
    if found is None:
        if len(_HASHES) >= _HASH_CACHE_MAX:
            _HASHES.clear()
        digest = hashlib.blake2b(feature.encode("utf-8", "surrogatepass"), digest_size=8)
        value = int.from_bytes(digest.digest(), "little")
        found = (value & 0xFFFFFFFF, (value >> 32) % SKETCH_SIZE, (value >> 48) & _VALUE_MASK)
        _HASHES[feature] = found
    return found


def feature_hash(feature: str) -> int:
    """A stable 32-bit hash of a feature (blake2b)."""
    return _hashed(feature)[0]


_EMPTY = 1 << _VALUE_BITS  # above every 16-bit value


@functools.cache
def _probes() -> tuple[tuple[int, ...], ...]:
    """Each bin's fixed probe sequence (seeded: stored band keys must mean the same
    forever). Built on first use, not at import: 9,216 draws cost every process that
    imports the store ~4 ms, and only a story pass sketches anything."""
    rng = random.Random(20250415)
    return tuple(
        tuple(rng.randrange(SKETCH_SIZE) for _ in range(4 * SKETCH_SIZE))
        for _ in range(SKETCH_SIZE)
    )


def sketch(features: Iterable[str]) -> list[int]:
    """A one-permutation MinHash of features: `SKETCH_SIZE` 16-bit values.

    Each feature falls in one bin and the bin keeps its smallest value; an empty bin
    takes the value of the first non-empty bin on its own fixed probe sequence, so two
    sets agree on a bin with probability about their Jaccard similarity.
    """
    mins = [_EMPTY] * SKETCH_SIZE
    for feature in features:
        _, slot, value = _hashed(feature)
        if value < mins[slot]:
            mins[slot] = value
    probes = _probes()
    for slot in range(SKETCH_SIZE):
        if mins[slot] == _EMPTY:
            for probe in probes[slot]:
                if mins[probe] < _EMPTY:
                    mins[slot] = mins[probe]
                    break
    return mins


def band_keys(signature: Sequence[int]) -> list[int]:
    """One integer per band of two values: the band's number and its values, packed."""
    pairs = zip(signature[0::BAND_ROWS], signature[1::BAND_ROWS], strict=True)
    return [(band << 32) | (a << 16) | b for band, (a, b) in enumerate(pairs)]


def pack(hashes: Iterable[int]) -> bytes:
    """32-bit feature hashes as a compact blob (sorted)."""
    return array("I", sorted(set(hashes))).tobytes()


def unpack(blob: bytes) -> frozenset[int]:
    """The feature hashes of `pack`."""
    values = array("I")
    values.frombytes(blob)
    return frozenset(values)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def article_sketch(title: str, text: str) -> tuple[bytes, list[int]] | None:
    """An article's packed features and band keys, or None when it has too few features."""
    found = features(title, text)
    if len(found) < MIN_FEATURES:
        return None
    return pack(map(feature_hash, found)), band_keys(sketch(found))


def pack_bands(bands: Sequence[int]) -> bytes:
    """Band keys as a blob (signed 64-bit integers)."""
    return array("q", bands).tobytes()


def unpack_bands(blob: bytes) -> array[int]:
    """The band keys of `pack_bands`."""
    values = array("q")
    values.frombytes(blob)
    return values


MAX_CANDIDATES = 24  # articles compared exactly with a new one, at most
MAX_INDEX_ITEMS = 10_000  # items a band index keeps past the days a window needs
KEEP_DAYS = 2 * WINDOW_DAYS + 1  # a window's days: never evicted for the item budget
HOT_BUCKET = 48  # a band shared by this many items is two common words: it stops counting


class DayBandIndex:
    """Band key → items, kept per day of `sort_at`, so days load and leave one at a time.

    A loaded day holds every stored sketch dated that day (the clusterer loads it whole
    from SQLite and adds what it assigns), so what a query finds never depends on which
    other days are cached: a day evicted (least recently used first, past `max_days`,
    or past `max_items` items while more than `KEEP_DAYS` days are loaded) is simply
    loaded again when needed. A band is *hot* when the window's days hold
    `HOT_BUCKET` or more items under it: it then yields no candidates (two common words).
    Candidates are ranked by shared bands, then by (sort_at, source, id), never by
    arrival order alone.

    Memory: a band held by one item maps to that item's id, not to a list of one (most
    bands are: 3.7 KB an item with lists, 2.2 KB without). The item budget keeps a cold
    pass over a dense store (500 farm feeds: 30,710 items in 64 days) to the days its
    window needs; the 64 days stay for a sparse one, where reloading would cost.
    """

    def __init__(self, max_days: int = 64, max_items: int = MAX_INDEX_ITEMS) -> None:
        self.max_days = max_days
        self.max_items = max_items
        # insertion order = recency; a band's items: one id, or a list of two or more
        self.days: dict[str, dict[int, int | list[int]]] = {}
        # item → (packed features, story, source, sort_at)
        self.items: dict[int, tuple[bytes, int, int, str]] = {}
        self.rank: dict[int, tuple[str, int, int]] = {}  # (sort_at, source, id)
        self._day_items: dict[str, list[int]] = {}
        self.last_id = 0  # the highest stored sketch id looked at
        self.evicted = 0

    def has(self, day: str) -> bool:
        """True when the day is loaded (and marks it recently used)."""
        found = self.days.pop(day, None)
        if found is None:
            return False
        self.days[day] = found
        return True

    def open_day(self, day: str) -> None:
        """Start a day as loaded (empty); evicts the least recently used days past the cap."""
        self.days[day] = {}
        self._day_items[day] = []
        while len(self.days) > self.max_days or (
            len(self.items) > self.max_items and len(self.days) > KEEP_DAYS
        ):
            self._evict(next(iter(self.days)))

    def _evict(self, day: str) -> None:
        self.days.pop(day, None)
        for item_id in self._day_items.pop(day, []):
            self.items.pop(item_id, None)
            self.rank.pop(item_id, None)
        self.evicted += 1

    def add(self, item_id: int, bands: Iterable[int], info: tuple[bytes, int, int, str]) -> None:
        """Index an item of a loaded day (its day is `info`'s sort_at); twice is harmless."""
        day = info[3][:10]
        buckets = self.days.get(day)
        if buckets is None or item_id in self.items:
            return
        self.items[item_id] = info
        self.rank[item_id] = (info[3], info[2], item_id)
        self._day_items[day].append(item_id)
        for band in bands:
            found = buckets.get(band)
            if found is None:
                buckets[band] = item_id
            elif isinstance(found, int):
                buckets[band] = [found, item_id]
            else:
                found.append(item_id)

    def candidates(
        self, bands: Iterable[int], days: Sequence[str], limit: int = MAX_CANDIDATES
    ) -> list[int]:
        """Items of these (loaded) days sharing band keys with these: those sharing the
        most, the latest by (sort_at, source, id) among equals, at most `limit` (as a
        set: the caller breaks ties itself); hot bands are skipped."""
        hits: dict[int, int] = {}
        loaded = [self.days[d] for d in days if d in self.days]
        for band in bands:
            lists = [found for buckets in loaded if (found := buckets.get(band)) is not None]
            if not lists:
                continue
            size = 0
            for found in lists:
                size += 1 if isinstance(found, int) else len(found)
            if size >= HOT_BUCKET:
                continue
            for found in lists:
                if isinstance(found, int):
                    hits[found] = hits.get(found, 0) + 1
                    continue
                for item_id in found:
                    hits[item_id] = hits.get(item_id, 0) + 1
        if len(hits) <= limit:
            return list(hits)
        by_count: dict[int, list[int]] = {}
        for item_id, count in hits.items():
            by_count.setdefault(count, []).append(item_id)
        chosen: list[int] = []
        for count in sorted(by_count, reverse=True):
            group = by_count[count]
            room = limit - len(chosen)
            if len(group) <= room:
                chosen += group
            else:  # the boundary: the latest among equals, in a stable order
                chosen += heapq.nlargest(room, group, key=self.rank.__getitem__)
                break
        return chosen

    def __len__(self) -> int:
        return len(self.items)
