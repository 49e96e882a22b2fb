"""Terminal safety: hostile feed text through the real app in a pseudo-terminal, and the CLI.

The database gets hostile text two ways: through the real ingest path (`aigeo refresh`
against feeds served on 127.0.0.1, so the parser's sanitising is exercised) and written
straight into the store (so the UI's own rendering defences are exercised even for
text no parser produced: an old database, another tool). The dashboard then runs as
`python -m tui` on a pty, is driven with keys and mouse clicks, and every byte it
writes is checked (tests/support/hostile.py says what is allowed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.feedserver import FeedServer, Reply
from tests.support.hostile import (
    BIDI,
    C1_ESCAPES,
    MARKERS,
    MARKUP,
    ZERO_WIDTH,
    hostile,
    hostile_html,
    json_problems,
    terminal_problems,
    text_problems,
)
from tests.support.ptyterm import PtyProgram
from tui.ingest import load_seed_corpus
from tui.model import Classification, NewItem, ThemeScore
from tui.store import Store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def cli_env(tmp_path: Path, db: Path) -> dict[str, str]:
    """The environment of an aigeo subprocess: isolated home, config and database."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "AIGEO_CONFIG": str(tmp_path / "config.toml"),
        "AIGEO_DB": str(db),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("TEXTUAL", None)
    return env


def aigeo(
    tmp_path: Path, db: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the real CLI (`python -m tui --db DB ARGS`) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args],
        env=cli_env(tmp_path, db),
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


# --------------------------------------------------------------------------- the database


def json_feed(server: FeedServer) -> bytes:
    """A JSON Feed: the one format that carries raw control characters legally."""
    items = [
        {
            "id": f"json-{n}",
            "url": f"https://example.org/json/{n}",
            "title": hostile(f"JSONTITLE{n}"),
            "content_html": hostile_html(f"JSONBODY{n}"),
            "summary": hostile(f"JSONSUMMARY{n}"),
            "authors": [{"name": hostile(f"JSONAUTHOR{n}")}],
            "date_published": f"2025-07-3{n}T10:00:00Z",
            "tags": [hostile("JSONTAG")],
        }
        for n in range(2)
    ]
    items.append(  # a link target that is not http(s) must not become one
        {
            "id": "json-link",
            "url": "javascript:alert('osc8-marker.invalid')",
            "title": "JSONLINK item",
            "content_text": hostile("JSONTEXT", long=True),
            "date_published": "2025-07-29T10:00:00Z",
        }
    )
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": hostile("JSONFEEDTITLE"),
            "home_page_url": "https://example.org/",
            "items": items,
        }
    ).encode()


def rss_feed() -> bytes:
    """RSS with raw control bytes (ill-formed XML: the lenient parser recovers it)."""
    title = hostile("RSSTITLE")
    body = hostile_html("RSSBODY").replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{hostile('RSSFEEDTITLE').replace('&', '&amp;').replace('<', '&lt;')}</title>"
        "<link>https://example.org/</link>"
        f"<item><guid>rss-1</guid><title>{title.replace('&', '&amp;').replace('<', '&lt;')}"
        "</title><link>https://example.org/rss/1</link>"
        f"<author>{hostile('RSSAUTHOR').replace('&', '&amp;').replace('<', '&lt;')}</author>"
        f"<pubDate>Wed, 30 Jul 2025 09:00:00 GMT</pubDate><description>{body}</description>"
        "</item></channel></rss>"
    ).encode("utf-8", "surrogatepass")


def xml_attribute(text: str) -> str:
    """`text` as an XML 1.0 attribute value (characters XML cannot hold are dropped)."""
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def build_hostile_db(tmp_path: Path, server: FeedServer) -> Path:
    """A database full of hostile text, through ingest and written raw."""
    db = tmp_path / "hostile.db"
    json_url = server.route("/feed.json", Reply(body=json_feed(server)))
    rss_url = server.route("/feed.rss", Reply(body=rss_feed()))
    with Store.open(db) as store:
        store.add_source(json_url)
        store.add_source(rss_url)
        store.set_meta("default_feeds_offered", "1")
        load_seed_corpus(store)  # as the first launch would: the app then writes nothing
    assert_loopback_only(db)
    done = aigeo(tmp_path, db, "refresh")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    with Store.open(db) as store:
        raw_id, _ = store.add_source(
            server.url("/raw-feed"), hostile("RAWSOURCE"), category=hostile("RAWCAT")
        )
        store.update_source(
            raw_id,
            error=hostile("RAWERROR"),
            error_count=3,
            status=500,
            checked_at="2025-07-31T11:00:00+00:00",
        )
        store.record_refresh(
            raw_id, status=500, nbytes=1, duration_ms=5, error=hostile("RAWFETCHERROR")
        )
        item = NewItem(
            guid="raw-1",
            title=hostile("RAWTITLE"),
            url="https://raw.example.org/1",
            author=hostile("RAWAUTHOR"),
            published="2025-07-31T12:00:00+00:00",
            summary=hostile("RAWSUMMARY"),
            content=None,
            text=hostile("RAWTEXT", long=True),
        )
        item2 = NewItem(
            guid="raw-2",
            title="RAWHTML " + hostile("RAWHTMLTITLE", long=True),
            url="javascript:alert(1)",
            published="2025-07-31T11:00:00+00:00",
            content=hostile_html("RAWHTMLBODY"),
            text="plain",
        )
        themed = Classification(
            themes=(ThemeScore("chips", 0.95), ThemeScore(hostile("RAWTHEME")[:200], 0.9)),
            actors=("Nvidia", hostile("RAWACTOR")[:200]),
        )
        chips = Classification(themes=(ThemeScore("chips", 0.9),), actors=("China",))
        store.save_items(raw_id, [(item, themed), (item2, chips)])
        ids = [row.id for row in store.list_items()]
        store.add_tags(ids[:3], [hostile("RAWTAG")[:300], "[@click=app.quit]tag[/]"])
        store.set_starred(ids[:1], True)
    return db


def assert_loopback_only(db: Path) -> None:
    """Every feed a refresh of `db` would fetch is on 127.0.0.1 (tests stay off the net)."""
    with Store.open(db) as store:
        hosts = {urlsplit(source.url).hostname for source in store.feed_sources()}
    assert hosts <= {"127.0.0.1"}, hosts


READ_DERIVED = frozenset({"read", "unread"})  # read state, and the cached unread counts


def dump(db: Path, *, ignore: frozenset[str] = READ_DERIVED) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables excepted), minus `ignore` columns."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("items_fts")
        ]
        result = {}
        for table in sorted(tables):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in columns if c not in ignore]
            rows = conn.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall()
            result[table] = sorted(rows, key=repr)
        return result
    finally:
        conn.close()


@pytest.fixture(scope="module")
def hostile_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, FeedServer]]:
    """The hostile database, built once, and the server its feeds live on."""
    server = FeedServer()
    try:
        yield build_hostile_db(tmp_path_factory.mktemp("hostile"), server), server
    finally:
        server.close()


@pytest.fixture
def hostile_db(
    tmp_path: Path, hostile_template: tuple[Path, FeedServer]
) -> tuple[Path, FeedServer]:
    """A fresh copy of the hostile database for one test."""
    template, server = hostile_template
    db = tmp_path / "hostile.db"
    shutil.copyfile(template, db)
    return db, server


def launch(tmp_path: Path, db: Path) -> PtyProgram:
    """The dashboard on `db`, in a 120x40 pseudo-terminal."""
    return PtyProgram(
        [sys.executable, "-m", "tui", "--db", str(db)],
        env=cli_env(tmp_path, db),
        cwd=ROOT,
        columns=120,
        rows=40,
    )


def click_every(app: PtyProgram, *words: str) -> int:
    """Click each word wherever it is on screen; returns how many were found."""
    found = 0
    for word in words:
        where = app.find(word)
        if where is not None:
            found += 1
            app.click(where[0] + 1, where[1])
            assert app.alive(), f"clicking {word!r} ended the app"
    return found


# --------------------------------------------------------------------------- the dashboard


def test_dashboard_in_a_pty_writes_no_feed_escape_and_runs_no_feed_action(
    tmp_path: Path, hostile_db: tuple[Path, FeedServer]
) -> None:
    db, _server = hostile_db
    before = dump(db)
    app = launch(tmp_path, db)
    try:
        assert app.wait_for("RAWTITLE"), app.screen_text()
        clicked = 0
        app.press("g")
        for _ in range(6):  # every item passes through the reading pane
            app.press("j", pause=0.25)
            clicked += click_every(app, "CLICKQUIT")
            app.press("\x1b", pause=0.25)  # a click may have focused the reader: back to the list
        app.press("g", "\r", pause=0.5)  # open the first item: it is marked read
        assert app.wait_for("RAWAUTHOR"), app.screen_text()
        clicked += click_every(app, "CLICKQUIT", "L[/link]", "sshlink", "click")
        app.press("\x1b", pause=0.5)
        app.press("?", pause=0.6)
        assert app.wait_for("Everywhere"), app.screen_text()
        app.press("\x1b", pause=0.5)
        app.press("t", pause=0.6)  # the tag prompt shows the title and current tags
        assert app.wait_for("Current tags"), app.screen_text()
        clicked += click_every(app, "CLICKQUIT")
        app.press("x", "\x1b", pause=0.5)
        app.press("e", pause=0.6)
        app.press("\x1b", pause=0.5)
        app.press("v", pause=0.6)  # the stories view and back
        assert app.alive(), app.screen_text()
        app.press("v", pause=0.6)
        app.press("\x1bOQ", pause=1.0)  # F2: the trends screen (actors, themes, weeks)
        assert app.wait_for("Trends as of"), app.screen_text()
        app.press("\x1b", pause=0.6)
        app.press("/", pause=0.5)  # search for the markup, literally
        app.send("CLICKQUIT", 0.8)
        app.press("\r", pause=0.6)
        assert app.alive(), app.screen_text()
        app.press("/", pause=0.4)
        app.press("\x1b", pause=0.6)  # clear the search
        # the search cleared: the header says so (the row below is on screen either way,
        # and a click sent before the Esc was read left the search in place)
        assert app.wait_gone('search: "CLICKQUIT"', 60), app.screen_text()
        assert app.wait_for("✗ RAWSOURCE", 60), app.screen_text()
        where = app.find("✗ RAWSOURCE")  # the Sources row: focus it, show health, filter
        assert where is not None, app.screen_text()
        app.click(where[0] + 3, where[1], pause=0.8)
        assert app.wait_for("source: RAWSOURCE"), app.screen_text()  # the header
        app.press("k", "j", pause=0.6)  # highlighting it in focus shows its health
        assert app.wait_for("RAWERROR"), app.screen_text()
        assert app.find("RAWCAT"), app.screen_text()
        clicked += click_every(app, "CLICKQUIT")
        assert app.alive(), app.screen_text()
        assert clicked >= 3  # the markup was on screen, literally, and clicking did nothing
        app.press("q", pause=0.2)
        assert app.wait(30) == 0
    finally:
        app.close()
    output = app.recorded()
    assert b"RAWTITLE" in output and b"JSONTITLE0" in output and b"RSSTITLE" in output
    assert terminal_problems(output) == []
    after = dump(db)
    assert after == before  # nothing but read state changed
    with Store.open(db) as store:
        assert sum(row.read for row in store.list_items()) >= 1


def test_refresh_from_the_dashboard_reports_hostile_feeds_inertly(
    tmp_path: Path, hostile_db: tuple[Path, FeedServer]
) -> None:
    db, server = hostile_db
    with Store.open(db) as store:  # failing feeds whose titles are markup and escapes
        for n, title in enumerate(["[/]", "[@click=app.quit]CLICKQUIT[/]", hostile("FAILING")]):
            url = server.route(f"/gone{n}", Reply(500, b"no"))
            store.add_source(url, title)
    assert_loopback_only(db)
    app = launch(tmp_path, db)
    try:
        assert app.wait_for("RAWTITLE"), app.screen_text()
        app.press("R", pause=0.5)
        assert app.wait_for("Refresh:", timeout=30), app.screen_text()
        assert app.alive()
        click_every(app, "CLICKQUIT")
        app.press("j", pause=0.5)
        assert app.alive(), app.screen_text()
        app.press("q")
        assert app.wait(30) == 0
    finally:
        app.close()
    assert terminal_problems(app.recorded()) == []


# --------------------------------------------------------------------------- the CLI

AT = ("--since", "2025-07-01", "--at", "2025-08-01")
TEXT_COMMANDS = [
    ("items",),
    ("items", "--limit", "500", "--search", "RAWTITLE"),
    ("sources",),
    ("themes",),
    ("stories", *AT),
    ("trends", "--at", "2025-08-01"),
    ("brief", *AT),
    ("brief", *AT, "--format", "html"),
    ("learned",),
]
JSON_COMMANDS = [
    ("items", "--json"),
    ("sources", "--json"),
    ("themes", "--json"),
    ("export", "json"),
    ("stories", *AT, "--json"),
    ("trends", "--at", "2025-08-01", "--json"),
    ("brief", *AT, "--format", "json"),
    ("learned", "--json"),
]


def test_cli_text_and_json_outputs_are_inert(
    tmp_path: Path, hostile_db: tuple[Path, FeedServer]
) -> None:
    db, _server = hostile_db
    for args in TEXT_COMMANDS:
        done = aigeo(tmp_path, db, *args)
        assert done.returncode == 0, (args, done.stderr)
        out, err = done.stdout.decode(), done.stderr.decode()
        assert out.strip(), args
        assert text_problems(out) == [], args
        assert text_problems(err) == [], args
    for args in JSON_COMMANDS:
        done = aigeo(tmp_path, db, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert json_problems(done.stdout.decode()) == [], args
    items = json.loads(aigeo(tmp_path, db, "items", "--json").stdout)
    raw = next(i for i in items if "RAWTITLE" in i["title"])
    assert "\x1b]52;" in raw["title"]  # the data is intact, only escaped in the JSON text


def test_cli_exports_are_inert(tmp_path: Path, hostile_db: tuple[Path, FeedServer]) -> None:
    db, _server = hostile_db
    with Store.open(db) as store:  # a hostile title typed by hand, written raw
        store.add_source("https://hand.example.org/feed", hostile("HANDTITLE"))
    csv_out = aigeo(tmp_path, db, "export", "csv")
    assert csv_out.returncode == 0 and text_problems(csv_out.stdout.decode()) == []
    opml_out = aigeo(tmp_path, db, "export", "opml")
    assert opml_out.returncode == 0
    assert text_problems(opml_out.stdout.decode()) == []
    reimported = aigeo(tmp_path, tmp_path / "other.db", "import", "-", stdin=opml_out.stdout)
    assert reimported.returncode == 0, reimported.stderr


def test_cli_refresh_import_and_add_report_hostile_input_inertly(
    tmp_path: Path, hostile_db: tuple[Path, FeedServer]
) -> None:
    db, server = hostile_db
    with Store.open(db) as store:
        store.add_source(server.route("/err", Reply(500, b"x")), hostile("ERRTITLE"))
        store.add_source(server.route("/html", Reply(body=b"<html>" + hostile("P").encode())))
    assert_loopback_only(db)
    for args in (("refresh",), ("refresh", "--json")):
        done = aigeo(tmp_path, db, *args)
        assert done.returncode == 2, done.stderr  # some feeds failed (issue 14: for cron)
        check = json_problems if "--json" in args else text_problems
        assert check(done.stdout.decode()) == [], args
        assert text_problems(done.stderr.decode()) == [], args
    # XML 1.0 holds no 7-bit escapes, but it does hold the 8-bit ones (C1 CSI, OSC, DCS).
    title = xml_attribute(" ".join(["OPMLTITLE", *C1_ESCAPES, BIDI, ZERO_WIDTH, MARKUP, "\x7f"]))
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        f'<outline text="{title}" xmlUrl="|rm -rf ~ OPMLCMD"/>'
        f'<outline text="{title}" xmlUrl="exec:OPMLEXEC&#x202e;&#x9b;4242m"/>'
        f'<outline text="{title}" xmlUrl="https://ok.example.org/feed" category="{title}"/>'
        "</body></opml>"
    ).encode()
    for args in (("import", "-"), ("import", "-", "--json")):
        done = aigeo(tmp_path, db, *args, stdin=opml)
        assert done.returncode == 0, done.stderr
        out = done.stdout.decode()
        assert (json_problems(out) if "--json" in args else text_problems(out)) == [], out
        assert text_problems(done.stderr.decode()) == []
    raw_controls = opml.replace(b"OPMLCMD", b"\x1b]0;WINTITLE0MARK\x07")
    refused = aigeo(tmp_path, db, "import", "-", stdin=raw_controls)
    assert refused.returncode == 1 and b"Traceback" not in refused.stderr
    assert refused.stderr.startswith(b"Error: ") and text_problems(refused.stderr.decode()) == []
    typed = hostile("TYPED").replace("\x00", "")  # argv cannot carry NUL
    added = aigeo(
        tmp_path, db, "add", "https://typed.example.org/feed", "--no-fetch", "--title", typed
    )
    assert added.returncode == 0 and text_problems(added.stdout.decode()) == []
    listed = aigeo(tmp_path, db, "sources")
    assert text_problems(listed.stdout.decode()) == []
    for marker in MARKERS:
        assert marker not in listed.stdout.decode()
