"""The command line: `aigeo` launches the dashboard; subcommands work headless.

Every listing command takes `--json` and then prints exactly one JSON document.
Nothing here imports Textual unless the dashboard is launched.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

import click

from tui.config import Settings, load_settings, resolve_db_path
from tui.model import Classification, ItemRow
from tui.store import ItemQuery, Store, StoreError, describe_database_error
from tui.text import json_text, terminal_safe

if TYPE_CHECKING:
    from tui.poller import PollSettings


class Context:
    """What every subcommand shares: the database path, opened on demand."""

    def __init__(self, db: str | None) -> None:
        self.db_path = resolve_db_path(db)
        self._store: Store | None = None

    def poll_settings(self, settings: Settings | None = None) -> PollSettings:
        """Poller limits from the [poll] table of config.toml (problems go to stderr)."""
        from tui.poller import PollSettings

        settings = settings or load_settings()
        poll, problems = PollSettings.from_mapping(settings.poll)
        for problem in problems + settings.problems:
            click.echo(f"aigeo: config: {problem}", err=True)
        return poll

    def store(self, *, check: bool = False) -> Store:
        """The open store, with the seed corpus loaded on first use.

        `check` reads the whole file first (SQLite's quick_check) and refuses a damaged
        one before anything is written.
        """
        if self._store is None:
            from tui.ingest import load_seed_corpus

            try:
                store = Store.open(self.db_path)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
            problem = store.quick_check() if check else None
            if problem:
                store.close()
                detail = f"malformed: {problem}"
                message = describe_database_error(self.db_path, detail, untouched=True)
                raise click.ClickException(message)
            load_seed_corpus(store)
            self._store = store
        return self._store


pass_ctx = click.make_pass_decorator(Context)


class AigeoGroup(click.Group):
    """The command group: an SQLite error in any command (a page damaged after the file
    opened fine, a lock held past the busy timeout) is one clear line, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            path = ctx.obj.db_path if isinstance(ctx.obj, Context) else None
            raise click.ClickException(describe_database_error(path, exc)) from exc


def emit_json(document: Any) -> None:
    """Print one JSON document (see json_text: terminal-safe, still exactly the data)."""
    click.echo(json_text(document))


def item_to_json(item: ItemRow, why: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `items --json` shape of one item (`why`: see tui.theme_why)."""
    out = {
        "id": item.id,
        "source": item.source,
        "source_id": item.source_id,
        "title": item.title,
        "url": item.url,
        "published": item.published,
        "read": item.read,
        "starred": item.starred,
        "tags": list(item.tags),
        "themes": [{"id": t.id, "score": t.score, "origin": t.origin} for t in item.themes],
        "actors": list(item.actors),
    }
    if why is not None:
        out["why"] = why
    return out


def classification_to_json(
    item_id: Any, result: Classification, why: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `classify` output line for one input."""
    out = {
        "id": item_id,
        "themes": [{"id": t.id, "score": t.score} for t in result.themes],
        "actors": list(result.actors),
    }
    if why is not None:
        out["why"] = why
    return out


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version (the installed version is looked up only when asked for)."""
    if not value or ctx.resilient_parsing:
        return
    from tui import __version__

    click.echo(f"aigeo, version {__version__}")
    ctx.exit()


@click.group(
    cls=AigeoGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db",
    metavar="PATH",
    envvar=None,
    help="Database file (default: $AIGEO_DB, else the user data dir).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """aigeo: track the geopolitics of AI from the terminal.

    Run without a command to open the dashboard.
    """
    ctx.obj = Context(db)
    if ctx.invoked_subcommand is None:
        launch_dashboard(ctx.obj)


def launch_dashboard(context: Context) -> None:
    """Open the store (loading the seed corpus on first run) and run the Textual app.

    The whole file is checked first (SQLite's quick_check): a damaged database is
    reported here, before Textual takes the terminal, not by a crash mid-session.
    """
    context.store(check=True).close()
    from tui.ui.app import make_app

    settings = load_settings()
    make_app(
        context.db_path,
        settings=settings,
        poll_settings=context.poll_settings(settings),
        offer_defaults=True,
    ).run()


@main.command()
@click.option("--theme", "theme", metavar="ID", help="Only items with this theme id.")
@click.option(
    "--source", "source", metavar="ID", help="Only items of this source (id, URL, title)."
)
@click.option(
    "--search",
    "search",
    metavar="QUERY",
    help='Search: words, "phrases", theme:ID actor:NAME tag:T is:unread since:7d …',
)
@click.option("--tag", "tag", metavar="TAG", help="Only items with this tag.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def items(
    context: Context,
    theme: str | None,
    source: str | None,
    search: str | None,
    tag: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List items, newest first."""
    store = context.store()
    source_id = None
    if source is not None:
        found = store.find_source(source)
        if found is None:
            raise click.ClickException(f"no source {source!r} (see `aigeo sources`)")
        source_id = found.id
    if theme is not None:
        _check_theme(theme)
    query = ItemQuery(theme=theme, source_id=source_id, tag=tag, limit=limit)
    if search:
        from tui.query import parse_query

        parsed = parse_query(search)
        for error in parsed.errors:
            click.echo(f"aigeo: search: {error}", err=True)
        query = parsed.to_item_query(query)
    rows = store.list_items(query)
    if as_json:
        from tui.theme_why import why
        from tui.themes import load_lexicon

        lexicon = load_lexicon()
        texts = store.item_texts(row.id for row in rows)
        emit_json(
            [
                item_to_json(
                    row,
                    why(
                        lexicon,
                        *texts.get(row.id, (row.title, "")),
                        themes=[t.id for t in row.themes if t.origin == "rule"],
                    ),
                )
                for row in rows
            ]
        )
        return
    for row in rows:
        date = (row.published or "")[:10].ljust(10)
        themes = terminal_safe(",".join(t.id for t in row.themes), multiline=False)
        mark = "*" if row.starred else " "
        title = terminal_safe(row.title, multiline=False)
        source_title = terminal_safe(row.source, multiline=False)[:18]
        click.echo(f"{row.id:>6} {mark} {date}  {source_title:<18}  {title}  [{themes}]")


def _check_theme(theme: str) -> None:
    from tui.themes import load_lexicon

    known = load_lexicon().theme_ids
    if theme not in known:
        raise click.ClickException(f"unknown theme {theme!r}; known: {', '.join(known)}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def themes(context: Context, as_json: bool) -> None:
    """List the themes with their item counts."""
    from tui.themes import load_lexicon

    counts = context.store().theme_counts()
    rows = [
        {
            "id": theme.id,
            "name": theme.name,
            "count": counts.get(theme.id, (0, 0))[0],
            "unread": counts.get(theme.id, (0, 0))[1],
        }
        for theme in load_lexicon().themes
    ]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:<20} {row['count']:>6}  {row['name']}")


def _read_json_lines(stream: TextIO) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, object or error message) for each non-blank input line."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"line {number}: invalid JSON ({exc.msg})"
            continue
        if not isinstance(value, dict):
            yield number, f"line {number}: expected a JSON object"
            continue
        yield number, value


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines out (the default and only form).")
def classify(as_json: bool) -> None:
    """Classify JSON lines from stdin: {"id", "title", "summary" | "text"} → themes, actors.

    Touches no database. A line that is not a JSON object yields {"id": null, "error": …}
    and the exit status is 1.
    """
    from tui.theme_why import why
    from tui.themes import load_lexicon

    lexicon = load_lexicon()
    failed = False
    out = sys.stdout
    for _number, value in _read_json_lines(sys.stdin):
        if isinstance(value, str):
            failed = True
            out.write(json_text({"id": None, "error": value}, indent=None) + "\n")
            continue
        title = value.get("title") or ""
        body = value.get("text") or value.get("summary") or ""
        if not isinstance(title, str) or not isinstance(body, str):
            failed = True
            error = "title, summary and text must be strings"
            out.write(json_text({"id": value.get("id"), "error": error}, indent=None) + "\n")
            continue
        result = lexicon.classify(title, body)
        reasons = why(lexicon, title, body, result.theme_ids())
        line = classification_to_json(value.get("id"), result, reasons)
        out.write(json_text(line, indent=None) + "\n")
    out.flush()
    if failed:
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@pass_ctx
def retheme(context: Context, as_json: bool) -> None:
    """Re-score every stored item with the current lexicon (user decisions are kept)."""
    import time

    from tui.ingest import retheme as run_retheme
    from tui.learn_train import retrain
    from tui.themes import load_lexicon

    started = time.perf_counter()
    store = context.store()
    # the learned model is retrained on every decision so far, then blended in
    lexicon = retrain(store, load_lexicon())
    count = run_retheme(store, lexicon)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json({"items": count, "seconds": round(seconds, 3)})
    else:
        click.echo(f"re-themed {count} items in {seconds:.2f} s")


def run() -> None:
    """Entry point for `python -m tui`."""
    main(prog_name="aigeo")


import tui.cli_article  # noqa: E402  (registers fetch-article, learned)
import tui.cli_feeds  # noqa: E402, F401  (registers add/remove/sources/import/export/refresh/poll)
from tui import cli_analysis  # noqa: E402, F401  (registers trends, brief)
