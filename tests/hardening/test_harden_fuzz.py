"""Property tests of the ingest path: bytes and feed structures → parse → store → render.

Whatever a feed holds (random bytes, or RSS/Atom/JSON built from text full of escape
sequences, controls, bidi overrides, markup, entities and broken tags), parse_feed never
raises; one-line fields come out one line and control-free; HTML comes out without
scripts or non-web links; the store takes it; and the reading pane's and the item
list's rendering writes nothing to a terminal but Textual-style styling and web links.
(`pytest --long` runs many more examples: see tests/conftest.py.)
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console, Group
from rich.text import Text

from tests.support.hostile import one_line_problems, terminal_problems
from tui.feeds.parse import parse_feed
from tui.item_body import article_body
from tui.model import Classification, ThemeScore
from tui.store import Store
from tui.text import terminal_safe
from tui.ui.format import plain, theme_chips
from tui.ui.widgets.reader import WebMarkdown, render_header

NOW = datetime(2025, 7, 10, 12, tzinfo=UTC)
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PIECES = [
    "\x1b", "\x1b[", "\x1b[2J", "\x1b]", "\x1b]52;c;", "\x1b]0;", "\x1b]8;;", "\x07", "\x1b\\",
    "\x9b", "\x9d", "\x9c", "\x90", "\x85", "\x00", "\x0b", "\r", "\n", "\t", "\u202e", "\u2066",
    "\u200f", "\u2028", "\u0301" * 5, "\u200b", "\ufeff", "[", "]", "[/]", "[b]",
    "[@click=app.quit]", "[link=https://x]", "$accent", "<", ">", "&", "&amp;", "&#27;",
    "&#x9b;", "&#0;", "&nbsp;",
    "&lol;", "<script>alert(1)</script>", "<b>", "</b>", "<p>", "<a href='javascript:x'>",
    "<a href=\"https://ok.test/\">", "</a>", "<img src=x onerror=alert(1)>", "<iframe/>",
    "<![CDATA[", "]]>", "<!--", "-->", "javascript:", "ssh://", "https://", "[x](ssh://h)",
    "<x-man-page://ls>", "*", "_", "#", "`", "```", "\\", "é", "中国", "🚀", " ", "  ",
]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=16).map("".join),
)
dates = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "Mon, 07 Jul 2025 10:00:00 GMT",
            "2025-07-01T00:00:00Z",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "9999-12-31T23:59:59+99:99",
            "yesterday",
            "Tue, 31 Feb 2025 25:61:61 +9999",
        ]
    ),
    hostile_text,
)
entries = st.fixed_dictionaries(
    {},
    optional={
        "guid": hostile_text,
        "title": hostile_text,
        "link": st.one_of(
            hostile_text, st.sampled_from(["https://ok.test/a", "/rel", "javascript:x"])
        ),
        "description": hostile_text,
        "content": hostile_text,
        "author": hostile_text,
        "date": dates,
    },
)
feeds = st.fixed_dictionaries(
    {
        "format": st.sampled_from(["rss", "atom", "json"]),
        "title": hostile_text,
        "entries": st.lists(entries, max_size=6),
        "cdata": st.booleans(),
        "escape": st.booleans(),
    }
)


def _xml_text(value: str, *, cdata: bool, escaped: bool) -> str:
    if cdata:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return escape(value) if escaped else value  # unescaped: ill-formed on purpose


def build(feed: dict) -> bytes:
    """The feed structure as a document in its format (possibly ill-formed)."""
    fmt, cdata, escaped = feed["format"], feed["cdata"], feed["escape"]
    if fmt == "json":
        items = []
        for e in feed["entries"]:
            item = {"id": e.get("guid"), "url": e.get("link"), "title": e.get("title")}
            item |= {"content_html": e.get("content"), "summary": e.get("description")}
            item |= {"date_published": e.get("date"), "authors": [{"name": e.get("author")}]}
            items.append({k: v for k, v in item.items() if v is not None})
        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "items": items,
        }
        return json.dumps(doc).encode()

    def text(value: str) -> str:
        return _xml_text(value, cdata=cdata, escaped=escaped)

    parts = []
    for e in feed["entries"]:
        fields = []
        if fmt == "rss":
            names = {"guid": "guid", "title": "title", "link": "link",
                     "description": "description", "content": "content:encoded",
                     "author": "author", "date": "pubDate"}  # fmt: skip
        else:
            names = {"guid": "id", "title": "title", "description": "summary",
                     "content": "content", "date": "updated"}  # fmt: skip
        for key, tag in names.items():
            if e.get(key) is not None:
                attrs = (
                    ' type="html"' if fmt == "atom" and key in ("content", "description") else ""
                )
                fields.append(f"<{tag}{attrs}>{text(e[key])}</{tag}>")
        if fmt == "atom" and e.get("link") is not None:
            fields.append(f"<link href={quoteattr(e['link'])}/>")
        if fmt == "atom" and e.get("author") is not None:
            fields.append(f"<author><name>{text(e['author'])}</name></author>")
        parts.append(("<item>" if fmt == "rss" else "<entry>") + "".join(fields)
                     + ("</item>" if fmt == "rss" else "</entry>"))  # fmt: skip
    if fmt == "rss":
        doc = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{text(feed['title'])}</title>{''.join(parts)}</channel></rss>"
        )
    else:
        doc = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{text(feed['title'])}</title>{''.join(parts)}</feed>"
        )
    return doc.encode("utf-8", "surrogatepass")


_CONTROLS_BUT_NL_TAB = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TAG = re.compile(r"<[a-zA-Z][^>]*>")  # sanitised HTML escapes text '<', so these are tags
_ACTIVE_TAG = re.compile(r"^<(script|iframe|style|object|embed)\b|\son\w+\s*=|javascript:", re.I)


def render(detail) -> bytes:  # type: ignore[no-untyped-def]
    """The reading pane's and the item list's renderables, as a terminal would get them."""
    lines = render_header(detail, {})
    body, is_markdown = article_body(detail)
    body = terminal_safe(body) or "(no text)"
    shown = WebMarkdown(body, hyperlinks=True) if is_markdown else Text(body)
    row = plain(detail.title)
    row.append_text(plain("  #" + " #".join(detail.tags)))
    row.append_text(theme_chips(detail.themes))
    console = Console(
        file=io.StringIO(), force_terminal=True, color_system="256", width=80, legacy_windows=False
    )
    console.print(Group(*lines, Text(""), shown, row, plain(detail.source)))
    return console.file.getvalue().encode()  # type: ignore[attr-defined]


def check_parsed(body: bytes, url: str = "https://feed.test/feed.xml") -> None:
    """parse_feed's contract on any input, then the store and the renderers."""
    parsed = parse_feed(body, url=url, now=NOW)
    assert parsed.error is None or "\n" not in parsed.error
    assert not one_line_problems(parsed.title)
    assert not (parsed.error or "").startswith("internal parser error"), parsed.error
    for entry in parsed.entries:
        assert entry.guid
        assert not one_line_problems(entry.title), entry.title
        assert not one_line_problems(entry.author), entry.author
        assert entry.url is None or entry.url.startswith(("http://", "https://"))
        for html in (entry.content or "", entry.summary or ""):
            assert not any(_ACTIVE_TAG.search(tag) for tag in _TAG.findall(html)), html
            assert not _CONTROLS_BUT_NL_TAB.search(html), html
        assert not _CONTROLS_BUT_NL_TAB.search(entry.text), entry.text
    if not parsed.entries:
        return
    with Store.memory() as store:
        source_id, _ = store.add_source(url, parsed.title or url)
        themed = Classification(themes=(ThemeScore("chips", 0.5),))
        saved = store.save_items(source_id, [(entry, themed) for entry in parsed.entries])
        assert len(saved.new_ids) == len(parsed.entries)
        for item_id in saved.new_ids:
            store.add_tags([item_id], ["brief"])
            detail = store.get_item(item_id)
            assert detail is not None
            assert terminal_problems(render(detail)) == []


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_break_the_ingest_path(body: bytes) -> None:
    check_parsed(body)


@FUZZ
@given(
    st.binary(max_size=1500),
    st.sampled_from(
        [
            "<?xml version='1.0'?><rss version='2.0'><channel><item><title>",
            '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "',
        ]
    ),
)
def test_random_bytes_inside_a_feed_never_break_the_ingest_path(body: bytes, prefix: str) -> None:
    check_parsed(prefix.encode() + body)


@FUZZ
@given(feeds)
def test_hostile_feed_structures_come_out_clean_stored_and_inert(feed: dict) -> None:
    check_parsed(build(feed))
