"""Stage 1, files: which Markdown files there are under content/, and their text.

Walks the folders in a fixed order (the reader's results depend on it), follows no
link out of content/ (the site engine would publish what it points at), and turns
unreadable, binary or non-UTF-8 files into Problems instead of exceptions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..model import Problem


@dataclass
class SourceFile:
    path: str  # to open: the folder walked, joined with the names below it
    rel: str  # relative to the project root, forward slashes
    folder: str = ""  # folders between the one walked and the file, forward slashes ("" if directly in it)

    @property
    def name(self) -> str:
        return self.rel.rpartition("/")[2]

    @property
    def stem(self) -> str:
        return os.path.splitext(self.name)[0]


def rel_path(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def walk_markdown(folder: Path, root: Path, content_root: Path) -> list[SourceFile | Problem]:
    """Every .md file below `folder`, sorted, following no link out of content/, and the
    problems with links met on the way, in the order met (in each folder: its links to
    folders, its files, then its folders).

    Paths are joined as strings and each entry's type comes from the directory listing:
    pathlib per file was a sixth of reading 10,000 notes."""
    found: list[SourceFile | Problem] = []
    base = rel_path(folder, root)
    prefix = "" if base == "." else base if base.endswith("/") else base + "/"
    real_content: Path | None = None
    pending = [(os.fspath(folder), "")]  # (path to list, its rel below `folder`); a stack, popped in order
    while pending:
        here, below = pending.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable folder: skipped, as os.walk does
        folders, files = [], []  # links to folders are reported before the files, as os.walk lists them
        for entry in entries:
            name = entry.name
            rel = f"{prefix}{below}{name}"
            try:
                is_dir = entry.is_dir()  # follows symlinks, as os.walk does
            except OSError:
                is_dir = False
            if is_dir:
                if entry.is_symlink():
                    target = Path(entry.path).resolve()
                    real_content = real_content or content_root.resolve()
                    if not _within(target, real_content):
                        found.append(Problem(rel, 1, f"symlink to a folder outside {content_root.name}/ ({target.name}); copy the files in instead"))
                    else:
                        found.append(Problem(rel, 1, "symlinked folder is not read; move the notes here instead of linking", "warning"))
                elif not name.startswith("."):
                    folders.append((entry.path, f"{below}{name}/"))
                continue
            if not name.endswith(".md") or name.startswith("."):
                continue  # images, editor backups, .DS_Store: not notes
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                real_content = real_content or content_root.resolve()
                if not _within(target, real_content):
                    files.append(Problem(rel, 1, f"symlink to a file outside {content_root.name}/; copy the file in instead"))
                    continue
                if not target.is_file():
                    files.append(Problem(rel, 1, "broken symlink: its target does not exist"))
                    continue
            files.append(SourceFile(entry.path, rel, below[:-1]))
        found += files
        pending.extend(reversed(folders))
    return found


def links_leaving(content_root: Path, root: Path, skip: tuple[Path, ...]) -> list[Problem]:
    """Symlinks anywhere else in content/ (assets, extra pages) that point outside it:
    the site engine would follow them and publish whatever they point at."""
    problems: list[Problem] = []
    real_content = content_root.resolve()
    for dirpath, dirnames, filenames in os.walk(content_root):
        here = Path(dirpath)
        if here in skip:
            dirnames[:] = []  # walk_markdown reports these
            continue
        for name in sorted(dirnames + filenames):
            path = here / name
            if path.is_symlink() and not _within(path.resolve(), real_content):
                problems.append(Problem(rel_path(path, root), 1, f"symlink to something outside {content_root.name}/; "
                                        "copy it in instead (it is not published)"))
        dirnames.sort()
    return problems


def read_text(source: SourceFile) -> tuple[str | None, Problem | None]:
    try:
        with open(source.path, "rb") as file:
            data = file.read()
    except OSError as exc:
        return None, Problem(source.rel, 1, f"cannot read the file ({exc.strerror})")
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        return None, Problem(source.rel, line, "binary file, not a Markdown note; remove it or give it another extension")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(source.rel, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); save the file as UTF-8")
