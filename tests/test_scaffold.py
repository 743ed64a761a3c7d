"""scaffold.py and `newsletter new-issue` / `new-note`: slug from the title, never overwrite."""

from __future__ import annotations

import os

import pytest

from generator.read import read_content
from generator.scaffold import ScaffoldError, new_issue, new_note
from helpers import note_md, run_cli


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


# --- new-note --from and import: filled in from arXiv / Crossref (a real server on localhost) ---

from api_server import api  # noqa: E402,F401  (the fixture)


def test_new_note_from_arxiv_fills_the_note(make_project, api):
    config = make_project({})
    root = config.parent
    run = run_cli("-f", config, "new-note", "2021-04", "--from", "https://arxiv.org/pdf/2102.07074v2",
                  "--tags", "GANs,Transformers", "--section", "Generative Modeling")
    assert run.code == 0, run.text
    path = root / "content/notes/2021-04/transgan-two-pure-transformers-can-make-one-strong-gan-and.md"
    assert run.out.splitlines()[0] == (f"created {os.path.relpath(path)} "
                                       "from arXiv: 'TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up', "
                                       "3 authors, first version 2021-02-14")
    assert path.read_text().startswith(
        "---\ntitle: 'TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up'\n"
        "url: https://arxiv.org/abs/2102.07074\nauthors: [Yifan Jiang, Shiyu Chang, Zhangyang Wang]\n"
        "tags: [GANs, Transformers]\nsection: Generative Modeling\ndate: 2021-02-14\n"
        "code: https://github.com/VITA-Group/TransGAN\n---\n\nWhy it matters")
    content = read(root)
    assert content.problems == ()
    (note,) = content.notes
    assert note.date.isoformat() == "2021-02-14" and note.links[0].url == "https://github.com/VITA-Group/TransGAN"


def test_new_note_from_a_doi_with_the_abstract_as_a_quote(make_project, api):
    config = make_project({})
    root = config.parent
    run = run_cli("-f", config, "new-note", "2021-04", "--from", "doi:10.1145/3442188.3445922", "--tags", "NLP", "--abstract")
    assert run.code == 0, run.text
    (path,) = (root / "content/notes/2021-04").glob("*.md")
    assert path.name == "on-the-dangers-of-stochastic-parrots-can-language-models-be.md"
    text = path.read_text()
    assert "url: https://doi.org/10.1145/3442188.3445922\n" in text and "date: 2021-03-01\n" in text
    assert "\n> **Abstract** (Crossref)\n>\n> Recorded for the tests: a short summary in our own words. Ever larger language " \
           "models carry costs &amp; risks" in text
    (note,) = read(root).notes
    assert note.title == "On the Dangers of Stochastic Parrots: Can Language Models Be Too Big? \U0001F99C"


def test_abstract_quote_never_opens_raw_html(make_project, api):
    config = make_project({})
    assert run_cli("-f", config, "new-note", "2021-04", "--from", "2106.09685", "--tags", "NLP", "--abstract").code == 0
    (path,) = (config.parent / "content/notes/2021-04").glob("*.md")
    text = path.read_text()
    assert "(rank r &lt; d)" in text and "\n>\n> The package and checkpoints" in text  # two quoted paragraphs


def test_new_note_from_writes_nothing_when_the_service_fails(make_project, api):
    config = make_project({})
    api.fail = "503"
    run = run_cli("-f", config, "new-note", "2021-04", "--from", "2102.07074", "--tags", "GANs")
    assert run.code == 1
    assert run.err == "newsletter: the arXiv API is busy or down for maintenance (HTTP 503); try again in 30 s; no file written\n"
    assert not list((config.parent / "content").rglob("*.md"))


def test_new_note_from_times_out(make_project, api, monkeypatch):
    config = make_project({})
    api.fail, api.delay = "timeout", 2.0
    monkeypatch.setenv("NEWSLETTER_HTTP_TIMEOUT", "0.3")
    run = run_cli("-f", config, "new-note", "2021-04", "--from", "10.1145/3442188.3445922")
    assert run.code == 1 and "did not answer within 0.3 s" in run.err and run.err.count("\n") == 1
    assert not list((config.parent / "content").rglob("*.md"))


def test_new_note_from_a_paper_already_in_the_archive(make_project, api):
    config = make_project({"content/notes/2021-03/transgan.md": note_md(title="TransGAN", url="https://arxiv.org/abs/2102.07074v1")})
    run = run_cli("-f", config, "new-note", "2021-05", "--from", "https://huggingface.co/papers/2102.07074")
    assert run.code == 1
    assert run.err == ("newsletter: https://huggingface.co/papers/2102.07074 is already in the archive: "
                       "content/notes/2021-03/transgan.md (issue 2021-03); to feature it again, add --repeat (writes repeat: true)\n")
    assert api.requests == []  # known before asking anyone
    again = run_cli("-f", config, "new-note", "2021-05", "--from", "2102.07074", "--repeat", "--tags", "GANs")
    assert again.code == 0, again.text
    (path,) = (config.parent / "content/notes/2021-05").glob("*.md")
    assert "\nrepeat: true\n" in path.read_text()
    assert read(config.parent).warnings == ()  # an acknowledged repeat


def test_given_title_and_authors_replace_the_fetched_ones(make_project, api):
    config = make_project({})
    run = run_cli("-f", config, "new-note", "2021-04", "TransGAN", "--from", "2102.07074", "--authors", "Y. Jiang, S. Chang",
                  "--tags", "GANs")
    assert run.code == 0, run.text
    (note,) = read(config.parent).notes
    assert (note.slug, note.title, note.authors) == ("transgan", "TransGAN", ("Y. Jiang", "S. Chang"))


def test_repeat_with_a_plain_url_note(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(url="https://arxiv.org/abs/2102.07074")})
    run = run_cli("-f", config, "new-note", "2021-05", "A again", "--url", "https://arxiv.org/pdf/2102.07074v2", "--tags", "GANs",
                  "--repeat")
    assert run.code == 0, run.text
    assert read(config.parent).problems == ()


def test_new_note_needs_url_or_from(make_project):
    run = run_cli("-f", make_project({}), "new-note", "2021-04", "A title")
    assert run.code == 1 and "--url URL with a title, or --from URL_OR_ID" in run.err


IMPORT_LIST = """# April picks
https://arxiv.org/abs/2102.07074
arXiv:1706.03762v5   # the Transformer
https://doi.org/10.1109/CVPR.2016.90

https://arxiv.org/pdf/2102.07074v2
2102.99999
https://openreview.net/forum?id=YicbFdNTTy
hep-th/9711200
"""


def test_import_a_list(make_project, api, tmp_path):
    config = make_project({"content/notes/2021-01/old.md": note_md(title="Old", url="http://www.arxiv.org/abs/hep-th/9711200v3/")})
    root = config.parent
    listing = tmp_path / "april.txt"
    listing.write_text(IMPORT_LIST)
    run = run_cli("-f", config, "import", "2021-04", listing, "--tags", "GANs", "--section", "Picks")
    assert run.code == 1, run.text  # one id arXiv does not know, one link no service knows
    lines = run.out.splitlines()
    assert lines[0] == "asking arXiv for 3 papers ..."
    assert lines[1:4] == [
        f"[1/7] https://arxiv.org/abs/2102.07074: created {_rel(root, 'transgan-two-pure-transformers-can-make-one-strong-gan-and.md')} "
        "(TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up)",
        f"[2/7] arXiv:1706.03762v5: created {_rel(root, 'attention-is-all-you-need.md')} (Attention Is All You Need)",
        f"[3/7] https://doi.org/10.1109/CVPR.2016.90: created {_rel(root, 'deep-residual-learning-for-image-recognition.md')} "
        "(Deep Residual Learning for Image Recognition)"]
    assert lines[4] == "[4/7] https://arxiv.org/pdf/2102.07074v2: listed twice: the same paper as line 2"
    assert lines[5] == "[5/7] 2102.99999: failed: arXiv has no paper 2102.99999; check the id (https://arxiv.org/abs/2102.99999)"
    assert lines[6].startswith("[6/7] https://openreview.net/forum?id=YicbFdNTTy: failed: neither an arXiv id or link nor a DOI")
    assert lines[7] == "[7/7] hep-th/9711200: already in the archive: content/notes/2021-01/old.md (issue 2021-01)"
    assert lines[-1] == ("7 papers: 3 created, 2 already in the archive or listed twice, 2 failed; "
                         "rerun the same command to retry the failed ones (nothing is overwritten)")
    # arXiv asked once for all three ids, Crossref once for the DOI (as written).
    assert len(api.requests) == 2 and "id_list=2102.07074%2C1706.03762%2C2102.99999" in api.requests[0]
    content = read(root)
    assert content.errors == ()
    assert sorted(n.title for n in content.notes if n.month == "2021-04") == [
        "Attention Is All You Need", "Deep Residual Learning for Image Recognition",
        "TransGAN: Two Pure Transformers Can Make One Strong GAN, and That Can Scale Up"]
    assert {n.section for n in content.notes if n.month == "2021-04"} == {"Picks"}

    # Safe to rerun: nothing overwritten, nothing fetched again but what failed.
    before = {p: p.read_text() for p in root.rglob("*.md")}
    api.requests.clear()
    rerun = run_cli("-f", config, "import", "2021-04", listing)
    assert rerun.out.splitlines()[-1].startswith("7 papers: 0 created, 5 already in the archive or listed twice, 2 failed")
    assert api.requests == ["/arxiv/api/query?id_list=2102.99999&max_results=1"]
    assert {p: p.read_text() for p in root.rglob("*.md")} == before


def _rel(root, name):
    return os.path.relpath(root / "content/notes/2021-04" / name)


def test_import_when_arxiv_is_down_creates_the_rest(make_project, api, tmp_path):
    config = make_project({})
    listing = tmp_path / "list.txt"
    listing.write_text("2102.07074\n10.1145/3442188.3445922\n")
    api.fail = "malformed"  # the XML is broken, the JSON cut in half: both fail, nothing written
    run = run_cli("-f", config, "import", "2021-04", listing)
    assert run.code == 1
    assert "[1/2] 2102.07074: failed: the arXiv API answered something that is not a valid Atom feed" in run.out
    assert "[2/2] 10.1145/3442188.3445922: failed: Crossref answered something that is not a work record" in run.out
    assert not list((config.parent / "content").rglob("*.md"))
    api.fail = None
    assert run_cli("-f", config, "import", "2021-04", listing).code == 0
    assert len(list((config.parent / "content/notes/2021-04").glob("*.md"))) == 2


def test_import_missing_file_is_a_message(make_project, tmp_path):
    run = run_cli("-f", make_project({}), "import", "2021-04", tmp_path / "nope.txt")
    assert run.code == 1 and "cannot read the list" in run.err and "Traceback" not in run.text
