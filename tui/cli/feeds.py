"""Feed commands: add, remove, sources, import, export, refresh, poll.

Registered by tui/cli/group.py. Nothing here imports Textual, and nothing is fetched
unless the command is `refresh` or `poll`.

`aigeo refresh` exit status (for cron): 0 when every feed it tried was fetched (or there
was nothing to fetch), 2 when some failed, 1 when every feed it tried failed (the
network is probably down).
`--quiet` (for cron) prints nothing but failures, and a feed that keeps failing is
reported only on its first failure in a row (it is retried with backoff meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from tui.cli.context import Context, emit_json, exit_without_finalizing, open_store, pass_ctx
from tui.config import load_settings, seeds_dir
from tui.csvsafe import csv_text
from tui.dbfile import is_database_family
from tui.feeds.schedule import parse_time
from tui.model import ItemQuery, SourceSummary
from tui.startup import resume_collector
from tui.text import json_text, terminal_safe


def _safe(text: str | None, width: int | None = None) -> str:
    value = terminal_safe(text, multiline=False)
    if width is not None and len(value) > width:
        value = value[: max(1, width - 1)] + "…"
    return value


def summary_to_json(row: SourceSummary) -> dict[str, Any]:
    """The `sources --json` shape of one source: identity, health, counts."""
    s = row.source
    return {
        "id": s.id,
        "url": s.url,
        "title": s.title,
        "kind": s.kind,
        "category": s.category,
        "site_url": s.site_url,
        "items": row.total,
        "unread": row.unread,
        "status": s.status,
        "checked_at": s.checked_at,
        "ok_at": s.ok_at,
        "error": s.error,
        "error_count": s.error_count,
        "next_check_at": s.next_check_at,
        "disabled": s.disabled,
        "disabled_reason": s.disabled_reason,
    }


# --------------------------------------------------------------------------- add / remove


@click.command()
@click.argument("url")
@click.option("--category", "-c", metavar="C", help="Category (folder) of the feed.")
@click.option("--title", "-t", metavar="T", help="Title (default: the feed's own, once fetched).")
@click.option(
    "--no-fetch",
    is_flag=True,
    help="Add the URL as given, without looking at it (no feed autodiscovery).",
)
@click.option("--pick", type=click.IntRange(1), metavar="N", help="Of several feeds, the N-th.")
@pass_ctx
def add(
    context: Context,
    url: str,
    category: str | None,
    title: str | None,
    no_fetch: bool,
    pick: int | None,
) -> None:
    """Add a feed by URL (http or https), or a web page that links its feed.

    The URL is fetched once: a feed is added as it is; a web page's `<link
    rel="alternate">` feeds are offered (one: it is used; several: choose, or --pick N).
    Its items are fetched by `aigeo refresh`.
    """
    from tui.feeds.opml import feed_url_problem

    url = url.strip()
    if problem := feed_url_problem(url):
        raise click.ClickException(f"cannot add {_safe(url, 200)!r}: {problem}")
    title, category = _safe(title) or None, _safe(category) or None  # shown everywhere later
    with open_store(context) as store:  # a damaged database is refused before any fetch
        if not no_fetch:
            from tui.cli.discovery import choose_feed

            url = choose_feed(url, pick)
        source_id, created = store.add_source(url, title, category=category)
        if not created:
            existing = store.get_source(source_id)
            name = _safe(existing.title if existing else url)
            click.echo(f"already a source: #{source_id} {name}")
            return
    click.echo(f"added #{source_id} {_safe(url)}")
    click.echo(f"fetch it with: aigeo refresh --source {source_id}")


@click.command()
@click.argument("key", metavar="ID|URL|TITLE")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def remove(context: Context, key: str, yes: bool) -> None:
    """Remove a source with its items (and their read/star/tag state)."""
    with open_store(context) as store:
        source = store.find_source(key)
        if source is None:
            raise click.ClickException(f"no source {key!r} (see `aigeo sources`)")
        if source.kind != "feed":
            raise click.ClickException(f"#{source.id} {_safe(source.title)} is not a feed")
        count = store.count_items(ItemQuery(source_id=source.id))
        starred = store.count_items(ItemQuery(source_id=source.id, starred=True))
        what = f"#{source.id} {_safe(source.title)} and its {count} item{'s' * (count != 1)}"
        if starred:
            what += f" ({starred} starred)"
        if not yes:
            click.confirm(f"Remove {what}?", abort=True)
        removed = store.remove_source(source.id)
    click.echo(f"removed #{source.id} {_safe(source.title)} ({removed} items)")


# --------------------------------------------------------------------------- sources


def _ago(iso: str | None, now: datetime) -> str:
    """A short relative time ("3h ago", "in 20m", "-")."""
    if not iso:
        return "-"
    when = parse_time(iso)
    if when is None:
        return "?"
    seconds = (when - now).total_seconds()
    span = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if span >= size:
            amount = f"{int(span // size)}{unit}"
            break
    else:
        amount = f"{int(span)}s"
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def sources(context: Context, as_json: bool) -> None:
    """List sources with their health: last status and success, errors, next check."""
    with open_store(context) as store:
        rows = store.source_summaries()
    if as_json:
        emit_json([summary_to_json(row) for row in rows])
        return
    if not rows:
        click.echo("no sources yet: `aigeo import --defaults` or `aigeo add URL`")
        return
    now = datetime.now(UTC)
    width = shutil.get_terminal_size((100, 24)).columns
    title_width = max(16, min(40, width - 62))
    click.echo(
        f"{'id':>4}  {'':1} {'title':<{title_width}}  {'unread':>6}/{'items':<6} "
        f"{'status':>6}  {'last ok':>9}  {'next':>9}  errors"
    )
    for row in rows:
        s = row.source
        mark = "x" if s.disabled else ("!" if s.error_count else " ")
        status = str(s.status) if s.status is not None else "-"
        click.echo(
            f"{s.id:>4}  {mark} {_safe(s.title, title_width):<{title_width}}  "
            f"{row.unread:>6}/{row.total:<6} {status:>6}  {_ago(s.ok_at, now):>9}  "
            f"{_ago(s.next_check_at, now) if s.kind == 'feed' else '-':>9}  "
            f"{s.error_count or ''}"
        )
        if s.disabled and s.disabled_reason:
            click.echo(f"{'':8}disabled: {_safe(s.disabled_reason)}")
        elif s.error:
            click.echo(f"{'':8}{_safe(s.error, width - 8)}")


# --------------------------------------------------------------------------- import / export


SKIPPED_SHOWN = 50


@click.command(name="import")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--defaults", is_flag=True, help="Import the shipped default feed list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@pass_ctx
def import_(context: Context, file: str | None, defaults: bool, as_json: bool) -> None:
    """Import feeds from an OPML file (categories from folders). Safe to run twice."""
    from tui.feeds.opml import OpmlError, import_opml

    if defaults == (file is not None):
        raise click.UsageError("give an OPML FILE or --defaults (one of them)")
    path = seeds_dir() / "feeds.opml" if defaults else Path(str(file))
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from exc
    with open_store(context) as store:
        try:
            report = import_opml(store, data)
        except OpmlError as exc:
            raise click.ClickException(f"{path}: {exc}") from exc
    if as_json:
        emit_json(
            {
                "added": [{"id": i, "url": f.url, "title": f.title} for i, f in report.added],
                "existing": [{"id": i, "url": f.url} for i, f in report.existing],
                "skipped": [{"what": s.what, "reason": s.reason} for s in report.skipped],
            }
        )
        return
    click.echo(
        f"imported {len(report.added)} new feeds; {len(report.existing)} already present; "
        f"{len(report.skipped)} skipped"
    )
    for skipped in report.skipped[:SKIPPED_SHOWN]:
        click.echo(f"  skipped {_safe(skipped.what, 120)}: {skipped.reason}")
    if len(report.skipped) > SKIPPED_SHOWN:  # a hostile file can list 400,000
        click.echo(f"  … and {len(report.skipped) - SKIPPED_SHOWN} more (--json lists them all)")
    if report.added:
        click.echo("nothing was fetched yet: run `aigeo refresh`")


EXPORT_FIELDS = ("url", "title", "category", "site_url", "disabled")


@click.command()
@click.argument("fmt", metavar="opml|json|csv", type=click.Choice(["opml", "json", "csv"]))
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
@pass_ctx
def export(context: Context, fmt: str, output: str | None) -> None:
    """Export the feed list as OPML 2.0, JSON or CSV (to stdout, or -o FILE)."""
    from tui.feeds.opml import write_opml

    with open_store(context) as store:
        feeds = [s for s in store.sources() if s.kind == "feed"]
    if fmt == "opml":
        data = write_opml(feeds)
    else:
        rows = [{name: getattr(s, name) for name in EXPORT_FIELDS} for s in feeds]
        if fmt == "csv":  # a text format read in terminals and spreadsheets: no controls
            rows = [{k: _safe(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
        if fmt == "json":
            data = (json_text(rows) + "\n").encode("utf-8")
        else:
            data = csv_text(EXPORT_FIELDS, rows).encode("utf-8")  # formulas neutralised
    if output and output != "-":
        if is_database_family(context.db_path, Path(output)):
            raise click.ClickException(
                f"{output} is the database itself (or a file SQLite keeps beside it); "
                "choose another file. Nothing was written."
            )
        Path(output).write_bytes(data)
        click.echo(f"exported {len(feeds)} feeds to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


# --------------------------------------------------------------------------- refresh / poll


class _ProgressLine:
    """One self-overwriting line on stderr: `[ 37/100] title`."""

    def __init__(self) -> None:
        self.width = shutil.get_terminal_size((80, 24)).columns - 1
        self.shown = False

    def __call__(self, done: int, total: int, result: Any) -> None:
        text = f"[{done:>{len(str(total))}}/{total}] {_safe(result.title)}"
        sys.stderr.write("\r" + text[: self.width].ljust(self.width))
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def _failure_line(result: Any) -> str:
    return f"! #{result.source_id} {_safe(result.title, 60)}: {_safe(result.error, 200)}"


@click.command()
@click.option(
    "--source", "source_keys", multiple=True, metavar="ID", help="Only this source (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.option("--quiet", "-q", is_flag=True, help="For cron: print only new failures.")
@click.option("--due", is_flag=True, help="Only sources whose next check time has come.")
@pass_ctx
def refresh(
    context: Context, source_keys: Sequence[str], as_json: bool, quiet: bool, due: bool
) -> None:
    """Fetch feeds now (all enabled feeds, or --source) and store new items.

    Shows progress on a terminal, then one line per failing feed (stderr) and a summary.
    Exit status: 0 if every feed worked or there was nothing to do, 2 if some feeds
    failed, 1 if every feed failed.
    With --quiet (cron) only failures are printed, each feed once when it starts failing.
    """
    from tui.feeds import tls

    tls.prepare()  # the HTTP client's CA bundle loads in a thread while modules import
    stop = _StopOnSignal()
    # The whole file is checked (quick_check) while the refresh reads and fetches; every
    # write waits for the check, and a damaged file is refused, untouched.
    wait_for_check = context.check_before_writes(on_damage=stop.event.set)
    progress: _ProgressLine | None = None
    try:
        from tui.feeds.refresh import refresh_sources

        resume_collector()  # start-up is over: the refresh's modules are in (tui.startup)
        ids: list[int] | None = None
        with open_store(context) as store:
            if source_keys:
                ids = []
                for key in source_keys:
                    found = store.find_source(key)
                    if found is None or found.kind != "feed":
                        raise click.ClickException(f"no feed source {key!r} (see `aigeo sources`)")
                    ids.append(found.id)
            elif not store.has_feed_sources():
                wait_for_check()
                if not quiet and not as_json:
                    click.echo(
                        "no feeds yet: `aigeo import --defaults` or `aigeo add URL`", err=True
                    )
                if as_json:
                    emit_json({"total": 0, "ok": 0, "failed": 0, "new_items": 0, "results": []})
                return
        progress = _ProgressLine() if sys.stderr.isatty() and not quiet and not as_json else None
        settings = load_settings()
        with stop:
            summary = refresh_sources(
                context.db_path,
                ids,
                context.poll_settings(settings),
                on_progress=progress,
                due_only=due,
                cancel=stop.event,
                alert_hook=context.alert_hook(settings),
            )
    finally:
        if progress is not None:
            progress.clear()
        wait_for_check()  # a damaged file: this refusal is the one error reported
    if as_json:
        emit_json(summary.to_json())
    else:
        for result in summary.results:
            if result.ok or result.outcome == "skipped":
                continue
            if quiet and result.error_count > 1:
                continue  # reported when it started failing; retried with backoff since
            click.echo(_failure_line(result), err=True)
        if not quiet:
            click.echo(
                f"refreshed {summary.total} feeds in {summary.seconds:.1f} s: "
                f"{summary.ok} ok, {summary.failed} failed"
                + (f", {summary.skipped} asked us to wait" if summary.skipped else "")
                + f"; {summary.new_items} new items"
                + (f"; {summary.alerts} alerts (`aigeo alerts`)" if summary.alerts else "")
            )
    # Every connection (open_store, the checker's, the store thread's), the HTTP client
    # and the parse pool are closed, hooks awaited: nothing needs the finalization.
    exit_without_finalizing()
    if summary.cancelled:
        done = len(summary.results)
        click.echo(
            f"stopped by {stop.signal_name}: {done} feeds finished and stored "
            f"({summary.new_items} new items); the others are fetched next time",
            err=True,
        )
        sys.exit(128 + stop.signal_number)
    if summary.all_failed:
        sys.exit(1)
    if summary.failed:
        sys.exit(2)


class _StopOnSignal:
    """SIGINT and SIGTERM stop a refresh promptly: feeds done so far stay stored.

    The first signal sets `event` (the refresh cancels what is in flight, kills busy
    parse workers and returns a summary within a second or so); a second one is the
    default behaviour again (KeyboardInterrupt / termination), for the impatient.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_number = 0
        self._previous: dict[int, Any] = {}

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signal_number).name if self.signal_number else "a signal"

    def _handle(self, number: int, _frame: object) -> None:
        self.signal_number = number
        self.event.set()
        for sig, previous in self._previous.items():  # a second signal: the default again
            signal.signal(sig, previous)

    def __enter__(self) -> _StopOnSignal:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="Print only failures.")
@click.option(
    "--max-sleep",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Look for new or due sources at least this often (seconds).",
)
@pass_ctx
def poll(context: Context, quiet: bool, max_sleep: float) -> None:
    """Stay in the foreground and refresh each feed when it comes due (Ctrl+C stops).

    For a tmux pane or a user service: SIGTERM stops it after the current round.
    """
    from tui.feeds.refresh import poll_forever
    from tui.feeds.refresh_types import FeedResult

    resume_collector()  # start-up is over: the poller's modules are in (tui.startup)
    open_store(context, check=True).close()  # fail early on an unusable database
    config = load_settings()
    settings = context.poll_settings(config)
    hook = context.alert_hook(config)

    def report(result: FeedResult) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        if not result.ok and result.outcome != "skipped":
            click.echo(f"{stamp} {_failure_line(result)}", err=True)
        elif not quiet and result.new_items:
            alerts = f", {result.alerts} alerts" if result.alerts else ""
            click.echo(
                f"{stamp}   #{result.source_id} {_safe(result.title, 60)}: "
                f"{result.new_items} new{alerts}"
            )

    if not quiet:
        click.echo("polling; each feed is fetched when it comes due. Ctrl+C stops.", err=True)

    async def run() -> None:
        # A service manager stops us with TERM: like Ctrl+C, it cancels the round in
        # flight at once (feeds already fetched and parsed are still stored).
        main_task = asyncio.current_task()
        assert main_task is not None
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
        await poll_forever(
            context.db_path, settings, on_result=report, max_sleep_s=max_sleep, alert_hook=hook
        )

    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(run())
    if not quiet:
        click.echo("stopped", err=True)


COMMANDS = (add, remove, sources, import_, export, refresh, poll)
