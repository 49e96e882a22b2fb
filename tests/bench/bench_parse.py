"""Wall time of the whole ../shared/corpus through the parser (not run by pytest).

    uv run python tests/bench/bench_parse.py [--repeat 3]

Prints, best of N runs: bare feedparser.parse with its defaults and with the fast
flags, and parse_feed (feedparser + our sanitising and normalising) both ways.
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from collections.abc import Callable
from pathlib import Path

import feedparser

from tui.feeds.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def load() -> list[tuple[str, bytes]]:
    """(url, body) of every file the manifest lists."""
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        paths = [row["path"] for row in csv.DictReader(handle, delimiter="\t")]
    return [(f"https://corpus.example/{p}", (CORPUS / p).read_bytes()) for p in paths]


def best(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """The fastest of `repeat` runs of `run`: (wall seconds, CPU seconds of this process).
    CPU time is the steadier number on a shared machine."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    docs = load()
    size = sum(len(body) for _, body in docs)
    print(f"{len(docs)} files, {size / 1e6:.1f} MB, best of {args.repeat}")

    def bare(fast: bool) -> Callable[[], object]:
        return lambda: [
            feedparser.parse(
                io.BytesIO(body), sanitize_html=not fast, resolve_relative_uris=not fast
            )
            for _, body in docs
        ]

    def ours(fast: bool) -> Callable[[], object]:
        return lambda: [
            parse_feed(body, url=url, max_items=100_000, fast=fast) for url, body in docs
        ]

    rows = [
        ("feedparser.parse, defaults", bare(False)),
        ("feedparser.parse, sanitize/resolve off", bare(True)),
        ("parse_feed(fast=False)  feedparser defaults + ours", ours(False)),
        ("parse_feed(fast=True)   the shipped path", ours(True)),
    ]
    print(f"{'':<52} {'wall':>7} {'CPU':>7}")
    for label, run in rows:
        wall, cpu = best(args.repeat, run)
        print(f"{label:<52} {wall:6.2f}s {cpu:6.2f}s")


if __name__ == "__main__":
    main()
