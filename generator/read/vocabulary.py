"""Stage 1, tags: the tag vocabulary (site_config/tags.yml) and how written tags
resolve to it.

Tags match by slug, so spellings that differ only in case, spaces, hyphens or
Unicode forms are one tag, shown under its canonical name. Unknown tags are
allowed with a warning (an error with `unknown_tags: error`), and two spellings
of one unknown tag are reported.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..model import Problem, Tag
from ..slugs import slugify
from .fields import FieldChecker
from .files import SourceFile, read_text, rel_path

@dataclass
class Vocabulary:
    tags: tuple[Tag, ...]
    by_slug: dict[str, Tag]  # slugs of names and aliases -> canonical tag


def read_vocabulary(tags_file: Path | None, root: Path) -> tuple[Vocabulary, list[Problem]]:
    problems: list[Problem] = []
    if tags_file is None or not tags_file.exists():
        return Vocabulary((), {}), problems
    rel = rel_path(tags_file, root)
    text, problem = read_text(SourceFile(os.fspath(tags_file), rel))
    if problem:
        return Vocabulary((), {}), [problem]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Vocabulary((), {}), [Problem(rel, mark.line + 1 if mark else 1, f"invalid YAML: {exc.problem or exc.context}")]
    if data is None:
        return Vocabulary((), {}), problems
    if not isinstance(data, list):
        return Vocabulary((), {}), [Problem(rel, 1, "expected a list of tags ('- name: ...' entries)")]
    tags: list[Tag] = []
    by_slug: dict[str, Tag] = {}
    owner_line: dict[str, int] = {}
    for index, entry in enumerate(data):
        line = node.value[index].start_mark.line + 1
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            problems.append(Problem(rel, line, "each tag needs a name: write '- name: GANs'"))
            continue
        name = entry["name"].strip()
        description = entry.get("description") or ""
        aliases = entry.get("aliases") or []
        if not isinstance(description, str):
            problems.append(Problem(rel, line, f"tag {name!r}: 'description' must be text"))
            description = ""
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(Problem(rel, line, f"tag {name!r}: 'aliases' must be a list of text (write aliases: [a, b])"))
            aliases = []
        for key in entry:
            if key not in ("name", "description", "aliases"):
                problems.append(Problem(rel, line, f"tag {name!r}: unknown field {key!r} (known: name, description, aliases)", "warning"))
        slug = slugify(name)
        if not slug:
            problems.append(Problem(rel, line, f"tag {name!r} has no letters or digits"))
            continue
        if slug in RESERVED_TAG_SLUGS:
            problems.append(Problem(rel, line, _reserved(name, slug)))
            continue
        tag = Tag(name=name, slug=slug, description=description.strip())
        clash = False
        for spelling in (name, *aliases):
            s = slugify(spelling)
            other = by_slug.get(s)
            if other is not None and other is not tag:
                problems.append(Problem(rel, line, f"{spelling!r} and tag {other.name!r} (line {owner_line[other.slug]}) share the slug {s!r}; keep one of them"))
                clash = clash or s == slug
                continue
            by_slug[s] = tag
        if clash:
            continue
        owner_line[slug] = line
        tags.append(tag)
    return Vocabulary(tuple(tags), by_slug), problems


# tags/<slug>.md is a tag's page; tags/index.md is the page listing all tags.
RESERVED_TAG_SLUGS = frozenset({"index"})


def _reserved(name: str, slug: str) -> str:
    return f"tag {name!r} cannot be used: its page tags/{slug}/ would replace the list of all tags; rename it"


class TagResolver:
    """Maps written tags to canonical Tags; reports unknown tags and spelling clashes."""

    def __init__(self, vocabulary: Vocabulary, tags_rel: str, unknown: str):
        self.vocabulary = vocabulary
        self.tags_rel = tags_rel
        self.unknown_severity = "error" if unknown == "error" else "warning"
        self.unknown: dict[str, tuple[Tag, str]] = {}  # slug -> (tag, file where first written)

    def resolve(self, written: tuple[str, ...], check: FieldChecker) -> tuple[Tag, ...]:
        resolved: dict[str, Tag] = {}
        for name in written:
            slug = slugify(name)
            if not slug:
                check.problem("tags", f"tag {name!r} has no letters or digits")
                continue
            tag = self.vocabulary.by_slug.get(slug)
            if tag is None and slug in RESERVED_TAG_SLUGS:  # an alias may be "Index"; a tag page may not
                check.problem("tags", _reserved(name, slug))
                continue
            if tag is None:
                tag = self._unknown(name, slug, check)
            resolved.setdefault(tag.slug, tag)  # the same tag twice in one note counts once
        return tuple(resolved.values())

    def _unknown(self, name: str, slug: str, check: FieldChecker) -> Tag:
        # Reported in every note that uses it: with unknown_tags "error" each such note must fail,
        # not only the first one.
        known = [t.name for t in self.vocabulary.tags]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        check.problem("tags", f"unknown tag {name!r}: {hint}add it to {self.tags_rel} or use a known tag", self.unknown_severity)
        if slug not in self.unknown:
            tag = Tag(name=name, slug=slug, known=False)
            self.unknown[slug] = (tag, check.rel)
            return tag
        tag, first_file = self.unknown[slug]
        if tag.name != name:
            check.problem("tags", f"{name!r} and {tag.name!r} (in {first_file}) are one tag (slug {slug!r}), shown as {tag.name!r}; "
                                  f"write one spelling or add the tag to {self.tags_rel}", "warning")
        return tag
