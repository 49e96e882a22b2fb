"""tui.text: terminal safety, HTML sanitising, plain-text extraction, URLs, caps."""

from __future__ import annotations

import pytest

from tui.text import (
    MAX_HTML_CHARS,
    clip,
    content_hash,
    html_to_text,
    one_line,
    safe_url,
    sanitize_html,
    terminal_safe,
    text_to_html,
)

# --------------------------------------------------------------------------- terminal_safe

HOSTILE = [
    "\x1b[31mred\x1b[0m",  # SGR colour
    "\x1b[2J\x1b[H",  # clear screen, cursor home
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x9b31m",  # 8-bit CSI
    "\x9d0;title\x9c",  # 8-bit OSC … ST
    "\x85\x90\x9f",  # other C1 controls
    "a\x00b\x07c\x08d",  # NUL, BEL, BS
    "\u202eevil\u202c \u2066iso\u2069",  # bidi override and isolate
]


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_safe_leaves_no_control_or_bidi(text: str) -> None:
    for multiline in (True, False):
        out = terminal_safe(text, multiline=multiline)
        assert not any(ord(c) < 0x20 and c not in "\n\t" for c in out)
        assert not any(0x7F <= ord(c) <= 0x9F for c in out)
        assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_terminal_safe_keeps_visible_text_and_textual_markup_literal() -> None:
    assert terminal_safe("\x1b]8;;https://e/\x1b\\link\x1b]8;;\x1b\\") == "link"
    assert terminal_safe("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert terminal_safe("a\r\nb", multiline=True) == "a\nb"
    assert terminal_safe("a\nb\tc", multiline=False) == "a b c"


def test_one_line_caps_and_flattens() -> None:
    assert one_line("a\n b \x1b[1m c") == "a b c"
    long = one_line("x" * 10_000, 1_000)
    assert len(long) == 1_000 and long.endswith("…")
    assert one_line(None) == ""
    assert clip("abc", 3) == "abc"


# --------------------------------------------------------------------------- content_hash


def test_content_hash_is_blind_to_case_and_spacing() -> None:
    assert content_hash("Title", "Some  text\n") == content_hash("title", "some text")
    assert content_hash("a", "b") != content_hash("a", "c")
    assert len(content_hash("", "")) == 32


# --------------------------------------------------------------------------- safe_url


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://example.com/a", None, "https://example.com/a"),
        ("  http://example.com/a ", None, "http://example.com/a"),
        ("/a/b", "https://example.com/x/y", "https://example.com/a/b"),
        ("c", "https://example.com/x/y", "https://example.com/x/c"),
        ("//cdn.example.com/i.png", "https://example.com/", "https://cdn.example.com/i.png"),
        ("javascript:alert(1)", None, None),
        ("JavaScript:alert(1)", "https://example.com/", None),
        ("data:text/html,<script>", None, None),
        ("file:///etc/passwd", None, None),
        ("mailto:a@example.com", None, None),
        ("/relative-without-base", None, None),
        ("https://exa mple.com/", None, None),
        ("https://example.com/\x1b[31m", None, None),
        ("https://example.com/\u202e", None, None),
        ("http://[::1", None, None),
        ("https:///nohost", None, None),
        ("https://example.com/" + "a" * 5000, None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_safe_url(url: str | None, base: str | None, expected: str | None) -> None:
    assert safe_url(url, base) == expected
    assert safe_url(url, base) == expected  # again: now from the memo


def test_safe_url_memo_is_bounded_and_keyed_by_both_arguments() -> None:
    from tui.plain_text import _safe_url

    _safe_url.cache_clear()
    for n in range(1_000):
        assert safe_url(f"/p{n}", f"https://h{n % 7}.example/") == f"https://h{n % 7}.example/p{n}"
    assert _safe_url.cache_info().currsize == 256
    assert safe_url("/p", "https://one.example/") == "https://one.example/p"
    assert safe_url("/p", "https://two.example/") == "https://two.example/p"
    assert safe_url("/p", "") is None and safe_url("/p") is None
    assert safe_url(["not", "a", "string"]) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sanitize_html


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="  jAvAsCrIpT:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
        "<style>body{display:none}</style>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<svg onload="alert(1)"><script>alert(1)</script></svg>',
        '<form action="https://evil.example/"><input name=x></form>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<base href="https://evil.example/">',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<p onclick="alert(1)" onmouseover="alert(1)">x</p>',
    ],
)
def test_sanitize_html_removes_active_content(html: str) -> None:
    out = sanitize_html(html, "https://example.com/post").lower()
    for bad in ("<script", "javascript:", "onerror", "onload", "onclick", "onmouseover"):
        assert bad not in out
    for bad in ("<iframe", "<style", "style=", "<form", "<input", "<object", "<embed"):
        assert bad not in out
    for bad in ("<meta", "<base", "data:", "<svg", "<math"):
        assert bad not in out


def test_sanitize_html_keeps_harmless_markup_and_resolves_links() -> None:
    html = (
        '<p class="x">Hi <b>bold</b> <a href="/a" title="t">rel</a> '
        '<a href="mailto:me@example.com">mail</a> <img src="i.png" alt="pic"></p>'
    )
    out = sanitize_html(html, "https://example.com/dir/post")
    assert out == (
        '<p>Hi <b>bold</b> <a href="https://example.com/a" title="t">rel</a> '
        '<a href="mailto:me@example.com">mail</a> '
        '<img src="https://example.com/dir/i.png" alt="pic"></p>'
    )


def test_sanitize_html_drops_relative_links_without_a_base() -> None:
    assert sanitize_html('<a href="/a">x</a>', None) == "<a>x</a>"


def test_sanitize_html_base_is_per_call_and_per_thread() -> None:
    """The reused cleaner reads its base per thread: one call's base never leaks into the
    next call, nor into another thread sanitising at the same time."""
    import threading

    assert sanitize_html('<a href="/a">x</a>', "https://one.example/") == (
        '<a href="https://one.example/a">x</a>'
    )
    assert sanitize_html('<a href="/a">x</a>') == "<a>x</a>"  # no base left behind
    html = "".join(f'<a href="/{n}">{n}</a>' for n in range(300))
    results: dict[str, set[str]] = {}

    def work(host: str) -> None:
        results[host] = {sanitize_html(html, f"https://{host}/") for _ in range(30)}

    threads = [threading.Thread(target=work, args=(f"h{n}.example",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for host, outs in results.items():
        expected = "".join(f'<a href="https://{host}/{n}">{n}</a>' for n in range(300))
        assert outs == {expected}


def test_sanitize_html_removes_escapes_and_controls_even_from_entities() -> None:
    out = sanitize_html("<p>\x1b[31mred &#27;]52;c;eA==&#7; &#x202e;rtl \x00nul &#x9b;2J</p>")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out
    assert "red" in out and "rtl" in out


def test_sanitize_html_xhtml_self_closed_iframe_does_not_swallow_the_rest() -> None:
    out = sanitize_html('<p>one</p><iframe src="https://v.example/" /><p>two</p>')
    assert out == "<p>one</p><p>two</p>"


def test_sanitize_html_caps_huge_content_before_the_work(sanitiser_inputs: list[int]) -> None:
    huge = "<p>" + "word " * 2_000_000 + "</p>"  # 10 MB
    out = sanitize_html(huge)
    assert len(out) <= MAX_HTML_CHARS + 100
    assert sanitiser_inputs and max(sanitiser_inputs) <= MAX_HTML_CHARS  # nh3 saw 1 MB of 10


def test_sanitize_html_keeps_textual_markup_literal() -> None:
    assert sanitize_html("<p>[@click=app.quit]quit[/]</p>") == "<p>[@click=app.quit]quit[/]</p>"


# --------------------------------------------------------------------------- html_to_text


def test_html_to_text_blocks_lines_entities() -> None:
    html = (
        "<h1>Head</h1><p>Hello&nbsp;<b>world</b> &amp; &lt;co&gt;\n  spaced</p>"
        "<ul><li>one</li><li>two<br>2b</li></ul><div>tail</div>"
    )
    assert html_to_text(html) == "Head\n\nHello world & <co> spaced\n\none\n\ntwo\n2b\n\ntail"


def test_html_to_text_drops_code_and_keeps_pre() -> None:
    html = "<p>a</p><script>evil()</script><style>x{}</style><pre>  code\n    more</pre>"
    assert html_to_text(html) == "a\n\n  code\n    more"


def test_html_to_text_table_cells_are_separated() -> None:
    assert html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == (
        "a b\n\nc"
    )


def test_html_to_text_is_terminal_safe() -> None:
    out = html_to_text("<p>&#27;[31mred&#27;[0m &#x9b;1m \x1b]52;c;eA==\x07ok &#x202e;x</p>")
    # HTML maps the numeric reference &#x9b; to windows-1252's "›": printable, inert.
    assert out == "red ›1m ok x"


def test_html_to_text_of_xhtml_br_pairs_is_one_break() -> None:
    assert html_to_text("a<br></br>b") == "a\nb"


def test_html_to_text_empty() -> None:
    assert html_to_text("") == ""
    assert html_to_text(None) == ""
    assert html_to_text("<p> </p><div>\n</div>") == ""


def test_text_to_html_escapes_and_paragraphs() -> None:
    html = text_to_html("a < b & c\nline\n\n<script>x</script>")
    assert html == "<p>a &lt; b &amp; c<br>line</p><p>&lt;script&gt;x&lt;/script&gt;</p>"
    assert html_to_text(html) == "a < b & c\nline\n\n<script>x</script>"


@pytest.mark.parametrize(
    "html",
    [
        '<p title="a>b">x <a href="https://e.com/?a=1&amp;b=2" title=\'q"uote\'>y</a></p>',
        "<ul><li>one<li>two</ul><table><tr><td>a<td>b</table>",
        "<pre>  keep\n   this</pre><p>and &lt;this&gt; &amp; &nbsp; that</p>",
        '<img alt="<p>not a block</p>" src="https://e.com/i.png">after',
        "<div><p>nested <b>bold <i>both</i></b></p></div><br/>tail",
        "<p>&#27;[31m &#x202e; \x1b[1m</p>",
    ],
)
def test_html_to_text_fast_path_for_sanitized_html_agrees(html: str) -> None:
    clean = sanitize_html(html, "https://e.com/")
    assert html_to_text(clean, sanitized=True) == html_to_text(clean)


def test_text_module_does_not_import_feedparser() -> None:
    import subprocess
    import sys

    code = "import sys, tui.text; sys.exit('feedparser' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
