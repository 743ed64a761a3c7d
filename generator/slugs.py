"""Slugs for tags, titles and anchors.

Tags are matched by slug, so every spelling variant an editor might paste
("Self-Supervised Learning", "self supervised learning", a non-breaking hyphen
from a PDF, full-width letters) must fold to the same string. NFKC folds
compatibility characters (full-width letters, ligatures), casefold() folds case
beyond ASCII, and every run of non-alphanumerics becomes one hyphen. Unicode
letters are kept rather than transliterated, so a tag in another script still
gets a readable, unique URL.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[\W_]+")
_NOTE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_ALNUM.sub("-", folded).strip("-")


def ascii_slug(text: str, max_length: int = 60) -> str:
    """A file-name slug for a new note: ASCII only, cut at a word boundary."""
    # Slugify first, so a non-ASCII hyphen or space (U+2011 from a PDF) still separates words;
    # then drop accents, and let any other non-ASCII character separate words too.
    decomposed = unicodedata.normalize("NFKD", slugify(text))
    ascii_text = "".join(c if c.isascii() else "-" for c in decomposed if not unicodedata.combining(c))
    slug = slugify(ascii_text)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def is_note_slug(text: str) -> bool:
    """Note slugs become URL fragments: lowercase ASCII words joined by hyphens."""
    return bool(_NOTE_SLUG.match(text))


def section_anchor(name: str | None) -> str:
    """Anchor of a section heading on a digest; None is the section of papers without one.
    Lives here because the grouping stage checks that no paper's anchor takes it."""
    return "section-more" if name is None else f"section-{slugify(name) or 'section'}"
