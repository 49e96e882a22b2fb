"""Plain-text safety: stranger-written text made inert for a terminal, the length caps,
safe URLs and the content hash. No HTML here (tui.text adds the HTML side and re-exports
everything of this module).

Removes ANSI/VT escape sequences (CSI, OSC, DCS, …), C0 and C1 control characters
(keeping newline and tab where asked), and neutralises bidirectional overrides.

Its own module because the dashboard draws its first frame with `terminal_safe` and
nothing of the HTML side: tui.text's nh3, html.entities and ten more patterns cost
~4 ms of start-up. No feedparser here: this module is shared by every layer.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import Any
from urllib.parse import urljoin, urlsplit

# ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC (ESC ] … BEL or ST),
# and two-byte escapes (ESC + one char). Also the 8-bit C1 forms (CSI = 0x9b, OSC = 0x9d …).
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?            # CSI
    | \x9b[0-?]*[ -/]*[@-~]?              # 8-bit CSI
    | (?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])   # OSC, DCS, SOS, PM, APC (7- or 8-bit)
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?     # … up to BEL or ST
    | \x1b[ -/]*[0-~]?                    # other escapes (ESC c, ESC ( B, lone ESC)
    """,
    re.VERBOSE,
)
# Bidi embedding/override/isolate controls: they reorder what follows on screen.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROLS_KEEP_NL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Anything terminal_safe would change in multiline mode (every escape starts with ESC
# or a C1 control, both in here).
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Its ASCII members, as bytes: bytes.translate deletes them at C speed.
_UNSAFE_ASCII = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
# A lone UTF-16 surrogate (JSON's "\ud800", a bad character reference) cannot be
# encoded as UTF-8: SQLite, nh3 and the terminal all refuse it. It becomes U+FFFD.
_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def replace_surrogates(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (the Unicode replacement)."""
    return _SURROGATES.sub(REPLACEMENT, text)


def replace_surrogates_deep(document: Any) -> Any:
    """A decoded JSON document with lone surrogates replaced in every string and key.

    Iterative (a hostile document can nest deeply); containers are updated in place.
    """
    if isinstance(document, str):
        return replace_surrogates(document)
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    node[index] = replace_surrogates(value)
                elif isinstance(value, list | dict):
                    pending.append(value)
        elif isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(value, str):
                    value = replace_surrogates(value)
                elif isinstance(value, list | dict):
                    pending.append(value)
                if isinstance(key, str) and _SURROGATES.search(key):
                    del node[key]
                    key = replace_surrogates(key)
                node[key] = value
    return document


def needs_cleaning(text: str) -> bool:
    """True if `text` holds a character terminal_safe (multiline) would change.

    ASCII text (most feed text) is checked by deleting the unsafe bytes with
    bytes.translate and comparing lengths: 3 µs for 4 KB where the regex scan took 13-18
    (farm bodies). Other text goes through the regex.
    """
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _UNSAFE_ASCII)) != len(raw)
    return _NEEDS_CLEANING.search(text) is not None


def strip_escapes(text: str) -> str:
    """Remove terminal escape sequences (7-bit and 8-bit forms)."""
    return _ESCAPES.sub("", text)


def terminal_safe(text: str | None, *, multiline: bool = True) -> str:
    """Text that prints as itself: no escapes, no control characters, no bidi overrides.

    With `multiline` newlines and tabs are kept; otherwise every control (and so every
    line break) becomes a space, for one-line fields such as titles.
    """
    if not text:
        return ""
    if multiline and not needs_cleaning(text):  # "\r" is one of them
        return text  # the common case: one cheap scan instead of three substitutions
    if not multiline and text.isprintable():
        # printable: no control (ESC and C1 included), bidi control or surrogate, and no
        # whitespace but the space; only the spaces are left to tidy (titles, authors:
        # 1 µs where the four substitutions took 4-5)
        return " ".join(text.split())
    text = strip_escapes(text)
    text = _BIDI.sub("", _SURROGATES.sub(REPLACEMENT, text))
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _CONTROLS_KEEP_NL.sub("", text)
    return " ".join(_CONTROLS_ALL.sub(" ", text).split())


# --------------------------------------------------------------------------- hashing


def content_hash(title: str, text: str) -> str:
    """A stable digest of an article's title and text, blind to case and spacing.

    Lives here (a leaf module) so the parser, which runs in worker processes, can use
    the one definition without importing the store; `tui.ingest` re-exports it.
    """
    normal = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    folded = " ".join(normal.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


# --------------------------------------------------------------------------- length caps


def clip(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters, with an ellipsis when cut."""
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"


def one_line(text: str | None, max_chars: int = 1_000) -> str:
    """A terminal-safe single line (titles, authors), capped at `max_chars`."""
    if not text:
        return ""
    # Cap before the regex passes too, so a 50 MB "title" costs nothing.
    return clip(terminal_safe(text[: max_chars * 4], multiline=False), max_chars)


# --------------------------------------------------------------------------- URLs

SAFE_SCHEMES = frozenset({"http", "https"})
MAX_URL_CHARS = 4_096
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None.

    `url` is resolved against `base` when relative. Anything else (javascript:, data:,
    file:, no host, control characters or spaces inside, longer than 4 KiB) is None.
    """
    if not url or not isinstance(url, str):
        return None
    if base is None or type(base) is str:
        return _safe_url(url, base or None)
    return _safe_url.__wrapped__(url, base)


@functools.lru_cache(maxsize=256)
def _safe_url(url: str, base: str | None) -> str | None:
    """safe_url of a string, memoised: a feed resolves its entries' xml:base against
    the document URL once per entry, the same pair each time (on the 30 farm feeds
    the parse made 4,664 urljoin calls, a fifth of the reader's CPU). At most 256
    pairs of at most 4 KiB URLs per process."""
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS or _URL_JUNK.search(url):
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not host:
        return None
    return url
