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

`Latest` is the preview's counterpart (`mkdocs serve` runs threads, so nothing
forks there): work that follows a rebuild (the feeds, the search index) runs in
one thread after the page is served, and only the newest build's runs. What that
work computes in Python goes to a `Worker`, a process started fresh (spawn, safe
beside threads) and kept for the session: a thread busy in Python starves MkDocs'
file watcher, whose poll of 10,000 notes waits for the GIL at every stat call
(saves were seen seconds late while the feeds were written in a thread).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import threading
import time
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


class Latest:
    """One thread doing the newest of the jobs submitted to it (under `mkdocs serve`).

    A job is `job(superseded)`: it may stop early when `superseded()` turns true, as
    a newer job waits and will redo the work. A job submitted while another runs
    starts when that one ends; one superseded before it started never runs.
    `quiet`: a job starts only once no newer one has come for that many seconds
    (an editor saving again and again gets one run, after the last save).
    A failing job is logged as a warning and the thread goes on."""

    def __init__(self, name: str, quiet: float = 0.0, log: logging.Logger | None = None) -> None:
        self.name, self.quiet = name, quiet
        self.log = log or logging.getLogger("mkdocs.plugins.newsletter")
        self._lock = threading.Lock()
        self._pending: Callable[[Callable[[], bool]], object] | None = None
        self._asked = 0.0
        self._generation = 0  # counts submissions: a running job is superseded once it moves on
        self._thread: threading.Thread | None = None
        self.runs = 0  # jobs started

    def submit(self, job: Callable[[Callable[[], bool]], object], wait: bool = False) -> None:
        """Run `job` after the current one (at once if `wait`: then return when it is done)."""
        with self._lock:
            self._pending, self._asked = job, (float("-inf") if wait else time.monotonic())
            self._generation += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        if wait:
            self.wait()

    def cancel(self) -> None:
        """A new build began: the running job is superseded and a waiting one dropped, so
        neither competes with the build; the build submits its own when it is done."""
        with self._lock:
            self._generation += 1
            self._pending = None

    def wait(self) -> None:
        """Until every submitted job is done (the first build, tests)."""
        while (thread := self._thread) is not None and thread.is_alive():
            thread.join()

    def _run(self) -> None:
        while True:
            while (left := self._asked + self.quiet - time.monotonic()) > 0:
                time.sleep(left)  # a newer job may still come: run the last one only
            with self._lock:
                job, self._pending = self._pending, None
                generation = self._generation
                if job is None:
                    self._thread = None
                    return
            self.runs += 1
            try:
                job(lambda: self._generation != generation)
            except Exception as exc:  # noqa: BLE001 (the preview goes on; the next save tries again)
                self.log.warning(f"{self.name}: {exc}")


class Worker:
    """One process of its own, started when first asked and kept until exit, so what a
    job keeps in module globals (a memo) lives on to the next job. `call(fn, *args)`
    runs `fn(*args)` there (both picklable) and returns its result."""

    def __init__(self) -> None:
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def call(self, fn: Callable[..., T], *args) -> T:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                                initializer=_exit_with, initargs=(os.getpid(),))
            atexit.register(self.close)
        try:
            return self._pool.submit(fn, *args).result()
        except concurrent.futures.process.BrokenProcessPool:
            self._pool = None  # it died (killed, out of memory): the next call starts another
            raise RuntimeError("the worker process died") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _exit_with(parent: int) -> None:
    """In a Worker's process: leave when the parent is gone (killed, not shut down). The
    worker holds both ends of its job queue, so it would otherwise wait for jobs forever."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
