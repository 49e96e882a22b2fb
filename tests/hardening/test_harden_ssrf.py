"""The full-article fetcher refuses private targets (SSRF), every hop, with no rebinding gap.

A real page is served on 127.0.0.1. With the default settings every spelling of a
private address is refused before any connection (the server sees no request); with
`[article] allow_private = true` (config.toml, as a user reading an intranet sets it)
the same page is fetched. Redirect hops and DNS answers are judged at connect time:
tests make 127.0.0.1 count as public (a patched policy, real sockets) to show that a
redirect to another private address is refused, and that the connection goes to the
very address that was checked while the Host header keeps the name.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tui.feeds.netguard
from tests.feeds.test_fulltext import ALLOW_PRIVATE, HTML, PAGE, store_entry
from tests.hardening.test_harden_terminal import cli_env
from tests.support.feedserver import FeedServer, Reply
from tui.feeds.fulltext import ArticleError, ArticleLimits, fetch_full_article
from tui.store import Store
from tui.themes import load_lexicon

ROOT = Path(__file__).resolve().parents[2]
LIMITS = ArticleLimits(deadline_s=5.0, connect_timeout_s=2.0)  # allow_private off: the default
REFUSED_HOSTS = [
    "127.0.0.1:{port}",
    "localhost:{port}",
    "[::1]:{port}",
    "2130706433:{port}",  # 127.0.0.1 as one number
    "0x7f.1:{port}",  # hex and short form
    "017700000001:{port}",  # octal
    "127.1:{port}",
    "[::ffff:127.0.0.1]:{port}",  # IPv4-mapped IPv6
    "[64:ff9b::7f00:1]:{port}",  # NAT64
    "0.0.0.0:{port}",
    "[::]:{port}",
    "169.254.169.254",  # cloud metadata (link-local)
    "[fe80::1]",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT
    "[fc00::1]",  # unique local
    "224.0.0.1",  # multicast
    "[ff02::1]",
    "240.0.0.1",  # reserved
    "255.255.255.255",
]


@pytest.fixture
def page(feed_server: FeedServer) -> FeedServer:
    feed_server.route("/news/chips", Reply(200, PAGE, headers=HTML))
    return feed_server


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_private_targets_are_refused_before_any_connection(
    store: Store, page: FeedServer, host: str
) -> None:
    port = int(page.url("/").rsplit(":", 1)[1].strip("/"))
    item_id = store_entry(store, f"http://{host.format(port=port)}/news/chips")
    before = store.get_item(item_id)
    with pytest.raises(ArticleError, match=r"^refused: .* is not a public address \(") as caught:
        fetch_full_article(store, item_id, load_lexicon(), LIMITS)
    assert "allow_private = true under [article]" in str(caught.value)
    assert page.requests == []
    assert store.get_item(item_id) == before


def test_allow_private_fetches_the_same_page(store: Store, page: FeedServer) -> None:
    item_id = store_entry(store, page.url("/news/chips"))
    limits = ArticleLimits(deadline_s=5.0, connect_timeout_s=2.0, allow_private=True)
    result = fetch_full_article(store, item_id, load_lexicon(), limits)
    assert result.chars_after > result.chars_before and len(page.requests) == 1


def aigeo_fetch(tmp_path: Path, db: Path, item_id: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), "fetch-article", str(item_id), "--json"],
        env=cli_env(tmp_path, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_refuses_by_default_and_the_config_switch_allows(
    tmp_path: Path, db_path: Path, page: FeedServer
) -> None:
    with Store.open(db_path) as store:
        item_id = store_entry(store, page.url("/news/chips"))
    refused = aigeo_fetch(tmp_path, db_path, item_id)
    assert refused.returncode == 1
    document = json.loads(refused.stdout)
    assert not document["ok"] and "not a public address (loopback)" in document["error"]
    assert page.requests == []
    (tmp_path / "config.toml").write_text(ALLOW_PRIVATE, encoding="utf-8")
    allowed = aigeo_fetch(tmp_path, db_path, item_id)
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["ok"] and len(page.requests) == 1


# --------------------------------------------------------------------------- hops and DNS


@pytest.fixture
def loopback_one_is_public(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Treat 127.0.0.1 (and only it) as public; record every name the guard resolves."""
    real_refusal = tui.feeds.netguard.address_refusal
    real_resolve = tui.feeds.netguard.resolve
    resolved: list[str] = []

    def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return None if str(address) == "127.0.0.1" else real_refusal(address)

    async def resolve(host: str, port: int):  # type: ignore[no-untyped-def]
        resolved.append(host)
        if host == "news.example":  # a name whose DNS answer is ours to choose
            return [ipaddress.ip_address("127.0.0.1")]
        return await real_resolve(host, port)

    monkeypatch.setattr(tui.feeds.netguard, "address_refusal", refusal)
    monkeypatch.setattr(tui.feeds.netguard, "resolve", resolve)
    return resolved


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/news/chips", "http://[::1]:{port}/x"])
def test_every_redirect_hop_is_checked(
    store: Store, page: FeedServer, loopback_one_is_public: list[str], target: str
) -> None:
    port = page.url("/").rsplit(":", 1)[1].strip("/")
    page.route("/hop", Reply(302, headers={"Location": target.format(port=port)}))
    item_id = store_entry(store, page.url("/hop"))
    with pytest.raises(ArticleError, match="not a public address"):
        fetch_full_article(store, item_id, load_lexicon(), LIMITS)
    assert [seen.path for seen in page.requests] == ["/hop"]  # the first hop, never the target


def test_the_connection_goes_to_the_checked_address_with_the_host_kept(
    store: Store, page: FeedServer, loopback_one_is_public: list[str]
) -> None:
    port = page.url("/").rsplit(":", 1)[1].strip("/")
    item_id = store_entry(store, f"http://news.example:{port}/news/chips")
    result = fetch_full_article(store, item_id, load_lexicon(), LIMITS)
    assert result.chars_after > result.chars_before
    (seen,) = page.hits("/news/chips")
    assert seen.headers["host"] == f"news.example:{port}"  # the name, not the address
    assert loopback_one_is_public == ["news.example"]  # resolved once, by the guard itself
