"""html_to_text's fast path (tui.text._text_of) gives exactly what the tag-by-tag walk
(`_walk_text`, the reference) gives, on hostile markup and on sanitised HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text import (
    _TAG_SPLIT,
    _TAG_WITH_ATTRIBUTES,
    _text_of,
    _walk_text,
    html_to_text,
    sanitize_html,
)

TAGS = ("p", "br", "td", "th", "li", "div", "b", "a", "span", "tr", "h2", "pre", "hr")
PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.just('<a href="https://e.example/?a=1&amp;b=2" title="x > y">'),
    st.sampled_from(
        ["&amp;", "&amp", "&nbsp;", "&lt;", "&#10;", "&#x202e;", "&#0;", "&#1;", "&am", "p;"]
    ),
    st.sampled_from([" ", "\n", "\t", "\r", "\xa0", "\u2028", "\x85", "\x1c", "\x00", "\x01"]),
    st.sampled_from(["word", "Ünï", "a b", "<", ">", "&", "<3", "\x1b[31m", "\u202e"]),
    st.text(max_size=4),
)
MARKUP = st.lists(PIECES, max_size=40).map("".join)
# without <pre>, NUL or \x01 the fast path runs (with them it hands over to the walk)
FAST_MARKUP = MARKUP.map(lambda m: m.replace("pre>", "b>").replace("\x00", "").replace("\x01", ""))


@settings(max_examples=400, deadline=None)
@given(markup=st.one_of(FAST_MARKUP, MARKUP))
def test_fast_path_equals_the_walk_on_any_markup(markup: str) -> None:
    for pattern in (_TAG_WITH_ATTRIBUTES, _TAG_SPLIT):
        assert _text_of(markup, pattern) == _walk_text(pattern.split(markup))


@settings(max_examples=200, deadline=None)
@given(markup=st.one_of(FAST_MARKUP, MARKUP))
def test_fast_path_equals_the_walk_on_sanitised_html(markup: str) -> None:
    clean = sanitize_html(markup)
    assert html_to_text(clean, sanitized=True) == _walk_text(_TAG_WITH_ATTRIBUTES.split(clean))


def test_blocks_lines_and_cells() -> None:
    html = "<p>a  b<br>c</p><ul><li>one</li><li> two </li></ul><table><tr><td>x</td><td>y</td>"
    assert _text_of(html, _TAG_SPLIT) == "a b\nc\n\none\n\ntwo\n\nx y"
    assert _text_of("<p>x<br><br><br><br>y</p>", _TAG_SPLIT) == "x\n\ny"
