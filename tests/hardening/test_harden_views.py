"""Hostile structure never crashes a view: deep nesting, huge attributes, lone surrogates.

The items arrive the way users get them: served by a real HTTP server on 127.0.0.1,
fetched and parsed by a real refresh (parse workers included). Then every view walks
them: the dashboard's list rows and reader (Pilot, the cursor on each item, the deep
one newest so it opens first), `stories --json`, `brief` (md, html and json) and
`items --json` as real processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest

from tests.hardening.test_harden_terminal import cli_env
from tests.support.feedserver import FeedServer, Reply
from tui.feeds.refresh import refresh_sources
from tui.feeds.refresh_types import PollSettings
from tui.htmldepth import max_depth
from tui.item_body import html_to_markdown
from tui.model import ItemDetail, ItemQuery
from tui.store import Store
from tui.text import sanitize_html
from tui.ui.app import make_app
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader, hyperlink_allowed

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC).replace(microsecond=0)
WORDS = "Export controls on advanced chips and the compute race between the US and China. "
DEEP_HTML = {
    "deep-bold": "<b>" * 400 + "deepbold " + WORDS,
    "deep-div": "<div>" * 3000 + "deepdiv " + WORDS,
    "deep-list": "<ul><li>" * 300 + "deeplist " + WORDS,
    "deep-quote": "<blockquote>" * 500 + "deepquote " + WORDS,
    "deep-table": "<table><tr><td>" * 200 + "deeptable " + WORDS,
}
HUGE_HTML = {
    "huge-href": f'<p><a href="https://example.org/?q={"a" * 200_000}">hugehref</a> {WORDS}</p>',
    "huge-title": f'<p title="{"t" * 300_000}">hugetitle {WORDS}</p>',
    "many-attrs": "<p "
    + " ".join(f"data-a{n}='x'" for n in range(20_000))
    + f">manyattrs {WORDS}</p>",
}


def rss_item(guid: str, title: str, html: str, age_minutes: int) -> str:
    when = format_datetime(NOW - timedelta(minutes=age_minutes), usegmt=True)
    return (
        f"<item><guid>{guid}</guid><title>{escape(title)}</title>"
        f"<link>https://example.org/{guid}</link><pubDate>{when}</pubDate>"
        f"<description>{escape(html)}</description></item>"
    )


def hostile_rss() -> bytes:
    cases = DEEP_HTML | HUGE_HTML
    items = [rss_item(g, f"Case {g}", h, n + 1) for n, (g, h) in enumerate(cases.items())]
    items.append(rss_item("untitled", "", "<p>Untitledlead words about semiconductors</p>", 30))
    body = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Hostile</title>"
    )
    return (body + "".join(items) + "</channel></rss>").encode("utf-8")


def surrogate_json_feed() -> bytes:
    """A JSON Feed whose strings carry lone surrogates (and one valid pair)."""
    when = (NOW - timedelta(minutes=40)).isoformat()
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Surr\\ud800ogate",'
        ' "items": [{"id": "s1", "title": "Lone \\udc00 surrogate \\ud83d\\ude00",'
        f' "date_published": "{when}", "url": "https://example.org/s1",'
        ' "content_html": "<p>surrogatebody \\ud83d ' + WORDS + '</p>"},'
        ' {"id": "s2", "title": "Fine", "date_published": "' + when + '",'
        ' "content_text": "an ordinary item ' + WORDS + '"}]}'
    ).encode("ascii")


@pytest.fixture
def hostile_db(db_path: Path, feed_server: FeedServer) -> Path:
    rss_url = feed_server.route("/hostile.xml", Reply(body=hostile_rss()))
    json_url = feed_server.route(
        "/surrogate.json",
        Reply(body=surrogate_json_feed(), headers={"Content-Type": "application/feed+json"}),
    )
    with Store.open(db_path) as store:
        ids = [store.add_source(rss_url)[0], store.add_source(json_url)[0]]
    settings = PollSettings(trust_env=False, jitter=0.0, deadline_s=20.0, parse_deadline_s=60.0)
    summary = refresh_sources(db_path, ids, settings)
    assert [r.error for r in summary.results] == [None, None]
    assert summary.new_items == len(DEEP_HTML) + len(HUGE_HTML) + 1 + 2
    return db_path


def all_items(db_path: Path) -> list[ItemDetail]:
    with Store.open(db_path) as store:
        rows = store.list_items(ItemQuery(limit=100))
        details = [store.get_item(row.id) for row in rows]
    return [d for d in details if d is not None]


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize("name", sorted(DEEP_HTML))
def test_deep_nesting_converts_to_markdown_with_the_text_kept(name: str) -> None:
    html = sanitize_html(DEEP_HTML[name])
    assert max_depth(html) >= 200  # the sanitiser keeps the nesting: the converter must cope
    markdown = html_to_markdown(html)
    assert name.replace("-", "") in markdown.replace("\\", "")


def test_hyperlinks_only_for_plain_web_urls() -> None:
    assert hyperlink_allowed("https://example.org/a?b=c")
    assert hyperlink_allowed("http://example.org/")
    refused = [
        "https://user:secret@example.org/",
        "https://user@example.org/",
        "mailto:someone@example.org",
        "javascript:alert(1)",
        "ssh://example.org",
        "file:///etc/passwd",
        "https://example.org/" + "a" * 5_000,
        "https:///no-host",
    ]
    assert [u for u in refused if hyperlink_allowed(u)] == []


# --------------------------------------------------------------------------- the dashboard


async def test_the_dashboard_walks_every_hostile_item(hostile_db: Path) -> None:
    items = all_items(hostile_db)
    assert "deepbold" in (items[0].summary or items[0].content or "")  # newest: opens first
    app = make_app(hostile_db, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        item_list = app.query_one(ItemList)
        item_list.focus()
        seen: dict[int, str] = {}
        for _ in range(len(items)):
            await pilot.pause()
            reader = app.query_one(Reader)
            assert reader.item is not None
            seen[reader.item.id] = reader.plain
            await pilot.press("j")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        rows = [item_list.row(n) for n in range(len(items))]
        labels = [item_list._row_text(row, 120).plain for row in rows if row is not None]
    assert set(seen) == {item.id for item in items}
    for item in items:
        assert "could not be displayed" not in seen[item.id], item.title
    texts = "\n".join(seen.values())
    for marker in ("deepbold", "deepdiv", "deeplist", "deepquote", "deeptable", "surrogatebody"):
        assert marker in texts
    assert "\ud800" not in texts and "\udc00" not in texts
    assert len(labels) == len(items)
    untitled = [label for label in labels if "Untitledlead words about semiconductors" in label]
    assert len(untitled) == 1  # the untitled item's row shows the first words of its text


async def test_a_failing_render_is_an_inert_line_in_the_reader(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.item_body as item_body  # the reader imports article_body on first use

    def broken(_item: object) -> tuple[str, bool]:
        raise RecursionError("maximum recursion depth exceeded [bold]markup[/]")

    monkeypatch.setattr(item_body, "article_body", broken)
    app = make_app(hostile_db, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("j")
            await pilot.pause()
        assert app.is_running
        assert app.query_one(Reader).plain == "This item could not be displayed (RecursionError)."


# --------------------------------------------------------------------------- the CLI views


def aigeo(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args],
        env=cli_env(tmp_path, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done


def test_items_json_stories_and_briefs_walk_every_hostile_item(
    hostile_db: Path, tmp_path: Path
) -> None:
    hostile_ids = {item.id for item in all_items(hostile_db)}
    assert len(hostile_ids) == len(DEEP_HTML) + len(HUGE_HTML) + 3
    listed = json.loads(aigeo(tmp_path, hostile_db, "items", "--json", "--limit", "500").stdout)
    assert hostile_ids <= {item["id"] for item in listed}  # (the seed corpus is listed too)
    assert any("\ufffd" in item["title"] for item in listed)  # the lone surrogate, replaced
    stories = json.loads(aigeo(tmp_path, hostile_db, "stories", "--json", "--since", "30d").stdout)
    assert sum(len(s["articles"]) for s in stories) >= 1
    for fmt in ("md", "html", "json"):
        out = tmp_path / f"brief.{fmt}"
        aigeo(tmp_path, hostile_db, "brief", "--since", "30d", "--format", fmt, "-o", str(out))
        text = out.read_text(encoding="utf-8")
        assert "\ud800" not in text and "\x1b" not in text
    for item in listed:
        assert "\x1b" not in json.dumps(item, ensure_ascii=False)
