"""Undo for the user's tagging actions: each action records how to reverse itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Undoable:
    """A done action: what to call to reverse it, and how to describe it."""

    description: str
    revert: Callable[[], object]


class UndoLog:
    """A bounded stack of reversible actions (newest last)."""

    def __init__(self, limit: int = 100) -> None:
        self._limit = limit
        self._done: list[Undoable] = []

    def record(self, description: str, revert: Callable[[], object]) -> None:
        """Remember an action that just happened."""
        self._done.append(Undoable(description, revert))
        del self._done[: -self._limit]

    def undo(self) -> str | None:
        """Reverse the newest action; returns its description, or None if there is none."""
        if not self._done:
            return None
        action = self._done.pop()
        action.revert()
        return action.description

    def __len__(self) -> int:
        return len(self._done)
