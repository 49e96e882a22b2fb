"""Managing sources from the dashboard: the first-run offer, add, import, export, re-theme."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui.config import seeds_dir
from tui.feeds.opml import OpmlError, feed_url_problem, import_opml, write_opml
from tui.ui.screens.confirm import Confirm
from tui.ui.screens.prompt import TextPrompt

if TYPE_CHECKING:
    from tui.ui.app import AigeoApp

DEFAULTS_OFFERED_KEY = "default_feeds_offered"


class SourcesMixin:
    """Palette actions on sources for AigeoApp."""

    def offer_default_feeds(self: AigeoApp) -> None:
        """Once per database: offer the researched default feed list (nothing is fetched)."""
        if self.store.get_meta(DEFAULTS_OFFERED_KEY) or self.store.has_feed_sources():
            return
        self.store.set_meta(DEFAULTS_OFFERED_KEY, "1")

        def answered(yes: bool | None) -> None:
            if yes:
                self.import_default_feeds()

        self.push_screen(
            Confirm(
                "Add the default AI-geopolitics feeds (think tanks, China watchers, chips, "
                "EU policy, labs)? Nothing is fetched until you press R."
            ),
            answered,
        )

    def import_default_feeds(self: AigeoApp) -> None:
        """Import seeds/feeds.opml."""
        self.import_opml_file(seeds_dir() / "feeds.opml")

    def import_opml_file(self: AigeoApp, path: Path) -> None:
        """Import an OPML file and say what was added and skipped."""
        try:
            report = import_opml(self.store, path.read_bytes())
        except (OSError, OpmlError) as exc:
            self.notify(f"Cannot import {path}: {exc}", severity="error", timeout=10)
            return
        skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
        self.notify(f"Imported {len(report.added)} feeds{skipped}. Press R to fetch them.")
        self.refresh_panels()

    def action_add_source(self: AigeoApp) -> None:
        """Ask for a feed URL and add it."""

        def add(url: str | None) -> None:
            if not url:
                return
            if problem := feed_url_problem(url):
                self.notify(f"Cannot add that URL: {problem}", severity="error")
                return
            source_id, created = self.store.add_source(url)
            self.refresh_panels()
            if created:
                self.notify("Added. Fetching it now…")
                self.start_refresh([source_id])
            else:
                self.notify("That feed is already a source", severity="warning")

        self.push_screen(TextPrompt("Add a feed", placeholder="https://example.org/feed.xml"), add)

    def action_import_opml(self: AigeoApp) -> None:
        """Ask for an OPML file path and import it."""

        def chosen(path: str | None) -> None:
            if path:
                self.import_opml_file(Path(path).expanduser())

        self.push_screen(
            TextPrompt("Import feeds from an OPML file", placeholder="~/feeds.opml"), chosen
        )

    def action_export_opml(self: AigeoApp) -> None:
        """Ask for a path and write every feed to it as OPML."""

        def chosen(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            try:
                target.write_bytes(write_opml(self.store.feed_sources(include_disabled=True)))
            except OSError as exc:
                self.notify(f"Cannot write {target}: {exc}", severity="error")
                return
            self.notify(f"Exported the feeds to {target}")

        self.push_screen(
            TextPrompt("Export feeds as OPML", value=str(Path.home() / "aigeo-feeds.opml")),
            chosen,
        )

    def action_retheme(self: AigeoApp) -> None:
        """Re-score every item with the current lexicon (user decisions stay)."""
        from tui.ingest import retheme
        from tui.themes import load_lexicon

        self.lexicon = load_lexicon()
        count = retheme(self.store, self.lexicon)
        self.notify(f"Re-themed {count} items")
        self.reload_items()
