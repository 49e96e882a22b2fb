"""The title line at the top of the dashboard, drawn as one widget.

Decision (issue 14, start-up): Textual's Header is four widgets (icon, title, clock
space and the container) with their CSS, for one line of text; this draws the same
line, "aigeo — <what the list shows>", centred and cut with an ellipsis, from the
app's and the screen's title and sub-title, which it watches as the Header does. The
Header's icon opened the command palette on a click; Ctrl+P still does.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class TitleBar(Widget):
    """The app's title and the screen's sub-title, in one line."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._changed, init=False)
            self.watch(node, "sub_title", self._changed, init=False)

    def _changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)
