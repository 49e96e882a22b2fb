"""The analysis layer in the dashboard: stories view, Trends screen, briefs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from tui.ui.actions.base import Dashboard

BRIEF_DAYS = 7


def _with_actor(words: str, actor: str | None) -> str:
    """The filter's description, naming the actor filter too."""
    words = "" if words == "all items" else words
    if not actor or actor in words:
        return words
    return f"{words} · actor: {actor}" if words else f"actor: {actor}"


class AnalysisActions:
    """v F2 b: stories or items, the Trends screen, a brief of the filter."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view

    def toggle_stories(self) -> None:
        """v: list stories (one row per story, "+N sources") or every item."""
        items = self.view.items
        items.stories = not items.stories
        items.reload()
        self.view.after_list_change()
        if items.stories:
            self.view.notify(
                f"{items.count} stories: one row each, newest article first (v: items)"
            )
        else:
            self.view.notify(f"{items.count} items (v: stories)")

    def trends(self) -> None:
        """F2: the Trends screen as of today (the app's clock)."""
        from tui.analysis.windows import anchored_now
        from tui.ui.screens.trends import TrendsScreen

        shared = self.view.shared
        now = shared.clock()
        as_of = anchored_now(shared.store, now, timedelta(days=7))
        if as_of != now:
            self.view.notify(
                f"Every item is older than a week: trends as of the newest, {as_of:%Y-%m-%d}"
            )
        screen = TrendsScreen(shared.store, shared.lexicon.themes, as_of.date())
        self.view.app.push_screen(screen)

    def brief(self) -> None:
        """b: write a brief of the current filter (the last 7 days) to a file."""
        from tui.ui.screens.prompt import TextPrompt

        now = self.view.shared.clock()
        default = Path.home() / f"aigeo-brief-{now:%Y-%m-%d}.md"

        def chosen(path: str | None) -> None:
            if path:
                self.write_brief(Path(path).expanduser())

        self.view.app.push_screen(
            TextPrompt(
                "Write a brief of the current filter to",
                value=str(default),
                hint=f"The last {BRIEF_DAYS} days (or the filter's since:). "
                ".md, .html or .json picks the format.",
            ),
            chosen,
        )

    def write_brief(self, path: Path) -> None:
        """Build the brief of the listed filter and write it where the user said."""
        from tui.analysis.brief import build_brief
        from tui.analysis.render import format_for_path, render
        from tui.analysis.windows import anchored_now

        shared = self.view.shared
        now = anchored_now(shared.store, shared.clock(), timedelta(days=BRIEF_DAYS))
        query = replace(self.view.items.shown_query, stories=False)
        since = now - timedelta(days=BRIEF_DAYS)
        if query.since:
            since = datetime.fromisoformat(query.since)
        brief = build_brief(
            shared.store,
            shared.lexicon.themes,
            replace(query, since=None),
            since,
            now,
            describe=_with_actor(self.view.describe_filter(), query.actor),
            view=self.view.view_for_brief(),
        )
        try:
            path.write_text(render(brief, format_for_path(str(path))), encoding="utf-8")
        except OSError as exc:
            self.view.notify(f"Could not write the brief: {exc}", severity="error", timeout=10)
            return
        from tui.analysis.brief import history_key
        from tui.analysis.lead import remember_brief

        key = history_key(brief.view, brief.filter)
        remember_brief(shared.store, key, since, now, brief.story_ids)
        new = f", {brief.new_count} new since the last one" if brief.previous else ""
        self.view.notify(f"Brief with {brief.story_count} stories{new} written to {path}")
