"""Stage 1, reading ahead: on a large site, forked workers parse and check shares of
the notes not read before, while the one pass reads the first share, and only fill
the reader's memos (front matter, checked notes). The pass gives what it gives
without them: it still reads every file and uses an entry only for the very same
text and vocabulary.
"""

from __future__ import annotations

import copyreg
import gc
import io
import multiprocessing
import pickle
from typing import Any, Self

from ..model import Tag
from ..speed.background import can_fork, cores, frozen_for_fork
from .files import SourceFile
from .frontmatter import PARSED
from .notes import NOTES, read_note
from .vocabulary import TagResolver, Vocabulary

# Fewer notes per process than this are read in this process alone: a fork costs more
# than it saves (module-level so that tests can force the parallel read).
PARALLEL_MIN_FILES = 200
_OWN_SHARE = 1.15  # this process's share of the notes, against a worker's 1 (measured on 2 cores)


class ReadAhead:
    """Notes not read before, parsed and checked in forked workers while this process
    reads the first share itself, one share per core.

    Loading YAML (PyYAML builds the objects in Python) is most of reading a large
    site. A worker sends back the memo entries it made (`PARSED`, `NOTES`), taken
    into this process's memos just before the one pass reaches the worker's first
    note. Nothing is reported by a worker: the pass still reads every file and uses an
    entry only for the very same text and vocabulary (see `parse_front_matter`,
    `read_note`), so its result is the sequential one."""

    def __init__(self, notes: list[SourceFile], resolver: TagResolver):
        self.vocabulary = resolver.vocabulary
        self.waiting: dict[str, tuple[Any, Any]] = {}  # a share's first note -> (worker, its pipe)
        self.workers: list[Any] = []
        todo = [source for source in notes if source.rel not in PARSED]
        parts = min(cores(), len(todo) // max(PARALLEL_MIN_FILES, 1))
        if parts < 2 or not can_fork():
            return
        context = multiprocessing.get_context("fork")
        # This process takes a bigger first share: a worker also pickles what it made.
        weights = [_OWN_SHARE] + [1.0] * (parts - 1)
        bounds = [round(len(todo) * sum(weights[:i]) / sum(weights)) for i in range(parts + 1)]
        for i in range(1, parts):
            share = todo[bounds[i]:bounds[i + 1]]
            if not share:
                continue
            receiver, sender = context.Pipe(duplex=False)
            worker = context.Process(target=_read_ahead, args=(share, resolver, sender), daemon=True)
            try:
                with frozen_for_fork():
                    worker.start()
            except OSError:  # cannot fork now: the pass reads these notes itself
                receiver.close()
                break
            finally:
                sender.close()  # the worker holds the only writing end: its exit ends the stream
            self.waiting[share[0].rel] = (worker, receiver)
            self.workers.append(worker)

    def wait_for(self, rel: str) -> None:
        """Before the pass reads this note: if a worker's share starts here, take its entries."""
        if rel not in self.waiting:
            return
        _, receiver = self.waiting.pop(rel)
        collecting = gc.isenabled()
        try:
            data = receiver.recv_bytes()
            gc.disable()  # unpickling makes only live objects: a third of its time went to looking for garbage
            entries = _Entries(data, vocabulary_tags(self.vocabulary)).load()
        except (EOFError, OSError):  # the worker failed (and said why): the pass reads its notes
            entries = []
        finally:
            if collecting:
                gc.enable()
            receiver.close()
        for path, digest, parsed, checked in entries:
            PARSED[path] = (digest, parsed)
            if checked is not None:  # checked with this process's vocabulary, sent over as a copy
                NOTES[path] = (parsed[0], self.vocabulary, *checked)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        for worker, receiver in self.waiting.values():  # only if the pass was interrupted
            receiver.close()
            worker.terminate()
        for worker in self.workers:  # ended by now: joined here, not while the pass waits
            worker.join()
        self.waiting, self.workers = {}, []


def _read_ahead(notes: list[SourceFile], resolver: TagResolver, sender) -> None:
    """In a forked worker: read these notes and send back the memo entries made."""
    for source in notes:
        read_note(source, source.folder, resolver)  # unknown tags met here stay in this process
    entries = []
    for source in notes:
        parsed = PARSED.get(source.rel)
        if parsed is None:
            continue  # unreadable: the pass reports it
        checked = NOTES.get(source.rel)
        fresh = checked is not None and checked[0] is parsed[1][0]
        entries.append((source.rel, parsed[0], parsed[1], checked[2:] if fresh else None))
    index = {id(tag): i for i, tag in enumerate(vocabulary_tags(resolver.vocabulary))}
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {
        Tag: lambda tag: (_vocabulary_tag, (index[id(tag)],)) if id(tag) in index else tag.__reduce_ex__(pickle.HIGHEST_PROTOCOL)}
    pickler.dump(entries)
    sender.send_bytes(buffer.getbuffer())


# The tags of the vocabulary travel as their place in it, and arrive as this process's own
# objects: as in a sequential read, every note shares them (grouping and rendering were
# slower by 5% with copies).
def vocabulary_tags(vocabulary: Vocabulary) -> list[Tag]:
    return list({id(tag): tag for tag in (*vocabulary.tags, *vocabulary.by_slug.values())}.values())


def _vocabulary_tag(index: int) -> Tag:
    raise RuntimeError("only named in pickles of _read_ahead; _Entries loads it")


class _Entries(pickle.Unpickler):
    """A worker's memo entries, with the vocabulary's tags as this process's objects."""

    def __init__(self, data: bytes, tags: list[Tag]):
        super().__init__(io.BytesIO(data))
        self.tags = tags

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_vocabulary_tag"):
            return self.tags.__getitem__
        return super().find_class(module, name)
