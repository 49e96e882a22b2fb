"""The dashboard's keys: its bindings and the one-line actions that hand each to a part.

Bindings live on the screen (not the App), so other screens do not inherit them and the
footer only offers keys that act on what is shown. Behaviour lives in `actions/`.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList

from tui.ui.actions.analysis import AnalysisActions
from tui.ui.actions.article import ArticleActions
from tui.ui.actions.learning import LearningActions
from tui.ui.actions.manage import ManageActions
from tui.ui.actions.reading import ReadingActions
from tui.ui.actions.refresh import RefreshActions
from tui.ui.actions.search import SearchActions
from tui.ui.actions.tracking import TrackingActions
from tui.ui.actions.watch import WatchActions
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader


class DashboardKeys(Screen[None]):
    """Key bindings of the dashboard; DashboardScreen sets the parts in its constructor."""

    BINDINGS = [
        Binding("s", "toggle_star", "Star", id="star"),
        Binding("m", "toggle_read", "Read/unread", id="read"),
        Binding("M", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
        Binding("A", "mark_source_read", "Mark feed read", show=False, id="mark_source_read"),
        Binding("n", "next_unread", "Next unread", id="next_unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous_unread"),
        Binding("J", "next_item", "Next item", show=False, id="next_item"),
        Binding("K", "previous_item", "Previous item", show=False, id="previous_item"),
        Binding("l", "toggle_hide_read", "Hide read", show=False, id="hide_read"),
        Binding("a", "add_source", "Add feed", show=False, id="add_source"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("T", "tag_all", "Tag all in filter", show=False, id="tag_all"),
        Binding("e", "edit_themes", "Themes", show=False, id="edit_themes"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("o", "open_link", "Open link", show=False, id="open_link"),
        Binding("f", "fetch_article", "Full article", show=False, id="fetch_article"),
        Binding("L", "learned", "What aigeo learned", show=False, id="learned"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("r", "refresh_one", "Refresh", id="refresh"),
        Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
        # priority: `/` is acted on the moment the app reads it, before the keys after it
        # are handed on, so `/abc` typed fast (or pasted) in one terminal read lands `abc`
        # in the box instead of on the item list (and its bindings: b brief, t tag, …)
        Binding("slash", "search", "Search", key_display="/", id="search", priority=True),
        # priority too, for the same reason: `/old⏎/new` typed in one read must leave the
        # box on ⏎ before `/new` is handed on (undescribed: help lists the bar's Enter)
        Binding("enter", "submit_search", show=False, priority=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding(
            "escape",
            "back_to_list",
            "Back to list; in the list, clear the search",
            show=False,
            id="back",
        ),
        Binding("v", "toggle_stories", "Stories/items", id="stories"),
        Binding("f2,ctrl+t", "trends", "Trends", key_display="F2", id="trends"),
        Binding("b", "brief", "Brief", show=False, id="brief"),
        Binding("i", "note", "Note on item", show=False, id="note"),
        Binding("W", "watch", "Watch this search", show=False, id="watch"),
        Binding("exclamation_mark", "alerts", "Alerts", key_display="!", show=False, id="alerts"),
    ]

    tracking: TrackingActions
    reading: ReadingActions
    refreshing: RefreshActions
    managing: ManageActions
    analysis: AnalysisActions
    article: ArticleActions
    learning: LearningActions
    searching: SearchActions
    watching: WatchActions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No dashboard key runs once quitting has begun (the App refuses its own keys the
        same way): `q` then `e` typed quickly opened the theme editor on an app being
        torn down, and its first render failed."""
        if self.app._exit:
            return False
        if action == "submit_search":  # only in the box: elsewhere Enter is the widget's
            # (the list's ⏎ Open stays in the footer), and the key goes on to it
            return self.focused is not None and self.focused.id == "search-input"
        return super().check_action(action, parameters)

    def action_toggle_star(self) -> None:
        self.tracking.toggle_star()

    def action_toggle_read(self) -> None:
        self.tracking.toggle_read()

    def action_mark_all_read(self) -> None:
        self.tracking.mark_all_read()

    def action_tag(self) -> None:
        self.tracking.tag()

    def action_tag_all(self) -> None:
        self.tracking.tag_all()

    def action_edit_themes(self) -> None:
        self.tracking.edit_themes()

    def action_undo(self) -> None:
        self.tracking.undo()

    def action_mark_source_read(self) -> None:
        self.reading.mark_source_read()

    def action_next_unread(self) -> None:
        self.reading.next_unread()

    def action_previous_unread(self) -> None:
        self.reading.previous_unread()

    def action_next_item(self) -> None:
        self.reading.next_item()

    def action_previous_item(self) -> None:
        self.reading.previous_item()

    def action_toggle_hide_read(self) -> None:
        self.reading.toggle_hide_read()

    def action_open_link(self) -> None:
        self.reading.open_link()

    def action_copy_link(self) -> None:
        self.reading.copy_link()

    def action_back_to_list(self) -> None:
        """Escape: back to the list; in the list, clear the search the bar still holds
        (after Enter the query stays, and Escape is where a user looks to drop it)."""
        items = self.query_one(ItemList)
        bar = self.searching.bar
        if self.app.focused is items and bar.input.value.strip():
            bar.action_clear()
            return
        items.focus()

    def action_cursor_down(self) -> None:
        self._move(+1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        focused = self.app.focused
        if isinstance(focused, Reader):
            focused.scroll_relative(y=step, animate=False)
        elif isinstance(focused, ItemList | OptionList):
            (focused.action_cursor_down if step > 0 else focused.action_cursor_up)()

    def action_add_source(self) -> None:
        self.managing.add_source()

    def action_edit_source(self) -> None:
        self.managing.edit_highlighted()

    def action_toggle_source(self) -> None:
        self.managing.toggle_highlighted()

    def action_remove_source(self) -> None:
        self.managing.remove_highlighted()

    def action_page_or_next(self) -> None:
        self.reading.page_or_next()

    def action_fetch_article(self) -> None:
        self.article.fetch()

    def action_learned(self) -> None:
        self.learning.learned()

    def action_refresh_one(self) -> None:
        self.refreshing.refresh_one()

    def action_refresh_all(self) -> None:
        self.refreshing.refresh_all()

    def action_search(self) -> None:
        if self.focused is self.searching.bar.input:
            raise SkipAction()  # a priority binding sees `/` typed in the box too: type it
        self.searching.open()

    def action_submit_search(self) -> None:
        self.searching.done(self.searching.bar.submit())

    def action_toggle_stories(self) -> None:
        self.analysis.toggle_stories()

    def action_trends(self) -> None:
        self.analysis.trends()

    def action_brief(self) -> None:
        self.analysis.brief()

    def action_note(self) -> None:
        self.watching.note()

    def action_watch(self) -> None:
        self.watching.watch()

    def action_alerts(self) -> None:
        self.watching.alerts()
