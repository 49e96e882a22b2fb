"""Benchmark: refresh N local feeds (~280 KB, 60 items, 50 ms latency) vs a sequential loop.

Run: uv run python tests/bench/bench_refresh.py [N]
The feed server runs in its own process (so it does not share the client's GIL) on
127.0.0.1; nothing else is contacted. Prints the seconds of: a sequential
`feedparser.parse(url)` loop; aigeo's cold refresh; a refresh answered 304 (ETag); one
with 10% of the feeds changed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402
import httpx  # noqa: E402

from tui.feeds.poller import PollSettings, refresh_sources  # noqa: E402
from tui.store import Store  # noqa: E402

SERVER = """
import sys, time
sys.path.insert(0, {root!r})
from tests.support.feedserver import FeedServer, Reply, rss
PARAGRAPH = (
    "<p>Export controls on advanced semiconductors shape the balance of compute between "
    "the United States and China; <a href='https://example.org/x'>analysis</a> of the "
    "<b>latest rules</b> and their effect on data-centre build-outs in the Gulf.</p>"
)
def feed(n, version):
    items = [(f"f{{n}}-v{{version}}-{{k}}", f"Feed {{n}} story {{k}} v{{version}}", PARAGRAPH * 17)
             for k in range(60)]
    return rss(items, title=f"Feed {{n}}")
server = FeedServer()
def publish(version, step):
    for n in range(0, {count}, step):
        server.route(f"/f{{n}}", Reply(body=feed(n, version), etag=f'"{{n}}-{{version}}"',
                                       delay=0.05))
publish(0, 1)
def bump(seen):
    publish(1, 10)
    return Reply(body=b"ok")
server.route("/bump", bump)
print(server.port, len(feed(0, 0)), flush=True)
time.sleep(3600)
"""


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(root=str(ROOT), count=count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port, size = map(int, proc.stdout.readline().split())
        urls = [f"http://127.0.0.1:{port}/f{n}" for n in range(count)]
        print(f"{count} feeds of {size / 1024:.0f} KB, 60 items, 50 ms latency")
        print("parser: tui.feeds.parse + tui.themes in worker processes")

        started = time.perf_counter()
        for url in urls:
            feedparser.parse(url)
        print(f"sequential feedparser.parse(url) loop: {time.perf_counter() - started:.2f} s")

        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            with Store.open(db) as store:
                for url in urls:
                    store.add_source(url)
            settings = PollSettings(trust_env=False, per_host=16)
            refresh_sources(db, [], settings)  # start the fork server
            for label in ("cold", "unchanged (304)", "10% changed"):
                if label == "10% changed":
                    httpx.get(f"http://127.0.0.1:{port}/bump", trust_env=False)
                started = time.perf_counter()
                summary = refresh_sources(db, settings=settings)
                print(
                    f"aigeo refresh {label}: {time.perf_counter() - started:.2f} s "
                    f"({summary.ok} ok, {summary.new_items} new items)"
                )
    finally:
        proc.kill()


if __name__ == "__main__":
    main()
