"""A Python-Markdown extension (the MkDocs side of render.html_block): blocks of
finished HTML that the render stage marked are stashed as they are, instead of
being parsed again as raw HTML.

Python-Markdown parses every raw HTML block with a Python HTML parser (md_in_html
does, to look for `markdown="1"`): at 10,000 notes that parser was a quarter of
all Markdown time, spent on HTML the render stage had just written and escaped
itself (authors, links, tag chips, tag-page lists). A marked block is stashed
the way Python-Markdown stashes any raw HTML block, so the page's HTML is what
the same Markdown gives without this extension, but for whitespace between
tags. The opening marker carries a digest of the block, so only a block the
render stage wrote, unchanged, is passed through; anything else, a marker an
editor copied into a note included, is left to Markdown as ordinary raw HTML.

MkDocs does not rewrite or validate links inside raw HTML, so the render stage
writes final URLs there (render.page_url) and the site's link check validates
them (checks/linkcheck.py).
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from ..render import html_block_digest

_BLOCK = re.compile(r"^<!-- nl-html (?P<digest>[0-9a-f]{16}) -->\n(?P<html>.*?)\n<!-- /nl-html -->$", re.M | re.S)


class FinishedHtml(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "<!-- nl-html " not in text:
            return lines

        def stash(match: re.Match) -> str:
            html = match["html"]
            if html_block_digest(html) != match["digest"]:
                return match.group(0)
            return f"\n\n{self.md.htmlStash.store(html)}\n\n"

        return _BLOCK.sub(stash, text).split("\n")


class FinishedHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After fenced code is stashed (25: a marker inside a code block stays code),
        # before raw HTML blocks are parsed (20).
        md.preprocessors.register(FinishedHtml(md), "newsletter_finished_html", 22)


def makeExtension(**kwargs) -> FinishedHtmlExtension:  # noqa: N802 (Python-Markdown's name)
    return FinishedHtmlExtension(**kwargs)
