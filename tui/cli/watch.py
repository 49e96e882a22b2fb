"""Watchlist and notes commands: watch, unwatch, views, alerts, note. No Textual.

`aigeo watch NAME QUERY` saves a view and watches it; every refresh (`aigeo refresh`,
`aigeo poll`, the dashboard's) then raises an alert per new story matching it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from tui.cli.context import Context, emit_json, pass_ctx
from tui.text import terminal_safe


def _safe(text: str | None, width: int) -> str:
    value = terminal_safe(text or "", multiline=False)
    return value if len(value) <= width else value[: width - 1] + "…"


@click.command()
@click.argument("name")
@click.argument("query", required=False)
@pass_ctx
def watch(context: Context, name: str, query: str | None) -> None:
    """Save QUERY as the view NAME and watch it (without QUERY: watch a saved view).

    QUERY is the search language of the dashboard's `/` box, e.g.
    'export controls theme:chips' or 'actor:DeepSeek,Qwen'.
    """
    from tui.analysis.watch import watch_view
    from tui.query import parse_query

    name = " ".join(name.split())
    if not name:
        raise click.BadParameter("a view needs a name", param_hint="NAME")
    if query is not None:
        parsed = parse_query(query)
        for error in parsed.errors:
            click.echo(f"aigeo: query: {error}", err=True)
        if parsed.is_empty:
            raise click.BadParameter("the query matches everything; narrow it", param_hint="QUERY")
    try:
        watch_view(context.store(), name[:80], query)
    except KeyError:
        raise click.ClickException(f"no saved view {name!r}; give a QUERY to save one") from None
    click.echo(f"watching {_safe(name, 80)}: new matches alert on every refresh")


@click.command()
@click.argument("name")
@pass_ctx
def unwatch(context: Context, name: str) -> None:
    """Stop watching the view NAME (it stays saved; its alerts stay listed)."""
    from tui.analysis.watch import unwatch_view

    if not unwatch_view(context.store(), name):
        raise click.ClickException(f"no saved view {name!r} (see `aigeo views`)")
    click.echo(f"stopped watching {_safe(name, 80)}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def views(context: Context, as_json: bool) -> None:
    """Saved views: name, query, watched or not, unseen alerts, the hook's last failure."""
    from tui.analysis.watch import view_infos

    infos = view_infos(context.store())
    if as_json:
        emit_json([info.to_json() for info in infos])
        return
    for info in infos:
        mark = "watched" if info.watched else "       "
        badge = f"{info.unseen:>3} new" if info.unseen else "       "
        click.echo(f"{_safe(info.name, 24):<24} {mark} {badge}  {_safe(info.query, 60)}")
        if info.hook_error:
            click.echo(f"    hook failed {info.hook_error_at}: {_safe(info.hook_error, 100)}")
    if not infos:
        click.echo("no saved views: `aigeo watch NAME QUERY` saves and watches one")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--since", "since", metavar="WHEN", help="Only alerts raised since (7d, 2025-06-01).")
@click.option("--view", "view", metavar="NAME", help="Only this view's alerts.")
@click.option("--all", "include_seen", is_flag=True, help="Seen alerts too.")
@click.option("--seen", "mark", is_flag=True, help="Then mark the listed alerts seen.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 100_000))
@pass_ctx
def alerts(
    context: Context,
    as_json: bool,
    since: str | None,
    view: str | None,
    include_seen: bool,
    mark: bool,
    limit: int,
) -> None:
    """Alerts of watched views, newest first (unseen ones unless --all).

    One alert per view and story: the first article of a story that matched.
    """
    from tui.analysis.watch import find_view, list_alerts, mark_seen
    from tui.query import parse_time

    store = context.store()
    start = None
    if since:
        try:
            start = parse_time(since, datetime.now(UTC)).iso()
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from exc
    view_id = None
    if view is not None:
        found = find_view(store, view)
        if found is None:
            raise click.ClickException(f"no saved view {view!r} (see `aigeo views`)")
        view_id = found[0]
    found_alerts = list_alerts(
        store, since=start, include_seen=include_seen, view_id=view_id, limit=limit
    )
    if mark and found_alerts:
        mark_seen(store, [a.id for a in found_alerts])
    if as_json:
        emit_json([a.to_json() for a in found_alerts])
        return
    for alert in found_alerts:
        seen = " " if alert.seen else "*"
        day = (alert.published or "")[:10]
        more = f"  +{alert.sources - 1} sources" if alert.sources > 1 else ""
        click.echo(
            f"{seen} {alert.at[:16]}  [{_safe(alert.view, 20)}]  {day:<10} "
            f"{_safe(alert.source, 18)}: {_safe(alert.title, 80)}{more}"
        )
        if alert.url:
            click.echo(f"      {_safe(alert.url, 110)}  (item {alert.item_id})")
    if not found_alerts:
        click.echo("no alerts" + ("" if include_seen else " (--all shows seen ones)"))
    elif mark:
        click.echo(f"marked {len(found_alerts)} alerts seen", err=True)


@click.command()
@click.argument("item_id", type=int)
@click.argument("text", required=False)
@click.option("--clear", is_flag=True, help="Remove the note.")
@pass_ctx
def note(context: Context, item_id: int, text: str | None, clear: bool) -> None:
    """Set the note on item ITEM_ID (without TEXT: print it; '-' reads it from stdin).

    Notes are yours: refresh and re-theme never touch them; `note:WORD` finds them.
    """
    import sys

    from tui.store.notes import get_note, set_note

    store = context.store()
    if store.get_item(item_id) is None:
        raise click.ClickException(f"no item {item_id} (see `aigeo items`)")
    if clear:
        set_note(store, item_id, "")
        click.echo(f"note on item {item_id} removed")
        return
    if text is None:
        click.echo(terminal_safe(get_note(store, item_id)))
        return
    if text == "-":
        text = sys.stdin.read()
    saved = set_note(store, item_id, text)
    click.echo(f"note on item {item_id} saved ({len(saved)} characters)")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOTE_FIELDS = ("item_id", "title", "url", "source", "published", "note", "updated_at")


def _csv_cell(value: object) -> object:
    """A spreadsheet shows a cell starting with = + - @ as a formula: quote it as text."""
    if isinstance(value, str):
        value = terminal_safe(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


@click.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@pass_ctx
def notes(context: Context, fmt: str) -> None:
    """Export every note with its item (title, link, source, date) as JSON or CSV."""
    import csv
    import io

    from tui.store.notes import all_notes

    rows = all_notes(context.store())
    if fmt == "json":
        emit_json(rows)
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=NOTE_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _csv_cell(v) for k, v in row.items()} for row in rows)
    click.echo(buffer.getvalue(), nl=False)


COMMANDS = (watch, unwatch, views, alerts, note, notes)
