"""Theme commands: `themes` (counts), `classify` (stdin JSON lines, no database),
`retheme` (re-score the store) and `learned` (suggestions from the user's decisions).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

import click

from tui.cli.context import Context, emit_json, open_store, pass_ctx
from tui.model import Classification
from tui.text import json_text, terminal_safe

if TYPE_CHECKING:
    from tui.themes.learning import Learned


def classification_to_json(item_id: Any, result: Classification) -> dict[str, Any]:
    """The `classify` output line for one input."""
    return {
        "id": item_id,
        "themes": [{"id": t.id, "score": t.score} for t in result.themes],
        "actors": list(result.actors),
    }


@click.command()
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines out (the default and only form).")
def classify(as_json: bool) -> None:
    """Classify JSON lines from stdin: {"id", "title", "summary" | "text"} → themes, actors.

    Touches no database. A line that is not a JSON object yields {"id": null, "error": …}
    and the exit status is 1.
    """
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
        out.write(json_text(classification_to_json(value.get("id"), result), indent=None) + "\n")
    out.flush()
    if failed:
        sys.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@pass_ctx
def retheme(context: Context, as_json: bool) -> None:
    """Re-score every stored item with the current lexicon (user decisions are kept)."""
    import time

    from tui.ingest import retheme as run_retheme

    started = time.perf_counter()
    count = run_retheme(context.store())
    seconds = time.perf_counter() - started
    if as_json:
        emit_json({"items": count, "seconds": round(seconds, 3)})
    else:
        click.echo(f"re-themed {count} items in {seconds:.2f} s")


@click.command()
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


COMMANDS = (themes, classify, retheme, learned)
