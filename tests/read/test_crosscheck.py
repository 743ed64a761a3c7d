"""read/crosscheck.py: one published note per paper identity, whatever link form each
note uses; `repeat: true` acknowledges an intended second feature."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.read import read_content
from helpers import note_md, run_cli

MARCH = "https://arxiv.org/abs/2102.07074"
LATER_FORMS = ["https://arxiv.org/pdf/2102.07074v2", "https://arxiv.org/pdf/2102.07074v2.pdf", "http://export.arxiv.org/abs/2102.07074",
               "https://arxiv.org/html/2102.07074v3", "https://www.arxiv.org/abs/2102.07074v1#S2",
               "https://huggingface.co/papers/2102.07074", "https://arxiv.org/abs/2102.07074/"]


def read(config: Path):
    root = config.parent
    return read_content(root / "content", root / "site_config" / "tags.yml", root)


@pytest.mark.parametrize("later", LATER_FORMS)
def test_every_link_form_of_a_paper_is_one_paper(make_project, later):
    config = make_project({"content/notes/2021-03/transgan.md": note_md(title="TransGAN", url=MARCH),
                           "content/notes/2021-05/transgan-again.md": note_md(title="TransGAN again", url=later)})
    (problem,) = read(config).problems
    assert (problem.path, problem.line, problem.severity) == ("content/notes/2021-05/transgan-again.md", 3, "warning")
    assert problem.message == (f"'url': the same paper is also in content/notes/2021-03/transgan.md, featured in issue 2021-03 "
                               f"({later}); if featuring it again is intended, add repeat: true to this note, else remove one")


@pytest.mark.parametrize("first, later", [
    ("https://doi.org/10.1109/CVPR.2016.90", "http://dx.doi.org/10.1109/cvpr.2016.90"),
    ("https://openreview.net/forum?id=YicbFdNTTy", "https://openreview.net/pdf?id=YicbFdNTTy"),
    ("https://github.com/VITA-Group/TransGAN", "http://www.github.com/VITA-Group/TransGAN/?utm_source=newsletter#readme"),
])
def test_dois_openreview_and_other_links(make_project, first, later):
    config = make_project({"content/notes/2021-03/a.md": note_md(url=first),
                           "content/notes/2021-04/b.md": note_md(url=later)})
    (problem,) = read(config).problems
    assert problem.path == "content/notes/2021-04/b.md" and "content/notes/2021-03/a.md, featured in issue 2021-03" in problem.message


def test_path_case_of_other_links_is_kept(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(url="https://github.com/VITA-Group/TransGAN"),
                           "content/notes/2021-04/b.md": note_md(url="https://github.com/vita-group/transgan")})
    assert read(config).problems == ()


def test_the_warning_is_on_the_later_issue_whatever_the_file_order(make_project):
    # 2021-03/z.md moved into May by `issue:`; 2021-04/a.md is the earlier feature.
    config = make_project({"content/notes/2021-03/z.md": note_md(url="https://arxiv.org/pdf/2102.07074", issue="2021-05"),
                           "content/notes/2021-04/a.md": note_md(url=MARCH)})
    (problem,) = read(config).problems
    assert problem.path == "content/notes/2021-03/z.md" and "featured in issue 2021-04" in problem.message


def test_repeat_true_acknowledges_the_second_feature(make_project):
    config = make_project({"content/notes/2021-03/transgan.md": note_md(url=MARCH),
                           "content/notes/2021-05/transgan.md": note_md(url="https://arxiv.org/pdf/2102.07074v2", repeat=True)})
    content = read(config)
    assert content.problems == ()
    assert [n.repeat for n in sorted(content.notes, key=lambda n: n.month)] == [False, True]
    assert {n.identity for n in content.notes} == {"arxiv:2102.07074"}  # on the Note, for every later stage


def test_repeat_without_an_earlier_feature_is_a_warning(make_project):
    config = make_project({"content/notes/2021-05/transgan.md": note_md(url=MARCH, repeat=True)})
    (problem,) = read(config).problems
    assert (problem.line, problem.severity) == (5, "warning")
    assert problem.message == "'repeat': no note of an earlier issue features this paper (arxiv:2102.07074); remove repeat: true, or check the url"


def test_two_notes_of_one_paper_in_one_issue_even_with_repeat(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(url=MARCH),
                           "content/notes/2021-03/b.md": note_md(url="https://arxiv.org/abs/2102.07074v2", repeat=True)})
    (problem,) = read(config).problems
    assert problem.path == "content/notes/2021-03/b.md"
    assert "the same paper is also in content/notes/2021-03/a.md, in the same issue 2021-03" in problem.message


def test_repeat_must_be_a_boolean(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(repeat="yes please")})
    (problem,) = read(config).problems
    assert problem.severity == "error" and problem.message.startswith("'repeat': expected true or false")


def test_check_reports_it_with_both_files_as_a_new_user_would_see_it(make_project):
    config = make_project({"content/notes/2021-03/transgan.md": note_md(title="TransGAN", url=MARCH),
                           "content/notes/2021-05/transgan.md": note_md(title="TransGAN", url="https://arxiv.org/pdf/2102.07074v2")})
    run = run_cli("-f", config, "check")
    assert run.out.splitlines() == [
        "content/notes/2021-05/transgan.md:3: 'url': the same paper is also in content/notes/2021-03/transgan.md, featured in issue "
        "2021-03 (https://arxiv.org/pdf/2102.07074v2); if featuring it again is intended, add repeat: true to this note, else remove one [warning]",
        "2 notes, 2 months, 1 tag: 0 errors, 1 warning"]
