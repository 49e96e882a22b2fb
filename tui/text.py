"""Text safety: make stranger-written text inert for a terminal (tui.plain_text, all of
it re-exported here), and the HTML side of feed text: `sanitize_html` (nh3 allowlist),
`html_to_text` (block-aware plain text), `text_to_html` and `json_text`.
No feedparser here: this module is shared by every layer.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import threading
from typing import Any

import nh3

from tui.plain_text import (
    MAX_URL_CHARS,
    REPLACEMENT,
    SAFE_SCHEMES,
    clip,
    content_hash,
    needs_cleaning,
    one_line,
    replace_surrogates,
    replace_surrogates_deep,
    safe_url,
    strip_escapes,
    terminal_safe,
)

# --------------------------------------------------------------------------- HTML

MAX_HTML_CHARS = 1_000_000
#: Harmless structure and inline markup; everything else is unwrapped (text kept).
SAFE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
SAFE_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "title"},  # explicit: ammonia's generic default, allowed on every tag
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Tags removed together with their content (code, or fallback never shown by browsers).
DROP_CONTENT_TAGS = frozenset(
    {"script", "style", "applet", "iframe", "noembed", "noframes", "textarea", "template"}
)
# XHTML-isms that an HTML5 parser (html5ever, in nh3) reads differently from their
# author's intent: `<iframe/>` is not self-closing in HTML, so the rest of the document
# would become its (dropped) content; `<br></br>` would be two line breaks.
_RAW_TEXT_NAMES = (
    "script", "style", "applet", "iframe", "noembed", "noframes", "textarea", "template",
    "title", "xmp", "noscript",
)  # fmt: skip
_SELF_CLOSED = re.compile(
    r"<(" + "|".join(_RAW_TEXT_NAMES) + r")\b([^<>]*?)/\s*>",
    re.IGNORECASE,
)
# An opening raw-text tag, in lowercase markup (one regex: 11 `in` tests cost 22 µs)
_RAW_TEXT_OPENER = re.compile("<(?:" + "|".join(_RAW_TEXT_NAMES) + ")")
_BR_PAIR = re.compile(r"(<br\b[^<>]*>)\s*</br\s*>", re.IGNORECASE)
_POST_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _xhtml_fixups(html: str) -> str:
    """Close self-closed raw-text elements and merge `<br></br>` pairs (see above).

    ASCII markup is first searched for what the patterns need (an opening raw-text tag,
    a `</br`) in its lowercase copy: on farm bodies, which have neither, the two
    case-insensitive substitutions cost 14 µs, the searches 7. Only ASCII: there re's
    IGNORECASE and str.lower agree (elsewhere re also folds "ſ" to "s", "ı" to "i").
    """
    if "/" not in html:
        return html
    if not html.isascii():
        html = _SELF_CLOSED.sub(r"<\1\2></\1>", html)
        return _BR_PAIR.sub(r"\1", html)
    lower = html.lower()  # the first substitution adds no "</br": this copy tells
    if _RAW_TEXT_OPENER.search(lower):
        html = _SELF_CLOSED.sub(r"<\1\2></\1>", html)
    if "</br" in lower:
        html = _BR_PAIR.sub(r"\1", html)
    return html


class _Cleaners(threading.local):
    """nh3 Cleaners built once per thread: `nh3.clean` builds ammonia's allowlist anew on
    every call, which was a third of its cost (0.074 → 0.050 ms an item on farm feeds).

    The relative-URL hook cannot take an argument, so it reads `base`, set before each
    clean in the same thread (the hook runs in the thread that calls `clean`).
    """

    def __init__(self) -> None:
        self.base: str | None = None
        self.feed = nh3.Cleaner(
            tags=set(SAFE_TAGS),
            clean_content_tags=set(DROP_CONTENT_TAGS),
            attributes=SAFE_ATTRIBUTES,
            url_schemes=set(LINK_SCHEMES),
            url_relative=self._resolve,
            link_rel=None,
            strip_comments=True,
        )
        self.skeleton = nh3.Cleaner(
            tags=set(_BLOCK_TAGS | _CELL_TAGS | {"br"}),
            clean_content_tags=set(DROP_CONTENT_TAGS),
            attributes={"*": set()},  # not {}: that keeps ammonia's generic lang/title
            strip_comments=True,
        )

    def _resolve(self, url: str) -> str | None:
        """nh3's hook for relative URLs: resolve against `base`, keep only http(s)."""
        base = self.base
        return safe_url(url, base) if base else None


_cleaners: _Cleaners | None = None


def _cleaner() -> _Cleaners:
    """This process's cleaners (made on first use: a process that never sanitises, and
    the fork server before it forks, need not build them)."""
    global _cleaners
    if _cleaners is None:
        _cleaners = _Cleaners()
    return _cleaners


def sanitize_html(html: str | None, base_url: str | None = None) -> str:
    """Hostile HTML → a harmless fragment (nh3/ammonia allowlist).

    Only SAFE_TAGS and SAFE_ATTRIBUTES survive; links keep http/https/mailto only, with
    relative ones resolved against `base_url` (dropped when there is none); scripts,
    styles, iframes, event handlers and comments go. Terminal escapes and control
    characters are removed before and after (entities such as ``&#27;`` decode to
    controls). The result is capped at about MAX_HTML_CHARS.
    """
    if not html:
        return ""
    html = _xhtml_fixups(terminal_safe(html[:MAX_HTML_CHARS]))
    cleaners = _cleaner()
    cleaners.base = base_url
    try:
        clean = cleaners.feed.clean(html)
    finally:
        cleaners.base = None
    if len(clean) > MAX_HTML_CHARS:  # escaping can grow it; re-clean closes any cut tag
        clean = nh3.clean(clean[:MAX_HTML_CHARS], tags=set(SAFE_TAGS), attributes=SAFE_ATTRIBUTES)
    if needs_cleaning(clean):  # the same characters as _POST_CONTROLS
        clean = _POST_CONTROLS.sub("", clean)
    return clean.strip()


def text_to_html(text: str | None) -> str:
    """Plain text as HTML: escaped, blank-line paragraphs as <p>, line breaks as <br>."""
    if not text:
        return ""
    text = terminal_safe(text[:MAX_HTML_CHARS])
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html_lib.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


# Tags that break text into blocks (paragraphs) when converting to plain text.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
# After the structural nh3 pass tags carry no attributes: <p>, </p>, <br>.
_TAG_SPLIT = re.compile(r"<(/?)([a-z][a-z0-9]*)>")
# html5ever serialises attribute values in double quotes, escaping `"` but not `>`.
_TAG_WITH_ATTRIBUTES = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s(?:"[^"]*"|[^">])*)?>')
_SPACES = re.compile(r"\s+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str | None, *, sanitized: bool = False) -> str:
    """Plain text of an HTML fragment: blocks separated by blank lines, <br> as a line
    break, entities decoded, whitespace collapsed (kept inside <pre>), no markup left,
    terminal-safe. Script, style and iframe contents are dropped.

    `sanitized=True` says `html` is sanitize_html's output (well-formed, serialised by
    html5ever): the normalising nh3 pass is then skipped, which halves the cost.
    """
    if not html:
        return ""
    if sanitized:
        return _text_of(html, _TAG_WITH_ATTRIBUTES)
    skeleton = _cleaner().skeleton.clean(_xhtml_fixups(html[:MAX_HTML_CHARS]))
    return _text_of(skeleton, _TAG_SPLIT)


# The fast path's stand-ins for tags: a line break, a block boundary. Neither can be in
# the text: it is checked for them, and html.unescape yields neither (&#0; → U+FFFD,
# &#1; → nothing, and no named entity is a control character).
_LINE, _BLOCK = "\x00", "\x01"
_MARKS = {"br": _LINE, "td": " ", "th": " "} | dict.fromkeys(_BLOCK_TAGS, _BLOCK)


def _text_of(markup: str, tag_pattern: re.Pattern[str]) -> str:
    """The block-aware text of well-formed, serialised markup (see html_to_text).

    Without <pre> the per-tag walk (`_walk_text`, the reference) is done with C-level
    string operations: every tag becomes its mark (a line break, a space, a block
    boundary or nothing) in one joined string, which is cut into blocks and lines. Each
    segment is still unescaped on its own (an entity never spans a tag), and whitespace
    is collapsed per line, as the walk does. tests/test_text_fast.py holds the two equal.
    """
    parts = tag_pattern.split(markup)
    tags = parts[2::3]
    if "pre" in tags or _LINE in markup or _BLOCK in markup:
        return _walk_text(parts)
    texts = parts[0::3]
    if "&" in markup:
        texts = [html_lib.unescape(segment) for segment in texts]
    pieces = [""] * (len(texts) + len(tags))
    pieces[0::2] = texts
    pieces[1::2] = [_MARKS.get(tag, "") for tag in tags]
    blocks = []
    for block in "".join(pieces).split(_BLOCK):
        if block:
            lines = "\n".join([_one_spaced(line) for line in block.split(_LINE)])
            if lines := lines.strip("\n"):
                blocks.append(lines)
    return terminal_safe(_no_blank_runs("\n\n".join(blocks))).strip()


def _one_spaced(line: str) -> str:
    """`" ".join(line.split())`, without splitting a line that is so already.

    A printable string holds no whitespace but U+0020 (every other str.isspace character
    is a control or a separator: checked over all of Unicode in tests/test_text_fast.py),
    so with no double, leading or trailing space it is its own result. Two thirds of the
    farm bodies' lines are: html_to_text 10 µs an item faster (of 69).
    """
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":
        return line
    return " ".join(line.split())


def _walk_text(parts: list[str]) -> str:
    """_text_of tag by tag, over `tag_pattern.split(markup)`: any markup, <pre> too."""
    blocks: list[str] = []
    current: list[str] = []
    in_pre = 0
    for i in range(0, len(parts), 3):
        segment = parts[i]
        if segment:
            segment = html_lib.unescape(segment)
            current.append(segment if in_pre else _SPACES.sub(" ", segment))
        if i + 2 >= len(parts):
            break
        closing, tag = parts[i + 1], parts[i + 2]
        if tag == "br":
            current.append("\n")
        elif tag in _CELL_TAGS:
            current.append(" ")
        elif tag in _BLOCK_TAGS:
            _flush_block(current, blocks, preformatted=in_pre > 0)
            if tag == "pre":
                in_pre = max(0, in_pre + (-1 if closing else 1))
    _flush_block(current, blocks, preformatted=in_pre > 0)
    return terminal_safe(_no_blank_runs("\n\n".join(blocks))).strip()


def _no_blank_runs(text: str) -> str:
    """Runs of blank lines as one. The `in` test first: the regex scan of a text without
    any run cost 44 µs an item on farm bodies, the test 3."""
    return _BLANK_RUNS.sub("\n\n", text) if "\n\n\n" in text else text


def _flush_block(current: list[str], blocks: list[str], *, preformatted: bool) -> None:
    """Close the block being collected: tidy its lines and append it when not blank."""
    if not current:
        return
    raw = "".join(current).replace("\xa0", " ")
    current.clear()
    if preformatted:
        lines = [line.rstrip() for line in raw.split("\n")]
    else:
        lines = [" ".join(line.split()) for line in raw.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if lines:
        blocks.append("\n".join(lines))


# --------------------------------------------------------------------------- JSON

# json.dumps escapes C0 controls but writes DEL, C1 controls (8-bit CSI, OSC, ST …),
# bidi overrides and line separators raw: in a terminal those act, and U+2028/U+2029
# break JavaScript readers. As \uXXXX escapes they are the same JSON data, inert.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """`document` as JSON text: UTF-8 (not ASCII-escaped) but with every character that
    could act on a terminal escaped (C0 by json itself; DEL, C1 and bidi controls here)."""
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# the plain-text layer is re-exported: callers of the text layer may import it from here
__all__ = [
    "DROP_CONTENT_TAGS",
    "LINK_SCHEMES",
    "MAX_HTML_CHARS",
    "MAX_URL_CHARS",
    "REPLACEMENT",
    "SAFE_SCHEMES",
    "SAFE_TAGS",
    "clip",
    "content_hash",
    "html_to_text",
    "json_text",
    "needs_cleaning",
    "one_line",
    "replace_surrogates",
    "replace_surrogates_deep",
    "safe_url",
    "sanitize_html",
    "strip_escapes",
    "terminal_safe",
    "text_to_html",
]
