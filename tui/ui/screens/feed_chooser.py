"""Choose one of the feeds a web page links (feed autodiscovery for `a`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.ui.format import plain

if TYPE_CHECKING:
    from tui.feeds.discover import FeedLink


class FeedChooser(ModalScreen[str | None]):
    """The page's feeds; Enter adds the highlighted one, Escape adds none."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    FeedChooser { align: center middle; }
    FeedChooser > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FeedChooser Label { width: 100%; }
    FeedChooser OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, page: str, feeds: tuple[FeedLink, ...]) -> None:
        super().__init__()
        self._page = page
        self._feeds = feeds

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self._page} links {len(self._feeds)} feeds: add which?", markup=False)
            options = []
            for index, feed in enumerate(self._feeds):
                prompt = plain(feed.title or "(untitled)", style="bold")
                prompt.append(Text(f"  [{feed.kind}]  ", style="dim"))
                prompt.append_text(plain(feed.url))
                options.append(Option(prompt, str(index)))
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._feeds[int(event.option_id or 0)].url)

    def action_cancel(self) -> None:
        self.dismiss(None)
