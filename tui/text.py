"""Text safety: make stranger-written text inert for a terminal.

Removes ANSI/VT escape sequences (CSI, OSC, DCS, …), C0 and C1 control characters
(keeping newline and tab where asked), and neutralises bidirectional overrides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

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
    text = strip_escapes(text)
    text = _BIDI.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _CONTROLS_KEEP_NL.sub("", text)
    return " ".join(_CONTROLS_ALL.sub(" ", text).split())


def content_hash(title: str, text: str) -> str:
    """A stable digest of an article's title and text, blind to case and spacing.

    Lives here (a leaf module) so the parser, which runs in worker processes, can use
    the one definition without importing the store; `tui.ingest` re-exports it.
    """
    normal = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    folded = " ".join(normal.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]
