"""Every file of the shared robustness corpus through parse_feed (and into a store).

The corpus lives beside the repository (../shared/corpus, see its README and
MANIFEST.tsv); the module is skipped when it is not there.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tui.feeds.parse import EMPTY_ERROR, INTERNAL_ERROR, ParsedFeed, parse_feed
from tui.model import Classification
from tui.store import Store
from tui.text import html_to_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
MANIFEST = CORPUS / "MANIFEST.tsv"
if not MANIFEST.is_file():
    pytest.skip(f"feed corpus not found at {CORPUS}", allow_module_level=True)

NO_CAP = 100_000  # count every entry, whatever max_items would keep

# Rows where our result disagrees with the manifest's `expected`, and why.
DISAGREES_WITH_EXPECTED = {
    "gofeed/testdata/parser/universal/empty_feed.xml": (
        "0-byte file. The manifest expects `empty` (no error); the parser contract says "
        "error 'empty document': an empty 200 response is a server fault the sources "
        "panel should show, not a feed that has no entries."
    ),
    "newsboat/test/data/empty.xml": "0-byte file; as gofeed's empty_feed.xml.",
}

# Rows where entries are dropped as exact duplicates (same guid, link and content), so
# len(entries) = observed - duplicates.
EXACT_DUPLICATES = {
    "feedparser/tests/wellformed/node_precedence/atom10_arbitrary_element.xml": 1,
    "feedparser/tests/wellformed/node_precedence/atom10_id.xml": 1,
    "feedparser/tests/wellformed/node_precedence/atom10_title.xml": 1,
}


@dataclass(frozen=True)
class Row:
    """One MANIFEST.tsv row."""

    path: str
    format: str
    expected: str
    observed: str
    headers: str

    @property
    def observed_count(self) -> int | None:
        """feedparser's `entries=N` or the JSON `items=N` the manifest recorded."""
        match = re.search(r"\b(?:entries|items)=(\d+)", self.observed)
        return int(match.group(1)) if match else None

    @property
    def content_type(self) -> str | None:
        name, _, value = self.headers.partition(":")
        return value.strip() if name.strip().lower() == "content-type" else None

    @property
    def url(self) -> str:
        """The document URL: the Content-Location the test names, else a stable fake."""
        name, _, value = self.headers.partition(":")
        if name.strip().lower() == "content-location" and value.strip():
            return value.strip()
        return f"https://corpus.example/{self.path}"


@cache
def rows() -> tuple[Row, ...]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Row(
                path=r["path"],
                format=r["format"],
                expected=r["expected"],
                observed=r["observed_feedparser_6.0.14"],
                headers=r["http_headers_needed"],
            )
            for r in csv.DictReader(handle, delimiter="\t")
        )


@cache
def parsed(path: str, fast: bool = True) -> ParsedFeed:
    row = next(r for r in rows() if r.path == path)
    body = (CORPUS / row.path).read_bytes()
    return parse_feed(body, url=row.url, content_type=row.content_type, max_items=NO_CAP, fast=fast)


def by_expectation(*expected: str) -> list[Row]:
    return [r for r in rows() if r.expected in expected and r.format != "opml"]


def test_manifest_is_complete() -> None:
    assert len(rows()) == 622
    assert all((CORPUS / r.path).is_file() for r in rows())


@pytest.mark.parametrize("row", rows(), ids=lambda r: r.path)
def test_every_file_parses_without_an_exception(row: Row) -> None:
    result = parsed(row.path)
    assert not (result.error or "").startswith(INTERNAL_ERROR), result.error
    assert len({e.guid for e in result.entries}) == len(result.entries)


@pytest.mark.parametrize("row", by_expectation("parses"), ids=lambda r: r.path)
def test_parses_rows_give_every_entry(row: Row) -> None:
    result = parsed(row.path)
    assert result.error is None
    assert result.duplicates == EXACT_DUPLICATES.get(row.path, 0)
    assert len(result.entries) + result.duplicates == row.observed_count


@pytest.mark.parametrize("row", by_expectation("bozo"), ids=lambda r: r.path)
def test_bozo_rows_give_an_error_or_a_warning_with_entries(row: Row) -> None:
    result = parsed(row.path)
    assert result.error or (result.warning and result.entries), result


@pytest.mark.parametrize("row", by_expectation("empty"), ids=lambda r: r.path)
def test_empty_rows_give_no_entries_and_no_error(row: Row) -> None:
    result = parsed(row.path)
    assert result.entries == []
    if row.path in DISAGREES_WITH_EXPECTED:
        assert result.error == EMPTY_ERROR
    else:
        assert result.error is None


@pytest.mark.parametrize("row", [r for r in rows() if r.format == "opml"], ids=lambda r: r.path)
def test_opml_is_not_a_feed(row: Row) -> None:
    result = parsed(row.path)
    assert result.error and result.entries == []
    assert "feedparser" not in result.error


def test_allow_lists_name_real_rows() -> None:
    paths = {r.path for r in rows()}
    assert set(DISAGREES_WITH_EXPECTED) <= paths
    assert set(EXACT_DUPLICATES) <= paths


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value or "" for name, value in attrs if name in {"href", "src"}]


def link_attributes(html: str) -> list[str]:
    """Every href/src attribute value in `html` (a real parser: text may quote markup)."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.links


def test_every_entry_is_clean() -> None:
    """No control character or bidi control in any stored field of any corpus entry."""
    for row in rows():
        for entry in parsed(row.path).entries:
            for value in (entry.title, entry.author, entry.text, entry.content, entry.guid):
                text = value or ""
                assert not any(ord(c) < 0x20 and c not in "\n\t" for c in text), row.path
                assert not any(0x7F <= ord(c) <= 0x9F for c in text), row.path
                assert "\u202e" not in text and "\u202d" not in text, row.path
            assert "\n" not in entry.title and "\n" not in (entry.author or "")
            assert entry.url is None or entry.url.startswith(("http://", "https://"))
            html = f"{entry.content or ''} {entry.summary or ''}"
            assert "<script" not in html.lower()
            for link in link_attributes(html):
                assert link.startswith(("http://", "https://", "mailto:")), (row.path, link)


def test_text_comes_from_the_content() -> None:
    """entry.text (the fast tokeniser over sanitised HTML) = the full html_to_text."""
    for row in rows():
        for entry in parsed(row.path).entries:
            assert entry.text == html_to_text(entry.content), row.path


def test_corpus_entries_store_idempotently() -> None:
    """parse → store for every feed with entries; a second save changes nothing."""
    store = Store.memory()
    try:
        for row in rows():
            result = parsed(row.path)
            if not result.entries:
                continue
            source_id, _ = store.add_source(f"corpus:{row.path}", result.title)
            entries = [(e, Classification()) for e in result.entries]
            first = store.save_items(source_id, entries)
            again = store.save_items(source_id, entries)
            assert len(first.new_ids) == len(result.entries), row.path
            assert (again.new_ids, again.updated_ids) == ([], []), row.path
    finally:
        store.close()


# --------------------------------------------------------------------------- fast == default

# The stored fields must not depend on running feedparser without its sanitiser and URI
# resolution. Where they do, feedparser's own sanitiser (sgmllib-based) reads crafted
# markup differently from nh3's HTML5 parser; we keep the HTML5 reading, which is what
# a browser would show. These are feedparser's own sanitiser test fixtures.
SANITIZER_QUIRKS = {
    "feedparser/tests/wellformed/sanitize/entry_content_crazy.xml": (
        "feedparser leaks the text of a <script> it fails to recognise ('function "
        "executeMe() { /*'); nh3 drops the script"
    ),
    "feedparser/tests/wellformed/sanitize/entry_title_crazy.xml": "as entry_content_crazy",
    "feedparser/tests/wellformed/sanitize/feed_title_crazy.xml": "as entry_content_crazy",
    "feedparser/tests/wellformed/sanitize/item_content_encoded_crazy.xml": (
        "as entry_content_crazy"
    ),
    "feedparser/tests/wellformed/sanitize/item_description_crazy.xml": "as entry_content_crazy",
    "feedparser/tests/wellformed/sanitize/entry_content_iframe.xml": (
        "the content of an <iframe> is fallback text that browsers never show: nh3 drops "
        "it, feedparser keeps it as text"
    ),
    "feedparser/tests/wellformed/sanitize/item_content_encoded_script_nested_cdata.xml": (
        "'<![CDATA[' in HTML is a bogus comment to an HTML5 parser: only ']]>' is left"
    ),
    "feedparser/tests/wellformed/sanitize/xml_malicious_comment.xml": (
        "an unclosed HTML comment swallows the rest of the title in HTML5 ('sa'); "
        "feedparser closes it early ('safe')"
    ),
    "feedparser/tests/wellformed/sanitize/xml_declaration_unexpected_character.xml": (
        "'<!DOCTYPE ~' in a title is a doctype token an HTML5 parser ignores"
    ),
    "feedparser/tests/wellformed/rss/item_description_not_a_doctype.xml": (
        '"<!\' <a href=...>" is a bogus comment to an HTML5 parser: no text'
    ),
    "feedparser/tests/encoding/bozo_linenoise.xml": (
        "'<>' is text to an HTML5 parser; feedparser's sanitiser drops it"
    ),
}
COMPARED = ("guid", "url", "title", "author", "published", "text", "content_hash")


def differences(path: str) -> list[str]:
    """How the fast (sanitize_html=False, resolve_relative_uris=False) result differs
    from the one with feedparser's defaults, in what we store."""
    fast, default = parsed(path), parsed(path, fast=False)
    found = []
    for name in ("title", "site_url", "format", "error", "warning", "ttl_minutes", "lang"):
        if getattr(fast, name) != getattr(default, name):
            found.append(f"feed.{name}: {getattr(fast, name)!r} != {getattr(default, name)!r}")
    if len(fast.entries) != len(default.entries):
        found.append(f"{len(fast.entries)} entries != {len(default.entries)}")
    for i, (a, b) in enumerate(zip(fast.entries, default.entries, strict=False)):
        found.extend(
            f"entries[{i}].{name}: {getattr(a, name)!r:.80} != {getattr(b, name)!r:.80}"
            for name in COMPARED
            if getattr(a, name) != getattr(b, name)
        )
    return found


@pytest.mark.parametrize(
    "row", [r for r in rows() if not r.path.endswith(".json")], ids=lambda r: r.path
)
def test_fast_settings_store_the_same_fields_as_feedparser_defaults(row: Row) -> None:
    found = differences(row.path)
    if row.path in SANITIZER_QUIRKS:
        assert found, f"{row.path} agrees now: remove it from SANITIZER_QUIRKS"
    else:
        assert found == []
