"""Commands for full articles and learning: `fetch-article`, `learned`.

Registered on `tui.cli.main` (imported at the bottom of tui/cli.py). No Textual here.
"""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from tui.cli import Context, emit_json, main, pass_ctx
from tui.cli_feeds import open_store
from tui.text import terminal_safe


@main.command("fetch-article")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON result.")
@pass_ctx
def fetch_article(context: Context, item_id: int, as_json: bool) -> None:
    """Fetch an item's web page and store its main text (for summary-only feeds).

    Same limits as a refresh (deadline, size cap, redirects, http/https only); the
    text is sanitised, the item re-themed, and read/star/tags/theme decisions kept.
    A failure changes nothing and exits with status 1.
    """
    from tui.fulltext import ArticleError, describe, fetch_full_article
    from tui.themes import load_lexicon

    store = open_store(context)
    try:
        result = fetch_full_article(store, item_id, load_lexicon())
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
