"""OPML import/export: categories, idempotence, refusals, safety, round trip."""

from __future__ import annotations

import pytest

from tui.config import seeds_dir
from tui.feeds.opml import OpmlError, feed_url_problem, import_opml, parse_opml, write_opml
from tui.store import Store

OPML_1 = b"""<?xml version="1.0"?>
<opml version="1.0">
  <head><title>Mine</title></head>
  <body>
    <outline text="Tech">
      <outline text="Ars" type="rss" xmlUrl="https://arstechnica.com/feed/"
               htmlUrl="https://arstechnica.com"/>
      <outline text="Deep">
        <outline text="Nested" xmlurl="https://nested.example/feed"/>
      </outline>
    </outline>
    <outline text="Loose" xmlUrl="http://loose.example/rss" category="/Policy/EU,other"/>
    <outline text="Tweets" xmlUrl="|~/fetch_tweets.py"/>
    <outline text="Script" xmlUrl="exec:~/bin/feed.sh"/>
    <outline text="Filter" xmlUrl="filter:~/f.py:https://x.example/feed"/>
    <outline text="Local" xmlUrl="file:///etc/passwd"/>
    <outline text="Gopher" xmlUrl="gopher://old.example/1"/>
    <outline text="Query" xmlUrl='query:unread:unread = "yes"'/>
    <outline text="Again" xmlUrl="https://arstechnica.com/feed/"/>
    <outline text="Broken" type="rss"/>
    <outline text="Just a note"/>
  </body>
</opml>
"""


def test_parse_categories_from_folders_and_attribute() -> None:
    doc = parse_opml(OPML_1)
    assert doc.title == "Mine"
    feeds = {f.url: f for f in doc.feeds}
    assert set(feeds) == {
        "https://arstechnica.com/feed/",
        "https://nested.example/feed",
        "http://loose.example/rss",
    }
    assert feeds["https://arstechnica.com/feed/"].category == "Tech"
    assert feeds["https://arstechnica.com/feed/"].site_url == "https://arstechnica.com"
    assert feeds["https://nested.example/feed"].category == "Tech/Deep"
    assert feeds["http://loose.example/rss"].category == "Policy/EU"


def test_commands_and_non_http_urls_are_skipped_with_reasons() -> None:
    reasons = {s.what.split(" (")[0]: s.reason for s in parse_opml(OPML_1).skipped}
    assert "never run" in reasons["Tweets"]
    assert "never run" in reasons["Script"]
    assert "never run" in reasons["Filter"]
    assert "local file" in reasons["Local"]
    assert "gopher" in reasons["Gopher"]
    assert "query" in reasons["Query"]
    assert "twice" in next(r for w, r in reasons.items() if "arstechnica" in w)
    assert "without xmlUrl" in reasons["Broken"]
    assert "Just a note" not in reasons


def test_import_is_idempotent() -> None:
    store = Store.memory()
    first = import_opml(store, OPML_1)
    assert len(first.added) == 3 and not first.existing
    second = import_opml(store, OPML_1)
    assert not second.added and len(second.existing) == 3
    assert len(store.feed_sources()) == 3


def test_shipped_defaults_import() -> None:
    store = Store.memory()
    report = import_opml(store, (seeds_dir() / "feeds.opml").read_bytes())
    assert len(report.added) >= 20 and not report.skipped
    assert all(s.category for s in store.feed_sources())


@pytest.mark.parametrize(
    "data",
    [
        b"<rss><channel/></rss>",
        b"<opml><head/></opml>",
        b"not xml at all <",
        b"",
    ],
)
def test_not_opml(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


def test_entity_expansion_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>"""
    with pytest.raises(OpmlError, match="unsafe"):
        parse_opml(bomb)


def test_external_entity_is_refused() -> None:
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&x;" xmlUrl="https://x.example/"/></body></opml>"""
    with pytest.raises(OpmlError):
        parse_opml(xxe)


def test_export_round_trip() -> None:
    store = Store.memory()
    import_opml(store, OPML_1)
    data = write_opml(store.sources())
    again = Store.memory()
    report = import_opml(again, data)
    assert not report.skipped
    before = {(s.url, s.title, s.category, s.site_url) for s in store.feed_sources()}
    after = {(s.url, s.title, s.category, s.site_url) for s in again.feed_sources()}
    assert before == after


def test_export_escapes_hostile_titles() -> None:
    store = Store.memory()
    store.add_source("https://x.example/feed", 'A & B <"quoted"> </outline>', category="a/b")
    doc = parse_opml(write_opml(store.sources()))
    assert doc.feeds[0].title == 'A & B <"quoted"> </outline>'
    assert doc.feeds[0].category == "a/b"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/feed", True),
        ("http://127.0.0.1:8080/rss", True),
        ("HTTPS://EXAMPLE.ORG/feed", True),
        ("ftp://example.org/feed", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://exa mple.org/", False),
        ("example.org/feed", False),
        ("http://[::1", False),
        ("", False),
    ],
)
def test_feed_url_problem(url: str, ok: bool) -> None:
    assert (feed_url_problem(url) is None) is ok
