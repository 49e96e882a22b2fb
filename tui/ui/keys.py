"""Every key of every screen, read from the bindings themselves (help, README check).

The help screen and the README's keys table are both checked against `help_sections`,
so a new binding shows up in help without anyone editing a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    from tui.ui.screens.alerts import AlertsScreen
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
        ("Alerts screen", list(AlertsScreen.BINDINGS)),
    ]


NAVIGATION = [
    Binding("tab", "", "Next panel"),
    Binding("shift+tab", "", "Previous panel"),
    Binding("ctrl+p", "", "Command palette"),
]


def help_sections(app: App[Any] | None = None) -> list[Section]:
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


def binding_ids() -> list[str]:
    """The ids `[keys]` remaps and `[macros]` steps name."""
    return [b.id for _, bindings in help_sections() for b in bindings if b.id]


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
    "exclamation_mark": "!",
    "f2": "F2",
    "comma": ",",
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


#: Sections whose keys are live at the same time (a key may mean one thing per group).
DASHBOARD_GROUP = (
    "Dashboard",
    "Item list",
    "Reader",
    "Sources panel",
    "Sources, Themes and Actors panels",
    "Search bar",
)


def _group(where: str) -> str:
    return "dashboard" if where in DASHBOARD_GROUP else where


def checked_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The `[keys]` entries that can be applied, and a clear problem for each that cannot.

    An unknown action id, an empty key, or a key that another action already uses where
    both are live (e.g. `star = "q"` would take Quit away) is reported and left out.
    """
    if not keymap:
        return {}, []
    base = help_sections()
    by_id = {b.id: (where, b) for where, bindings in base for b in bindings if b.id}
    effective: dict[str, tuple[str, set[str]]] = {}  # binding id or description → keys
    for where, bindings in base:
        for b in bindings:
            name = b.id or f"{where}:{b.description}"
            keys = keymap.get(b.id, b.key) if b.id else b.key
            effective[name] = (where, {k.strip() for k in keys.split(",") if k.strip()})
    applied: dict[str, str] = {}
    problems: list[str] = []
    for action, keys in keymap.items():
        if action not in by_id:
            known = ", ".join(sorted(by_id))
            problems.append(f"[keys] {action}: no such action (known: {known})")
            continue
        wanted = {k.strip() for k in keys.split(",") if k.strip()}
        if not wanted:
            problems.append(f"[keys] {action}: no key given")
            continue
        where, binding = by_id[action]
        clash = next(
            (
                (other, taken & wanted)
                for other, (other_where, taken) in effective.items()
                if other != action
                and taken & wanted
                and (other_where == "Everywhere" or _group(other_where) == _group(where))
            ),
            None,
        )
        if clash is not None:
            other, keys_taken = clash
            other_binding = by_id.get(other, (None, None))[1]
            what = other_binding.description if other_binding else other.split(":", 1)[-1]
            problems.append(
                f'[keys] {action} = "{keys}": {", ".join(sorted(keys_taken))} is already '
                f'"{what}"; not applied ({binding.description} keeps {binding.key})'
            )
            effective[action] = (where, {k for k in binding.key.split(",")})
            continue
        applied[action] = keys
    return applied, problems


if __name__ == "__main__":  # print the README's keys table
    print(markdown_table(), end="")
