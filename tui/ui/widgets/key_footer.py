"""The key bar at the bottom of every screen, drawn as one widget.

Decision (issue 14): Textual's Footer mounts one widget per key and recomposes all of
them whenever the active bindings change, i.e. on every focus move. With the
dashboard's ~25 shown keys that was ~50 widgets to build and style on each Enter or
Esc (60-70 ms at 160 columns) and a third of the widgets of the first frame. This bar
shows the same keys from `screen.active_bindings` (one per action, disabled ones
dimmed, the command palette's key at the right) as one line of text, re-rendered
instead of recomposed; a click on a key presses it, as the Footer's do.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

_ENABLED, _DISABLED = Style(), Style(dim=True)


class KeyFooter(Widget):
    """The shown keys of the focused chain, with what they do."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def entries(self) -> list[tuple[str, str, str, bool]]:
        """(key, key as shown, description, enabled) per action, in binding order; the
        command palette's last."""
        active = self.screen.active_bindings
        seen: set[str] = set()
        shown: list[tuple[str, str, str, bool]] = []
        palette = None
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if key == self._palette_key():
                palette = (key, self.app.get_key_display(binding), binding.description, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((key, self.app.get_key_display(binding), binding.description, enabled))
        if palette is not None:
            shown.append(palette)
        return shown

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        text_style = self.get_component_rich_style("key-footer--description")
        entries = self.entries()
        palette = entries.pop() if entries and entries[-1][0] == self._palette_key() else None
        width = self.size.width or 10_000
        tail = self._entry(palette, key_style, text_style) if palette else Text()
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str, bool]] = []
        for entry in entries:
            piece = self._entry(entry, key_style, text_style)
            if len(line) + len(piece) + 1 > width - len(tail):
                break  # whole keys only; the palette's stays at the right, as in Footer
            spans.append((len(line), len(line) + len(piece), entry[0], entry[3]))
            line.append_text(piece)
            line.append(" ")
        if palette is not None:
            line.append(" " * max(0, width - len(line) - len(tail)))
            spans.append((len(line), len(line) + len(tail), palette[0], palette[3]))
            line.append_text(tail)
        self._spans = spans
        return line

    def _palette_key(self) -> str | None:
        app = self.app
        return app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None

    @staticmethod
    def _entry(entry: tuple[str, str, str, bool], key_style: Style, text_style: Style) -> Text:
        _key, shown, description, enabled = entry
        extra = _ENABLED if enabled else _DISABLED
        piece = Text(f" {shown} ", key_style + extra)
        if description:
            piece.append(f"{description} ", text_style + extra)
        return piece

    def key_at(self, x: int) -> tuple[str, bool] | None:
        """The key drawn at column `x` (and whether it is enabled), or None."""
        for start, end, key, enabled in self._spans:
            if start <= x < end:
                return key, enabled
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        hit = self.key_at(event.x)
        if hit is None:
            return
        key, enabled = hit
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()
