"""render.py: the Markdown of every generated page.

Golden tests compare the pages of a small fixed site with tests/golden/*.md.
After an intended change to the output, regenerate them and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render.py
    git diff tests/golden/
"""

from __future__ import annotations

import html
import os
import re
import string
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest

from generator.grouping import group
from generator.model import Content, IssueMeta, Link, Note, Tag
from generator.render import html_text, link, md_text, md_url, navigation, render_site
from helpers import parse_html

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

GANS = Tag("GANs", "gans", "Generative adversarial networks.")
TRANSFORMERS = Tag("Transformers", "transformers", "Attention-based architectures.")
SSL = Tag("Self-Supervised Learning", "self-supervised-learning", "Learning from unlabelled data.")
EVIL_TAG = Tag("<b>Bold</b> & *Co* [x](javascript:alert(1))", "b-bold-b-co-x-javascript-alert-1", known=False)

EVIL_TITLE = "<script>alert(1)</script> *md* __u__ [x](javascript:alert(1)) {#evil .x} :smile: $x$ | a | ~~s~~ `c` \\* &amp;"
EVIL_AUTHOR = "A <img src=x onerror=alert(1)>"


def fixed_site():
    """A small site covering every element of the pages: sections in issue order and
    alphabetical, a section-less paper, all badge kinds, chips, markup to escape."""
    notes = [
        Note(slug="transgan", month="2021-03", title="TransGAN: Two Transformers Can Make One Strong GAN",
             url="https://arxiv.org/abs/2102.07074", tags=(GANS, TRANSFORMERS),
             authors=("Yifan Jiang", "Shiyu Chang", "Zhangyang Wang"), section="Generative Modeling",
             links=(Link("code", "https://github.com/VITA-Group/TransGAN"), Link("demo", "https://example.org/demo"),
                    Link("blog", "https://example.org/blog"), Link("video", "https://example.org/video"),
                    Link("data", "https://example.org/data")),
             body="Two transformers make one **strong** GAN."),
        Note(slug="escape-me", month="2021-03", title=EVIL_TITLE, url="https://example.org/a_(b)?q=1&r=<2>",
             tags=(EVIL_TAG, GANS), authors=(EVIL_AUTHOR, "B_C"), section="Robotics <i>x</i>",
             body="A body is Markdown: *emphasis* stays."),
        Note(slug="loose-paper", month="2021-03", title="A Paper Without Section", url="http://example.org/loose",
             tags=(SSL,)),
        Note(slug="vision-paper", month="2021-03", title="Vision Paper", url="https://example.org/vision",
             tags=(SSL, GANS), section="Vision"),
        Note(slug="ssl-paper", month="2021-02", title="SSL Paper", url="https://example.org/ssl", tags=(SSL, GANS)),
        Note(slug="hidden", month="2021-02", title="Hidden Draft", url="https://example.org/hidden", tags=(GANS,), draft=True),
    ]
    issues = [IssueMeta(month="2021-03", title="Best of arXiv \u2014 March 2021", summary="Ten papers on *GANs* & <b>vision</b>.",
                        sections=("Generative Modeling", "Vision"), body="Welcome to the **March** issue.",
                        path="content/issues/2021-03.md")]
    return group(Content(notes=tuple(notes), issues=tuple(issues), vocabulary=(GANS, TRANSFORMERS, SSL)))


SITE = fixed_site()
PAGES = {page.path: page for page in render_site(SITE, "ML Paper Digest", "Curated papers, monthly.")}


def golden_file(page_path: str) -> Path:
    return GOLDEN / (page_path.replace("/", "__"))


@pytest.mark.parametrize("page_path", sorted(PAGES))
def test_golden(page_path):
    expected_file = golden_file(page_path)
    actual = PAGES[page_path].markdown
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
    assert expected_file.exists(), f"no golden file for {page_path}; run with UPDATE_GOLDEN=1 and review it"
    assert actual == expected_file.read_text(encoding="utf-8"), \
        f"{page_path} differs from {expected_file.name}; if intended, run with UPDATE_GOLDEN=1 and review git diff"


def test_no_stale_golden_files():
    expected = {golden_file(p).name for p in PAGES}
    if UPDATE:
        for stale in GOLDEN.glob("*.md"):
            if stale.name not in expected:
                stale.unlink()
    assert {p.name for p in GOLDEN.glob("*.md")} == expected


def test_pages_of_the_site():
    assert sorted(PAGES) == sorted([
        "index.md", "issues/index.md", "tags/index.md", "issues/2021-03.md", "issues/2021-02.md",
        "tags/gans.md", "tags/transformers.md", "tags/self-supervised-learning.md", f"tags/{EVIL_TAG.slug}.md",
    ])
    assert "Hidden Draft" not in "".join(p.markdown for p in PAGES.values())


# ------------------------------------------------------------------ the rendered HTML

# The Markdown extensions of the site (mkdocs.yml) that could give text a meaning.
EXTENSIONS = ["attr_list", "md_in_html", "admonition", "footnotes", "tables", "pymdownx.superfences", "toc",
              "pymdownx.emoji", "pymdownx.arithmatex", "pymdownx.tilde", "pymdownx.caret", "pymdownx.mark",
              "pymdownx.keys", "pymdownx.magiclink", "pymdownx.betterem"]


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


NASTY = [
    EVIL_TITLE, EVIL_AUTHOR, "1. not a list", "- not a list", "# not a heading", "> not a quote", "<!-- c -->",
    "https://auto.link/x", "a\\b", "[^1] footnote", "!!! note", "++ctrl+alt++", "==mark==", "^^ins^^", "&lt;", "&#60;",
    "    four spaces", "line\nbreak", "x{: .cls }", "***", "| a | b |\n|---|---|", string.punctuation,
]


@pytest.mark.parametrize("text", NASTY)
def test_md_text_is_shown_exactly_as_written(text):
    rendered = to_html(md_text(text))
    doc = parse_html(rendered)
    elements = list(doc.iter())
    assert [e.tag for e in elements] == ["p"], rendered  # one paragraph, no markup at all
    assert elements[0].text() == " ".join(text.split())


def test_md_text_leaves_no_ascii_punctuation():
    assert not set(md_text(string.punctuation)) & set(string.punctuation.replace("&", "").replace("#", "").replace(";", ""))


@pytest.mark.parametrize("text", [EVIL_TITLE, 'a "quoted" \'x\' <b>', "x & y"])
def test_html_text_is_safe_in_attributes_and_text(text):
    escaped = html_text(text)
    assert not set(escaped) & set("<>\"'")
    assert html.unescape(escaped) == " ".join(text.split())


@pytest.mark.parametrize("url", ["https://example.org/a_(b)?q=1&r=<2>", "https://x.org/a b", "https://x.org/%28ok%29", "https://x.org/p#frag"])
def test_md_url_keeps_the_destination_in_one_piece(url):
    encoded = md_url(url)
    assert not set(encoded) & set("()<> \"'")
    assert unquote(encoded) == unquote(url)
    (anchor,) = parse_html(to_html(f"[Paper]({encoded})")).find_all("a")
    assert unquote(anchor.attrs["href"]) == unquote(url)


@pytest.mark.parametrize("source, target, anchor, expected", [
    ("index.md", "issues/2021-03.md", "", "issues/2021-03.md"),
    ("index.md", "issues/2021-03.md", "transgan", "issues/2021-03.md#transgan"),
    ("issues/2021-03.md", "tags/gans.md", "", "../tags/gans.md"),
    ("tags/gans.md", "issues/2021-03.md", "x", "../issues/2021-03.md#x"),
    ("issues/2021-03.md", "issues/2021-02.md", "", "2021-02.md"),
])
def test_link(source, target, anchor, expected):
    assert link(source, target, anchor) == expected


def digest_html(key: str):
    return parse_html(to_html(PAGES[f"issues/{key}.md"].markdown.split("---\n\n", 1)[1]))


def test_digest_sections_in_order_and_papers_with_anchors():
    doc = digest_html("2021-03")
    headings = [(e.tag, e.id) for e in doc.iter() if e.tag in ("h2", "h3")]
    assert headings == [
        ("h2", "section-generative-modeling"), ("h3", "transgan"),
        ("h2", "section-vision"), ("h3", "vision-paper"),
        ("h2", "section-robotics-i-x-i"), ("h3", "escape-me"),
        ("h2", "section-more"), ("h3", "loose-paper"),
    ]
    assert doc.find(id="escape-me").text() == " ".join(EVIL_TITLE.split())
    assert doc.find(id="section-robotics-i-x-i").text() == "Robotics <i>x</i>"


def test_digest_badges_chips_authors():
    doc = digest_html("2021-03")
    links = doc.find_all("p", cls="nl-links")[0]
    assert [(a.text(), a.attrs["href"], sorted(a.classes)) for a in links.find_all("a")] == [
        ("Paper", "https://arxiv.org/abs/2102.07074", ["nl-badge", "nl-badge--paper"]),
        ("Code", "https://github.com/VITA-Group/TransGAN", ["nl-badge", "nl-badge--code"]),
        ("Demo", "https://example.org/demo", ["nl-badge", "nl-badge--demo"]),
        ("Blog", "https://example.org/blog", ["nl-badge", "nl-badge--blog"]),
        ("Video", "https://example.org/video", ["nl-badge", "nl-badge--video"]),
        ("Data", "https://example.org/data", ["nl-badge", "nl-badge--data"]),
    ]
    chips = doc.find_all("p", cls="nl-tags")[0]
    assert [(a.text(), a.attrs["href"]) for a in chips.find_all("a", cls="nl-chip")] == [
        ("GANs", "../../tags/gans/"), ("Transformers", "../../tags/transformers/")]
    authors = [p.text() for p in doc.find_all("p", cls="nl-authors")]
    assert authors == ["Yifan Jiang, Shiyu Chang, Zhangyang Wang", f"{EVIL_AUTHOR}, B_C"]
    assert not doc.find_all("img") and not doc.find_all("script")
    evil_chip = doc.find("a", href=f"../../tags/{EVIL_TAG.slug}/")
    assert evil_chip.text() == EVIL_TAG.name and not evil_chip.find_all()


def test_digest_previous_next_and_intro():
    march, february = digest_html("2021-03"), digest_html("2021-02")
    assert [(a.text(), a.attrs["href"]) for a in march.find_all("a", cls="nl-prev")] == [("\u2190 February 2021", "2021-02.md")]
    assert march.find_all("a", cls="nl-next") == []
    assert [(a.text(), a.attrs["href"]) for a in february.find_all("a", cls="nl-next")] == [("March 2021 \u2192", "2021-03.md")]
    assert march.find("strong").text() == "March"  # the intro is Markdown
    assert march.find("p", cls="nl-summary").text() == "Ten papers on *GANs* & <b>vision</b>."


def test_tag_page_newest_month_first_with_other_tags():
    body = PAGES["tags/gans.md"].markdown.split("---\n\n", 1)[1]
    doc = parse_html(to_html(body))
    assert doc.find("h1").text() == "GANs"
    assert [h.id for h in doc.find_all("h2")] == ["month-2021-03", "month-2021-02"]
    items = [(li.find("a").attrs["href"], [a.text() for a in li.find_all("a", cls="nl-chip")]) for li in doc.find_all("li")]
    assert items == [
        ("../../issues/2021-03/#transgan", ["Transformers"]),
        ("../../issues/2021-03/#vision-paper", ["Self-Supervised Learning"]),
        ("../../issues/2021-03/#escape-me", [EVIL_TAG.name]),
        ("../../issues/2021-02/#ssl-paper", ["Self-Supervised Learning"]),
    ]
    assert "4 papers across 2 issues." in doc.find("p", cls="nl-count").text()


@pytest.mark.parametrize("directory_urls", [True, False])
def test_links_written_as_html_are_the_urls_mkdocs_writes(directory_urls):
    """Tag pages list papers as raw HTML, so their links must be MkDocs' own."""
    from mkdocs.structure.files import File

    from generator.render import page_url

    def url(a, b):
        return File(b, "docs", "site", directory_urls).url_relative_to(File(a, "docs", "site", directory_urls))

    pairs = [("tags/gans.md", "issues/2021-03.md"), ("tags/gans.md", "tags/café-ml.md"), ("tags/index.md", "tags/gans.md"),
             ("index.md", "tags/gans.md"), ("issues/2021-03.md", "tags/gans.md"), ("tags/gans.md", "tags/gans.md")]
    for a, b in pairs:
        assert page_url(a, b, directory_urls) == url(a, b), (a, b)


def test_page_meta_is_escaped_for_html():
    evil = PAGES[f"tags/{EVIL_TAG.slug}.md"]
    meta = evil.markdown.split("---\n")[1]
    assert "<" not in meta and '"' not in meta.replace('\\"', "")
    assert evil.title == EVIL_TAG.name  # the plain-text title


def test_navigation_years_newest_first():
    nav = navigation(SITE)
    assert nav == [
        {"Home": "index.md"},
        {"Issues": [{"Archive": "issues/index.md"},
                    {"2021": [{"Best of arXiv \u2014 March 2021": "issues/2021-03.md"}, {"February 2021": "issues/2021-02.md"}]}]},
        {"Tags": "tags/index.md"},
    ]


def test_rendering_is_deterministic():
    again = {p.path: p.markdown for p in render_site(fixed_site(), "ML Paper Digest", "Curated papers, monthly.")}
    assert again == {p: page.markdown for p, page in PAGES.items()}
    assert all(re.search(r"\n$", p.markdown) for p in PAGES.values())


def test_pages_kept_across_serve_rebuilds_are_never_stale():
    """Under serve, render_site keeps pages whose month or tag index (every note in it)
    is unchanged; any edit gives fresh pages, equal to rendering without the memo."""
    import dataclasses

    from generator.speed.memo import BuildMemo
    memo = BuildMemo()
    site = fixed_site()
    assert render_site(site, "D", memo=memo) == render_site(site, "D")
    march = site.months[0]
    note = march.notes[0]
    edits = [dataclasses.replace(note, body="Edited body."), dataclasses.replace(note, title="Renamed"),
             dataclasses.replace(note, tags=(SSL,))]
    for edited in edits:
        notes = [edited if n is note else n for m in site.months for n in m.notes]
        content = Content(notes=tuple(notes), issues=(IssueMeta(month="2021-03", title="T", summary="", sections=(),
                                                                body="", path="content/issues/2021-03.md"),),
                          vocabulary=(GANS, TRANSFORMERS, SSL))
        changed = group(content)
        kept = render_site(changed, "D", memo=memo)
        assert kept == render_site(changed, "D")
    assert len(memo) == len(changed.months) + len(changed.tags)


def test_repeat_entry_links_the_earlier_entry():
    from generator.model import Earlier, Note, Tag
    from generator.render import paper_entry
    repeat = Note(slug="transgan", month="2021-05", title="TransGAN", url="https://arxiv.org/abs/2102.07074", tags=(Tag("GANs", "gans"),),
                  repeat=True, earlier=(Earlier("2021-03", "transgan", "March <b>2021</b>"),))
    entry = paper_entry(repeat, "issues/2021-05.md")
    assert '<p class="nl-repeat">Also featured in <a href="../2021-03/#transgan">March &lt;b&gt;2021&lt;/b&gt;</a></p>' in entry
    assert 'href="2021-03.html#transgan"' in paper_entry(repeat, "issues/2021-05.md", directory_urls=False)
