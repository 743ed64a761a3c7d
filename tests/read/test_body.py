"""read/body.py: note and issue bodies checked on their own lines: raw HTML that does not
pair up, links that run code, relative links that lead nowhere; and the file-name hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.read import read_content
from generator.read.body import check_body, links, unsafe_scheme
from helpers import BuiltSite, build, note_md, run_cli

FRONT = "---\ntitle: A Paper\nurl: https://papers.test/a\ntags: [GANs]\n---\n\n"  # the body starts on line 7


def read(config: Path):
    root = config.parent
    return read_content(root / "content", root / "site_config" / "tags.yml", root)


def problems_of(body: str, **files):
    return [(p.line, p.message) for p in check_body(body, 7, "n.md")]


def test_unclosed_div_is_an_error_on_its_own_line(make_project):
    config = make_project({"content/notes/2021-03/a.md": FRONT + "Intro.\n\n<div class=\"box\">\nA boxed remark.\n",
                           "content/notes/2021-03/b.md": note_md(title="B", url="https://papers.test/b")})
    content = read(config)
    (problem,) = content.problems
    assert (problem.path, problem.line, problem.severity) == ("content/notes/2021-03/a.md", 9, "error")
    assert problem.message == ("raw HTML <div> is never closed: in the digest it would swallow what follows, "
                               "the next paper's heading included; add </div>")
    assert [n.slug for n in content.notes] == ["b"]  # the bad note is not published; the next one is whole


def test_stray_closing_tag_and_misnested_tags():
    assert problems_of("Text.\n</div>\n") == [
        (8, "stray </div>: no <div> is open here; it would close the page's own <div> in the digest; remove it")]
    assert problems_of("<div>\n<span>one\n</div>\n") == [
        (8, "raw HTML <span> is not closed before </div> on line 9; add </span> where it ends")]
    assert problems_of("Some <b>bold\n\nand more.") == [
        (7, "raw HTML <b> is never closed: in the digest it would swallow what follows, the next paper's heading included; add </b>")]


@pytest.mark.parametrize("body", [
    "<div markdown>\n**Key idea**: attention.\n</div>",
    "<details><summary>More</summary>\nHidden <em>detail</em>.<br>\n<img src=\"../assets/x.png\" alt=\"x\"/>\n</details>",
    "A list:\n\n<ul>\n<li>one\n<li>two\n</ul>\n<p>Loose paragraph",  # optional end tags
    "Code: `<div>` and ``</div>``.",
    "```html\n<div>\n```\n\nAfter.",
    "~~~\n</section>\n~~~",
    "Indented code:\n\n    <div>\n    unclosed on purpose\n\nBack to text.",
    "Escaped \\<div> in text.",
    "<!-- a comment with <div> inside -->",
    "Autolinks: <https://arxiv.org/abs/2102.07074> and <editor@papers.test>.",
    "Comparison a < b and c > d, 3 <4.",
    "- item\n\n    <div>\n    continued item\n    </div>",
    "A footnote.[^1]\n\n[^1]: The footnote, not a link.",
])
def test_what_is_fine(body):
    assert problems_of(body) == []


def test_unclosed_comment():
    assert problems_of("Text\n<!-- TODO: finish\n\nRest.") == [
        (8, "unclosed HTML comment '<!--': it would hide the rest of the digest; add '-->'")]


@pytest.mark.parametrize("link, scheme", [
    ("[demo](javascript:alert(1))", "javascript:"),
    ("[demo](JavaScript:alert(1))", "javascript:"),
    ("![plot](data:image/png;base64,iVBORw0KGgo=)", "data:"),
    ('<a href="java&#115;cript:alert(1)">demo</a>', "javascript:"),
    ("<a href=' javascript:void(0)'>demo</a>", "javascript:"),
    ('<img src="data:text/html,<b>x</b>">', "data:"),
    ("[demo][ref]\n\n[ref]: vbscript:msgbox", "vbscript:"),
    ("[demo](<javascript:alert(1)>)", "javascript:"),
])
def test_links_that_run_code_are_errors(link, scheme):
    (found,) = problems_of("See it:\n" + link + "\n")
    assert found[0] == (10 if "[ref]:" in link else 8)
    assert f"'{scheme}'" in found[1]


def test_unsafe_scheme_reading():
    assert unsafe_scheme("  JAVA\tSCRIPT:alert(1)") == "javascript:"
    assert unsafe_scheme("https://x.org/javascript:") is None
    assert unsafe_scheme("./data:file") is None


def test_javascript_link_reported_by_check_against_the_note(make_project):
    config = make_project({"content/notes/2021-03/a.md": FRONT + "Intro.\n\nTry the [demo](javascript:alert(1)).\n"})
    run = run_cli("-f", config, "check")
    assert run.code == 1
    assert run.out.splitlines()[0] == ("content/notes/2021-03/a.md:9: a 'javascript:' link runs code in the reader's browser "
                                       "and is not published; link an http(s) page instead")


def test_footnotes_are_not_links():
    assert links("Claim.[^1]\n\n[^1]: The source.", 1) == ()


def test_relative_links_are_found_outside_code():
    body = "[fig](../assets/fig.png) `[no](nowhere.md)`\n\n```\n[no](x.md)\n```\n[ref]: ../about.md\n<a href=\"2021-02.md#x\">x</a> [web](https://x.org) [top](#a)"
    assert links(body, 1) == ((1, "../assets/fig.png"), (6, "../about.md"), (7, "2021-02.md#x"))


def test_relative_links_that_lead_nowhere(make_project):
    body = ("Good: [figure](../assets/figure.png), [about](../about.md), [March](2021-03.md#b), "
            "[gans](../tags/gans.md), [April URL](../2021-04/), [all tags](../../tags/), [home](../index.md).\n\n"
            "Bad: [typo](../asets/figure.png)\n[gone](2020-01.md#x)\n<img src=\"figure.png\">\n[note file](../notes/2021-03/b.md)")
    config = make_project({"content/notes/2021-04/a.md": FRONT + body,
                           "content/notes/2021-03/b.md": note_md(title="B", url="https://papers.test/b"),
                           "content/assets/figure.png": b"\x89PNG\r\n\x1a\n", "content/about.md": "# About\n"})
    content = read(config)
    found = [(p.path, p.line, p.severity, p.message.split(":")[0]) for p in content.problems]
    assert found == [
        ("content/notes/2021-04/a.md", 9, "warning", "relative link '../asets/figure.png' leads nowhere"),
        ("content/notes/2021-04/a.md", 10, "warning", "relative link '2020-01.md#x' leads nowhere"),
        ("content/notes/2021-04/a.md", 11, "warning", "relative link 'figure.png' leads nowhere"),
        ("content/notes/2021-04/a.md", 12, "warning", "relative link '../notes/2021-03/b.md' leads nowhere"),
    ]
    assert content.problems[0].message == (
        "relative link '../asets/figure.png' leads nowhere: from the digest (issues/2021-04.md) it points at asets/figure.png, "
        "which is no file in content/ and no generated page; fix the path (assets: ../assets/<name>; another issue: 2021-MM.md#<slug>)")
    assert len(content.notes) == 2  # a dead link is a warning: the note is published


def test_issue_intro_is_checked_too(make_project):
    config = make_project({"content/issues/2021-03.md": "---\ntitle: March\n---\n\nIntro <div>\n",
                           "content/issues/2021-04.md": "---\ntitle: April\n---\n\nIntro.\n\n[x](missing.md)\n",
                           "content/notes/2021-03/a.md": note_md(), "content/notes/2021-04/a.md": note_md(url="https://papers.test/b")})
    found = [(p.path, p.line, p.severity) for p in read(config).problems]
    assert found == [("content/issues/2021-03.md", 5, "error"), ("content/issues/2021-04.md", 7, "warning")]


def test_strict_build_fails_naming_the_note_and_the_next_heading_survives_without_strict(make_project, tmp_path):
    config = make_project({"content/notes/2021-03/a-first.md": FRONT + "<div class=\"box\">\nBoxed.\n",
                           "content/notes/2021-03/b-second.md": note_md(title="Second Paper", url="https://papers.test/b")})
    strict = build(config, tmp_path / "strict")
    assert strict.code == 1
    assert "content/notes/2021-03/a-first.md:7: raw HTML <div> is never closed" in strict.text
    loose = build(config, tmp_path / "loose", "--no-strict")
    assert loose.code == 0, loose.text
    article = BuiltSite(tmp_path / "loose").page("issues/2021-03").article
    heading = article.find(id="b-second")
    assert heading is not None and heading.tag == "h3"  # not swallowed: the bad note was skipped
    assert "Boxed." not in article.text()


def test_file_name_hint_transliterates(make_project):
    config = make_project({"content/notes/2021-03/\u00dcn\u00efc\u00f6d\u00e9 File Name (v2).md": note_md()})
    (problem,) = read(config).problems
    assert problem.message == ("file name '\u00dcn\u00efc\u00f6d\u00e9 File Name (v2).md' is not a slug (lowercase letters, digits, "
                               "hyphens): rename it to unicode-file-name-v2.md")


def test_sections_warning_points_at_the_sections_line(make_project):
    config = make_project({"content/issues/2021-03.md": "---\ntitle: March\nsummary: S\n\nsections:\n  - Vision\n  - Nowhere\n---\n",
                           "content/notes/2021-03/a.md": note_md(section="Vision")})
    run = run_cli("-f", config, "check")
    assert run.out.splitlines()[0] == "content/issues/2021-03.md:5: 'sections': no note of 2021-03 is in section 'Nowhere' [warning]"
