"""Markdown for the reading pane whose links are clickable only for web and mail targets.

Its own module because rich.markdown imports markdown-it and pygments (a tenth of a
second): the reader loads it with the first Markdown article, not at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markdown_it.token import Token
from rich.markdown import Markdown

#: Link targets the reader makes clickable (terminal hyperlinks, OSC 8).
WEB_LINK_PREFIXES = ("http://", "https://", "mailto:")


class WebMarkdown(Markdown):
    """Markdown whose links become terminal hyperlinks only for web and mail targets.

    Feed text can spell a Markdown link to any scheme (``[x](ssh://…)``,
    ``<x-man-page://ls>``) even after HTML sanitising, and a terminal hyperlink to it is
    one click away from the handler of that scheme. Other links keep their text only.
    """

    def __init__(self, markup: str, **kwargs: Any) -> None:
        super().__init__(markup, **kwargs)
        _unlink_non_web(self.parsed)


def _unlink_non_web(tokens: Iterable[Token]) -> None:
    """Blank the href/src of every link and image token that is not http(s) or mailto."""
    for token in tokens:
        for name in ("href", "src"):
            target = token.attrs.get(name) if token.attrs else None
            if target is not None and not str(target).lower().startswith(WEB_LINK_PREFIXES):
                token.attrs[name] = ""
        if token.children:
            _unlink_non_web(token.children)
