"""Managing feeds and views in place: add, edit, disable/enable, remove; rename/delete views.

Edits and disabling go on the undo log (u); removing a feed deletes its items, so it
asks first and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.plain_text import terminal_safe
from tui.ui.actions.base import Dashboard
from tui.ui.widgets.sources import SourcesPanel

if TYPE_CHECKING:  # tui.feeds.discover imports httpx: only when a URL is looked at
    from tui.feeds.discover import Discovery
    from tui.ui.screens.source_editor import SourceEdit


def _url_problem(url: str) -> str | None:
    from tui.feeds.opml import feed_url_problem

    problem = feed_url_problem(url)
    return f"Cannot add that URL: {problem}" if problem else None


def _is_page_problem(found: Discovery) -> bool:
    return bool(found.problem and found.problem.startswith("a web page"))


class ManageActions:
    """a, and E D Delete on the Sources panel's highlighted row."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view
        self.discovery = True  # look at an added URL first (feed autodiscovery)

    def _highlighted(self) -> tuple[str, int] | None:
        """("source" | "view", id) of the Sources panel row under the cursor."""
        panel = self.view.query_one(SourcesPanel)
        kind, _, value = (panel.highlighted_id or "").partition(":")
        if kind in ("source", "view") and value.isdigit():
            return kind, int(value)
        return None

    def add_source(self, text: str = "") -> None:
        """a: ask for a feed (or a site page that links one); it is looked at, then added."""
        from tui.ui.screens.prompt import TextPrompt

        prompt = TextPrompt(
            "Add a feed (or a web page that links one)",
            placeholder="https://example.org/feed.xml",
            value=text,
            check=_url_problem,
        )
        self.view.app.push_screen(prompt, self._discover)

    def _discover(self, url: str | None) -> None:
        """Fetch the URL once in a worker: a feed, a page's feeds, or a problem."""
        if not url:
            return
        if self.view.shared.store.path is None or not self.discovery:
            self.add(url)
            return
        from tui.feeds.discover import discover

        self.view.notify(f"Looking at {terminal_safe(url, multiline=False)}…", timeout=4)

        def work() -> None:
            found = discover(url)
            self.view.app.call_from_thread(self._discovered, url, found)

        self.view.run_worker(work, name="discover", thread=True, exit_on_error=False)

    def _discovered(self, url: str, found: Discovery) -> None:
        if found.is_feed or (not found.feeds and not _is_page_problem(found)):
            self.add(url)  # a feed, or unreachable now: added as given (refresh will say)
        elif not found.feeds:
            self.view.notify(f"Not added: {found.problem}", severity="error")
            self.add_source(url)  # the dialog again, with the text kept
        elif len(found.feeds) == 1:
            self.view.notify(f"The page links one feed: {found.feeds[0].url}")
            self.add(found.feeds[0].url)
        else:
            from tui.ui.screens.feed_chooser import FeedChooser

            chooser = FeedChooser(terminal_safe(url, multiline=False), found.feeds)

            def chosen(url: str | None) -> None:
                if url:
                    self.add(url)

            self.view.app.push_screen(chooser, chosen)

    def add(self, url: str) -> None:
        """Add a feed URL and fetch it."""
        source_id, created = self.view.shared.store.add_source(url)
        self.view.refresh_panels()
        if not created:
            self.view.notify("That feed is already a source", severity="warning")
            return
        self.view.notify("Added. Fetching it now…")
        self.view.start_refresh([source_id])

    def edit_highlighted(self) -> None:
        """E: edit the highlighted feed (title, URL, category) or rename the view."""
        from tui.ui.screens.source_editor import SourceEditor

        row = self._highlighted()
        if row is None:
            self.view.notify("Highlight a feed or a view in the Sources panel first")
            return
        kind, row_id = row
        if kind == "view":
            self.view.rename_view(row_id)
            return
        store = self.view.shared.store
        source = store.get_source(row_id)
        if source is None or source.kind != "feed":
            self.view.notify("Only feeds can be edited", severity="warning")
            return

        def check(url: str) -> str | None:
            from tui.feeds.opml import feed_url_problem

            if problem := feed_url_problem(url):
                return f"Cannot use that URL: {problem}"
            return None

        def saved(edit: SourceEdit | None) -> None:
            if edit is None:
                return
            before = {"title": source.title, "url": source.url, "category": source.category}
            after = {"title": edit.title, "url": edit.url, "category": edit.category}
            if before == after:
                return
            try:
                store.update_source(source.id, **after)
            except Exception as exc:  # e.g. the URL is another source's already
                self.view.notify(f"Not saved: {exc}", severity="error")
                return
            self.view.record_undo("edit feed", lambda: store.update_source(source.id, **before))
            self.view.refresh_panels()
            self.view.notify(f"Saved {terminal_safe(edit.title, multiline=False)}")

        editor = SourceEditor(source.title, source.url, source.category, check)
        self.view.app.push_screen(editor, saved)

    def toggle_highlighted(self) -> None:
        """D: disable the highlighted feed (refresh skips it) or enable it again."""
        row = self._highlighted()
        if row is None or row[0] != "source":
            self.view.notify("Highlight a feed in the Sources panel first")
            return
        store = self.view.shared.store
        source = store.get_source(row[1])
        if source is None or source.kind != "feed":
            return
        disabled = not source.disabled
        reason = "disabled by you" if disabled else None
        store.update_source(source.id, disabled=disabled, disabled_reason=reason)
        self.view.record_undo(
            "disable feed" if disabled else "enable feed",
            lambda: store.update_source(
                source.id, disabled=source.disabled, disabled_reason=source.disabled_reason
            ),
        )
        self.view.refresh_panels()
        name = terminal_safe(source.title, multiline=False)
        self.view.notify(f"{'Disabled' if disabled else 'Enabled'} {name} (u undoes)")

    def remove_highlighted(self) -> None:
        """Delete: remove the highlighted feed with its items, or delete the view (asks)."""
        from tui.ui.screens.confirm import Confirm

        row = self._highlighted()
        if row is None:
            self.view.notify("Highlight a feed or a view in the Sources panel first")
            return
        kind, row_id = row
        if kind == "view":
            self.view.delete_view(row_id)
            return
        store = self.view.shared.store
        source = store.get_source(row_id)
        if source is None or source.kind != "feed":
            self.view.notify("Only feeds can be removed", severity="warning")
            return
        name = terminal_safe(source.title, multiline=False)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            removed = store.remove_source(source.id)
            if self.view.query_filter.source_id == source.id:
                self.view.clear_source_filter()
            self.view.reload_items()
            self.view.notify(f"Removed {name} and its {removed} items (this cannot be undone)")

        question = (
            f"Remove the feed “{name}” and its items? This cannot be undone "
            "(D disables it instead)."
        )
        self.view.app.push_screen(Confirm(question), answered)
