"""What an action part may use of the dashboard screen (a Protocol: no import cycle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.app import App
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker

from tui.model import ItemDetail, ItemQuery
from tui.query import ParsedQuery
from tui.ui.state import Shared
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.refresh_bar import RefreshBar

if TYPE_CHECKING:
    from tui.feeds.refresh_types import RefreshSummary

W = TypeVar("W", bound=Widget)


class Dashboard(Protocol):
    """The DashboardScreen as its action parts see it."""

    shared: Shared
    query_filter: ItemQuery

    @property
    def app(self) -> App[Any]: ...

    @property
    def items(self) -> ItemList: ...

    @property
    def reader(self) -> Reader: ...

    @property
    def refresh_bar(self) -> RefreshBar: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None: ...

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker[Any]: ...

    def query_one(self, selector: type[W]) -> W: ...

    def set_timer(self, delay: float, callback: Callable[[], object]) -> Timer: ...

    def set_focus(self, widget: Widget | None, scroll_visible: bool = True) -> None: ...

    def filter_query(self) -> ItemQuery: ...

    def current_query(self) -> ItemQuery: ...

    def current_detail(self) -> ItemDetail | None: ...

    def describe_filter(self) -> str: ...

    def current_search(self) -> ParsedQuery: ...

    def show_search(self, text: str) -> None: ...

    def view_for_brief(self) -> str: ...

    def notify_alerts(self, summary: RefreshSummary) -> None: ...

    def apply_filter(self) -> None: ...

    def reload_items(self) -> None: ...

    def refresh_panels(self) -> None: ...

    def refresh_actors(
        self, query: ItemQuery, counts: list[tuple[str, int]] | None = None
    ) -> None: ...

    def redraw_current(self) -> None: ...

    def show_current(self) -> None: ...

    def after_list_change(self) -> None: ...

    def selected_source_id(self) -> int | None: ...

    def start_refresh(self, source_ids: list[int] | None) -> None: ...

    def rename_view(self, view_id: int) -> None: ...

    def delete_view(self, view_id: int) -> None: ...

    def record_undo(self, description: str, revert: Callable[[], object]) -> None: ...

    def clear_source_filter(self) -> None: ...
