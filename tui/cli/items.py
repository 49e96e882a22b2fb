"""Item commands: `items` (list and search), `fetch-article` (store an item's full text)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from tui.cli.context import Context, emit_json, open_store, pass_ctx
from tui.model import ItemQuery, ItemRow
from tui.text import terminal_safe


def item_to_json(item: ItemRow) -> dict[str, Any]:
    """The `items --json` shape of one item."""
    return {
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


@click.command()
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
        emit_json([item_to_json(row) for row in rows])
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


@click.command("fetch-article")
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


COMMANDS = (items, fetch_article)
