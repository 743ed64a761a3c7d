"""What `mkdocs serve` keeps from one rebuild to the next to save work.

A value is kept under a key that holds every input it is made from (frozen
dataclasses of the content, URLs, settings), so a changed input is a new key and
can never find a stale value. Each build keeps only the values it used, so the
memo stays one build's worth. A one-off build passes no memo and keeps nothing.
"""

from __future__ import annotations

from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class BuildMemo:
    def __init__(self) -> None:
        self._previous: dict = {}
        self._current: dict = {}

    def new_build(self) -> None:
        self._previous, self._current = self._current, {}

    def unfinished(self) -> None:
        """The build stopped early (a newer one came): keep what it did not get to
        ask for, so the next build still finds it."""
        self._current = {**self._previous, **self._current}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key in self._current:
            return self._current[key]
        value = self._previous[key] if key in self._previous else make()
        self._current[key] = value
        return value

    def __len__(self) -> int:
        return len(self._current)


class NoMemo(BuildMemo):
    """A single build: every value is made when asked and nothing is kept."""

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        return make()


NO_MEMO = NoMemo()
