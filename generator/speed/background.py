"""Forked processes, and one job in a forked process while the build goes on
(the feeds, while MkDocs renders the page templates: two cores, two jobs).

Every fork in the generator (the reader's and render workers, the link check's
reader, the feeds) goes through `can_fork` and `frozen_for_fork`:
- fork only where that is safe: a single-threaded process (a fork copies other
  threads' locks held mid-operation) on a system with fork. Otherwise, as under
  `mkdocs serve`, whose file watcher is a thread, the work is done inline;
- fork with the parent's objects frozen (gc.freeze's documented use): a garbage
  collection in the child would otherwise write to every object it inherited
  and so copy the memory it shares with the parent.
A Background job must not log: it returns what it has to say, and the caller reports it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import threading
import traceback
from typing import Callable, Generic, Iterator, NoReturn, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Start child processes inside this block (a child that returns into it must leave
    with os._exit, or it unfreezes its copy too)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Background(Generic[T]):
    def __init__(self, job: Callable[[], T], inline: bool = False):
        self._pid: int | None = None
        if inline or not can_fork():
            self._value = job()
            return
        read, write = os.pipe()
        with frozen_for_fork():
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read)
                _run_in_child(job, write)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        """The job's return value; raises RuntimeError if it failed or its process died."""
        if self._pid is None:
            return self._value
        pid, self._pid = self._pid, None
        with os.fdopen(self._read, "rb") as source:
            data = source.read()
        _, status = os.waitpid(pid, 0)
        if not data:
            raise RuntimeError(f"the background process ended without a result (exit status {status})")
        kind, value = pickle.loads(data)
        if kind == "error":
            raise RuntimeError(f"the background job failed:\n{value}")
        self._value = value
        return value

    def abandon(self) -> None:
        """Wait for the process without wanting its result (the build failed)."""
        if self._pid is not None:
            try:
                self.result()
            except RuntimeError:
                pass


def _run_in_child(job: Callable[[], object], write: int) -> NoReturn:
    """Run the job, send its outcome, and leave without the parent's exit handlers."""
    try:
        try:
            outcome = ("ok", job())
        except BaseException:  # noqa: BLE001 (reported by the parent, with the traceback)
            outcome = ("error", traceback.format_exc())
        with os.fdopen(write, "wb") as out:
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)
