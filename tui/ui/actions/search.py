"""Search off the key path, and saved views.

A keystroke only restarts a short debounce timer; the query then runs in a thread
worker on a connection of its own (exclusive: a newer query cancels the older, and a
result is only shown if it is still the latest). The UI thread never waits on SQL
while the user types, so no keystroke is reordered or lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.model import ItemQuery, ItemRow
from tui.query import ParsedQuery, parse_query
from tui.store import Store
from tui.ui.actions.base import Dashboard
from tui.ui.widgets.actors import ACTOR_LIMIT
from tui.ui.widgets.items import BLOCK
from tui.ui.widgets.search import SearchBar

SEARCH_GROUP = "search"
DEBOUNCE_SECONDS = 0.12


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search worker found: the parsed text, the list's count and first rows."""

    generation: int
    search: ParsedQuery
    query: ItemQuery
    count: int
    first: list[ItemRow]
    actors: list[tuple[str, int]]


class SearchActions:
    """/ and the search bar; saved views (open, save, rename, delete)."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view
        self.search: ParsedQuery = parse_query("")
        self._generation = 0
        self._timer: Timer | None = None
        self.pending = False  # a typed query has not been shown yet
        self.shown_text = ""  # the search box text whose results the list shows
        self._asked: tuple[int, str] = (0, "")  # the generation running, and its text

    @property
    def bar(self) -> SearchBar:
        """The dashboard's search bar."""
        return self.view.query_one(SearchBar)

    def open(self) -> None:
        """/: open the search bar (results follow as you type)."""
        self.bar.open()

    def typed(self, text: str) -> None:
        """A keystroke in the search bar: (re)start the debounce, nothing else."""
        self._generation += 1
        self.pending = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.view.set_timer(DEBOUNCE_SECONDS, lambda: self.run(text))

    def run(self, text: str) -> None:
        """Run a query now: in a worker on a file store, inline on an in-memory one.

        A debounced query still waiting is dropped: this one supersedes it (a saved view
        opened just after a keystroke was replaced by the keystroke's text when its
        timer fired)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._generation += 1
        self.pending = True
        generation = self._generation
        self._asked = (generation, text)
        shared = self.view.shared
        search = parse_query(text, now=shared.clock())
        base = self.view.filter_query()
        query = base if search.is_empty else search.to_item_query(base)
        query = self.view.items.with_mode(query)
        path = shared.store.path
        if path is None:
            self.show(_search(shared.store, generation, search, query))
            return
        self.bar.set_status("searching…")

        def work() -> None:
            worker = get_current_worker()
            with Store.open(path, migrate=False) as store:
                result = _search(store, generation, search, query)
            if not worker.is_cancelled:
                self.view.app.call_from_thread(self.show, result)

        self.view.run_worker(
            work,
            name="search",
            group=SEARCH_GROUP,
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def show(self, result: SearchResult) -> None:
        """A search finished: show it unless a newer one was asked for meanwhile."""
        if result.generation != self._generation:
            return
        self.pending = False
        if self._asked[0] == result.generation:
            self.shown_text = self._asked[1]
        self.search = result.search
        items = self.view.items
        items.highlight_terms = result.search.highlight_terms()
        items.load(result.query, prepared=(result.count, result.first))
        self.view.refresh_actors(result.query, result.actors)
        self.view.after_list_change()
        status = _matches(result.count)
        if result.search.errors:
            status += " · " + "; ".join(result.search.errors)
        self.bar.set_status(status)

    def list_reloaded(self, count: int) -> None:
        """The list was re-read (another writer, a refresh): the match count follows it."""
        if not self.search.is_empty and not self.pending:
            self.bar.set_status(_matches(count))

    def failed(self) -> None:
        """The search worker died (the screen's worker handler said why)."""
        self.pending = False
        self.bar.set_status("search failed")

    def done(self, event: SearchBar.Done) -> None:
        """Enter or Escape in the search bar."""
        if event.cleared:
            self.run("")
        # at once (focus() defers it): a `/` typed right after Enter must open a new
        # search, not land in the box as text
        self.view.set_focus(self.view.items)

    def save_requested(self, text: str) -> None:
        """Ctrl+S in the search bar: name the query and keep it as a view."""
        from tui.ui.screens.prompt import TextPrompt

        def named(name: str | None) -> None:
            if name:
                self.view.shared.store.save_view(name[:80], text)
                self.view.refresh_panels()
                self.view.notify(f"Saved the view “{name[:80]}” (under Sources)")

        self.view.app.push_screen(
            TextPrompt("Save this search as a view", placeholder="a name"), named
        )

    def open_view(self, view_id: int) -> None:
        """Show a saved view: its query goes into the search bar."""
        found = [v for v in self.view.shared.store.views() if v[0] == view_id]
        if found:
            self.show_text(found[0][2])

    def show_text(self, text: str) -> None:
        """Put a query in the search bar and list its items."""
        bar = self.bar
        bar.show()
        with bar.input.prevent(Input.Changed):
            bar.input.value = text
        self.run(text)

    def rename_view(self, view_id: int) -> None:
        """Give a saved view another name."""
        from tui.ui.screens.prompt import TextPrompt

        store = self.view.shared.store
        found = [v for v in store.views() if v[0] == view_id]
        if not found:
            return
        _, name, text = found[0]

        def named(new: str | None) -> None:
            if new and new != name:
                store.delete_view(view_id)
                store.save_view(new[:80], text)
                self.view.refresh_panels()
                self.view.notify(f"Renamed the view to “{new[:80]}”")

        self.view.app.push_screen(TextPrompt("Rename the view", value=name), named)

    def delete_view(self, view_id: int) -> None:
        """Forget a saved view (asks first)."""
        from tui.ui.screens.confirm import Confirm

        store = self.view.shared.store
        found = [v for v in store.views() if v[0] == view_id]
        if not found:
            return
        _, name, text = found[0]

        def answered(yes: bool | None) -> None:
            if yes:
                store.delete_view(view_id)
                self.view.refresh_panels()
                self.view.notify(f"Deleted the view “{name}” (its query was: {text})")

        self.view.app.push_screen(Confirm(f"Delete the view “{name}”?"), answered)


def _search(store: Store, generation: int, search: ParsedQuery, query: ItemQuery) -> SearchResult:
    count = store.count_items(query)
    from dataclasses import replace

    first = store.list_items(replace(query, offset=0, limit=BLOCK)) if count else []
    actors = store.actor_counts_in(query, ACTOR_LIMIT) if count else []
    return SearchResult(generation, search, query, count, first, actors)


def _matches(count: int) -> str:
    """The search bar's status for `count` results."""
    if not count:
        return "no match (Esc clears)"
    return f"{count} match{'es' if count != 1 else ''}"
