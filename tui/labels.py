"""What to call an item that has no title: the first words of its text, else its link.

Display only: the stored title stays empty (exports and `items --json` say what the
feed said). The label is marked by a trailing ellipsis when it is cut from the text.
"""

from __future__ import annotations

from tui.plain_text import one_line

LEAD_WORDS = 12
LEAD_CHARS = 160  # what the store reads of an untitled item's text for its label
UNTITLED = "(untitled)"


def item_label(title: str | None, text: str | None = None, url: str | None = None) -> str:
    """`title` when it has any visible character, else a fallback (see module doc)."""
    if title and title.strip():
        return title
    words = one_line(text or "", LEAD_CHARS * 2).split()
    if words:
        lead = " ".join(words[:LEAD_WORDS])
        return lead + ("…" if len(words) > LEAD_WORDS else "")
    link = one_line(url or "", 200)
    return link or UNTITLED
