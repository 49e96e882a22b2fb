"""Flatten hostile nesting out of sanitised HTML before any recursive converter sees it.

markdownify (and most HTML walkers) recurse once per element level, so 400 nested `<b>`
exhaust Python's stack. `flatten_deep` walks the markup iteratively and drops the tags
(never the text) of every element deeper than `MAX_DEPTH`: the words stay readable, the
structure past any sane document's depth goes. It expects `sanitize_html`'s output
(html5ever-serialised: every element closed, attributes double-quoted) but tolerates
stray closing tags.
"""

from __future__ import annotations

import re

#: Deeper than any real article (a table in a list in a quote is ~10) and far below the
#: ~300 levels at which markdownify exhausts the default recursion limit.
MAX_DEPTH = 48
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s(?:"[^"]*"|\'[^\']*\'|[^"\'>])*)?)(/?)>')


def max_depth(html: str) -> int:
    """The deepest element nesting in `html` (iterative; for tests and diagnostics)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if name in VOID_TAGS or match.group(4):
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def flatten_deep(html: str, limit: int = MAX_DEPTH) -> str:
    """`html` with the tags of elements nested deeper than `limit` removed (text kept)."""
    if html.count("<") <= limit:  # cannot be nested past the limit: the common case
        return html
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, kept)
    kept_depth = 0
    position = 0
    for match in _TAG.finditer(html):
        out.append(html[position : match.start()])
        position = match.end()
        closing, name = match.group(1), match.group(2).lower()
        if name in VOID_TAGS or match.group(4):
            if kept_depth < limit:
                out.append(match.group(0))
            continue
        if not closing:
            keep = kept_depth < limit
            stack.append((name, keep))
            if keep:
                kept_depth += 1
                out.append(match.group(0))
            continue
        if not any(open_name == name for open_name, _ in stack):
            continue  # a stray closing tag: dropped
        while stack:
            open_name, keep = stack.pop()
            if keep:
                kept_depth -= 1
                out.append(f"</{open_name}>")
            if open_name == name:
                break
    out.append(html[position:])
    return "".join(out)
