"""reader.py: fields, tag resolution by slug, vocabulary checks, cross-file checks.

Each test writes a real content tree and reads it with `read_content`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.model import Link, Tag
from generator.reader import read_content
from helpers import note_md


def read(config: Path, unknown_tags: str = "warn"):
    root = config.parent
    return read_content(root / "content", root / "site_config" / "tags.yml", root, unknown_tags)


def only(problems, severity=None):
    """The single problem (of a severity), with a readable failure otherwise."""
    found = [p for p in problems if severity is None or p.severity == severity]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]


FULL_NOTE = """\
---
title: "TransGAN: Two Transformers Can Make One Strong GAN"
url: https://arxiv.org/abs/2102.07074
authors: [Yifan Jiang, Shiyu Chang, Zhangyang Wang]
tags: [GAN, attention]
section: Generative Modeling
date: 2021-02-14
data: https://papers.test/data
video: https://papers.test/video
code: https://github.com/VITA-Group/TransGAN
draft: false
---

The **first** GAN built from transformers only.
"""


def test_all_fields_are_read(make_project):
    config = make_project({"content/notes/2021-03/transgan.md": FULL_NOTE})
    content = read(config)
    assert content.problems == ()
    (note,) = content.notes
    assert note.slug == "transgan"
    assert note.month == "2021-03"
    assert note.title == "TransGAN: Two Transformers Can Make One Strong GAN"
    assert note.url == "https://arxiv.org/abs/2102.07074"
    assert note.authors == ("Yifan Jiang", "Shiyu Chang", "Zhangyang Wang")
    # Aliases resolve to the canonical tags of the vocabulary, with their descriptions.
    assert note.tags == (Tag("GANs", "gans", "Generative adversarial networks."),
                         Tag("Transformers", "transformers", "Attention-based architectures."))
    assert note.section == "Generative Modeling"
    assert note.date == dt.date(2021, 2, 14)
    # Extra links in badge order (code, demo, blog, video, data), whatever order they are written in.
    assert note.links == (Link("code", "https://github.com/VITA-Group/TransGAN"),
                          Link("video", "https://papers.test/video"), Link("data", "https://papers.test/data"))
    assert note.draft is False
    assert note.body == "The **first** GAN built from transformers only."
    assert note.path == "content/notes/2021-03/transgan.md"
    assert content.files_read == 1


def test_issue_file_is_read(make_project):
    issue = "---\ntitle: Best of arXiv\nsummary: Ten papers.\nsections: [Vision, NLP]\ndraft: true\n---\n\nIntro *here*.\n"
    config = make_project({"content/issues/2021-03.md": issue})
    content = read(config)
    assert content.problems == ()
    (meta,) = content.issues
    assert (meta.month, meta.title, meta.summary, meta.sections, meta.draft) == (
        "2021-03", "Best of arXiv", "Ten papers.", ("Vision", "NLP"), True)
    assert meta.body == "Intro *here*."
    assert meta.path == "content/issues/2021-03.md"


@pytest.mark.parametrize("written", [
    ["Self-Supervised Learning"], ["self supervised learning"], ["SELF-SUPERVISED-LEARNING"],
    ["Self\u2011Supervised Learning"], ["SSL"], ["self-supervised"],
    ["\uff33\uff33\uff2c"],  # full-width alias
    ["SSL", "self supervised learning"],  # two spellings of one tag count once
])
def test_tag_spellings_and_aliases_resolve_to_the_canonical_tag(make_project, written):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=written)})
    content = read(config)
    assert content.problems == ()
    assert [t.name for t in content.notes[0].tags] == ["Self-Supervised Learning"]
    assert content.notes[0].tags[0].known


def test_unknown_tag_is_a_warning_and_the_note_is_kept(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["GANs", "Graph Neural Nets"])})
    content = read(config)
    problem = only(content.problems)
    assert problem.severity == "warning"
    assert (problem.path, problem.line) == ("content/notes/2021-03/a.md", 4)  # the tags: line
    assert "unknown tag 'Graph Neural Nets'" in problem.message and "site_config/tags.yml" in problem.message
    (note,) = content.notes
    assert [(t.name, t.slug, t.known) for t in note.tags] == [("GANs", "gans", True), ("Graph Neural Nets", "graph-neural-nets", False)]


def test_unknown_tag_suggests_a_close_known_tag(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["Transformerz"])})
    assert "did you mean 'Transformers'?" in only(read(config).problems).message


def test_unknown_tags_error_option_fails_every_note_using_one(make_project):
    config = make_project({
        "content/notes/2021-03/a.md": note_md(tags=["Graph Nets"], url="https://papers.test/a"),
        "content/notes/2021-03/b.md": note_md(tags=["Graph Nets"], url="https://papers.test/b"),
        "content/notes/2021-03/c.md": note_md(tags=["GANs"], url="https://papers.test/c"),
    })
    content = read(config, unknown_tags="error")
    errors = content.errors
    assert [(p.path, p.line) for p in errors] == [("content/notes/2021-03/a.md", 4), ("content/notes/2021-03/b.md", 4)]
    assert all("unknown tag 'Graph Nets'" in p.message for p in errors)
    assert [n.slug for n in content.notes] == ["c"]


def test_two_unknown_names_sharing_a_slug_are_reported_not_merged_silently(make_project):
    config = make_project({
        "content/notes/2021-03/a.md": note_md(tags=["Graph Nets"], url="https://papers.test/a"),
        "content/notes/2021-03/b.md": note_md(tags=["graph-nets"], url="https://papers.test/b"),
    })
    content = read(config)
    clash = [p for p in content.problems if "are one tag" in p.message]
    assert len(clash) == 1, content.problems
    assert (clash[0].path, clash[0].line, clash[0].severity) == ("content/notes/2021-03/b.md", 4, "warning")
    for part in ("'graph-nets'", "'Graph Nets'", "content/notes/2021-03/a.md", "slug 'graph-nets'"):
        assert part in clash[0].message
    # Shown under one name on both notes.
    assert {n.tags[0] for n in content.notes} == {Tag("Graph Nets", "graph-nets", known=False)}


def test_two_spellings_in_one_note_are_reported(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["Graph Nets", "GRAPH NETS"])})
    content = read(config)
    assert any("are one tag" in p.message for p in content.problems)
    assert len(content.notes[0].tags) == 1


VOCAB_CLASH = """\
- name: GANs
  description: Generative adversarial networks.
- name: Transformers
  aliases: [attention]
- name: gans
  description: The same slug as GANs.
- name: Attention Models
  aliases: [Attention]
"""


def test_vocabulary_slug_clash_is_reported(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["GANs"])}, tags=VOCAB_CLASH)
    content = read(config)
    messages = {(p.path, p.line): p.message for p in content.problems}
    assert set(messages) == {("site_config/tags.yml", 5), ("site_config/tags.yml", 7)}, content.problems
    assert "'gans' and tag 'GANs' (line 1) share the slug 'gans'" in messages[("site_config/tags.yml", 5)]
    assert "'Attention' and tag 'Transformers' (line 3) share the slug 'attention'" in messages[("site_config/tags.yml", 7)]
    assert all(p.severity == "error" for p in content.problems)
    # The first spelling wins; the clashing entry is not a second tag.
    assert [t.name for t in content.vocabulary] == ["GANs", "Transformers", "Attention Models"]


def test_vocabulary_entry_without_name(make_project):
    config = make_project({}, tags="- name: GANs\n- description: no name\n")
    problem = only(read(config).problems)
    assert (problem.path, problem.line) == ("site_config/tags.yml", 2)
    assert "each tag needs a name" in problem.message


def test_issue_override_publishes_a_note_in_another_month(make_project):
    config = make_project({"content/notes/2021-03/late.md": note_md(issue="2021-04")})
    content = read(config)
    assert content.problems == ()
    assert content.notes[0].month == "2021-04"


def test_duplicate_url_is_a_warning_on_the_second_note(make_project):
    config = make_project({
        "content/notes/2021-03/a.md": note_md(url="https://arxiv.org/abs/2102.07074"),
        "content/notes/2021-04/b.md": note_md(url="https://arxiv.org/abs/2102.07074/", authors=["X"]),
    })
    content = read(config)
    problem = only(content.problems)
    assert (problem.path, problem.line, problem.severity) == ("content/notes/2021-04/b.md", 3, "warning")
    assert "the same paper is also in content/notes/2021-03/a.md" in problem.message
    assert len(content.notes) == 2


def test_duplicate_url_of_a_draft_is_not_reported(make_project):
    config = make_project({
        "content/notes/2021-03/a.md": note_md(url="https://arxiv.org/abs/1"),
        "content/notes/2021-04/b.md": note_md(url="https://arxiv.org/abs/1", draft=True),
    })
    assert read(config).problems == ()


def test_unknown_field_is_a_warning_with_a_suggestion(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(athors=["A"])})
    content = read(config)
    problem = only(content.problems)
    assert (problem.line, problem.severity) == (5, "warning")
    assert "'athors': unknown field, ignored (did you mean 'authors'?)" in problem.message
    assert len(content.notes) == 1


def test_file_name_must_be_a_slug(make_project):
    config = make_project({"content/notes/2021-03/My Paper.md": note_md()})
    content = read(config)
    problem = only(content.problems)
    assert (problem.path, problem.line) == ("content/notes/2021-03/My Paper.md", 1)
    assert "rename it to my-paper.md" in problem.message


def test_utf8_bom_and_crlf_line_endings_are_accepted(make_project):
    text = note_md(title="Caf\u00e9", authors=["J\u00fcrgen"]).replace("\n", "\r\n")
    config = make_project({"content/notes/2021-03/a.md": b"\xef\xbb\xbf" + text.encode("utf-8")})
    content = read(config)
    assert content.problems == ()
    assert content.notes[0].title == "Caf\u00e9"


def test_reading_never_raises_on_an_empty_project(make_project):
    content = read(make_project({}))
    assert (content.notes, content.issues, content.problems) == ((), (), ())


def test_a_tag_whose_page_would_replace_the_tags_index_is_an_error(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["GANs", "Index"]),
                           "content/notes/2021-03/b.md": note_md(tags=["Indexing"], url="https://papers.test/b")},
                          tags="- name: GANs\n- name: Index\n- name: Indexing\n  aliases: [INDEX]\n")
    content = read(config)
    problems = {(p.path, p.line): p.message for p in content.problems}
    assert "tags/index/ would replace the list of all tags" in problems[("site_config/tags.yml", 2)]
    # Written in a note, "Index" is now the alias of Indexing: fine.
    assert [t.name for n in content.notes for t in n.tags] == ["GANs", "Indexing", "Indexing"]
    assert list(problems) == [("site_config/tags.yml", 2)]


def test_an_unknown_tag_named_index_is_an_error(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["GANs", "index"])})
    problem = only(read(config).problems)
    assert (problem.line, problem.severity) == (4, "error")
    assert "tag 'index' cannot be used" in problem.message
