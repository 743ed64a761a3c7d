"""Stage 1, checks across files: one slug per month (it is the paper's anchor in
the digest), one published note per paper.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Note, Problem
from .frontmatter import parse_front_matter

def _field_line(root: Path, rel: str, key: str) -> int:
    """Line of a front-matter field of an already validated file (1 if absent).
    Read again only when a cross-file problem is reported, which is rare."""
    try:
        fm, _ = parse_front_matter((root / rel).read_text(encoding="utf-8-sig"), rel)
    except (OSError, UnicodeDecodeError):  # changed since it was read
        return 1
    return fm.line_of(key) if fm is not None and key in fm.meta else 1


def _moved(note: Note) -> bool:
    """True if an `issue:` override publishes the note outside its own month folder."""
    return Path(note.path).parent.name != note.month


def cross_checks(notes: list[Note], root: Path) -> tuple[list[Note], list[Problem]]:
    """Checks across files: one slug per month (it is the anchor), one note per paper URL."""
    problems: list[Problem] = []
    by_anchor: dict[tuple[str, str], Note] = {}
    for note in notes:
        key = (note.month, note.slug)
        first = by_anchor.get(key)
        if first is None:
            by_anchor[key] = note
            continue
        # Two files of one folder cannot share a name, so an `issue:` override brought one of
        # them here: blame the override, on its line, and keep the note in its own folder.
        if _moved(first) and not _moved(note):
            by_anchor[key], note, first = note, first, note
        problems.append(Problem(note.path, _field_line(root, note.path, "issue"),
                                f"duplicate slug {note.slug!r} in issue {note.month}: {first.path} has it too "
                                f"(the slug is the paper's anchor in the digest); rename one file"))
    kept = [n for n in notes if by_anchor[(n.month, n.slug)] is n]
    seen_url: dict[str, Note] = {}
    for note in kept:
        if note.draft:
            continue
        key = note.url.rstrip("/").lower()
        if key in seen_url:
            problems.append(Problem(note.path, _field_line(root, note.path, "url"),
                                    f"'url': the same paper is also in {seen_url[key].path} ({note.url})", "warning"))
        else:
            seen_url[key] = note
    return kept, problems
