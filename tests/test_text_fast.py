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


# --------------------------------------------------------------------------- prechecks


def test_needs_cleaning_agrees_with_the_regex_on_every_character() -> None:
    """The bytes.translate check of ASCII text and the regex of other text find exactly
    the characters terminal_safe removes, wherever they sit."""
    from tui.plain_text import _NEEDS_CLEANING, needs_cleaning

    for code in [*range(0x3000), *range(0xD7F0, 0xE010), 0xFEFF, 0x10FFFF]:
        char = chr(code)
        for text in (char, f"plain {char} text\n", f"ünï {char}", "x" * 50 + char):
            assert needs_cleaning(text) == bool(_NEEDS_CLEANING.search(text)), repr(text)


XHTML_PIECES = st.one_of(
    st.sampled_from(
        ["<br>", "<BR/>", "</br>", "</Br >", "<br ", "<iframe", "<IFRAME", "<Script", "<title",
         "<xmp", "<noscript", "<textarea", "<ſcript", "<ıframe", "<scripts", " src=x", "/", "/ ",
         ">", "<", "<p>", "</p>", "\n", "x", "é"]
    ),
    st.text(max_size=3),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(markup=st.lists(XHTML_PIECES, max_size=30).map("".join))
def test_xhtml_fixups_prechecks_change_nothing(markup: str) -> None:
    """_xhtml_fixups's substring prechecks skip only substitutions that change nothing."""
    from tui.text import _BR_PAIR, _SELF_CLOSED, _xhtml_fixups

    expected = _BR_PAIR.sub(r"\1", _SELF_CLOSED.sub(r"<\1\2></\1>", markup))
    assert _xhtml_fixups(markup) == expected


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["\n", "a", " ", "\n\n"]), max_size=20).map("".join))
def test_blank_runs_precheck_changes_nothing(text: str) -> None:
    from tui.text import _BLANK_RUNS, _no_blank_runs

    assert _no_blank_runs(text) == _BLANK_RUNS.sub("\n\n", text)


def test_the_only_printable_whitespace_is_the_space() -> None:
    """What _one_spaced relies on, over every code point."""
    assert [c for c in range(0x110000) if chr(c).isspace() and chr(c).isprintable()] == [0x20]


@settings(max_examples=400, deadline=None)
@given(
    line=st.lists(
        st.sampled_from([" ", "  ", "\t", "\xa0", "\u3000", "\u2028", "\x1c", "a", "é", "wörd"]),
        max_size=12,
    ).map("".join)
)
def test_one_spaced_is_the_split_and_join(line: str) -> None:
    from tui.text import _one_spaced

    assert _one_spaced(line) == " ".join(line.split())


def test_printable_text_holds_nothing_terminal_safe_removes() -> None:
    """What terminal_safe's one-line fast path relies on, over every code point: a
    printable character is no escape opener, control, bidi control or surrogate."""
    from tui.plain_text import _BIDI, _CONTROLS_ALL, _ESCAPES, _SURROGATES

    for code in range(0x110000):
        char = chr(code)
        if char.isprintable():
            sample = f"a{char}[31m]0;t\x07b"
            assert _ESCAPES.search(sample) is None, hex(code)
            assert not (_BIDI.search(char) or _SURROGATES.search(char)), hex(code)
            assert not _CONTROLS_ALL.search(char), hex(code)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(PIECES, max_size=12).map("".join))
def test_one_line_fast_path_agrees_with_the_substitutions(text: str) -> None:
    import tui.plain_text as plain

    expected = " ".join(
        plain._CONTROLS_ALL.sub(
            " ",
            plain._BIDI.sub(
                "", plain._SURROGATES.sub(plain.REPLACEMENT, plain.strip_escapes(text))
            ),
        ).split()
    )
    assert plain.terminal_safe(text, multiline=False) == expected
