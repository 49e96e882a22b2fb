"""Markdown for the reading pane whose links are clickable only for safe web targets.

Its own module because rich.markdown imports markdown-it and pygments (a tenth of a
second): the reader loads it with the first Markdown article, not at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from markdown_it.token import Token
from rich.markdown import Markdown

#: The longest link target the reader makes clickable (terminal hyperlinks, OSC 8).
MAX_HYPERLINK_CHARS = 2_048


def hyperlink_allowed(target: str) -> bool:
    """True for an http(s) URL with a host, no credentials and at most MAX_HYPERLINK_CHARS.

    A terminal hyperlink is one click away from the handler of its scheme, and
    `https://user:pass@host` or a 200,000-character URL is a trap, not a link.
    """
    if len(target) > MAX_HYPERLINK_CHARS or not target.lower().startswith(("http://", "https://")):
        return False
    try:
        parts = urlsplit(target)
        return bool(parts.hostname) and parts.username is None and parts.password is None
    except ValueError:
        return False


class WebMarkdown(Markdown):
    """Markdown whose links become terminal hyperlinks only where `hyperlink_allowed`.

    Feed text can spell a Markdown link to any scheme (``[x](ssh://…)``,
    ``<x-man-page://ls>``) even after HTML sanitising, and a terminal hyperlink to it is
    one click away from the handler of that scheme. Other links keep their text only.
    """

    def __init__(self, markup: str, **kwargs: Any) -> None:
        super().__init__(markup, **kwargs)
        _unlink_non_web(self.parsed)


def _unlink_non_web(tokens: Iterable[Token]) -> None:
    """Blank the href/src of every link and image token that `hyperlink_allowed` refuses."""
    pending = list(tokens)
    while pending:  # iterative: token trees can be deep
        token = pending.pop()
        for name in ("href", "src"):
            target = token.attrs.get(name) if token.attrs else None
            if target is not None and not hyperlink_allowed(str(target)):
                token.attrs[name] = ""
        if token.children:
            pending.extend(token.children)
