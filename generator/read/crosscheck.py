"""Stage 1, checks across files: one slug per month (it is the paper's anchor in
the digest), one published note per paper.

A paper is its identity (identity.paper_id: the arXiv id without version, the DOI
case-folded, ...), so `https://arxiv.org/abs/2102.07074` in March and
`https://arxiv.org/pdf/2102.07074v2` in May are one paper. The later note is warned
about, naming the earlier file and its issue, unless it says `repeat: true` (featured
again on purpose); a `repeat: true` with nothing earlier is itself a warning.
"""

from __future__ import annotations

from pathlib import Path

from ..identity import paper_id
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
    problems += same_paper(kept, root)
    return kept, problems


def same_paper(notes: list[Note], root: Path) -> list[Problem]:
    """One published note per paper identity, earliest issue first; drafts are not published."""
    problems: list[Problem] = []
    seen: dict[str, list[Note]] = {}
    for note in sorted((n for n in notes if not n.draft), key=lambda n: (n.month, n.path)):
        key = note.identity or paper_id(note.url)
        before = seen.setdefault(key, [])
        same_issue = [n for n in before if n.month == note.month]
        if same_issue:
            problems.append(Problem(note.path, _field_line(root, note.path, "url"),
                                    f"'url': the same paper is also in {same_issue[0].path}, in the same issue {note.month} "
                                    f"({note.url}); keep one of the two notes", "warning"))
        elif before and not note.repeat:
            last = before[-1]
            problems.append(Problem(note.path, _field_line(root, note.path, "url"),
                                    f"'url': the same paper is also in {last.path}, featured in issue {last.month} ({note.url}); "
                                    f"if featuring it again is intended, add repeat: true to this note, else remove one", "warning"))
        elif note.repeat and not before:
            problems.append(Problem(note.path, _field_line(root, note.path, "repeat"),
                                    f"'repeat': no note of an earlier issue features this paper ({key}); "
                                    f"remove repeat: true, or check the url", "warning"))
        before.append(note)
    return problems
