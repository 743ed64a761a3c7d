"""A failing note fails `newsletter build` with the problem named (file and line), and
a failed build leaves the previous site/ exactly as it was: the build goes to a
temporary folder that is swapped in only on success and removed on failure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import note_md, run_cli, write_project

GOOD = {
    "content/issues/2021-03.md": note_md(title="March", url=None, tags=None, summary="GANs."),
    "content/notes/2021-03/gan-one.md": note_md(title="GAN One", url="https://papers.test/g1", tags=["GANs"]),
    "content/notes/2021-03/vision-two.md": note_md(title="Vision Two", url="https://papers.test/v2", tags=["CV", "GANs"]),
    "content/notes/2021-02/feb-paper.md": note_md(title="Feb Paper", url="https://papers.test/feb", tags=["NLP"]),
}
BROKEN = "content/notes/2021-04/broken.md"
SUMMARY = re.compile(r"built site/: (\d+) notes, (\d+) issues, (\d+) tags, (\d+) pages, (\d+) warnings, \d+\.\d s")

# A broken note, and (a regular expression for) what the failed build must say about it.
CASES = {
    "unclosed quote in front matter": ('---\ntitle: "Unclosed\nurl: https://papers.test/x\ntags: [GANs]\n---\n\nBody.\n',
                                       rf"{BROKEN}:\d+: invalid YAML"),
    "missing url": (note_md(title="No URL", url=None, tags=["GANs"]), rf"{BROKEN}:1: 'url': required field is missing"),
    "tags not a list": ("---\ntitle: T\nurl: https://papers.test/t\ntags: GANs, NLP\n---\n\nBody.\n", rf"{BROKEN}:4: 'tags'"),
    "link to a missing paper": (note_md(title="Linker", url="https://papers.test/l", tags=["GANs"],
                                        body="Builds on [GAN One](2021-03.md#no-such-paper)."), r"'2021-03\.md#no-such-paper'"),
    "raw HTML link to a missing paper": (note_md(title="Raw", url="https://papers.test/r", tags=["GANs"],
                                                 body='See <a href="#nowhere">this</a>.'), r"site/issues/2021-04/index\.html:\d+: broken link -> #nowhere"),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project with a good site/ built beside its mkdocs.yml, the default place."""
    config = write_project(tmp_path_factory.mktemp("failed-build") / "project", GOOD)
    run = run_cli("-f", config, "build")
    assert run.code == 0, run.text
    return config.parent


def snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(project: Path) -> list[str]:
    """Staging (.site-XXXX) or swapped-out (.site-old-PID) folders beside site/."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site-"))


@pytest.mark.parametrize("case", CASES)
def test_a_broken_note_fails_the_build_and_leaves_site_as_it_was(project, case):
    text, named = CASES[case]
    site = project / "site"
    before, inode = snapshot(site), site.stat().st_ino
    assert "index.html" in before
    (project / BROKEN).parent.mkdir(parents=True, exist_ok=True)
    (project / BROKEN).write_text(text, encoding="utf-8")
    try:
        run = run_cli("-f", project / "mkdocs.yml", "build")
    finally:
        (project / BROKEN).unlink()
    assert run.code == 1
    assert re.search(named, run.text), run.text
    assert re.search(r"build failed: .+; \S+/site left as it was", run.err), run.err
    assert "Traceback" not in run.text
    assert run.out == ""  # no summary: nothing was built
    assert site.stat().st_ino == inode and snapshot(site) == before  # same folder, same bytes, untouched files
    assert leftovers(project) == []  # no staging folder left behind


def test_fixing_the_note_builds_and_swaps_in_the_new_site(project):
    (project / "content/notes/2021-04").mkdir(parents=True, exist_ok=True)
    (project / "content/notes/2021-04/fixed.md").write_text(
        note_md(title="Fixed", url="https://papers.test/fixed", tags=["GANs", "Transformers"]), encoding="utf-8")
    try:
        run = run_cli("-f", project / "mkdocs.yml", "build")
    finally:
        (project / "content/notes/2021-04/fixed.md").unlink()
    assert run.code == 0, run.text
    assert (project / "site/issues/2021-04/index.html").is_file()
    assert leftovers(project) == []
    # One summary line; every number checked against what was written.
    assert run.out.count("\n") == 1, run.out
    notes, issues, tags, pages, warnings = map(int, SUMMARY.fullmatch(run.out.strip()).groups())
    assert (notes, issues, tags, warnings) == (4, 3, 4, 0)  # GANs, CV, NLP, Transformers
    assert pages == len(list((project / "site").rglob("*.html")))


def test_no_strict_build_skips_the_broken_note_and_counts_the_warning(project, tmp_path):
    (project / BROKEN).parent.mkdir(parents=True, exist_ok=True)
    (project / BROKEN).write_text(CASES["missing url"][0], encoding="utf-8")
    try:
        run = run_cli("-f", project / "mkdocs.yml", "build", "--site-dir", tmp_path / "site", "--no-strict")
    finally:
        (project / BROKEN).unlink()
    assert run.code == 0, run.text
    assert f"{BROKEN}:1:" in run.text
    notes, _, _, _, warnings = map(int, SUMMARY.fullmatch(run.out.strip()).groups())
    assert (notes, warnings) == (3, 1)
