"""Tokenising for the lexicon: text → ASCII word tokens with C-level operations, and
the normalised and case-sensitive forms of lexicon keys (see tui.themes.lexicon).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

try:  # the C helper behind collections.Counter; a plain dict is cheaper than a Counter
    from _collections import _count_elements  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other Python implementations

    def _count_elements(mapping: dict[Any, int], iterable: Iterable[Any]) -> None:
        for item in iterable:
            mapping[item] = mapping.get(item, 0) + 1


# --- tokenising ------------------------------------------------------------------------
_CJK_CHARS = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"


@cache
def _cjk_pattern() -> re.Pattern[str]:
    """Compiled on first use: building this character set's map costs ~6 ms (it spans
    ~40,000 code points), which every start-up paid before any text was classified."""
    return re.compile(_CJK_CHARS)


def has_cjk(text: str) -> bool:
    """Whether `text` has a character of a CJK script (kana, Han, Hangul)."""
    return _cjk_pattern().search(text) is not None


_WORD_BYTES = rb"0-9A-Za-z"
_IS_WORD = bytes(1 if chr(c).isascii() and chr(c).isalnum() else 0 for c in range(256))


def _translate_table(lower: bool) -> bytes:
    """ASCII punctuation and controls → space (apostrophe kept), optionally A-Z → a-z."""
    table = bytearray(range(256))
    for c in range(128):
        ch = chr(c)
        if ch == "'":
            continue
        if not ch.isalnum():
            table[c] = 0x20
        elif lower and ch.isupper():
            table[c] = ord(ch.lower())
    return bytes(table)


_LOWER = _translate_table(lower=True)
_KEEP = _translate_table(lower=False)
_CASED = _KEEP.replace(b"'", b" ")


# very common words inside phrases: not worth counting, so never used for pre-checks
_STOP_WORDS = frozenset(
    b"a an and are as at be by for from her his in is it of on or over that the to up with".split()
)
_DOTTED = ((b"A.I.", b"AI"), (b"U.S.", b"US"), (b"U.K.", b"UK"), (b"E.U.", b"EU"), (b"U.N.", b"UN"))


# accents and ligatures are folded to ASCII letters ("sécurité" → "securite", "Straße" →
# "Strasse"), so accented and unaccented spellings, and NFC and NFD text, match alike
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_LETTERS = str.maketrans(
    {
        "’": "'",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
    }
)


def _fold(text: str) -> str:
    """Non-ASCII text with diacritics removed and a few Latin letters spelled in ASCII."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_LETTERS)))


def _prepare(text: str) -> bytes:
    """ASCII bytes of the text, case kept; accents folded ("é" → "e"), other non-ASCII
    characters become "?" (word separators), "U.S." becomes "US".

    HTML character references left in feed text ("&nbsp;", "&rsquo;") are decoded first.
    """
    if "&" in text and ";" in text:
        text = html.unescape(text)
    raw = text.encode("ascii") if text.isascii() else _fold(text).encode("ascii", "replace")
    for dotted, plain in _DOTTED:
        if dotted in raw:
            raw = raw.replace(dotted, plain)
    return raw


def _count(items: Iterable[Any]) -> dict[Any, int]:
    """A plain dict of occurrence counts (Counter without its per-call overhead)."""
    counts: dict[Any, int] = {}
    _count_elements(counts, items)
    return counts


def _split(raw: bytes, lower: bool = True) -> list[bytes]:
    """Word tokens of prepared bytes: possessive 's dropped, other apostrophes split."""
    flat = (raw + b" ").translate(_LOWER if lower else _KEEP)
    flat = flat.replace(b"'s ", b" ")
    if not lower:
        flat = flat.replace(b"'S ", b" ")
    return flat.replace(b"'", b" ").split()


def tokenize(text: str) -> list[str]:
    """The lowercase tokens the classifier sees (for tests and debugging)."""
    return [t.decode("utf-8", "replace") for t in _split(_prepare(text))]


def _sub_spans(toks: tuple[bytes, ...]) -> Iterable[bytes]:
    """Padded forms of every shorter contiguous run of tokens."""
    n = len(toks)
    for size in range(1, n):
        for start in range(n - size + 1):
            yield b" " + b" ".join(toks[start : start + size]) + b" "


def _norm_key(text: str) -> bytes:
    return b" ".join(_split(_prepare(text)))


def _case_pattern(text: str) -> re.Pattern[bytes]:
    """A bytes regex matching `text` token by token, with its exact case.

    It starts with a literal (fast prefix search); the left word boundary is checked
    by `_case_count`, because a leading look-behind would make `re` try every position.
    """
    toks = _split(_prepare(text), lower=False)
    if not toks:
        raise _SchemaError(f"{text!r}: has no words to match")
    sep = rb"[^" + _WORD_BYTES + rb"]+"
    body = sep.join(re.escape(t) for t in toks)
    return re.compile(body + rb"(?![" + _WORD_BYTES + rb"])")


def _case_count(pattern: re.Pattern[bytes], raw: bytes) -> int:
    """Matches of a case pattern that start at a word boundary."""
    n = 0
    for m in pattern.finditer(raw):
        i = m.start()
        if i == 0 or not _IS_WORD[raw[i - 1]]:
            n += 1
    return n


class _SchemaError(Exception):
    """A schema problem; load_lexicon adds the file name."""


# --- segmenting long bodies ------------------------------------------------------------


def _segments(text: str, size: int) -> list[str]:
    """Group whole lines into pieces of at most ~size chars; split longer lines at spaces."""
    out: list[str] = []
    cur: list[str] = []
    cur_len = 0
    for line in text.split("\n"):
        if cur and cur_len + len(line) > size:
            out.append("\n".join(cur))
            cur, cur_len = [], 0
        if len(line) <= size:
            cur.append(line)
            cur_len += len(line) + 1
            continue
        out.extend(_cut_line(line, size))
    if cur:
        out.append("\n".join(cur))
    return out


def _cut_line(line: str, size: int) -> list[str]:
    """Cut one long line into pieces of about size chars, at spaces where possible."""
    out: list[str] = []
    start, n = 0, len(line)
    while n - start > size:
        cut = line.rfind(" ", start + size // 2, start + size)
        if cut <= start:
            cut = start + size
        out.append(line[start:cut])
        start = cut
    out.append(line[start:])
    return out
