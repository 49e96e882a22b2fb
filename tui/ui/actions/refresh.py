"""Refreshing feeds from the dashboard: a thread worker, live progress, cursor kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.worker import get_current_worker

from tui.plain_text import terminal_safe
from tui.ui.actions.base import Dashboard

if TYPE_CHECKING:  # tui.feeds.refresh (httpx, multiprocessing) is imported when a refresh starts
    from tui.feeds.refresh_types import FeedResult, RefreshSummary

REFRESH_GROUP = "refresh"


def result_line(result: FeedResult) -> str:
    """One feed's outcome in a few words (terminal-safe: titles and errors are feed text)."""
    title = terminal_safe(result.title, multiline=False)
    if result.ok:
        new = f"{result.new_items} new" if result.new_items else "nothing new"
        return f"{title}: {new}"
    if result.outcome == "skipped":
        return f"{title}: waiting (server asked us to)"
    return f"{title}: {terminal_safe(result.error or result.outcome, multiline=False)}"


def summary_line(summary: RefreshSummary) -> str:
    """The whole refresh in one sentence."""
    parts = [f"{summary.ok} of {summary.total} feeds ok", f"{summary.new_items} new items"]
    if summary.failed:
        parts.append(f"{summary.failed} failed")
    if summary.skipped:
        parts.append(f"{summary.skipped} waiting")
    if summary.alerts:
        parts.append(f"{summary.alerts} alerts")
    if summary.cancelled:
        parts.append("cancelled")
    return "Refresh: " + ", ".join(parts) + f" ({summary.seconds:.1f} s)"


class RefreshActions:
    """r/R and auto-refresh; the fetching runs in a thread, never on the UI loop."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view
        self.running: list[int] | None = None  # the sources of the refresh in progress

    def refresh_all(self) -> None:
        """R: refresh every feed."""
        self.start(None)

    def refresh_due(self) -> None:
        """The auto-refresh timer: fetch the sources that are due."""
        self.start(None, due_only=True)

    def refresh_one(self) -> None:
        """r: refresh the highlighted source, else the filtered one, else the item's."""
        source_id = self.view.selected_source_id()
        if source_id is None:
            self.view.notify("Select a feed (Sources panel) or an item from one; R refreshes all")
            return
        self.start([source_id])

    def busy(self) -> bool:
        """Whether a refresh worker is running."""
        workers = self.view.app.workers
        return any(w.group == REFRESH_GROUP and not w.is_finished for w in workers)

    def start(self, source_ids: list[int] | None, *, due_only: bool = False) -> None:
        """Refresh some sources (None: all) unless a refresh is already running."""
        if self.busy():
            self.view.notify("A refresh is already running", severity="warning")
            return
        total = len(self.view.shared.store.feed_sources(source_ids))
        if not total:
            self.view.notify(
                "No feeds to refresh: add one (a) or import the "
                "defaults (ctrl+p → Import default feeds)",
                severity="warning",
            )
            return
        self.running = source_ids
        self.view.refresh_bar.start(total)
        self.view.run_worker(
            lambda: self._worker(source_ids, due_only),
            name="refresh",
            group=REFRESH_GROUP,
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _worker(self, source_ids: list[int] | None, due_only: bool) -> None:
        from tui.feeds.alert_hook import AlertHook
        from tui.feeds.refresh import refresh_sources

        worker = get_current_worker()
        shared = self.view.shared
        call = self.view.app.call_from_thread

        hook, _problems = AlertHook.from_mapping(shared.settings.alerts)

        def progress(done: int, total: int, result: FeedResult) -> None:
            if not worker.is_cancelled:
                call(self._progress, done, total, result)

        summary = refresh_sources(
            shared.db_path,
            source_ids,
            shared.poll_settings,
            progress,
            due_only=due_only,
            cancel=shared.refresh_cancel,
            alert_hook=hook,
        )
        if not worker.is_cancelled:
            call(self._done, summary)

    def _progress(self, done: int, total: int, result: FeedResult) -> None:
        self.view.refresh_bar.advance(done, total, result_line(result))
        if result.new_items or not result.ok:
            self.view.reload_items()

    def _done(self, summary: RefreshSummary) -> None:
        self.running = None
        self.view.refresh_bar.finish()
        self.view.reload_items()
        failed = [r for r in summary.results if r.outcome in ("error", "gone")]
        severity: SeverityLevel = "warning" if failed else "information"
        detail = "".join(f"\n✗ {result_line(r)}" for r in failed[:5])
        self.view.notify(summary_line(summary) + detail, severity=severity, timeout=8)
        self.view.notify_alerts(summary)

    def failed(self) -> list[int] | None:
        """The worker died: reset the bar; returns the sources it was refreshing."""
        sources, self.running = self.running, None
        self.view.refresh_bar.finish()
        return sources
