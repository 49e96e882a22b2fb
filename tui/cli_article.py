"""Commands for full articles and learning: `fetch-article`, `learned`.

Registered on `tui.cli.main` (imported at the bottom of tui/cli.py). No Textual here.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from tui.cli import Context, emit_json, main, pass_ctx
from tui.cli_feeds import open_store
from tui.text import terminal_safe

if TYPE_CHECKING:
    from tui.themes.learning import Learned


@main.command("fetch-article")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON result.")
@pass_ctx
def fetch_article(context: Context, item_id: int, as_json: bool) -> None:
    """Fetch an item's web page and store its main text (for summary-only feeds).

    Same limits as a refresh (deadline, size cap, redirects, http/https only; the
    [poll] table of config.toml sets them); the text is sanitised, the item
    re-themed, and read/star/tags/theme decisions kept.
    A failure changes nothing and exits with status 1.
    """
    from tui.feeds.fulltext import ArticleError, ArticleLimits, describe, fetch_full_article
    from tui.themes import load_lexicon

    limits = ArticleLimits.from_poll(context.poll_settings())
    store = open_store(context)
    try:
        result = fetch_full_article(store, item_id, load_lexicon(), limits)
    except ArticleError as exc:
        if as_json:
            emit_json({"ok": False, "id": item_id, "error": str(exc)})
        else:
            click.echo(f"item {item_id}: {terminal_safe(str(exc), multiline=False)}", err=True)
        sys.exit(1)
    finally:
        store.close()
    if as_json:
        document = {"ok": True, "id": item_id, **asdict(result)}
        emit_json(document | {"seconds": round(result.seconds, 3)})
    else:
        click.echo(f"item {item_id}: {describe(result)}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--accept",
    "accepted",
    multiple=True,
    metavar="THEME=PHRASE",
    help="Add a suggested phrase to your lexicon overlay, then re-theme (repeatable).",
)
@pass_ctx
def learned(context: Context, as_json: bool, accepted: tuple[str, ...]) -> None:
    """What aigeo learned from your theme decisions: phrase suggestions per theme.

    Each suggestion shows its evidence (accepted / rejected / other items containing
    it), a score, and what adding it would change on a re-theme. `--accept` appends
    it to themes.local.toml (next to config.toml) and re-themes; decisions stay.
    """
    from tui.themes.learning import accept, find_suggestion, learn

    store = open_store(context)
    try:
        found = learn(store)
        if not accepted:
            _print_learned(found, as_json)
            return
        chosen = []
        for spec in accepted:
            theme, _, phrase = spec.partition("=")
            suggestion = find_suggestion(found, theme.strip(), phrase)
            if suggestion is None:
                raise click.ClickException(f"{spec!r} is not a current suggestion (see `learned`)")
            chosen.append(suggestion)
        applied, _ = accept(store, chosen)
    finally:
        store.close()
    if as_json:
        emit_json(
            {
                "overlay": str(applied.overlay),
                "phrases": applied.phrases,
                "items_rethemed": applied.items,
                "changes": {t: {"before": b, "after": a} for t, (b, a) in applied.changes.items()},
            }
        )
        return
    click.echo(f"added {applied.phrases} phrase(s) to {applied.overlay}")
    click.echo(f"re-themed {applied.items} items")
    for theme, (before, after) in applied.changes.items():
        click.echo(f"  {theme}: {before} → {after} items")


def _print_learned(found: Learned, as_json: bool) -> None:
    if as_json:
        emit_json(learned_to_json(found))
        return
    if not found.themes:
        click.echo("No theme decisions yet: press e on an item in the dashboard to make some.")
        return
    click.echo(f"{found.decisions} decisions, compared with {found.items_scanned} items")
    for theme in found.themes:
        name = terminal_safe(theme.theme.name, multiline=False)
        counts = f"{theme.accepted} accepted, {theme.rejected} rejected"
        click.echo(f"\n{name} ({theme.theme.id}): {counts}")
        if theme.note:
            click.echo(f"  {theme.note}")
        for n, s in enumerate(theme.suggestions, 1):
            click.echo(
                f"  {n}. {s.phrase!r}  score {s.score:.2f}  weight {s.weight:g}  "
                f"{s.evidence()}  → {s.impact()}"
            )
    click.echo("\nAdd one with: aigeo learned --accept THEME=PHRASE")


def learned_to_json(found: Learned) -> dict[str, Any]:
    """The `learned --json` document."""
    return {
        "decisions": found.decisions,
        "items_scanned": found.items_scanned,
        "overlay": str(found.overlay) if found.overlay else None,
        "themes": [
            {
                "id": t.theme.id,
                "name": t.theme.name,
                "accepted": t.accepted,
                "rejected": t.rejected,
                "note": t.note,
                "suggestions": [
                    asdict(s) | {"evidence": s.evidence(), "impact": s.impact()}
                    for s in t.suggestions
                ],
            }
            for t in found.themes
        ],
    }
