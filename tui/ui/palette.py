"""The dashboard's entries in the command palette (Ctrl+P)."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import SystemCommand

from tui.ui.dashboard import DashboardScreen


def dashboard_commands(screen: DashboardScreen) -> Iterator[SystemCommand]:
    """Palette commands acting on the dashboard."""
    s = screen
    yield SystemCommand(
        "Mark all read", "Mark every item in the filter read", s.action_mark_all_read
    )
    yield SystemCommand(
        "Tag all in filter", "Tag every item in the current filter", s.action_tag_all
    )
    yield SystemCommand("Undo", "Undo the last action", s.action_undo)
    yield SystemCommand("Refresh all feeds", "Fetch every feed now", s.action_refresh_all)
    yield SystemCommand("Refresh this feed", "Fetch the selected feed now", s.action_refresh_one)
    yield SystemCommand("Add source", "Add a feed by URL (a)", s.action_add_source)
    yield SystemCommand(
        "Import default feeds",
        "Add the shipped AI-geopolitics feed list",
        s.sources.import_default_feeds,
    )
    yield SystemCommand("Import OPML", "Add feeds from an OPML file", s.sources.import_opml)
    yield SystemCommand("Export OPML", "Write every feed to an OPML file", s.sources.export_opml)
    yield SystemCommand(
        "Re-theme everything", "Re-score all items with the lexicon", s.sources.retheme
    )
    yield SystemCommand(
        "Fetch full article",
        "Fetch the item's web page and keep its main text (f)",
        s.action_fetch_article,
    )
    yield SystemCommand(
        "What aigeo learned",
        "Phrases your theme decisions suggest for the lexicon (L)",
        s.action_learned,
    )
    yield SystemCommand("Trends", "Rising themes and actors, weekly charts", s.action_trends)
    yield SystemCommand(
        "Stories / items", "One row per story, or every item", s.action_toggle_stories
    )
    yield SystemCommand(
        "Write a brief", "The current filter's top stories to a file", s.action_brief
    )
