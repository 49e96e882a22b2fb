"""Differential tests of the parse fast paths against feedparser as it is.

Two fast paths, each checked against plain feedparser (the reference):

- `tui.feeds.formats.fastfeed` reads plain, well-formed RSS 2.0 and Atom 1.0 itself
  (`tui.feeds.formats.rss_atom.FAST`) and hands anything else to feedparser;
- the expat parser feedparser uses joins each text run first
  (`tui.feeds.formats.rss_atom.BUFFER_TEXT`), so a run reaches feedparser in one call
  instead of one per entity reference.

Every file of the shared corpus (../shared/corpus, all 622 rows, with the Content-Type
and Content-Location the manifest names) and a sample of the bench farm's feeds (RSS
and Atom, back catalogues, changed versions) go through `parse_feed` with both off and
with both on; the results must be equal field for field: every item's guid, title,
link, dates, author, content, summary, text, hash and language, the feed's title,
link, format, TTL, warning and error. Hostile documents (terminal escapes, Textual
markup, C1 controls, mojibake, billion laughs, huge attributes, inline markup) must
give the same result both ways too, and never raise.

Deliberate differences: none. Of the corpus's 594 XML files 90 take the fast reader
(most of the corpus is feedparser's own edge-case suite: RSS 0.9x/1.0, DTDs, xml:base,
inline XHTML, exotic namespaces); every bench farm feed does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.feeds.formats.rss_atom
from tests.bench.farm import render_feed
from tests.feeds.test_corpus_feeds import CORPUS, NO_CAP, rows
from tui.feeds.formats.fastfeed import read_fast
from tui.feeds.formats.rss_atom import SYNTHETIC_BASE
from tui.feeds.parse import parse_feed
from tui.feeds.preselect import preselect_entries
from tui.feeds.sniff import looks_like_json

NOW = datetime(2025, 7, 1, tzinfo=UTC)
# (feed, version): RSS and Atom (every third feed), back catalogues (7, 32), changed (10, 20)
FARM_FEEDS = [(0, 0), (1, 0), (2, 0), (5, 0), (7, 0), (10, 1), (20, 1), (32, 0), (44, 0)]


@contextmanager
def fast_paths(on: bool) -> Iterator[None]:
    module = tui.feeds.formats.rss_atom
    saved = module.BUFFER_TEXT, module.FAST
    module.BUFFER_TEXT = module.FAST = on
    try:
        yield
    finally:
        module.BUFFER_TEXT, module.FAST = saved


def both_ways(body: bytes, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    with fast_paths(False):
        plain = dataclasses.asdict(parse_feed(body, now=NOW, **kwargs))
    with fast_paths(True):
        fast = dataclasses.asdict(parse_feed(body, now=NOW, **kwargs))
    return plain, fast


def takes_fast_reader(body: bytes, content_type: str | None) -> bool:
    """Whether parse_feed's RSS/Atom reader would use fastfeed for this document."""
    if looks_like_json(body):
        return False
    body, _ = preselect_entries(body, NO_CAP, NOW)
    return read_fast(body, content_type or "application/xml", SYNTHETIC_BASE) is not None


def test_the_fast_paths_are_on_by_default() -> None:
    assert tui.feeds.formats.rss_atom.BUFFER_TEXT and tui.feeds.formats.rss_atom.FAST


def test_every_corpus_file_parses_the_same_both_ways() -> None:
    checked = entries = fast_files = 0
    for row in rows():
        body = (CORPUS / row.path).read_bytes()
        plain, fast = both_ways(body, url=row.url, content_type=row.content_type, max_items=NO_CAP)
        assert fast == plain, row.path
        checked += 1
        entries += len(plain["entries"])
        fast_files += takes_fast_reader(body, row.content_type)
    assert checked == 622 and entries > 1000
    assert fast_files == 90  # see the module docstring; a change here is worth a look


@pytest.mark.parametrize(("feed", "version"), FARM_FEEDS)
def test_bench_farm_feeds_parse_the_same_both_ways(feed: int, version: int) -> None:
    body = render_feed(1, feed, version)
    assert takes_fast_reader(body, None)
    plain, fast = both_ways(body, url=f"http://127.0.0.1:8000/f{feed}")
    assert plain["entries"] and fast == plain
    assert all("&lt;" not in e["text"] for e in fast["entries"])  # escaped HTML was read


# --------------------------------------------------------------------------- hostile input

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x9b31m",  # 8-bit CSI, legal XML, and feedparser maps the C1 range as cp1252
    "\x85\x80\x9f",
    "[bold red]markup[/] [link=https://evil.example]x[/link] [@click=app.quit]q[/]",
    "\u202eevil\u202c \u2066iso\u2069",
    "Ã© Ã¼ â€™",  # UTF-8 read as Latin-1: feedparser re-decodes it
    "&amp;amp; &lt;b&gt;bold&lt;/b&gt; &#233; &#x1F600;",
    "<![CDATA[<script>alert(1)</script><p>cdata</p>]]>",
    "<b>inline</b> markup",
    "Tom &amp; Jerry &lt;/i&gt;",
    "  \n\t spaced \u3000",
    "",
]
URLS = [
    "https://example.com/a?x=1&amp;y=2",
    "https://example.com/a?x=1&amp;amp;y=2",
    "/relative/path",
    "javascript:alert(1)",
    "12345",
    "https://example.com/" + "a" * 5000,
    "",
]


def _rss(title: str, text: str, link: str, guid: str, extra: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>{link}</link>"
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description>{text}</description><dc:creator>{title}</dc:creator>"
        f"<pubDate>Sun, 29 Jun 2025 13:53:44 GMT</pubDate>{extra}</item>"
        "</channel></rss>"
    ).encode()


def _atom(title: str, text: str, link: str, guid: str, extra: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title type="html">{title}</title><link href="{link}"/>'
        f'<entry><id>{guid}</id><title>{title}</title><link href="{link}"/>'
        f'<content type="html">{text}</content><author><name>{title}x</name></author>'
        f"<updated>2025-06-29T19:23:14+00:00</updated>{extra}</entry></feed>"
    ).encode()


EXTRAS = [
    "",
    '<enclosure url="https://example.com/a.mp3" type="audio/mpeg" length="1"/>',
    "<category>x</category><comments>https://example.com/c</comments>",
    f'<category domain="{"d" * 200_000}">huge attribute</category>',
    "<title>a second title</title>",
    "<description><p>inline <b>XHTML</b></p></description>",
    '<foo:bar xmlns:foo="urn:x"><title>nested</title></foo:bar>',
    '<Title xml:lang="fr">case</Title>',
    '<summary xml:base="https://elsewhere.example/">b</summary>',
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    build=st.sampled_from([_rss, _atom]),
    title=st.sampled_from(HOSTILE),
    text=st.sampled_from(HOSTILE),
    link=st.sampled_from(URLS),
    guid=st.sampled_from([*URLS, "urn:uuid:1", "t3_abc"]),
    extra=st.sampled_from(EXTRAS),
    content_type=st.sampled_from(
        [
            None,
            "application/rss+xml; charset=utf-8",
            "text/xml",
            "text/html",
            "application/xml; charset=latin-1",
        ]
    ),
)
def test_hostile_documents_parse_the_same_both_ways(
    build: Any, title: str, text: str, link: str, guid: str, extra: str, content_type: str | None
) -> None:
    body = build(title, text, link, guid, extra)
    plain, fast = both_ways(body, url="https://feeds.example/feed", content_type=content_type)
    assert fast == plain


@pytest.mark.parametrize(
    "body",
    [
        # billion laughs, one line and spread over lines
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
        b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<rss version="2.0"><channel><item><title>&c;</title></item></channel></rss>',
        b'<?xml version="1.0"?>\n<!DOCTYPE feed [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>&x;</title></entry></feed>',
        b'<rss version="2.0"><channel><item><title>&nbsp;undeclared</title></item></channel></rss>',
        b'<rss version="2.0"><channel><item><title>unclosed</item></channel></rss>',
        b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><item>'
        b"<title>caf\xe9</title></item></channel></rss>",
        b'<rss version="2.0"><channel><item><title>caf\xe9 not UTF-8</title></item>'
        b"</channel></rss>",
        b"\xff\xfe<\x00r\x00s\x00s\x00",
        b'<rss version="0.91"><channel><item><title>old</title></item></channel></rss>',
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><item><title>rdf</title></item></rdf:RDF>',
        b'<rss version="2.0" xmlns:x="http://purl.org/rss/1.0/"><channel><item><title>t</title>'
        b"</item></channel></rss>",
        b'<rss version="2.0"><channel>'
        + b"<item><title>deep</title>" * 1
        + b"<x>" * 5000
        + b"</x>" * 5000
        + b"</item></channel></rss>",
    ],
    ids=lambda body: body[:40].decode("latin-1"),
)
def test_documents_the_fast_reader_declines(body: bytes) -> None:
    assert not takes_fast_reader(body, None)
    plain, fast = both_ways(body, url="https://feeds.example/feed")
    assert fast == plain


def test_a_huge_attribute_reads_the_same_fast() -> None:
    body = (
        b'<rss version="2.0"><channel><item><guid isPermaLink="' + b"x" * 2_000_000 + b'">g</guid>'
        b"<title>t</title></item></channel></rss>"
    )
    assert takes_fast_reader(body, None)
    plain, fast = both_ways(body, url="https://feeds.example/feed")
    assert fast == plain and fast["entries"][0]["guid"] == "g"


@pytest.mark.parametrize("build", [_rss, _atom])
@pytest.mark.parametrize("hostile", [h for h in HOSTILE if "\x1b" not in h and "<b>" not in h])
def test_hostile_text_takes_the_fast_reader_and_reads_the_same(build: Any, hostile: str) -> None:
    """C1 controls, Textual markup, bidi, mojibake, entities, CDATA: legal XML, so the
    fast reader reads it, and feedparser's value repairs must come out the same."""
    body = build(hostile, hostile, URLS[1], URLS[3], "")
    assert takes_fast_reader(body, None)
    plain, fast = both_ways(body, url="https://feeds.example/feed")
    assert fast == plain
