"""Stage 1: read notes, issues and the tag vocabulary from disk, and validate them.

The only stage that touches the file system. Every file is either turned into a
Note / IssueMeta or reported as a Problem that names the file, the line and the
field, and says how to fix it. Nothing is dropped silently and nothing raises:
a bad file never stops the others from loading.

    files.py        which .md files there are, and their text
    frontmatter.py  YAML fields and body, with each field's line (memoised per text)
    fields.py       checks of one value: text, URL, list, date, month, boolean
    vocabulary.py   site_config/tags.yml, and written tags resolved to it by slug
    notes.py        one file to a Note or an IssueMeta (memoised per front matter)
    crosscheck.py   checks across files: slugs per month, one note per paper
    ahead.py        forked workers that fill the memos ahead of the one pass
    content.py      the one pass over everything: read_content

May import: model, slugs, identity, speed. No later stage, not MkDocs.
"""

from .content import forget, read_content
from .fields import MONTH_RE

__all__ = ["MONTH_RE", "forget", "read_content"]
