"""Managing sources from the dashboard: the first-run offer, add, import, export, re-theme."""

from __future__ import annotations

from pathlib import Path

from tui.config import seeds_dir
from tui.store import Store
from tui.ui.actions.base import Dashboard

DEFAULTS_OFFERED_KEY = "default_feeds_offered"


class SourceActions:
    """Sources: add, import, export, the defaults offer, re-theme."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view

    @property
    def store(self) -> Store:
        """The dashboard's store."""
        return self.view.shared.store

    def offer_default_feeds(self) -> None:
        """Once per database: offer the researched default feed list (nothing is fetched)."""
        if self.store.get_meta(DEFAULTS_OFFERED_KEY) or self.store.has_feed_sources():
            return
        from tui.ui.screens.confirm import Confirm

        self.store.set_meta(DEFAULTS_OFFERED_KEY, "1")

        def answered(yes: bool | None) -> None:
            if yes:
                self.import_default_feeds()

        self.view.app.push_screen(
            Confirm(
                "Add the default AI-geopolitics feeds (think tanks, China watchers, chips, "
                "EU policy, labs)? Nothing is fetched until you press R."
            ),
            answered,
        )

    def import_default_feeds(self) -> None:
        """Import seeds/feeds.opml."""
        self.import_opml_file(seeds_dir() / "feeds.opml")

    def import_opml_file(self, path: Path) -> None:
        """Import an OPML file and say what was added and skipped."""
        from tui.feeds.opml import OpmlError, import_opml  # (ElementTree etc.: not at start)

        try:
            report = import_opml(self.store, path.read_bytes())
        except (OSError, OpmlError) as exc:
            self.view.notify(f"Cannot import {path}: {exc}", severity="error", timeout=10)
            return
        skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
        self.view.notify(f"Imported {len(report.added)} feeds{skipped}. Press R to fetch them.")
        self.view.refresh_panels()

    def import_opml(self) -> None:
        """Ask for an OPML file path and import it."""
        from tui.ui.screens.prompt import TextPrompt

        def chosen(path: str | None) -> None:
            if path:
                self.import_opml_file(Path(path).expanduser())

        self.view.app.push_screen(
            TextPrompt("Import feeds from an OPML file", placeholder="~/feeds.opml"), chosen
        )

    def export_opml(self) -> None:
        """Ask for a path and write every feed to it as OPML."""
        from tui.ui.screens.prompt import TextPrompt

        def chosen(path: str | None) -> None:
            from tui.feeds.opml import write_opml

            if not path:
                return
            target = Path(path).expanduser()
            try:
                target.write_bytes(write_opml(self.store.feed_sources(include_disabled=True)))
            except OSError as exc:
                self.view.notify(f"Cannot write {target}: {exc}", severity="error")
                return
            self.view.notify(f"Exported the feeds to {target}")

        self.view.app.push_screen(
            TextPrompt("Export feeds as OPML", value=str(Path.home() / "aigeo-feeds.opml")),
            chosen,
        )

    def retheme(self) -> None:
        """Re-score every item with the current lexicon (user decisions stay)."""
        from tui.ingest import retheme
        from tui.themes import load_lexicon

        self.view.shared.lexicon = load_lexicon()
        count = retheme(self.store, self.view.shared.lexicon)
        self.view.notify(f"Re-themed {count} items")
        self.view.reload_items()
