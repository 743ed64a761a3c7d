"""cli.py: `newsletter check` output (path:line: message, summary line), exit codes, `build`."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import REPO, build, note_md, run_cli

PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+\.(?:md|yml)|content/[^:]+):(?P<line>\d+): (?P<message>.+)$")
SUMMARY = re.compile(r"^(\d+) notes?, (\d+) months?, (\d+) tags?: (\d+) errors?, (\d+) warnings?$")

GOOD = {
    "content/notes/2021-03/a.md": note_md(title="A", url="https://papers.test/a", tags=["GANs", "NLP"]),
    "content/notes/2021-04/b.md": note_md(title="B", url="https://papers.test/b", tags=["GANs"]),
}


def summary(run):
    match = SUMMARY.match(run.out.splitlines()[-1])
    assert match, run.out
    return tuple(int(g) for g in match.groups())


def test_check_clean_content(make_project):
    run = run_cli("-f", make_project(GOOD), "check")
    assert run.code == 0, run.text
    assert run.out == "2 notes, 2 months, 2 tags: 0 errors, 0 warnings\n"
    assert run.err == ""


def test_check_singular_summary(make_project):
    run = run_cli("-f", make_project({"content/notes/2021-03/a.md": note_md(tags=["Graph Nets"])}), "check")
    assert run.out.splitlines()[-1] == "1 note, 1 month, 1 tag: 0 errors, 1 warning"


def test_check_prints_every_problem_as_path_line_message(make_project):
    files = {
        **GOOD,
        "content/notes/2021-03/bad-title.md": "---\ntitle: Yes\nurl: https://papers.test/c\ntags: [GANs]\n---\n",
        "content/notes/2021-03/bad-tags.md": '---\ntitle: T\nurl: https://papers.test/d\ntags: "GANs, NLP"\n---\n',
        "content/notes/2021-04/unknown.md": note_md(url="https://papers.test/e", tags=["Graph Nets"]),
        "content/issues/2021-04.md": "---\ntitle: April\nsections: [Nowhere]\n---\n",
    }
    run = run_cli("-f", make_project(files), "check")
    assert run.code == 1
    lines = run.out.splitlines()
    problems = lines[:-1]
    assert problems == [
        "content/issues/2021-04.md:3: 'sections': no note of 2021-04 is in section 'Nowhere' [warning]",  # the line of sections:
        "content/notes/2021-03/bad-tags.md:4: 'tags': expected a list of strings, got 'GANs, NLP' (write tags: [GANs, NLP])",
        "content/notes/2021-03/bad-title.md:2: 'title': expected text, got the boolean true \u2014 YAML reads unquoted "
        "yes/no/on/off/true/false as booleans (write title: \"Yes\")",
        "content/notes/2021-04/unknown.md:4: 'tags': unknown tag 'Graph Nets': add it to site_config/tags.yml or use a known tag [warning]",
    ]
    for line in problems:
        assert PROBLEM_LINE.match(line), line
    assert summary(run) == (3, 2, 3, 2, 2)  # notes, months, tags, errors, warnings


def test_check_warnings_only_exit_0_unless_strict(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["Graph Nets"])})
    assert run_cli("-f", config, "check").code == 0
    strict = run_cli("-f", config, "check", "--strict")
    assert strict.code == 1
    assert summary(strict)[3:] == (0, 1)


def test_check_strict_tags_makes_unknown_tags_errors(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["Graph Nets"])})
    run = run_cli("-f", config, "check", "--strict-tags")
    assert run.code == 1
    assert run.out.splitlines()[0] == "content/notes/2021-03/a.md:4: 'tags': unknown tag 'Graph Nets': add it to site_config/tags.yml or use a known tag"
    assert summary(run) == (0, 0, 0, 1, 0)


def test_unknown_tags_error_option_in_mkdocs_yml(make_project):
    config = make_project({"content/notes/2021-03/a.md": note_md(tags=["Graph Nets"])},
                          mkdocs_edits={"unknown_tags: warn": "unknown_tags: error"})
    run = run_cli("-f", config, "check")
    assert run.code == 1
    assert summary(run)[3:] == (1, 0)


def test_missing_config_is_a_message_not_a_traceback(tmp_path):
    run = run_cli("-f", tmp_path / "nowhere.yml", "check")
    assert run.code == 1
    assert "nowhere.yml" in run.err and "does not exist" in run.err
    assert "Traceback" not in run.text


def test_console_entry_point_runs_check(make_project):
    """`python -m generator` (the same main as the `newsletter` script) in a real process."""
    config = make_project(GOOD)
    proc = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=config.parent, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "2 notes, 2 months, 2 tags: 0 errors, 0 warnings\n"


def test_check_without_the_plugin_says_so(make_project):
    config = make_project(GOOD)
    text = config.read_text()
    config.write_text(re.sub(r"\n  - newsletter:\n(      .*\n)+", "\n", text))
    assert "newsletter" not in config.read_text().split("plugins:")[1].split("\n\n")[0]
    proc = subprocess.run([sys.executable, "-m", "generator", "-f", str(config), "check"], capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)})
    assert proc.returncode == 1
    assert "the 'newsletter' plugin is not enabled" in proc.stderr and "Traceback" not in proc.stderr


def test_build_prints_a_summary_and_replaces_the_site(make_project, tmp_path):
    config = make_project(GOOD)
    site = tmp_path / "out" / "site"
    site.mkdir(parents=True)
    (site / "stale.html").write_text("old")
    run = build(config, site)
    assert run.code == 0, run.text
    assert re.fullmatch(r"built site/: 2 notes, 2 issues, 2 tags, \d+ pages, 0 warnings, \d+\.\d s\n", run.out), run.out
    assert (site / "issues/2021-03/index.html").is_file()
    assert not (site / "stale.html").exists()
    # Nothing of the swap is left beside the site.
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_empty_project_checks_and_builds(make_project, tmp_path):
    config = make_project({})
    check = run_cli("-f", config, "check")
    assert (check.code, check.out) == (0, "0 notes, 0 months, 0 tags: 0 errors, 0 warnings\n")
    run = build(config, tmp_path / "site")
    assert run.code == 0, run.text
    assert "No issues yet." in (tmp_path / "site" / "index.html").read_text()


def test_build_default_site_folder_kept_when_the_strict_build_fails(make_project):
    """`newsletter build` with no --site-dir: site/ beside mkdocs.yml, swapped in only on success."""
    config = make_project(GOOD)
    site = config.parent / "site"
    first = run_cli("-f", config, "build")
    assert first.code == 0, first.text
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (config.parent / "content/notes/2021-04/broken.md").write_text("---\ntitle: Broken\n")
    second = run_cli("-f", config, "build")
    assert second.code == 1
    assert "content/notes/2021-04/broken.md:1: front matter is not closed" in second.text
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not [p.name for p in config.parent.iterdir() if p.name.startswith(".site")]  # no staging left
