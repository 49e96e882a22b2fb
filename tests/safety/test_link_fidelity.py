"""Link fidelity (issue 10, item 5): links a feed really gives are kept, links it does not
give are never made up. Each case once inline, and from ../shared/corpus where a file
there shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.feeds.parse import parse_feed

DOC = "http://127.0.0.1:8000/feeds/x.xml"
FOLDER = "http://127.0.0.1:8000/feeds/"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{}</feed>'
RSS = '<rss version="2.0"><channel><title>t</title>{}</channel></rss>'


def parsed(body: str, url: str = DOC):  # type: ignore[no-untyped-def]
    return parse_feed(body.encode(), url=url)


@pytest.mark.parametrize("href", [".", "./", ""])
def test_dot_and_empty_hrefs_resolve_against_the_base(href: str) -> None:
    feed = parsed(
        ATOM.format(
            f'<link href="{href}"/><entry><id>urn:1</id><title>a</title>'
            f'<link href="{href}"/><content>x</content></entry>'
        )
    )
    assert feed.site_url == FOLDER
    assert feed.entries[0].url == FOLDER


@pytest.mark.parametrize("link", [".", "./"])
def test_rss_dot_links_resolve_against_the_base(link: str) -> None:
    feed = parsed(
        RSS.format(f"<link>{link}</link><item><title>a</title><link>{link}</link></item>")
    )
    assert feed.site_url == FOLDER
    assert feed.entries[0].url == FOLDER


@pytest.mark.parametrize("guid", ["12345", "right", "1"])
def test_a_non_url_guid_never_becomes_a_link(guid: str) -> None:
    feed = parsed(RSS.format(f"<item><title>a</title><guid>{guid}</guid></item>"))
    (entry,) = feed.entries
    assert entry.guid == guid
    assert entry.url is None


@pytest.mark.parametrize("entry_id", ["1", "right"])
def test_a_non_url_atom_id_never_becomes_a_link(entry_id: str) -> None:
    feed = parsed(ATOM.format(f"<entry><id>{entry_id}</id><title>a</title></entry>"))
    assert feed.entries[0].url is None


def test_a_url_guid_is_still_the_link() -> None:
    feed = parsed(RSS.format("<item><title>a</title><guid>https://example.org/p/1</guid></item>"))
    assert feed.entries[0].url == "https://example.org/p/1"


def test_an_enclosure_never_becomes_the_item_link() -> None:
    body = ATOM.format(
        '<entry><id>urn:1</id><title>a</title><link rel="enclosure" href="https://e.org/a.mp3"/>'
        '<link rel="alternate" href="https://e.org/page"/></entry>'
        '<entry><id>urn:2</id><title>b</title><link rel="alternate"/>'
        '<link rel="enclosure" href="https://e.org/b.mp3"/></entry>'
    )
    first, second = parsed(body).entries
    assert first.url == "https://e.org/page"
    assert second.url is None


CORPUS_CASES = {
    "feedparser/tests/wellformed/atom10/entry_link_rel_enclosure_no_href.xml": [
        "http://www.example.com/alternate"
    ],
    "feedparser/tests/wellformed/atom10/entry_link_rel_enclosure.xml": [None],
}


@pytest.mark.parametrize("path", sorted(CORPUS_CASES))
def test_corpus_files(path: str) -> None:
    file = CORPUS / path
    if not file.is_file():
        pytest.skip("../shared/corpus is not here")
    feed = parse_feed(file.read_bytes(), url=DOC)
    assert [e.url for e in feed.entries] == CORPUS_CASES[path]
