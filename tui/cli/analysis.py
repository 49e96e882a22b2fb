"""Analysis commands: trends, brief. Registered by tui/cli/group.py; no Textual.

`--at DAY` looks at the store as of that day (default today, UTC): the seed corpus is
from 2025, so `aigeo trends --at 2025-02-10` shows the weeks around the DeepSeek shock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import click

from tui.analysis.series import Trend, sparkline
from tui.cli.context import Context, emit_json, pass_ctx
from tui.text import terminal_safe


def _as_of(at: str | None) -> datetime:
    """The moment the report is for: the end of day `at`, or now."""
    if not at:
        return datetime.now(UTC)
    try:
        day = date.fromisoformat(at)
    except ValueError as exc:
        raise click.BadParameter(f"{at!r} is not a date (YYYY-MM-DD)", param_hint="--at") from exc
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _safe(text: str, width: int) -> str:
    value = terminal_safe(text, multiline=False)
    return value if len(value) <= width else value[: width - 1] + "…"


def _trend_line(trend: Trend, name: str) -> str:
    return (
        f"  {_safe(name, 30):<30} {trend.this_week:>4} this week  "
        f"(before: {trend.baseline:4.1f}/week)  score {trend.score:+.1f}  {sparkline(trend.weekly)}"
    )


@click.command()
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 104))
@click.option("--at", "at", metavar="DAY", help="As of this day (YYYY-MM-DD; default today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_ctx
def trends(context: Context, weeks: int, at: str | None, as_json: bool) -> None:
    """Rising themes and actors, weekly counts, and who appears with which theme."""
    from tui.analysis.trends import build_trends, trends_to_json
    from tui.themes import load_lexicon

    report = build_trends(context.store(), load_lexicon().themes, _as_of(at).date(), weeks)
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
    click.echo(f"Items per week, themes (oldest first, the last is the week to {report.as_of}):")
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
        click.echo(f"  {_safe(actor, 24):<24} {words}")
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
@click.option("--at", "at", metavar="DAY", help="As of this day (YYYY-MM-DD; default now).")
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
) -> None:
    """A briefing: per theme the top stories (most sources, then newest) with summaries.

    WHEN is 7d, 24h, 2w, 1m or a date (2025-06-01).
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
    now = _as_of(at)
    try:
        start = parse_time(since, now).at
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    words = [f"theme {', '.join(theme_ids)}"] if theme_ids else []
    words += [f"tag {tag}"] if tag else []
    result = build_brief(
        context.store(),
        lexicon.themes,
        ItemQuery(tag=tag),
        start,
        now,
        theme_ids=list(theme_ids) or None,
        per_theme=per_theme,
        describe=" · ".join(words),
    )
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

    now = _as_of(at)
    try:
        start = parse_time(since, now).at
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    store = context.store()
    query = ItemQuery(theme=theme, since=start.isoformat(timespec="seconds"))
    found = [s for s in store.top_stories(query, limit) if s[1] >= min_sources]
    rows = []
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
