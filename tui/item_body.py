"""An item's body as Markdown for the reading pane (HTML converted by markdownify)."""

from __future__ import annotations

import re

from tui.model import ItemDetail
from tui.text import terminal_safe

_BLANK_RUNS = re.compile(r"\n{3,}")
MAX_MARKDOWN_CHARS = 400_000  # a reading pane never needs more; keeps rendering snappy


def html_to_markdown(html: str) -> str:
    """Sanitised HTML → Markdown (ATX headings, `*` bullets, emphasis escaped)."""
    from markdownify import markdownify  # imported on demand: only the reader needs it

    markdown = markdownify(html, heading_style="ATX", bullets="*", strip=["img"])
    return _BLANK_RUNS.sub("\n\n", markdown).strip()


def article_body(item: ItemDetail) -> tuple[str, bool]:
    """The best body an item has and whether it is Markdown (else plain text).

    Full content first, then the summary, then the plain text. Seed documents already
    hold Markdown; feed content and summaries are sanitised HTML (the parser ran them
    through nh3), so converting them cannot bring markup back in.
    """
    if item.source_kind == "seed" and item.content:
        return item.content[:MAX_MARKDOWN_CHARS], True
    html = item.content or item.summary
    if html:
        # Controls go before the conversion: markdownify's escaping (`_` → `\_`) would
        # otherwise split an escape sequence into harmless-looking pieces.
        return html_to_markdown(terminal_safe(html))[:MAX_MARKDOWN_CHARS], True
    return (item.text or "")[:MAX_MARKDOWN_CHARS], False
