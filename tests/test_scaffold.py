"""scaffold.py and `newsletter new-issue` / `new-note`: slug from the title, never overwrite."""

from __future__ import annotations

import pytest

from generator.read import read_content
from generator.scaffold import ScaffoldError, new_issue, new_note
from helpers import run_cli


def read(root):
    return read_content(root / "content", root / "site_config" / "tags.yml", root)


def test_new_note_slug_from_title_and_fields(make_project):
    root = make_project({}).parent
    path = new_note(root / "content", "2021-04", "TransGAN: Two Transformers Can Make One Strong GAN",
                    "https://arxiv.org/abs/2102.07074", ["GANs", "Transformers"], "Generative Modeling", ["Yifan Jiang"])
    assert path == root / "content/notes/2021-04/transgan-two-transformers-can-make-one-strong-gan.md"
    content = read(root)
    assert content.problems == ()  # a scaffolded note is valid as it stands
    (note,) = content.notes
    assert (note.title, note.url, note.section, note.authors, note.month) == (
        "TransGAN: Two Transformers Can Make One Strong GAN", "https://arxiv.org/abs/2102.07074",
        "Generative Modeling", ("Yifan Jiang",), "2021-04")
    assert [t.name for t in note.tags] == ["GANs", "Transformers"]


@pytest.mark.parametrize("title", ["Yes", "No: really", "#1 trick", "- dash", "null", "2021-04-01", "'quoted' \"both\"",
                                   "Self\u2011Supervised \u00dcber Learning"])
def test_titles_that_yaml_would_misread_round_trip(make_project, title):
    root = make_project({}).parent
    new_note(root / "content", "2021-04", title, "https://papers.test/x", ["GANs"])
    content = read(root)
    assert content.errors == (), content.problems
    assert content.notes[0].title == title


def test_new_note_never_overwrites(make_project):
    root = make_project({}).parent
    path = new_note(root / "content", "2021-04", "A Paper", "https://papers.test/a", ["GANs"])
    path.write_text(path.read_text() + "\nMy careful note.\n")
    before = path.read_text()
    with pytest.raises(ScaffoldError, match="already exists; not overwritten"):
        new_note(root / "content", "2021-04", "A paper!", "https://papers.test/b", ["NLP"])  # same slug
    assert path.read_text() == before


@pytest.mark.parametrize("month, title, url, message", [
    ("2021-13", "A Paper", "https://papers.test", "month must be YYYY-MM"),
    ("April", "A Paper", "https://papers.test", "month must be YYYY-MM"),
    ("2021-04", "   ", "https://papers.test", "title must not be empty"),
    ("2021-04", "\u6df1\u5ea6\u5b66\u4e60", "https://papers.test", "cannot make a file name"),
    ("2021-04", "A Paper", "javascript:alert(1)", "http(s) URL"),
    ("2021-04", "A Paper", "https://", "http(s) URL"),
    ("2021-04", "A Paper", "ftp://example.org/x", "http(s) URL"),
])
def test_new_note_rejects_bad_arguments(make_project, month, title, url, message):
    root = make_project({}).parent
    with pytest.raises(ScaffoldError, match=message.replace("(", r"\(").replace(")", r"\)")):
        new_note(root / "content", month, title, url)
    assert not list((root / "content" / "notes").rglob("*.md"))


def test_new_issue_is_a_draft_and_never_overwrites(make_project):
    root = make_project({}).parent
    path = new_issue(root / "content", "2021-04", "Best of arXiv \u2014 April 2021")
    assert path == root / "content/issues/2021-04.md"
    content = read(root)
    assert content.errors == ()
    (issue,) = content.issues
    assert (issue.title, issue.draft, issue.sections) == ("Best of arXiv \u2014 April 2021", True, ())
    with pytest.raises(ScaffoldError, match="already exists"):
        new_issue(root / "content", "2021-04")
    assert read(root).issues[0].title == "Best of arXiv \u2014 April 2021"


def test_new_issue_default_title(make_project):
    root = make_project({}).parent
    new_issue(root / "content", "2021-12")
    assert read(root).issues[0].title == "December 2021"


def test_cli_new_note_and_new_issue(make_project):
    config = make_project({})
    root = config.parent
    run = run_cli("-f", config, "new-note", "2021-04", "Self\u2011Supervised Vision Transformers", "--url", "https://arxiv.org/abs/1",
                  "--tags", "SSL, Computer Vision", "--section", "Vision", "--authors", "A. One, B. Two")
    assert run.code == 0, run.text
    path = root / "content/notes/2021-04/self-supervised-vision-transformers.md"
    assert path.is_file()
    assert "created" in run.out and "self-supervised-vision-transformers.md" in run.out
    (note,) = read(root).notes
    assert [t.name for t in note.tags] == ["Self-Supervised Learning", "Computer Vision"]
    assert note.authors == ("A. One", "B. Two")

    again = run_cli("-f", config, "new-note", "2021-04", "Self-Supervised Vision Transformers", "--url", "https://x.org/")
    assert again.code == 1
    assert "already exists; not overwritten" in again.err and "Traceback" not in again.text

    assert run_cli("-f", config, "new-issue", "2021-04", "--title", "April").code == 0
    second = run_cli("-f", config, "new-issue", "2021-04")
    assert second.code == 1 and "already exists" in second.err
    assert read(root).issues[0].title == "April"


def test_cli_new_note_bad_month_is_a_message_not_a_traceback(make_project):
    run = run_cli("-f", make_project({}), "new-note", "2021-13", "A Paper", "--url", "https://x.org")
    assert run.code == 1
    assert "month must be YYYY-MM" in run.err and "Traceback" not in run.text
