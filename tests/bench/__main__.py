"""aigeo benchmarks: one command, a table on stdout, JSON in tests/bench/results/.

    uv run python -m tests.bench            # the full run (about 15 minutes; more the
                                            # first time, when the 1M-item store is made)
    uv run python -m tests.bench --quick    # minutes: N=50 at 50 ms, growth 25-100, 100k items
    uv run python -m tests.bench --sections refresh --feeds 100 --latency 50 --rounds 3

Sections: `refresh` (aigeo vs newsboat, reader, a sequential feedparser loop and the
feedparser floor, on a local feed farm), `growth` (cold refresh of N = 100 … 1,000 feeds
of one farm: the time per feed must stay flat), `dashboard` (start-up vs a hello-world
Textual app, one row down, opening an item, a search keystroke, peak RSS), `store`
(ingest, re-theme, FTS).
All traffic goes to 127.0.0.1. Generated stores are cached in tests/bench/results/cache/.
Ratios, not seconds, are what to compare: every ratio is measured within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
CACHE = RESULTS / "cache"


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """What the run ran on, and how busy the machine was."""
    load = os.getloadavg()
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": load,
    }


def compile_bytecode() -> str:
    """Write .pyc files for the project and its packages once, as an installed program
    has them. With PYTHONDONTWRITEBYTECODE set (as on some CI machines) every process
    would otherwise compile every module it imports, on every start (~1 s for Textual)."""
    import sysconfig

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    root = Path(__file__).resolve().parents[2]
    paths = [str(root / "tui"), str(root / "tests"), sysconfig.get_paths()["purelib"]]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *paths],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return "PYTHONDONTWRITEBYTECODE set" if "PYTHONDONTWRITEBYTECODE" in os.environ else ""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options; --quick and the full run only differ in their defaults."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a ~2 minute run")
    parser.add_argument("--sections", default="refresh,growth,dashboard,store")
    parser.add_argument("--feeds", help="comma-separated feed counts (default 100,500)")
    parser.add_argument("--latency", help="comma-separated latencies in ms (default 50,0)")
    parser.add_argument("--rounds", type=int, help="rounds of the N=100 configurations")
    parser.add_argument("--contenders", default="aigeo,newsboat,reader,seq,floor")
    parser.add_argument("--growth", help="feed counts of the growth cell (100,300,500,1000)")
    parser.add_argument("--growth-contenders", default="aigeo,newsboat")
    parser.add_argument("--items", help="comma-separated store sizes (default 100000,1000000)")
    parser.add_argument("--starts", type=int, help="start-ups timed per app (default 5)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    quick = args.quick
    args.feeds = [int(n) for n in (args.feeds or ("50" if quick else "100,500")).split(",")]
    args.latency = [float(n) for n in (args.latency or ("50" if quick else "50,0")).split(",")]
    sizes = args.items or ("100000" if quick else "100000,1000000")
    args.items = [int(n) for n in sizes.split(",")]
    args.rounds = args.rounds or (1 if quick else 2)
    args.starts = args.starts or (3 if quick else 5)
    args.growth = [
        int(n) for n in (args.growth or ("25,50,100" if quick else "100,300,500,1000")).split(",")
    ]
    args.growth_contenders = args.growth_contenders.split(",")
    args.sections = args.sections.split(",")
    args.contenders = args.contenders.split(",")
    return args


def run_refresh(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[str]]:
    """Every (feeds, latency) configuration; N > 100 gets one round."""
    from tests.bench.refresh import run_config, summarise

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for feeds in args.feeds:
        for latency in args.latency:
            rounds = args.rounds if feeds <= 100 else 1
            log(f"refresh: {feeds} feeds, {latency:g} ms latency, {rounds} round(s)")
            result = run_config(feeds, latency, args.contenders, rounds, log=log)
            rows += summarise(result)
            notes += [n for n in result.notes if n not in notes]
    return rows, notes


def run_growth(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The growth cell: cold refreshes of ever more feeds, at the first latency."""
    from tests.bench.refresh import run_growth as growth

    log(f"growth: cold refresh of {args.growth} feeds, {args.latency[0]:g} ms latency")
    rounds = 1
    return growth(args.growth, args.latency[0], args.growth_contenders, rounds, log=log)


def run_dashboard(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Start-up and interactions at every store size."""
    from tests.bench import dashboard
    from tests.bench.dataset import cached_store

    rows = []
    for count in args.items:
        log(f"dashboard: {count:,} items")
        db = cached_store(CACHE, count, log=log)
        rows.append({"section": "dashboard", "items": count, **dashboard.run(db, args.starts, log)})
    return rows


def run_store(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Ingest (farm feeds), re-theme (smallest store), FTS (every store size)."""
    from tests.bench import store_bench
    from tests.bench.dataset import cached_store

    rows: list[dict[str, Any]] = []
    feeds = 30 if args.quick else 100
    log(f"store: ingest of {feeds} farm feeds")
    rows.append({"section": "store", "what": "ingest", **store_bench.ingest(feeds)})
    smallest = min(args.items)
    log(f"store: re-theme {smallest:,} items")
    db = cached_store(CACHE, smallest, log=log)
    rows.append({"section": "store", "what": "retheme", **store_bench.retheme(db)})
    for count in args.items:
        log(f"store: FTS at {count:,} items")
        db = cached_store(CACHE, count, log=log)
        rows.append({"section": "store", "what": "fts", **store_bench.fts(db)})
    return rows


# --------------------------------------------------------------------------- the table

REFRESH_TARGETS = {"cold": 0.8, "unchanged": 0.8, "changed": 0.8}
GROWTH_FLAT = 1.3  # time per feed at the largest N ÷ at the smallest


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def _cell(row: dict[str, Any] | None, *, wall: bool = True, cpu: bool = True) -> str:
    if row is None:
        return "—"
    if wall and cpu:
        return f"{row['wall_s']:.2f} s ({row['cpu_s']:.2f})"
    return f"{row['wall_s' if wall else 'cpu_s']:.2f} s"


def _peer_target(phase: str, got: dict[str, dict[str, Any]]) -> tuple[str, float | None]:
    """Whom aigeo is held to in a phase: newsboat when cold, the best peer otherwise."""
    peers = ["newsboat"] if phase == "cold" else ["newsboat", "reader"]
    walls = [(got[p]["wall_s"], p) for p in peers if p in got and got[p]["wall_s"]]
    if not walls:
        return "—", None
    wall, name = min(walls)
    return name, wall


def refresh_table(rows: list[dict[str, Any]]) -> list[str]:
    """One line per (feeds, latency, phase): every contender, and aigeo ÷ its target peer."""
    by_key: dict[tuple[int, float, str], dict[str, dict[str, Any]]] = {}
    for row in rows:
        key = (row["feeds"], row["latency_ms"], row["phase"])
        by_key.setdefault(key, {})[row["contender"]] = row
    lines = [
        "| feeds | latency | phase | aigeo wall (CPU) | aigeo peak RSS | newsboat-16 wall (CPU) "
        "| reader-16 wall (CPU) | seq loop wall | feedparser floor CPU | aigeo ÷ newsboat "
        "| aigeo ÷ target peer | target | items agree |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for (feeds, latency, phase), got in by_key.items():
        aigeo, boat = got.get("aigeo"), got.get("newsboat")
        ratio = aigeo["wall_s"] / boat["wall_s"] if aigeo and boat and boat["wall_s"] else None
        peer, peer_wall = _peer_target(phase, got)
        to_peer = aigeo["wall_s"] / peer_wall if aigeo and peer_wall else None
        target = REFRESH_TARGETS[phase]
        agree = [r["items_ok"] for r in got.values() if r.get("items_ok") is not None]
        items = next((r["items"] for r in got.values() if r.get("items") is not None), "")
        seq, floor = got.get("seq"), got.get("floor")
        rss = f"{aigeo['max_rss_mib']:.0f} MiB" if aigeo else "—"
        lines.append(
            f"| {feeds} | {latency:g} ms | {phase} | {_cell(aigeo)} | {rss} | {_cell(boat)} "
            f"| {_cell(got.get('reader'))} | {_cell(seq, cpu=False)} "
            f"| {_cell(floor, wall=False)} "
            f"| {f'{ratio:.2f}×' if ratio is not None else '—'} "
            f"| {f'{to_peer:.2f}× ({peer})' if to_peer is not None else '—'} "
            f"| ≤ {target:g}× {_mark(to_peer <= target if to_peer is not None else None)} "
            f"| {_mark(all(agree) if agree else None)} {items} |"
        )
    return lines


def growth_table(rows: list[dict[str, Any]]) -> list[str]:
    """Cold refresh time per feed at every N, and its drift from the smallest N."""
    lines = [
        "| contender | feeds | cold wall (CPU) | ms per feed | ÷ smallest N | peak RSS | items |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    first: dict[str, float] = {}
    for r in sorted(rows, key=lambda r: (r["contender"], r["feeds"])):
        base = first.setdefault(r["contender"], r["ms_per_feed"])
        drift = r["ms_per_feed"] / base if base else 0.0
        flat = _mark(drift <= GROWTH_FLAT) if r["contender"] == "aigeo" else ""
        lines.append(
            f"| {r['contender']} | {r['feeds']} | {r['wall_s']:.2f} s ({r['cpu_s']:.2f}) "
            f"| {r['ms_per_feed']:.1f} | {drift:.2f}× {flat} | {r['max_rss_mib']:.0f} MiB "
            f"| {_mark(r['items_ok'])} {r['items']} |"
        )
    return lines


def dashboard_table(rows: list[dict[str, Any]]) -> list[str]:
    """One line per store size."""
    lines = [
        "| items | start-up aigeo / hello-world | ratio (≤ 1.5×) | row down p50 / p95 "
        "(≤ 16 ms) | reader follows p50 | open item p50 | search key p50 / p95 (≤ 50 ms) "
        "| peak RSS (≤ 100 MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        down, opened, search = r["row_down_ms"], r["open_item_ms"], r["search_ms"]
        lines.append(
            f"| {r['items']:,} | {r['aigeo_first_frame_s']:.2f} s "
            f"/ {r['hello_first_frame_s']:.2f} s "
            f"| {r['startup_ratio']:.2f}× {_mark(r['startup_ratio'] <= 1.5)} "
            f"| {down['p50']:.1f} / {down['p95']:.1f} ms {_mark(down['p95'] <= 16)} "
            f"| {r['row_down_reader_ms']['p50']:.1f} ms | {opened['p50']:.1f} ms "
            f"| {search['p50']:.1f} / {search['p95']:.1f} ms {_mark(search['p95'] <= 50)} "
            f"| {r['peak_rss_mib']:.0f} MiB {_mark(r['peak_rss_mib'] <= 100)} |"
        )
    if rows and rows[0].get("search_method"):
        lines.append(f"\nsearch measured as: {rows[0]['search_method']}")
    return lines


def store_table(rows: list[dict[str, Any]]) -> list[str]:
    """Ingest, re-theme and FTS lines."""
    lines = ["| what | result | target |", "|---|---:|---|"]
    for r in rows:
        if r["what"] == "ingest":
            lines.append(
                f"| ingest (classify + save_items, {r['items']:,} items) "
                f"| {r['items_per_s']:,.0f} items/s ({r['items_per_cpu_s']:,.0f}/CPU s) | — |"
            )
        elif r["what"] == "retheme":
            lines.append(
                f"| re-theme {r['items']:,} items | {r['items_per_s']:,.0f} items/s "
                f"(re-run unchanged: {r['rerun_items_per_s']:,.0f}/s) "
                f"| ≥ 20,000/s {_mark(r['items_per_s'] >= 20_000)} |"
            )
        else:
            lines.append(
                f"| FTS list+count at {r['items']:,} items | p50 {r['p50_ms']:.1f} ms, "
                f"p95 {r['p95_ms']:.1f} ms | p95 ≤ 30 ms at 1M "
                f"{_mark(r['p95_ms'] <= 30) if r['items'] >= 1_000_000 else ''} |"
            )
    return lines


def render(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    m = results["machine"]
    out = [
        f"aigeo benchmarks, {results['started']} ({results['seconds']:.0f} s)",
        f"machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}; load average "
        f"{m['loadavg_start'][0]:.2f} at start, {m['loadavg_end'][0]:.2f} at end",
        "",
    ]
    if results.get("refresh"):
        out += ["## Refresh (median wall time; CPU = user+sys of the process tree)", ""]
        out += refresh_table(results["refresh"])
        out += [f"\nnote: {n}" for n in results.get("notes", [])]
        out.append("")
    if results.get("growth"):
        out += ["## Growth (cold refresh, first N feeds of one farm)", ""]
        out += [*growth_table(results["growth"]), ""]
    if results.get("dashboard"):
        out += ["## Dashboard", "", *dashboard_table(results["dashboard"]), ""]
    if results.get("store"):
        out += ["## Store", "", *store_table(results["store"]), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """Run the chosen sections, print the table, write the JSON and Markdown results."""
    args = parse_args(argv)
    log("compiling bytecode (once)")
    compile_bytecode()
    started = time.monotonic()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "machine": machine(),
        "args": {k: v for k, v in vars(args).items() if k != "out"},
    }
    if "refresh" in args.sections:
        results["refresh"], results["notes"] = run_refresh(args)
    if "growth" in args.sections:
        results["growth"] = run_growth(args)
    if "dashboard" in args.sections:
        results["dashboard"] = run_dashboard(args)
    if "store" in args.sections:
        results["store"] = run_store(args)
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["seconds"] = time.monotonic() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str))
    table = render(results)
    args.out.with_suffix(".md").write_text(table + "\n")
    print(table)
    log(f"results: {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
