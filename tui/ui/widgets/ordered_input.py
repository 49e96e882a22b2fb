"""An Input whose editing keys act in the order they were typed.

Textual runs a widget's non-priority bindings (Backspace, Delete, ←, Ctrl+U …) only
after the key event has bubbled up through the message queues, while a printable key is
inserted at once. So keys that arrive in one terminal read (fast typing, a paste, ssh,
tmux) were reordered: `deepseek`, 8×Backspace, `nvidia` left `deepse` in the box (the
letters first, then the Backspaces). Issue 14 reported `dvidia`; the Pilot never saw it
because it waits between keys. This Input runs its own bindings from its key handler,
in arrival order, before anything bubbles; every aigeo text box uses it.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    """Input with its bindings run in key order (see the module docstring)."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if self.check_action(binding.action.partition("(")[0], ()) is False:
                continue
            event.stop()
            event.prevent_default()
            self._restart_blink()
            await self.run_action(binding.action)
            return
        await super()._on_key(event)
