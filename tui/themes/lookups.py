"""Lookups on scanned documents, used by `Lexicon` while scoring.

Kept apart from lexicon.py so the scorer reads as the scoring steps; these are the
small pure functions it calls: merging segment scans, counting a key outside longer
keys, and finding context words in a whole item or in a token window.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.themes.compiled import _Context, _Doc, _Key

EMPTY = _Doc(b"", [], {}, {})


def merge(docs: list[_Doc]) -> _Doc:
    """One document made of several scanned segments."""
    if len(docs) == 1:
        return docs[0]
    toks = [t for d in docs for t in d.toks]
    found: dict[_Key, int] = {}
    counts: dict[bytes, int] = {}
    for d in docs:
        for key, n in d.found.items():
            found[key] = found.get(key, 0) + n
        for tok, n in d.counts.items():
            counts[tok] = counts.get(tok, 0) + n
    raw = b"\n".join(d.raw for d in docs)
    return _Doc(raw, toks, counts, found)


def context_words(keys: Iterable[_Key]) -> set[bytes]:
    """The one-word terms of every `near` and `unless` list in the lexicon."""
    words: set[bytes] = set()
    for key in keys:
        for targets in key.rules:
            for rules in targets.values():
                for rule in rules:
                    for ctx in (rule.near, rule.unless):
                        if ctx is not None:
                            words |= ctx.single
    return words


def minus(total: int, longer: tuple[_Key, ...], found: dict[_Key, int]) -> int:
    """Occurrences of a key that are not part of a longer key of the same namespace."""
    for key in longer:
        if key in found:
            total -= found[key]
    return total


def as_text(value: object) -> str:
    """Coerce whatever the caller passed (None, bytes, str) to a str."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def any_in(ctx: _Context, docs: Iterable[_Doc]) -> bool:
    """True if any word/phrase of `ctx` occurs anywhere in the item (title or body)."""
    single, multi = ctx.single, ctx.multi
    for doc in docs:
        # through the keys view: isdisjoint then walks the smaller side (from a frozenset
        # it walks every counted token of the document)
        if not doc.counts.keys().isdisjoint(single):
            return True
        if multi and any(map(doc.norm.__contains__, multi)):
            return True
    return False


def any_in_tokens(ctx: _Context, seg: list[bytes]) -> bool:
    """True if any word/phrase of `ctx` occurs in a token slice."""
    if not ctx.single.isdisjoint(seg):
        return True
    if ctx.multi:
        joined = b" " + b" ".join(seg) + b" "
        return any(p in joined for p in ctx.multi)
    return False


def positions(toks: list[bytes], key: tuple[bytes, ...]) -> list[int]:
    """Start indexes of the token sequence `key` in `toks`."""
    out: list[int] = []
    first, size, want = key[0], len(key), list(key)
    i = -1
    while True:
        try:
            i = toks.index(first, i + 1)
        except ValueError:
            return out
        if size == 1 or toks[i : i + size] == want:
            out.append(i)
