"""Analysis commands: trends, brief. Registered by tui/cli/group.py; no Textual.

`--at DAY` looks at the store as of that day (default today, UTC): the seed corpus is
from 2025, so `aigeo trends --at 2025-02-10` shows the weeks around the DeepSeek shock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.analysis.series import Trend, sparkline
from tui.analysis.windows import TREND_WEEKS
from tui.cli.context import Context, emit_json, pass_ctx
from tui.text import terminal_safe

if TYPE_CHECKING:
    from tui.store import Store


def _as_of(at: str | None) -> datetime:
    """The moment the report is for: the end of day `at`, or now."""
    if not at:
        return datetime.now(UTC)
    try:
        day = date.fromisoformat(at)
    except ValueError as exc:
        raise click.BadParameter(f"{at!r} is not a date (YYYY-MM-DD)", param_hint="--at") from exc
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _window_end(at: str | None) -> datetime:
    """The exclusive end of a brief's or stories' window: the end of day `at`
    (midnight after it, UTC), or now. `--since 7d --at DAY` is then exactly the week
    `aigeo trends --at DAY` calls this week."""
    if not at:
        return datetime.now(UTC).replace(microsecond=0)
    from tui.analysis.trends import day_end

    return day_end(_as_of(at).date())


def _anchored(
    store: Store, at: str | None, end: datetime, window: timedelta, what: str
) -> datetime:
    """`end`, or without --at, when every dated item is older than `window`, the newest
    one's time (tui.analysis.windows), said on stderr: an old corpus (the seed corpus on
    a first run) would otherwise give an empty report."""
    if at:
        return end
    from tui.analysis.windows import anchored_now

    newest = anchored_now(store, end, window)
    if newest != end:
        click.echo(
            f"aigeo: every item is older than the window: {what} as of the newest, "
            f"{newest:%Y-%m-%d} (--at DAY chooses the day)",
            err=True,
        )
    return newest


def _anchored_window(
    store: Store, at: str | None, since: str, end: datetime, start: datetime, what: str
) -> tuple[datetime, datetime]:
    """[start, end) of a brief or story list, moved to end with the newest item's day
    when every item is older than it (as `--at` that day would)."""
    from tui.analysis.trends import day_end
    from tui.query import parse_time

    newest = _anchored(store, at, end, end - start, what)
    if newest == end:
        return start, end
    end = day_end(newest.date())
    return parse_time(since, end).at, end


def _safe(text: str, width: int) -> str:
    value = terminal_safe(text, multiline=False)
    return value if len(value) <= width else value[: width - 1] + "…"


def _trend_line(trend: Trend, name: str) -> str:
    return (
        f"  {_safe(name, 30):<30} {trend.this_week:>4} stories ({trend.this_week_articles} "
        f"articles) this week  (before: {trend.baseline:4.1f}/week)  score {trend.score:+.1f}  "
        f"{sparkline(trend.weekly)}"
    )


@click.command()
@click.option("--weeks", default=TREND_WEEKS, show_default=True, type=click.IntRange(1, 104))
@click.option("--at", "at", metavar="DAY", help="As of this day (YYYY-MM-DD; default today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_ctx
def trends(context: Context, weeks: int, at: str | None, as_json: bool) -> None:
    """Rising themes and actors, stories per week, and who appears with which theme.

    Counts are stories (the same news from several outlets counts once), with the
    articles beside; rising means this week against the four before, at least 3 stories.
    """
    from tui.analysis.trends import build_trends, trends_to_json
    from tui.themes import load_lexicon

    store = context.store()
    as_of = _anchored(store, at, _as_of(at), timedelta(days=7), "trends")
    report = build_trends(store, load_lexicon().themes, as_of.date(), weeks)
    if as_json:
        emit_json(trends_to_json(report))
        return
    starts = report.week_starts
    click.echo(f"Trends as of {report.as_of}: {weeks} weeks from {starts[0]} (rolling weeks)")
    click.echo("")
    click.echo("Rising themes (this week against the four before):")
    for trend in report.rising_themes or []:
        click.echo(_trend_line(trend, report.names.get(trend.label, trend.label)))
    if not report.rising_themes:
        click.echo("  none")
    click.echo("Rising actors:")
    for trend in report.rising_actors[:10]:
        click.echo(_trend_line(trend, trend.label))
    if not report.rising_actors:
        click.echo("  none")
    click.echo("")
    click.echo(
        f"Stories per week, themes (oldest first, the last is the week to {report.as_of}; "
        "a story told by several outlets counts once):"
    )
    for trend in report.themes:
        counts = " ".join(f"{n:>4}" for n in trend.weekly)
        name = report.names.get(trend.label, trend.label)
        click.echo(f"  {_safe(name, 30):<30} {counts}  {sparkline(trend.weekly)}")
    click.echo("")
    since = report.cooccurrence_since
    click.echo(f"Actors with themes, {since} to {report.as_of} (items naming both):")
    for actor, themes in report.cooccurrence.items():
        ranked = sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        words = ", ".join(f"{theme} {count}" for theme, count in ranked)
        click.echo(f"  {_safe(actor, 24):<24} {_safe(words, 200)}")  # theme ids too are data
    if not report.cooccurrence:
        click.echo("  none")


@click.command()
@click.option("--since", "since", default="7d", show_default=True, metavar="WHEN")
@click.option("--theme", "theme_ids", multiple=True, metavar="ID", help="Only these themes.")
@click.option("--tag", "tag", metavar="TAG", help="Only items with this tag.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    help="Output format (default: from the file name, else md).",
)
@click.option("-o", "--output", "output", metavar="FILE", help="Write here (default: stdout).")
@click.option("--per-theme", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--at", "at", metavar="DAY", help="Up to the end of this day (default now).")
@click.option("--view", "view", metavar="NAME", help="Only the items of this saved view.")
@click.option(
    "--no-record", is_flag=True, help="Do not remember this brief (for the next one's NEW marks)."
)
@pass_ctx
def brief(
    context: Context,
    since: str,
    theme_ids: tuple[str, ...],
    tag: str | None,
    fmt: str | None,
    output: str | None,
    per_theme: int,
    at: str | None,
    view: str | None,
    no_record: bool,
) -> None:
    """A briefing of [since, at): a lead paragraph from the counts, then per theme the
    top stories (most sources, then newest) with summaries, every outlet and your notes.

    WHEN is 7d, 24h, 2w, 1m or a date (2025-06-01). With --view, stories not in the
    previous brief of that view are marked NEW.
    """
    from tui.analysis.brief import build_brief
    from tui.analysis.render import format_for_path, render
    from tui.model import ItemQuery
    from tui.query import parse_time
    from tui.themes import load_lexicon

    lexicon = load_lexicon()
    unknown = [t for t in theme_ids if t not in lexicon.theme_ids]
    if unknown:
        known = ", ".join(lexicon.theme_ids)
        raise click.BadParameter(
            f"unknown theme {unknown[0]!r}; known: {known}", param_hint="--theme"
        )
    now = _window_end(at)
    try:
        start = parse_time(since, now).at
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    store = context.store()
    start, now = _anchored_window(store, at, since, now, start, "the brief")
    query = ItemQuery(tag=tag)
    words = [f"view {view}"] if view else []
    if view is not None:
        from tui.analysis.watch import find_view
        from tui.query import parse_query

        found = find_view(store, view)
        if found is None:
            raise click.ClickException(f"no saved view {view!r} (see `aigeo views`)")
        query = parse_query(found[1], now=now).to_item_query(query)
    words += [f"theme {', '.join(theme_ids)}"] if theme_ids else []
    words += [f"tag {tag}"] if tag else []
    result = build_brief(
        store,
        lexicon.themes,
        query,
        start,
        now,
        theme_ids=list(theme_ids) or None,
        per_theme=per_theme,
        describe=" · ".join(words),
        view=view or "",
    )
    if not no_record:
        from tui.analysis.brief import history_key
        from tui.analysis.lead import remember_brief

        remember_brief(store, history_key(result.view, result.filter), start, now, result.story_ids)
    text = render(result, fmt or (format_for_path(output) if output else "md"))
    if output:
        Path(output).expanduser().write_text(text, encoding="utf-8")
        click.echo(f"wrote {result.story_count} stories to {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command()
@click.option("--since", "since", default="7d", show_default=True, metavar="WHEN")
@click.option("--theme", "theme", metavar="ID", help="Only stories with this theme.")
@click.option("--min-sources", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--at", "at", metavar="DAY", help="As of this day (YYYY-MM-DD; default now).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def stories(
    context: Context,
    since: str,
    theme: str | None,
    min_sources: int,
    limit: int,
    at: str | None,
    as_json: bool,
) -> None:
    """Stories (the same news from several sources, grouped), most sources first.

    WHEN is 7d, 24h, 2w, 1m or a date (2025-06-01).
    """
    from tui.model import ItemQuery
    from tui.query import parse_time

    now = _window_end(at)
    try:
        start = parse_time(since, now).at
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    store = context.store()
    start, now = _anchored_window(store, at, since, now, start, "stories")
    query = ItemQuery(
        theme=theme,
        since=start.isoformat(timespec="seconds"),
        before=now.isoformat(timespec="seconds"),
    )
    found = [s for s in store.top_stories(query, limit) if s[1] >= min_sources]
    rows: list[dict[str, Any]] = []  # JSON documents
    for story_id, sources, _newest in found:
        members = store.story_members(story_id)
        rows.append(
            {
                "story_id": story_id,
                "sources": sources,
                "first_seen": members[0].published if members else None,
                "title": members[0].title if members else "",
                "themes": list(dict.fromkeys(t.id for m in members for t in m.themes)),
                "articles": [
                    {"id": m.id, "source": m.source, "title": m.title, "url": m.url}
                    for m in members
                ],
            }
        )
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        day = (row["first_seen"] or "")[:10]
        click.echo(f"{row['sources']:>3} sources  {day:<10}  {_safe(row['title'], 90)}")
        names = ", ".join(dict.fromkeys(a["source"] for a in row["articles"]))
        click.echo(f"     {_safe(names, 100)}")
    if not rows:
        click.echo("no stories in this period")


COMMANDS = (trends, brief, stories)
