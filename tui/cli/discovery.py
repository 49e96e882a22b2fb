"""`aigeo add`'s feed autodiscovery: which URL to add when the user gave a web page."""

from __future__ import annotations

import sys

import click

from tui.text import terminal_safe


def _safe(text: str) -> str:
    return terminal_safe(text, multiline=False)


def choose_feed(url: str, pick: int | None) -> str:
    """The feed URL to add for `url`: itself, the one its page links, or the user's pick."""
    from tui.feeds.discover import discover

    found = discover(url)
    if found.is_feed:
        return url
    if not found.feeds:
        if found.problem and found.problem.startswith("a web page"):
            raise click.ClickException(f"{_safe(url)} is {found.problem}: nothing to add")
        click.echo(f"could not look at it ({_safe(found.problem or '?')}); adding it as given")
        return url
    feeds = found.feeds
    if len(feeds) == 1 and pick in (None, 1):
        click.echo(f"the page links one feed: {_safe(feeds[0].url)}")
        return feeds[0].url
    listing = "\n".join(
        f"  {n}. {_safe(f.title) or '(untitled)'} [{f.kind}] {_safe(f.url)}"
        for n, f in enumerate(feeds, 1)
    )
    if pick is not None:
        if pick > len(feeds):
            raise click.ClickException(f"--pick {pick}: the page links {len(feeds)} feeds")
        return feeds[pick - 1].url
    if not sys.stdin.isatty():
        raise click.ClickException(
            f"the page links {len(feeds)} feeds; choose one with --pick N:\n{listing}"
        )
    click.echo(f"the page links {len(feeds)} feeds:\n{listing}")
    number = click.prompt("add which one", type=click.IntRange(1, len(feeds)), default=1)
    return feeds[number - 1].url
