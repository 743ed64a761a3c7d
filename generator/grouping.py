"""Stage 2: group validated notes into published months (with sections) and tags.

Pure: Content in, Site out. Drafts stop here, so no later stage can leak them:
a draft note is in no month and no tag, and a draft issue hides its whole month.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import replace

from .identity import paper_id
from .model import Content, Earlier, IssueMeta, Month, Note, Problem, Section, Site, Tag, TagIndex
from .slugs import section_anchor, slugify

RELATED_TAGS = 6


def month_label(key: str) -> str:
    """'2021-03' -> 'March 2021'."""
    year, month = key.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def _note_order(note: Note) -> tuple[str, str]:
    return (note.title.casefold(), note.slug)


def group_sections(notes: list[Note], order: tuple[str, ...]) -> tuple[Section, ...]:
    """Sections in the issue's `sections` order first, then the rest alphabetically,
    then papers without a section. Section names match by slug, so 'NLP' and 'nlp'
    are one section."""
    by_slug: dict[str, list[Note]] = defaultdict(list)
    spelling: dict[str, str] = {}
    loose: list[Note] = []
    for note in notes:
        if note.section is None:
            loose.append(note)
            continue
        slug = slugify(note.section)
        by_slug[slug].append(note)
        spelling[slug] = min(spelling.get(slug, note.section), note.section)
    for name in order:  # the issue's spelling wins
        if slugify(name) in spelling:
            spelling[slugify(name)] = name
    ordered = [slugify(name) for name in order if slugify(name) in by_slug]
    ordered = list(dict.fromkeys(ordered))
    ordered += sorted((s for s in by_slug if s not in ordered), key=lambda s: spelling[s].casefold())
    sections = [Section(spelling[s], tuple(sorted(by_slug[s], key=_note_order))) for s in ordered]
    if loose:
        sections.append(Section(None, tuple(sorted(loose, key=_note_order))))
    return tuple(sections)


def anchor_clashes(sections: tuple[Section, ...]) -> list[Problem]:
    """A paper's anchor is its slug; a slug like 'section-nlp' would take the anchor of
    the section heading 'NLP' on the same digest, and links to either would be ambiguous."""
    headings = {section_anchor(s.name): s.name or "More papers" for s in sections}
    return [Problem(n.path, 1, f"the file name gives the anchor #{n.slug}, which is also the anchor of the section "
                               f"{headings[n.slug]!r} on the digest; rename the file", "warning")
            for s in sections for n in s.notes if n.slug in headings]


def group_months(notes: list[Note], issues: dict[str, IssueMeta]) -> tuple[tuple[Month, ...], list[Problem]]:
    problems: list[Problem] = []
    by_month: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        by_month[note.month].append(note)
    keys = sorted(set(by_month) | set(issues), reverse=True)  # newest first
    months: list[Month] = []
    for index, key in enumerate(keys):
        issue = issues.get(key) or IssueMeta(month=key)
        month_notes = by_month.get(key, [])
        if issue.path and not month_notes:
            problems.append(Problem(issue.path, 1, f"issue {key} has no published notes yet; add notes in content/notes/{key}/ or mark the issue draft: true", "warning"))
        used = {slugify(n.section) for n in month_notes if n.section}
        for name in issue.sections:
            if slugify(name) not in used:
                problems.append(Problem(issue.path, issue.sections_line or 1, f"'sections': no note of {key} is in section {name!r}", "warning"))
        sections = group_sections(month_notes, issue.sections)
        problems += anchor_clashes(sections)
        months.append(Month(
            key=key,
            title=issue.title or month_label(key),
            summary=issue.summary,
            intro=issue.body,
            sections=sections,
            previous=keys[index + 1] if index + 1 < len(keys) else None,
            next=keys[index - 1] if index > 0 else None,
            draft=issue.draft,
        ))
    return tuple(months), problems


def group_tags(months: tuple[Month, ...]) -> tuple[TagIndex, ...]:
    """Every tag used by a published note, with its papers newest month first
    (in digest order within a month) and the tags it co-occurs with most."""
    tags: dict[str, Tag] = {}
    papers: dict[str, list[Note]] = defaultdict(list)
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for month in months:  # months are newest first already
        for note in month.notes:
            for tag in note.tags:
                tags.setdefault(tag.slug, tag)
                papers[tag.slug].append(note)
                together[tag.slug].update(other.slug for other in note.tags if other.slug != tag.slug)
    indexes = []
    for slug, tag in sorted(tags.items(), key=lambda item: (item[1].name.casefold(), item[0])):
        related = sorted(together[slug].items(), key=lambda item: (-item[1], tags[item[0]].name.casefold()))
        indexes.append(TagIndex(tag=tag, notes=tuple(papers[slug]),
                                related=tuple((tags[s], n) for s, n in related[:RELATED_TAGS])))
    return tuple(indexes)


def resolve_repeats(notes: list[Note], issues: dict[str, IssueMeta]) -> list[Note]:
    """A `repeat: true` note gets the published entries of the same paper in earlier issues
    (oldest first), for its "Also featured in" line; other notes are returned as they are."""
    if not any(note.repeat for note in notes):
        return notes
    by_paper: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        by_paper[note.identity or paper_id(note.url)].append(note)
    resolved = []
    for note in notes:
        if note.repeat:
            before = sorted((n for n in by_paper[note.identity or paper_id(note.url)] if n.month < note.month),
                            key=lambda n: (n.month, n.slug))
            titles = {n.month: (issues[n.month].title if n.month in issues else None) or month_label(n.month) for n in before}
            note = replace(note, earlier=tuple(Earlier(n.month, n.slug, titles[n.month]) for n in before))
        resolved.append(note)
    return resolved


def group(content: Content, include_drafts: bool = False) -> Site:
    """`include_drafts` is for the live preview only (`newsletter serve`), where an
    editor wants to see the issue being written; a build never includes drafts."""
    issues = {issue.month: issue for issue in content.issues}
    hidden = set() if include_drafts else {key for key, issue in issues.items() if issue.draft}
    published = [n for n in content.notes if (include_drafts or not n.draft) and n.month not in hidden]
    published = resolve_repeats(published, issues)
    months, problems = group_months(published, {k: v for k, v in issues.items() if k not in hidden})
    return Site(months=months, tags=group_tags(months), problems=tuple(problems))
