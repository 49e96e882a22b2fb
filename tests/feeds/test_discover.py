"""Feed autodiscovery: `aigeo add` on a web page that links its feeds (real loopback server)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from tests.support.feedserver import FeedServer, Reply, rss
from tui.cli.group import main
from tui.feeds.discover import feed_links
from tui.store import Store

FEED = rss([("a1", "One", "first")])
HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(*links: str) -> bytes:
    head = "".join(links)
    html = f"<!doctype html><html><head><title>Site</title>{head}</head><body>hi</body></html>"
    return html.encode()


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db_path), *args])


def feeds(db_path: Path) -> list[str]:
    with Store.open(db_path) as store:
        return [s.url for s in store.feed_sources(include_disabled=True)]


def test_feed_links_reads_alternate_links_only_and_resolves_them() -> None:
    html = page(
        '<link rel="stylesheet" href="/s.css">',
        '<link rel="alternate" type="application/rss+xml" title="All posts" href="/feed.xml">',
        '<LINK REL="Alternate" TYPE="application/atom+xml" HREF="https://b.test/atom">',
        '<link rel="alternate" type="application/feed+json" href="feed.json">',
        '<link rel="alternate" type="text/html" href="/other">',
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">',
    ).decode()
    found = feed_links(html, "https://a.test/blog/")
    assert [(f.url, f.kind) for f in found] == [
        ("https://a.test/feed.xml", "RSS"),
        ("https://b.test/atom", "Atom"),
        ("https://a.test/blog/feed.json", "JSON Feed"),
    ]
    assert found[0].title == "All posts"


def test_add_a_page_with_one_feed_adds_that_feed(db_path: Path, feed_server: FeedServer) -> None:
    feed_url = feed_server.route("/feed.xml", Reply(body=FEED))
    site = feed_server.route(
        "/",
        Reply(
            body=page(f'<link rel="alternate" type="application/rss+xml" href="{feed_url}">'),
            headers=HTML,
        ),
    )
    result = run(db_path, "add", site)
    assert result.exit_code == 0, result.output
    assert "links one feed" in result.stdout and feeds(db_path) == [feed_url]


def test_add_a_page_with_several_feeds_asks_for_a_pick(
    db_path: Path, feed_server: FeedServer
) -> None:
    links = (
        '<link rel="alternate" type="application/rss+xml" title="Posts" href="/posts.xml">',
        '<link rel="alternate" type="application/atom+xml" title="Comments" href="/c.atom">',
    )
    site = feed_server.route("/", Reply(body=page(*links), headers=HTML))
    refused = run(db_path, "add", site)  # no terminal to ask on: say how to choose
    assert refused.exit_code == 1 and "--pick N" in refused.stderr
    assert "Posts" in refused.stderr and "Comments" in refused.stderr and feeds(db_path) == []
    picked = run(db_path, "add", site, "--pick", "2")
    assert picked.exit_code == 0 and feeds(db_path) == [feed_server.url("/c.atom")]


def test_add_a_feed_adds_it_and_a_page_without_feeds_is_refused(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed_url = feed_server.route("/feed", Reply(body=FEED))
    assert run(db_path, "add", feed_url).exit_code == 0 and feeds(db_path) == [feed_url]
    bare = feed_server.route("/bare", Reply(body=page(), headers=HTML))
    refused = run(db_path, "add", bare)
    assert refused.exit_code == 1 and "links no feed" in refused.stderr
    assert feeds(db_path) == [feed_url]
