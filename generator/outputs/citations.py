"""Stage 4: the papers for reference managers: BibTeX files for every issue, every
tag and the whole archive, and the archive as CSL-JSON.

Pure: the grouped Site in, files out (as `Feed`s, written like the feeds). Entries
and keys come from citation.py, the same text the Cite control shows on the digest.
One entry per paper identity in each file: a paper featured in two issues is one
entry of the archive and of a tag's file, cited by one key.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from ..citation import bibtex_entry, cite_keys, csl_item, paper_of
from ..model import Note, Site
from ..render import SITE_BIBTEX, SITE_CSL, issue_bibtex_path, tag_bibtex_path
from .data import dump_lines
from .feeds import Feed


def citation_paths(site: Site) -> tuple[str, ...]:
    """Every file citation_files writes, known before any page is rendered."""
    return (SITE_BIBTEX, SITE_CSL, *(issue_bibtex_path(m.key) for m in site.months),
            *(tag_bibtex_path(index.tag.slug) for index in site.tags))


def citation_files(site: Site) -> Iterator[Feed]:
    """The archive's, each issue's and each tag's papers.bib, and papers.csl.json."""
    keys = cite_keys(site)
    titles = {m.key: m.title for m in site.months}

    def bib(notes: Iterable[Note]) -> Callable[[], Iterator[bytes]]:
        def parts() -> Iterator[bytes]:
            for number, note in enumerate(_one_per_paper(notes)):
                entry = bibtex_entry(note, keys[paper_of(note)], titles[note.month])
                yield (("\n" if number else "") + entry).encode("utf-8")
        return parts

    yield Feed(SITE_BIBTEX, bib(site.notes))
    yield Feed(SITE_CSL, lambda: iter((csl_json(site, keys, titles),)))
    for month in site.months:
        yield Feed(issue_bibtex_path(month.key), bib(month.notes))
    for index in site.tags:
        yield Feed(tag_bibtex_path(index.tag.slug), bib(index.notes))


def csl_json(site: Site, keys: dict[str, str], titles: dict[str, str]) -> bytes:
    items = [csl_item(note, keys[paper_of(note)], titles[note.month]) for note in _one_per_paper(site.notes)]
    return dump_lines(items)


def _one_per_paper(notes: Iterable[Note]) -> list[Note]:
    """Each paper once, in the order of `notes` (newest issue first), as the issue that
    featured it first: its entry's note names that issue."""
    notes = list(notes)
    first: dict[str, Note] = {}
    for note in reversed(notes):
        first.setdefault(paper_of(note), note)
    return [note for note in notes if first[paper_of(note)] is note]
