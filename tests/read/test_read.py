"""generator/read/: fields, tag resolution by slug, vocabulary checks, cross-file checks.

Each test writes a real content tree and reads it with `read_content`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.read import content as read_pass
from generator.read import files as read_files
from generator.read import frontmatter
from generator.model import Link, Tag
from generator.read import read_content
from helpers import REPO, note_md


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


@pytest.mark.parametrize("url", ["https://arxiv.org/abs/2102.07074", "HTTP://EXAMPLE.ORG", "https://[::1]:8000/paper",
                                 "https://papers.test/a?b=1#c", "https://user@papers.test:8080"])
def test_http_urls_are_accepted(make_project, url):
    content = read(make_project({"content/notes/2021-03/a.md": note_md(url=url)}))
    assert content.problems == ()
    assert content.notes[0].url == url


@pytest.mark.parametrize("url", ["https://[oops", "https://[zz]/paper", "https://papers .test", "https://papers.test/a\u00a0b",
                                 "ftp://papers.test", "https://", "https:///path", "https:/papers.test",
                                 "http\u017f://papers.test",  # a long s, which case-insensitive matching takes for s
                                 ])
def test_anything_but_an_http_url_is_reported(make_project, url):
    content = read(make_project({"content/notes/2021-03/a.md": note_md(url=url)}))
    problem = only(content.problems)  # not an exception: a bracketed host urlsplit rejects raised one
    assert (problem.line, problem.severity) == (3, "error")
    assert problem.message == f"'url': expected an http(s) URL, got {url!r} (write url: https://...)"
    assert content.notes == ()


TRICKY_YAML = """\
base: &base {title: Shared, tags: [a, b]}
<<: *base
authors: &people [Ann, "Bob", 'Cy']
again: *people
plain: yes
number: !!str 123
when: 2021-02-03
stamp: 2021-02-03 04:05:06
empty:
folded: >
  two
  lines
nested: {deeper: [1, 2.5, null, ~, true]}
"""


def test_front_matter_is_loaded_as_pyyaml_loads_it():
    fm, problem = frontmatter.parse_front_matter(f"---\n{TRICKY_YAML}---\nbody\n", "content/notes/2021-03/x.md")
    assert problem is None
    expected = yaml.load(TRICKY_YAML, Loader=yaml.SafeLoader)  # PyYAML's own, pure-Python safe loader
    assert fm.meta == expected
    assert [type(v) for v in fm.meta.values()] == [type(v) for v in expected.values()]
    assert fm.meta["again"] is fm.meta["authors"]  # an alias is the same object, as PyYAML makes it
    assert fm.meta["title"] == "Shared" and fm.meta["plain"] is True and fm.meta["number"] == "123"


# ---------------------------------------------------------- reading on every core

READER = """
import json, os, pickle, sys
from pathlib import Path
from generator import read as reader
from generator.read import ahead, content as read_pass, frontmatter

root, options = Path(sys.argv[1]), json.loads(sys.argv[2])
ahead.PARALLEL_MIN_FILES = 1  # fork for any number of notes
ahead.cores = lambda: 3  # two workers and this process, on any machine
if options["failing_workers"]:
    ahead._read_ahead = lambda *args: os._exit(1)
parsed_here = []  # notes whose YAML this process loaded (the workers' count is not seen here)
parse = frontmatter._parse_front_matter
frontmatter._parse_front_matter = lambda text, rel: parsed_here.append(rel) or parse(text, rel)
reads = []
for edits in options["steps"]:
    for rel, text in edits.items():
        (root / rel).write_text(text, encoding="utf-8") if text is not None else (root / rel).unlink()
    parsed_here.clear()
    content = reader.read_content(root / "content", root / "site_config" / "tags.yml", root, options["unknown_tags"])
    # The vocabulary's tags are this process's objects, whoever read the note, as in a sequential read.
    own_tags = {id(tag) for tag in ahead.vocabulary_tags(read_pass.VOCABULARY[0])}
    assert all(id(tag) in own_tags for note in content.notes for tag in note.tags if tag.known)
    reads.append((content, [rel for rel in parsed_here if rel.startswith("content/notes/")]))
sys.stdout.buffer.write(pickle.dumps(reads))
"""


def read_on_every_core(config: Path, steps=({},), unknown_tags="warn", failing_workers=False):
    """Read in a new interpreter with the parallel read forced, once per step after making its
    edits ({path: text, or None to delete}): single-threaded like `newsletter build`, where the
    reader forks (this process may run other tests' threads, and then it never forks)."""
    options = {"steps": list(steps), "unknown_tags": unknown_tags, "failing_workers": failing_workers}
    run = subprocess.run([sys.executable, "-c", READER, str(config.parent), json.dumps(options)],
                         capture_output=True, cwd=REPO, timeout=300, check=False)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    return pickle.loads(run.stdout)


def month_notes(config: Path) -> int:
    content = config.parent / "content"
    return sum(isinstance(s, read_files.SourceFile) and read_pass.month_folder(s.folder)
               for s in read_files.walk_markdown(content / "notes", config.parent, content))


def messy_project(make_project) -> Path:
    """Good notes, broken files of every kind, unknown tags whose warnings depend on the
    order files are read in, and problems across files (a duplicate slug and URL)."""
    files: dict[str, str | bytes] = {}
    for month in ("2021-03", "2021-04"):
        for i in range(12):
            files[f"content/notes/{month}/paper-{i:02}.md"] = note_md(
                f"Paper {i}", f"https://papers.test/{month}/{i}", tags=["GAN", "vision"] if i % 2 else ["NLP"],
                authors=["Ann", "Bob"], date=f"2021-01-{i + 1:02}")
    files |= {
        "content/notes/2021-03/aa-unknown.md": note_md("U", "https://papers.test/u1", tags=["Graph Nets"]),
        "content/notes/2021-03/mid-unknown.md": note_md("U", "https://papers.test/u2", tags=["graph-nets", "GANs"]),
        "content/notes/2021-04/zz-unknown.md": note_md("U", "https://papers.test/u3", tags=["GRAPH NETS"], issue="2021-03"),
        "content/notes/2021-04/paper-00b.md": note_md("Moved", "https://papers.test/2021-03/1", issue="2021-03"),
        "content/notes/2021-04/same-slug.md": note_md("Moved too", "https://papers.test/s1", issue="2021-03"),
        "content/notes/2021-03/same-slug.md": note_md("Same slug", "https://papers.test/s2"),
        "content/notes/2021-03/zz-unknown.md": note_md("Same slug as the moved one", "https://papers.test/u4"),
        "content/notes/2021-03/bad-yaml.md": "---\ntitle: [unclosed\nurl: https://papers.test/y\n---\n",
        "content/notes/2021-03/no-front-matter.md": "Just text.\n",
        "content/notes/2021-03/binary.md": b"\x00\x01\x02",
        "content/notes/2021-03/latin-1.md": "---\ntitle: Caf\u00e9\n---\n".encode("latin-1"),
        "content/notes/2021-03/Bad Name.md": note_md("Bad name", "https://papers.test/bn"),
        "content/notes/2021-03/no-title.md": note_md(None, "https://papers.test/nt", athors=["typo"]),
        "content/notes/2021-03/bad-url.md": note_md("Bad URL", "https://[oops"),
        "content/notes/2021-03/sub/too-deep.md": note_md("Deep", "https://papers.test/d"),
        "content/notes/2021-13/not-a-month.md": note_md("Month 13", "https://papers.test/m"),
        "content/notes/loose.md": note_md("Loose", "https://papers.test/l"),
        "content/issues/2021-03.md": "---\ntitle: March\n---\n",
        "content/issues/march.md": "---\ntitle: Misnamed\n---\n",
    }
    config = make_project(files)
    notes = config.parent / "content" / "notes"
    os.symlink(notes / "2021-03" / "paper-01.md", notes / "2021-04" / "linked.md")  # read, a duplicate URL
    os.symlink("nowhere.md", notes / "2021-03" / "broken.md")
    os.symlink(notes / "2021-04", notes / "2021-03" / "folder-link")
    return config


@pytest.mark.parametrize("unknown_tags", ["warn", "error"])
def test_reading_on_every_core_gives_the_sequential_result(make_project, unknown_tags):
    config = messy_project(make_project)
    sequential = read(config, unknown_tags)  # a small site: read in this process alone
    messages = [str(p) for p in sequential.problems]
    for part in ("'GRAPH NETS' and 'Graph Nets' (in content/notes/2021-03/aa-unknown.md) are one tag",
                 "duplicate slug 'same-slug' in issue 2021-03", "the same paper is also in", "broken symlink",
                 "binary file", "not valid UTF-8", "invalid YAML", "not a slug", "'title': required field is missing",
                 "'url': expected an http(s) URL", "not in a month folder", "folder '2021-13' is not a month",
                 "symlinked folder is not read", "issue files are named YYYY-MM.md"):
        assert any(part in m for m in messages), part
    (parallel, parsed_here), (again, parsed_again) = read_on_every_core(config, steps=({}, {}), unknown_tags=unknown_tags)
    assert [str(p) for p in parallel.problems] == messages
    assert parallel == sequential
    # This process loaded only its own share: the one pass found the workers' notes in the memos.
    assert 0 < len(parsed_here) <= month_notes(config) // 3, (len(parsed_here), month_notes(config))
    assert again == sequential and parsed_again == []  # read again: all from the memos


def test_notes_read_on_every_core_follow_every_edit(make_project):
    config = messy_project(make_project)
    edits = {"content/notes/2021-03/paper-02.md": note_md("Edited", "https://papers.test/edited", tags=["Graph Nets"]),
             "content/notes/2021-04/paper-03.md": None}
    # New notes: read on every core again, one with an unknown tag known from the edited note.
    edits |= {f"content/notes/2021-04/new-{i}.md": note_md(f"New {i}", f"https://papers.test/new/{i}", tags=[tag])
              for i, tag in enumerate(["GANs", "graph nets", "NLP", "vision"])}
    (before, _), (after, parsed_here) = read_on_every_core(config, steps=({}, edits))
    by_path = {n.path: n for n in after.notes}
    assert by_path["content/notes/2021-03/paper-02.md"].title == "Edited"
    assert "content/notes/2021-04/paper-03.md" not in by_path and "content/notes/2021-04/new-3.md" in by_path
    assert after != before
    written = [rel for rel, text in edits.items() if text is not None]
    assert "content/notes/2021-03/paper-02.md" in parsed_here and len(parsed_here) < len(written)  # workers read new ones
    assert after == read(config)  # what this process reads from the edited files, alone


def test_a_failed_worker_leaves_its_notes_to_the_sequential_pass(make_project):
    config = messy_project(make_project)
    ((content, parsed_here),) = read_on_every_core(config, failing_workers=True)
    assert content == read(config)
    assert len(parsed_here) > month_notes(config) // 2  # this process loaded the workers' shares too


def test_files_are_read_folder_by_folder_in_name_order(make_project):
    config = make_project({"content/notes/2021-03/b.md": note_md("B", "https://papers.test/b"),
                           "content/notes/2021-03/a.md": note_md("A", "https://papers.test/a"),
                           "content/notes/2021-03/C.md": note_md("C", "https://papers.test/c"),
                           "content/notes/2021-03/x/deep.md": note_md("Deep", "https://papers.test/d"),
                           "content/notes/2021-04/a.md": note_md("A4", "https://papers.test/a4"),
                           "content/notes/top.md": note_md("Top", "https://papers.test/t")})
    notes = config.parent / "content" / "notes"
    os.symlink(notes / "2021-04", notes / "2021-03" / "z-linked")
    content = read(config)
    assert [n.path for n in content.notes] == ["content/notes/2021-03/a.md", "content/notes/2021-03/b.md",
                                               "content/notes/2021-04/a.md"]
    # A folder's links to folders, then its files, then its folders; in code-point order (C before a).
    assert [p.path for p in content.problems] == ["content/notes/top.md", "content/notes/2021-03/z-linked",
                                                  "content/notes/2021-03/C.md", "content/notes/2021-03/x/deep.md"]
    assert content.files_read == 6
