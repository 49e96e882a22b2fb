"""Every key of every screen, read from the bindings themselves (help, README check).

The help screen and the README's keys table are both checked against `help_sections`,
so a new binding shows up in help without anyone editing a list.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import App
from textual.binding import Binding, BindingType

Section = tuple[str, list[Binding]]


def _bindings(source: list[BindingType], keymap: Mapping[str, str]) -> list[Binding]:
    """The described bindings, with the user's keymap applied to their keys."""
    found = []
    for binding in source:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        if binding.id and binding.id in keymap:
            binding = Binding(
                keymap[binding.id], binding.action, binding.description, id=binding.id
            )
        found.append(binding)
    return found


def screen_bindings() -> list[tuple[str, list[BindingType]]]:
    """Each screen and widget with keys, as (where, bindings), in the order help shows."""
    from tui.ui.dashboard import DashboardScreen
    from tui.ui.screens.learned import LearnedScreen
    from tui.ui.screens.trends import TrendsScreen
    from tui.ui.widgets.counted import CountedList
    from tui.ui.widgets.items import ItemList
    from tui.ui.widgets.reader import Reader
    from tui.ui.widgets.search import SearchBar
    from tui.ui.widgets.sources import SourcesPanel

    return [
        ("Dashboard", list(DashboardScreen.BINDINGS)),
        ("Item list", list(ItemList.BINDINGS)),
        ("Reader", list(Reader.BINDINGS)),
        ("Sources panel", list(SourcesPanel.BINDINGS)),
        ("Sources, Themes and Actors panels", list(CountedList.BINDINGS)),
        ("Search bar", list(SearchBar.BINDINGS)),
        ("Trends screen", list(TrendsScreen.BINDINGS)),
        ("What aigeo learned", list(LearnedScreen.BINDINGS)),
    ]


NAVIGATION = [
    Binding("tab", "", "Next panel"),
    Binding("shift+tab", "", "Previous panel"),
    Binding("ctrl+p", "", "Command palette"),
]


def help_sections(app: App[object] | None = None) -> list[Section]:
    """Every section of the help screen: the app's keys first, then each screen's."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", None) or {}
    from tui.ui.app import AigeoApp

    sections: list[Section] = [("Everywhere", _bindings(list(AigeoApp.BINDINGS), keymap))]
    for where, bindings in screen_bindings():
        shown = _bindings(bindings, keymap)
        if shown:
            sections.append((where, shown))
    sections.append(("Moving between panels", NAVIGATION))
    return sections


KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "delete": "Delete",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "question_mark": "?",
    "slash": "/",
    "f2": "F2",
}


def _key_name(key: str) -> str:
    key = key.strip()
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    return key


def key_label(binding: Binding) -> str:
    """How help and the README write a binding's keys (all of them, "/" between)."""
    return " / ".join(_key_name(k) for k in binding.key.split(","))


def markdown_table(sections: list[Section] | None = None) -> str:
    """The README's keys table, generated from the bindings (a test keeps them equal)."""
    lines = ["| where | key | does |", "|---|---|---|"]
    for where, bindings in sections or help_sections():
        for binding in bindings:
            keys = " ".join(f"`{k}`" for k in key_label(binding).split(" / "))
            lines.append(f"| {where} | {keys} | {binding.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # print the README's keys table
    print(markdown_table(), end="")
