"""The Python-Markdown side of render.html_block: finished HTML is passed through
as it is, and nothing else is."""

from __future__ import annotations

import re

import markdown
import pytest

from generator.render import html_block
from test_render import EXTENSIONS, PAGES

SITE = list(EXTENSIONS)


def convert(text: str, fast: bool = True) -> str:
    return markdown.markdown(text, extensions=SITE + (["generator.mkdocs.rawhtml"] if fast else []))


def squeeze(html: str) -> str:
    """HTML without the markers and the whitespace between tags: all the extension may change."""
    html = re.sub(r"<!-- /?nl-html[^>]*-->", "", html)
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages_render_the_same_with_and_without_the_extension(path):
    text = PAGES[path].markdown
    assert squeeze(convert(text)) == squeeze(convert(text, fast=False))


def test_a_marked_block_is_passed_through_untouched():
    block = '<p class="x">*not emphasis* &amp; [not a link](y.md)</p>\n<ul>\n<li markdown="1">**raw**</li>\n</ul>'
    out = convert(f"Before\n\n{html_block(block)}\n\nAfter *yes*")
    assert block in out  # byte for byte: md_in_html's markdown="1" is not honoured inside
    assert "<em>yes</em>" in out and out.count("<em>") == 1


def test_a_changed_block_is_left_to_markdown():
    tampered = html_block('<div markdown="1">*a*</div>').replace("*a*", "**b**")
    out = convert(tampered)
    assert "<strong>b</strong>" in out  # parsed as ordinary raw HTML by md_in_html
    assert out == convert(tampered, fast=False)


def test_a_marker_inside_a_code_block_stays_code():
    fenced = "```\n" + html_block("<b>bold</b>") + "\n```"
    out = convert(fenced)
    assert "<b>bold</b>" not in out and "&lt;b&gt;bold&lt;/b&gt;" in out
    assert out == convert(fenced, fast=False)
