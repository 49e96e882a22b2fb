"""Esc typed just before a key: terminals send both as one "alt+key".

A terminal encodes Alt+j as ESC followed by "j", so Esc then j typed quickly, pasted, or
sent in one packet over ssh or by tmux reach the app as a single `alt+j`. No aigeo
binding uses Alt with a printable key, so that event did nothing and both keys were
lost (leaving the reader with Esc and moving on with j in one burst did neither).
Newsboat and other curses programs read the pair as Esc then the key unless Alt is
bound. aigeo does the same: an `alt+<printable>` that no active binding claims becomes
an Esc followed by the key. An Alt binding the user maps in `[keys]` still wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual import events
from textual.keys import _character_to_key

_ALT = "alt+"


def split_escape_burst(
    event: events.Key, bound: Iterable[Mapping[str, object]]
) -> tuple[events.Key, events.Key] | None:
    """The Esc and key events an unbound `alt+<printable>` stands for, else None.

    `bound` is the key → bindings maps of the active binding chain.
    """
    key = event.key
    char = event.character
    if not key.startswith(_ALT) or char is None or len(char) != 1 or not char.isprintable():
        return None
    if any(key in keys for keys in bound):
        return None
    return events.Key("escape", "\x1b"), events.Key(_character_to_key(char), char)
