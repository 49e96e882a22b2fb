"""The analysis layer in the dashboard: stories view, Actors panel, Trends screen, briefs."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tui.ui.screens.prompt import TextPrompt
from tui.ui.screens.trends import TrendsScreen
from tui.ui.widgets.actors import ACTOR_LIMIT, ActorsPanel
from tui.ui.widgets.items import ItemList

if TYPE_CHECKING:
    from tui.ui.app import AigeoApp

BRIEF_DAYS = 7


def _with_actor(words: str, actor: str | None) -> str:
    """The filter's description, naming the actor filter too."""
    words = "" if words == "all items" else words
    if not actor or actor in words:
        return words
    return f"{words} · actor: {actor}" if words else f"actor: {actor}"


class AnalysisMixin:
    """Actions and handlers of the analysis layer for AigeoApp."""

    def action_toggle_stories(self: AigeoApp) -> None:
        """v: list stories (one row per story, "+N sources") or every item."""
        items = self.query_one(ItemList)
        items.stories = not items.stories
        items.reload()
        self._after_list_change()
        if items.stories:
            self.notify(f"{items.count} stories: one row each, newest article first (v: items)")
        else:
            self.notify(f"{items.count} items (v: stories)")

    def action_trends(self: AigeoApp) -> None:
        """F2: the Trends screen as of today (the app's clock)."""
        self.push_screen(TrendsScreen(self.store, self.lexicon.themes, self.clock().date()))

    def action_brief(self: AigeoApp) -> None:
        """b: write a brief of the current filter (the last 7 days) to a file."""
        now = self.clock()
        default = Path.home() / f"aigeo-brief-{now:%Y-%m-%d}.md"

        def chosen(path: str | None) -> None:
            if path:
                self.write_brief(Path(path).expanduser())

        self.push_screen(
            TextPrompt(
                "Write a brief of the current filter to",
                value=str(default),
                hint=f"The last {BRIEF_DAYS} days (or the filter's since:). "
                ".md, .html or .json picks the format.",
            ),
            chosen,
        )

    def write_brief(self: AigeoApp, path: Path) -> None:
        """Build the brief of the listed filter and write it where the user said."""
        from tui.analysis.brief import build_brief
        from tui.analysis.render import format_for_path, render

        now = self.clock()
        query = replace(self.query_one(ItemList).query, stories=False)
        since = now - timedelta(days=BRIEF_DAYS)
        if query.since:
            from datetime import datetime

            since = datetime.fromisoformat(query.since)
        brief = build_brief(
            self.store,
            self.lexicon.themes,
            replace(query, since=None),
            since,
            now,
            describe=_with_actor(self.describe_filter(), query.actor),
        )
        try:
            path.write_text(render(brief, format_for_path(str(path))), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not write the brief: {exc}", severity="error", timeout=10)
            return
        self.notify(f"Brief with {brief.story_count} stories written to {path}")

    def on_actors_panel_chosen(self: AigeoApp, event: ActorsPanel.Chosen) -> None:
        """An actor was selected in the Actors panel: filter by it (or by none)."""
        self.query_filter = replace(self.query_filter, actor=event.actor)
        self.apply_filter()

    def on_item_list_loaded(self: AigeoApp, event: ItemList.Loaded) -> None:
        """Recount the Actors panel for what the list now shows."""
        panels = self.query(ActorsPanel)
        if panels:
            counts = self.store.actor_counts_in(event.query, ACTOR_LIMIT)
            panels.first().show_actors(counts, event.query.actor)
