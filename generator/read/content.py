"""Stage 1, the whole read: the vocabulary, every note and issue under content/,
the checks across files, in one pass in a fixed order (an unknown tag's warnings
depend on the files read before).
"""

from __future__ import annotations

from pathlib import Path

from ..model import Content, IssueMeta, Note, Problem
from .ahead import ReadAhead
from .body import dead_links, links
from .crosscheck import cross_checks
from .fields import MONTH_RE
from .files import SourceFile, links_leaving, rel_path, walk_markdown
from .frontmatter import PARSED
from .notes import NOTES, read_issue, read_note
from .vocabulary import TagResolver, Vocabulary, read_vocabulary

VOCABULARY: list[Vocabulary] = []  # the last one read: an equal one read again is that object


def forget() -> None:
    """Drop what the memos keep: a one-off build reads once, and at 10,000 notes they
    hold ~40 MB of parsed front matter only a next read (under serve) could use."""
    PARSED.clear()
    NOTES.clear()
    VOCABULARY.clear()
    links.cache_clear()


def same_vocabulary(vocabulary: Vocabulary) -> Vocabulary:
    last = VOCABULARY[0] if VOCABULARY else None
    if last is not None and last.tags == vocabulary.tags and last.by_slug == vocabulary.by_slug:
        return last
    VOCABULARY[:] = [vocabulary]
    return vocabulary


def read_content(content_dir: Path, tags_file: Path | None, root: Path | None = None, unknown_tags: str = "warn") -> Content:
    """Read and validate everything under content/ plus the tag vocabulary."""
    root = root or content_dir.parent
    problems: list[Problem] = []
    vocabulary, vocab_problems = read_vocabulary(tags_file, root)
    vocabulary = same_vocabulary(vocabulary)
    problems += vocab_problems
    resolver = TagResolver(vocabulary, rel_path(tags_file, root) if tags_file else "site_config/tags.yml", unknown_tags)

    notes: list[Note] = []
    files_read = 0
    notes_dir = content_dir / "notes"
    found = walk_markdown(notes_dir, root, content_dir) if notes_dir.is_dir() else []
    with ReadAhead([s for s in found if isinstance(s, SourceFile) and month_folder(s.folder)], resolver) as ahead:
        for source in found:
            if isinstance(source, Problem):
                problems.append(source)
                continue
            files_read += 1
            if not month_folder(source.folder):
                where = "not in a month folder" if "/" in source.folder or not source.folder else \
                    f"folder {source.folder!r} is not a month YYYY-MM (month 01-12)"
                problems.append(Problem(source.rel, 1, f"{where}: notes live in {rel_path(notes_dir, root)}/YYYY-MM/<slug>.md; move the file"))
                continue
            ahead.wait_for(source.rel)
            note, note_problems = read_note(source, source.folder, resolver)
            problems += note_problems
            if note is not None:
                notes.append(note)

    issues: list[IssueMeta] = []
    issues_dir = content_dir / "issues"
    for source in walk_markdown(issues_dir, root, content_dir) if issues_dir.is_dir() else []:
        if isinstance(source, Problem):
            problems.append(source)
            continue
        files_read += 1
        issue, issue_problems = read_issue(source)
        problems += issue_problems
        if issue is not None:
            issues.append(issue)

    notes, cross_problems = cross_checks(notes, root)
    problems += cross_problems
    problems += dead_links(notes, issues, {tag.slug for note in notes for tag in note.tags}, content_dir)
    problems += links_leaving(content_dir, root, skip=(notes_dir, issues_dir))
    return Content(notes=tuple(notes), issues=tuple(issues), vocabulary=vocabulary.tags,
                   problems=tuple(problems), files_read=files_read)


def month_folder(folder: str) -> bool:
    """notes/YYYY-MM/: one folder below notes/, named after a month."""
    return "/" not in folder and MONTH_RE.match(folder) is not None
