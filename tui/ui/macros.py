"""Macros, as in newsboat: `,` then a key runs a list of actions.

config.toml:

    [macros]
    r = ["read", "next_unread"]           # ,r  mark read, go to the next unread
    s = ["star", "tag"]                  # ,s  star it, then open the tag dialog

Each step is a binding id, the same ids `[keys]` remaps (the README's keys table lists
them), so a macro does exactly what its keys would. Decisions:
- Steps run one after another, each after the screen has settled from the one before
  (actions move focus and load items in deferred callbacks), as keys typed in turn would.
- A step not available where the macro runs (a reader-only key in Trends) stops the
  macro with a message saying which step; later steps would act on the wrong thing.
- Problems in the table (unknown ids, a key that is not one key, an empty list) are
  reported like `[keys]` problems and leave that macro out; the rest work.
- Esc after `,` cancels; any key without a macro says so, so a typo never acts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding


def checked_macros(
    raw: Mapping[str, object], known_ids: Iterable[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """The `[macros]` entries that can run, and a clear problem for each that cannot."""
    known = set(known_ids)
    macros: dict[str, list[str]] = {}
    problems: list[str] = []
    for key, steps in raw.items():
        if len(key) != 1 or not key.isprintable() or key.isspace():
            problems.append(f"[macros] {key!r}: a macro key is one character, as in `,{key[:1]}`")
            continue
        if not isinstance(steps, list) or not steps or not all(isinstance(s, str) for s in steps):
            problems.append(
                f'[macros] {key}: give a list of action ids, e.g. ["read", "next_unread"]'
            )
            continue
        unknown = [s for s in steps if s not in known]
        if unknown:
            problems.append(
                f"[macros] {key}: no such action {unknown[0]!r} (the ids are those of [keys])"
            )
            continue
        macros[key] = list(steps)
    return macros, problems


class MacroRunner:
    """The `,` prefix state of one app and the running of a macro's steps."""

    def __init__(self, app: App[Any], macros: Mapping[str, list[str]]) -> None:
        self.app = app
        self.macros = dict(macros)
        self.pending = False

    def start(self) -> None:
        """`,` was pressed: the next key names the macro."""
        if not self.macros:
            self.app.notify("No macros are defined: add a [macros] table to config.toml")
            return
        self.pending = True
        names = "  ".join(f",{k} {' → '.join(v)}" for k, v in sorted(self.macros.items()))
        self.app.notify(f"Macro: press its key (Esc cancels)   {names}", timeout=4)

    def take(self, event: events.Key) -> bool:
        """Consume the key after `,` (True), or leave the event alone (False)."""
        if not self.pending:
            return False
        self.pending = False
        event.stop()
        if event.key == "escape":
            return True
        steps = self.macros.get(event.character or "")
        if steps is None:
            self.app.notify(f"No macro on ,{event.character or event.key}", severity="warning")
            return True
        self._run(event.character or "", steps, 0)
        return True

    def _run(self, name: str, steps: list[str], index: int) -> None:
        if index >= len(steps):
            return
        found = self._active(steps[index])
        if found is None:
            self.app.notify(
                f"Macro ,{name} stopped: {steps[index]!r} does nothing here", severity="warning"
            )
            return
        node, binding = found
        self.app.run_worker(
            self._step(name, steps, index, node, binding), group="macro", exclusive=False
        )

    async def _step(
        self, name: str, steps: list[str], index: int, node: Any, binding: Binding
    ) -> None:
        await self.app.run_action(binding.action, node)
        self.app.call_after_refresh(self._run, name, steps, index + 1)

    def _active(self, binding_id: str) -> tuple[Any, Binding] | None:
        """The node and binding with this id in the active binding chain, if enabled."""
        for node, bindings in self.app._binding_chain:
            for binding in (b for bs in bindings.key_to_bindings.values() for b in bs):
                if binding.id == binding_id:
                    enabled = node.check_action(binding.action.partition("(")[0], ())
                    return None if enabled is False else (node, binding)
        return None
