"""One job in a forked process while the build goes on (the feeds, while MkDocs
renders the page templates: two cores, two jobs), with its result collected later.

Forks only where that is safe: a single-threaded process (a fork copies other
threads' locks held mid-operation) on a system with fork. Otherwise, as under
`mkdocs serve`, whose file watcher is a thread, the job runs at once, inline.
The job must not log: it returns what it has to say, and the caller reports it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
import traceback
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


class Background(Generic[T]):
    def __init__(self, job: Callable[[], T], inline: bool = False):
        self._pid: int | None = None
        if inline or not can_fork():
            self._value = job()
            return
        read, write = os.pipe()
        gc.freeze()  # the child's garbage collections then leave inherited objects (shared memory) alone
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:
                gc.unfreeze()
        if pid == 0:  # the child: run the job, send the outcome, leave without running the parent's exit handlers
            os.close(read)
            try:
                try:
                    outcome = ("ok", job())
                except BaseException:  # noqa: BLE001 (reported by the parent, with the traceback)
                    outcome = ("error", traceback.format_exc())
                with os.fdopen(write, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
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
