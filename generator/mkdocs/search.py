"""The site's search index: Pagefind's chunked static index of every published
paper, issue and tag (records from outputs/search.py), written to `pagefind/`.

Why Pagefind, run as its command-line indexer over one small HTML document per
record: the index is split into chunks, so a reader's query fetches only the
chunks of its words and the records it shows, where Material's lunr search
fetched the whole index (29 MB at 10,000 notes) before the first result. Its
Python API would take the records without files, but it waits 0.1 s for each
answer (one record at a time), and the same indexer through its service
protocol, every record sent at once, was no faster than over files here (8.8 s
against 7.4 s at 10,000 records). The documents are written to a temporary
folder, on the tmpfs where it has room, gone after the run.

The last index is kept (`cache`, .cache/newsletter/search/) under a hash of its
records and of the Pagefind binary: the same records are linked in, not indexed
again. Pagefind's output is made byte-identical for the same records, so the kept
files are the ones a new run would write.

When it runs:
- `newsletter build`: in a forked process from the moment every page is
  rendered (on_env) while MkDocs writes the pages and the feeds are written, and
  waited for in on_post_build, before the link check reads the site;
- `newsletter serve`: in a thread once no build has come for QUIET_S seconds, and
  Pagefind at a lower priority, so a saved note shows at once and the next save
  is not slowed down, while the index follows a few seconds later; not at all when
  no record changed. Pagefind names its chunks by their content, so the new files
  are added beside the old ones and the entry file that names them is replaced
  last: a reader's open search keeps working on the index it loaded. The first
  build waits for its index, so search never finds none.
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from ..outputs.search import Record
from ..speed.background import Latest
from ..speed.memo import BuildMemo

log = logging.getLogger("mkdocs.plugins.newsletter")

FOLDER = "pagefind"  # below the site root; the search UI loads FOLDER/pagefind.js
ENTRY = "pagefind-entry.json"  # names the current chunks: replaced last
QUIET_S = 3.0  # under serve: index once the editor has stopped saving for this long
INSTALL_HINT = "install it with `pip install 'pagefind[extended]'` (make deps does)"
CACHE_VERSION = 1  # of the cached index's making (records_key): raise it when make_deterministic changes
SCRATCH = "/dev/shm"  # the records Pagefind reads, where this tmpfs exists: 10,000 small files, never on disk


def pagefind_binary() -> str:
    """The Pagefind executable the `pagefind[extended]` package ships (or one on PATH)."""
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            module = __import__(package)
            return str(module.get_executable())
        except (ImportError, FileNotFoundError):
            continue
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if found is None:
        raise RuntimeError(f"the search index needs Pagefind, which is not installed: {INSTALL_HINT}")
    return found


def records_key(records: list[Record], binary: str) -> str:
    """A name for the index these records make: their text, and the Pagefind that indexes them."""
    digest = hashlib.sha256(f"{CACHE_VERSION}\0{Path(binary).stat().st_size}\0{binary}\0".encode())
    for record in records:
        digest.update(record.path.encode("utf-8") + b"\0" + record.html.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


def write_index(records: Iterable[Record], output: Path, background: bool = False, cache: Path | None = None) -> int:
    """Index the records with Pagefind into `output` (a folder it creates). Returns the
    number of records; raises RuntimeError with Pagefind's own message if it fails.

    `cache`: a folder keeping the last index made, under the name of its records
    (records_key): the same records are not indexed again, their index is linked in.
    Pagefind's output is made byte-identical for the same records (make_deterministic),
    so a cached index is the very files a new run would write."""
    binary = pagefind_binary()
    records = list(records)
    if not records:
        return 0  # nothing published yet: Pagefind makes no index of nothing
    kept = cache / records_key(records, binary) if cache is not None else None
    if kept is not None and (kept / ENTRY).is_file():
        link_tree(kept, output)
        return len(records)
    scratch = _scratch(sum(max(4096, len(r.html) * 2) for r in records))
    with tempfile.TemporaryDirectory(prefix="newsletter-search-", dir=scratch) as folder:
        source = Path(folder) / "records"
        made: set[Path] = set()
        for record in records:
            path = source / record.path
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(record.html, encoding="utf-8")
        command = [binary, "--site", str(source), "--output-path", str(output), "--quiet"]
        if background and shutil.which("nice"):
            command = ["nice", "-n", "10", *command]  # the preview's next rebuild goes first
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise RuntimeError(f"Pagefind failed (exit {run.returncode}): {(run.stderr or run.stdout).strip()[-2000:]}")
    make_deterministic(output)
    if kept is not None:
        keep_index(output, kept)
    return len(records)


def _scratch(size: int) -> str | None:
    """Where to write the records for Pagefind: the tmpfs if it has room to spare (the
    files only live for the run; on disk, writing and deleting 10,000 of them cost
    seconds here), else the usual temporary folder."""
    try:
        if os.access(SCRATCH, os.W_OK) and shutil.disk_usage(SCRATCH).free > 4 * size:
            return SCRATCH
    except OSError:
        pass
    return None


def link_tree(source: Path, target: Path) -> None:
    """`target` as a copy of `source`: hard links where both are on one file system
    (no file is ever written in place, so they cannot drift apart), copies elsewhere."""
    for folder, _, names in os.walk(source):
        here = Path(folder)
        there = target / here.relative_to(source)
        there.mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(here / name, there / name)
            except OSError:
                shutil.copyfile(here / name, there / name)


def keep_index(output: Path, kept: Path) -> None:
    """Keep `output` in the cache as `kept`, in place of every index kept before."""
    staging = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    link_tree(output, staging)
    for old in kept.parent.iterdir():
        if old != staging:
            shutil.rmtree(old, ignore_errors=True)
    os.replace(staging, kept)


# --------------------------------------------------------------------------- the same bytes each build
#
# Pagefind writes the values of a filter, and the list of filters, in the order of a
# Rust hash map, which differs from run to run; the files' names are made from their
# content. So the same records gave other filter files, another metadata file naming
# them and another entry file naming that. Here the filter values and filters are put
# in sorted order and the three renamed after their new content, so the same content
# builds the same files (test_reproducible), as every other output of the build.
# Pagefind's files are gzip, a signature, then CBOR; only arrays are reordered, each
# item kept as the bytes Pagefind wrote.

SIGNATURE = b"pagefind_dcd"


def _item_end(data: bytes, at: int) -> int:
    """Where the CBOR item starting at `at` ends."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"unexpected CBOR item {data[at - 1]:#x}")
    if major in (2, 3):
        return at + value
    if major in (4, 5):
        for _ in range(value * (2 if major == 5 else 1)):
            at = _item_end(data, at)
        return at
    if major == 6:
        return _item_end(data, at)
    if major == 7 and info in (25, 26, 27):
        return at  # a float: its bytes were read as the value
    return at  # integers and simple values


def _array(data: bytes, at: int) -> tuple[int, list[bytes], int]:
    """(offset of the items, each item's bytes, end) of the CBOR array at `at`."""
    if data[at] >> 5 != 4:
        raise ValueError("expected a CBOR array")
    info = data[at] & 31
    start = at + 1 + (0 if info < 24 else 1 << (info - 24))
    count = info if info < 24 else int.from_bytes(data[at + 1:start], "big")
    items, position = [], start
    for _ in range(count):
        end = _item_end(data, position)
        items.append(data[position:end])
        position = end
    return start, items, position


def _first_text(item: bytes) -> bytes:
    """The first element of a CBOR array item (a filter's or value's name), as bytes."""
    start, parts, _ = _array(item, 0)
    return parts[0]


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + data, mtime=0))


def _read(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind file")
    return data[len(SIGNATURE):]


def make_deterministic(output: Path) -> None:
    entry = json.loads((output / ENTRY).read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = output / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        prefix = language["hash"].split("_", 1)[0]
        renamed: dict[bytes, bytes] = {}
        for path in sorted((output / "filter").glob(f"{prefix}_*.pf_filter")):
            data = _read(path)
            name_start, parts, _ = _array(data, 0)  # [filter name, [[value, [page numbers]], ...]]
            values_at = name_start + len(parts[0])
            items_start, values, end = _array(data, values_at)
            data = data[:items_start] + b"".join(sorted(values, key=_first_text)) + data[end:]
            name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
            path.unlink()
            _write(output / "filter" / f"{name}.pf_filter", data)
            renamed[path.stem.encode()] = name.encode()
        # The metadata file's fourth item lists the filters as [name, file]: sorted, renamed.
        items_start, top, _ = _array(meta, 0)
        offsets = [items_start]
        for item in top:
            offsets.append(offsets[-1] + len(item))
        filters_start, filters, filters_end = _array(meta, offsets[3])
        fixed = []
        for item in sorted(filters, key=_first_text):
            old = _array(item, 0)[1][1]  # the CBOR text of the file name
            name = old[1:]  # a short text: one byte of head, as every name here is under 24 bytes
            fixed.append(item.replace(old, old[:1] + renamed.get(name, name)))
        meta = meta[:filters_start] + b"".join(fixed) + meta[filters_end:]
        new_hash = f"{prefix}_{hashlib.sha256(meta).hexdigest()[:10]}"
        meta_path.unlink()
        _write(output / f"pagefind.{new_hash}.pf_meta", meta)
        language["hash"] = new_hash
    (output / ENTRY).write_text(json.dumps(entry, separators=(",", ":")), encoding="utf-8")


def merge_index(new: Path, live: Path) -> None:
    """Add a fresh index beside the one a reader may be using: every file the live
    folder lacks (chunk names change with their content), then the entry file."""
    for path in sorted(new.rglob("*")):
        if path.is_dir() or path.name == ENTRY:
            continue
        target = live / path.relative_to(new)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    live.mkdir(parents=True, exist_ok=True)
    temporary = live / f".{ENTRY}.{os.getpid()}"
    shutil.copyfile(new / ENTRY, temporary)
    os.replace(temporary, live / ENTRY)


class ServeIndexer:
    """Under `newsletter serve`: index in a thread after each build, once no build has
    come for QUIET_S seconds. The plugin instance, and so this, lives across rebuilds.
    Most saves change no record (a note's later words, its links): then the index stays."""

    def __init__(self) -> None:
        self._jobs = Latest("search index not updated, the last one stays", quiet=QUIET_S, log=log)
        self._last: Path | None = None  # the newest complete index, kept for a cleaned site folder
        self._work = Path(tempfile.mkdtemp(prefix="newsletter-serve-search-"))
        atexit.register(shutil.rmtree, self._work, True)
        self.runs = 0  # indexes made
        self.memo = BuildMemo()  # each issue's records, for the next rebuild (used in the thread only)

    def request(self, records: Callable[[], Iterable[Record]], site_dir: Path, wait: bool = False) -> None:
        live = site_dir / FOLDER
        if self._last is not None and not (live / ENTRY).exists():
            merge_index(self._last, live)  # a full rebuild emptied the site folder: the last index, at once
        self._jobs.submit(lambda superseded: self._index(records, live, superseded), wait=wait)

    def wait(self) -> None:
        self._jobs.wait()

    def cancel(self) -> None:
        """A new build began: the records being gathered are old already."""
        self._jobs.cancel()

    def _index(self, make: Callable[[], Iterable[Record]], live: Path, superseded: Callable[[], bool]) -> None:
        records = []
        for record in make():
            if superseded():
                self.memo.unfinished()
                return  # a newer build asked: its records, not these
            records.append(record)
        name = records_key(records, pagefind_binary()) if records else "none"
        if self._last is not None and self._last.name == name:
            return  # the same records: the served index is theirs already
        if superseded():
            return
        output = self._work / name
        shutil.rmtree(output, ignore_errors=True)
        try:
            if write_index(records, output, background=True) == 0:
                return  # nothing to search yet
            merge_index(output, live)
        except BaseException:
            shutil.rmtree(output, ignore_errors=True)
            raise
        self.runs += 1
        previous, self._last = self._last, output
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
