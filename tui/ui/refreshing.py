"""Refreshing feeds from the dashboard: a thread worker, live progress, cursor kept."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from tui.text import terminal_safe
from tui.ui.widgets.refresh_bar import RefreshBar

if TYPE_CHECKING:  # tui.feeds.poller (httpx, multiprocessing) is imported when a refresh starts
    from tui.feeds.poller import FeedResult, PollSettings, RefreshSummary
    from tui.ui.app import AigeoApp


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
    if summary.cancelled:
        parts.append("cancelled")
    return "Refresh: " + ", ".join(parts) + f" ({summary.seconds:.1f} s)"


class RefreshMixin:
    """r/R and auto-refresh for AigeoApp; the fetching runs in a thread, never on the UI loop."""

    refresh_cancel: threading.Event
    _poll_settings: PollSettings | None

    @property
    def poll_settings(self) -> PollSettings:
        """The refresh limits (defaults unless the app was given some)."""
        if self._poll_settings is None:
            from tui.feeds.poller import PollSettings

            self._poll_settings = PollSettings()
        return self._poll_settings

    def start_refresh(
        self: AigeoApp, source_ids: list[int] | None, *, due_only: bool = False
    ) -> None:
        """Refresh some sources (None: all) unless a refresh is already running."""
        if any(w.group == "refresh" and not w.is_finished for w in self.workers):
            self.notify("A refresh is already running", severity="warning")
            return
        total = len(self.store.feed_sources(source_ids))
        if not total:
            self.notify(
                "No feeds to refresh: add one (ctrl+p → Add source) or import the "
                "defaults (ctrl+p → Import default feeds)",
                severity="warning",
            )
            return
        self.query_one(RefreshBar).start(total)
        self._refresh_worker(source_ids, due_only)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_worker(self: AigeoApp, source_ids: list[int] | None, due_only: bool) -> None:
        from tui.feeds.poller import refresh_sources

        worker = get_current_worker()

        def progress(done: int, total: int, result: FeedResult) -> None:
            if not worker.is_cancelled:
                self.call_from_thread(self._refresh_progress, done, total, result)

        summary = refresh_sources(
            self.db_path,
            source_ids,
            self.poll_settings,
            progress,
            due_only=due_only,
            cancel=self.refresh_cancel,
        )
        if not worker.is_cancelled:
            self.call_from_thread(self._refresh_done, summary)

    def _refresh_progress(self: AigeoApp, done: int, total: int, result: FeedResult) -> None:
        self.query_one(RefreshBar).advance(done, total, result_line(result))
        if result.new_items or not result.ok:
            self.reload_items()

    def _refresh_done(self: AigeoApp, summary: RefreshSummary) -> None:
        self.query_one(RefreshBar).finish()
        self.reload_items()
        failed = [r for r in summary.results if r.outcome in ("error", "gone")]
        severity = "warning" if failed else "information"
        detail = "".join(f"\n✗ {result_line(r)}" for r in failed[:5])
        self.notify(summary_line(summary) + detail, severity=severity, timeout=8)
