"""Bad input, one case each: `check` names the file, the line and the problem (never a
traceback) and exits 1; a strict `build` fails and leaves the previous site as it was;
`build --no-strict` skips the bad file with a warning and builds everything else.

Every case is a real project (good notes plus the bad file), checked and built once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from helpers import BuiltSite, build, note_md, run_cli, write_project

GOOD = {
    "content/notes/2021-03/good-one.md": note_md(title="Good One", url="https://papers.test/good-one", tags=["GANs"]),
    "content/notes/2021-04/good-two.md": note_md(title="Good Two", url="https://papers.test/good-two", tags=["NLP"]),
    "content/issues/2021-03.md": "---\ntitle: March Issue\nsummary: The good month.\n---\n\nIntro.\n",
}
GOOD_ANCHORS = {"issues/2021-03": "good-one", "issues/2021-04": "good-two"}
PREVIOUS_SITE = "<html><body>the site as it was before</body></html>"


def fm(*lines: str, body: str = "Body.") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def link_file_outside(root: Path) -> None:
    target = root / "elsewhere" / "outside-note.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(note_md(title="Outside Note", url="https://papers.test/outside"))
    os.symlink(target, root / "content/notes/2021-03/outside-note.md")


def link_folder_outside(root: Path) -> None:
    folder = root / "elsewhere" / "2021-05"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outside-folder-note.md").write_text(note_md(title="Outside Note", url="https://papers.test/outside-folder"))
    (folder / "secret.txt").write_text("Outside Note")
    os.symlink(folder, root / "content/notes/2021-05", target_is_directory=True)


def link_asset_outside(root: Path) -> None:
    secret = root / "elsewhere" / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("Outside Secret")
    (root / "content/assets").mkdir(parents=True, exist_ok=True)
    os.symlink(secret, root / "content/assets/secret.txt")


def link_pages_folder_outside(root: Path) -> None:
    folder = root / "elsewhere" / "private"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "private.md").write_text("# Outside Secret\n")
    (folder / "data.txt").write_text("Outside Secret")
    os.symlink(folder, root / "content/private", target_is_directory=True)


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    path: str  # the file the problem names
    line: int
    message: str  # a part of the message
    absent: str = "Bad Note"  # text that must not reach the built site
    setup: Callable[[Path], None] | None = None
    skipped_ids: tuple[str, ...] = field(default=())  # anchors that must not exist anywhere
    kept: tuple[str, str, str] | None = None  # (page, anchor, title) of a note that must still be there


def note_case(id, text, line, message, folder="2021-03", slug=None, **kw) -> Case:
    slug = slug or id
    path = f"content/notes/{folder}/{slug}.md"
    return Case(id, {path: text}, path, line, message, skipped_ids=(slug,), **kw)


URL = "url: https://papers.test/bad"
CASES = [
    note_case("unclosed-front-matter", "---\ntitle: Bad Note\nurl: https://papers.test/bad\ntags: [GANs]\n\nBody.\n",
              1, "front matter is not closed: add a line '---' after the last field"),
    note_case("invalid-yaml", fm("title: Bad Note: a survey", URL, "tags: [GANs]"),
              2, "a value containing ': ' must be quoted (write title: \"Bad Note: a survey\")"),
    note_case("invalid-yaml-unclosed-list", fm("title: Bad Note", URL, "tags: [GANs", "authors: [A]"),
              5, "invalid YAML in front matter: did not find expected ',' or ']' (while parsing a flow sequence started on line 4)"),
    note_case("no-front-matter", "# Bad Note\n\nJust text.\n", 1, "no front matter: the file must start with a line '---'"),
    note_case("list-front-matter", fm("- title: Bad Note", "- " + URL), 2, "front matter must be fields like 'title: ...', got a list"),
    note_case("missing-title", fm(URL, "tags: [GANs]", body="Bad Note body."), 1, "'title': required field is missing; add title: ..."),
    note_case("missing-url", fm("title: Bad Note", "tags: [GANs]"), 1, "'url': required field is missing; add url: ..."),
    note_case("missing-tags", fm("title: Bad Note", URL), 1, "'tags': required field is missing; add tags: [...]"),
    note_case("tags-as-a-string", fm("title: Bad Note", URL, 'tags: "GANs, NLP"'),
              4, "'tags': expected a list of strings, got 'GANs, NLP' (write tags: [GANs, NLP])"),
    note_case("title-boolean", fm("title: Yes", URL, "tags: [GANs]", body="Bad Note body."),
              2, "'title': expected text, got the boolean true \u2014 YAML reads unquoted yes/no/on/off/true/false as booleans (write title: \"Yes\")"),
    note_case("draft-string", fm("title: Bad Note", URL, "tags: [GANs]", 'draft: "true"'),
              5, "'draft': expected true or false, got 'true' (write draft: true, without quotes)"),
    note_case("invalid-date", fm("title: Bad Note", URL, "tags: [GANs]", "date: 2021-02-30"),
              5, "'date': 2021-02-30 is not a valid date (day is out of range for month); write YYYY-MM-DD"),
    note_case("invalid-month-folder", fm("title: Bad Note", URL, "tags: [GANs]"), 1,
              "folder '2021-13' is not a month YYYY-MM", folder="2021-13"),
    note_case("invalid-issue-override", fm("title: Bad Note", URL, "tags: [GANs]", "issue: 2021-13"),
              5, "'issue': expected a month YYYY-MM, got '2021-13' (write issue: \"2021-03\")"),
    note_case("javascript-url", fm("title: Bad Note", "url: javascript:alert(1)", "tags: [GANs]"),
              3, "'url': expected an http(s) URL, got 'javascript:alert(1)' (write url: https://...)"),
    note_case("ftp-code-link", fm("title: Bad Note", URL, "tags: [GANs]", "code: ftp://papers.test/code.tar"),
              5, "'code': expected an http(s) URL, got 'ftp://papers.test/code.tar'"),
    note_case("javascript-demo-link", fm("title: Bad Note", URL, "tags: [GANs]", "video: https://papers.test/v", 'demo: "javascript:alert(1)"'),
              6, "'demo': expected an http(s) URL, got 'javascript:alert(1)'"),
    Case("duplicate-slug-via-issue-override",
         {"content/notes/2021-03/dup.md": fm("title: Bad Note", URL, "tags: [GANs]", "issue: 2021-04"),
          "content/notes/2021-04/dup.md": fm("title: Kept Dup", "url: https://papers.test/kept", "tags: [GANs]")},
         "content/notes/2021-03/dup.md", 5,
         "duplicate slug 'dup' in issue 2021-04: content/notes/2021-04/dup.md has it too",
         kept=("issues/2021-04", "dup", "Kept Dup")),
    note_case("not-utf8", b"---\ntitle: Bad Note caf\xe9\nurl: https://papers.test/bad\ntags: [GANs]\n---\n",
              2, "not valid UTF-8 (byte 0xe9 at column 20); save the file as UTF-8"),
    note_case("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR Bad Note", 3, "binary file, not a Markdown note"),
    Case("symlink-file-outside-content", {}, "content/notes/2021-03/outside-note.md", 1,
         "symlink to a file outside content/; copy the file in instead", absent="Outside Note", setup=link_file_outside,
         skipped_ids=("outside-note",)),
    Case("symlink-folder-outside-content", {}, "content/notes/2021-05", 1,
         "symlink to a folder outside content/ (2021-05); copy the files in instead", absent="Outside Note",
         setup=link_folder_outside, skipped_ids=("outside-folder-note",)),
    Case("symlink-asset-outside-content", {}, "content/assets/secret.txt", 1,
         "symlink to something outside content/; copy it in instead (it is not published)", absent="Outside Secret",
         setup=link_asset_outside),
    Case("symlink-pages-folder-outside-content", {}, "content/private", 1,
         "symlink to something outside content/; copy it in instead (it is not published)", absent="Outside Secret",
         setup=link_pages_folder_outside),
    Case("issue-file-name", {"content/issues/2021-13.md": "---\ntitle: Bad Note\n---\n"}, "content/issues/2021-13.md", 1,
         "issue files are named YYYY-MM.md, got '2021-13.md'"),
    Case("issue-invalid-yaml", {"content/issues/2021-04.md": "---\ntitle: [Bad Note\n---\n\nBad Note intro.\n"},
         "content/issues/2021-04.md", 3, "invalid YAML in front matter"),
]


@dataclass
class Outcome:
    case: Case
    check: object
    strict: object
    site_before: dict[str, str]
    site_after_strict: dict[str, str]
    lenient: object
    lenient_site: BuiltSite
    base: Path


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", params=CASES, ids=[c.id for c in CASES])
def outcome(request, tmp_path_factory) -> Outcome:
    case: Case = request.param
    base = tmp_path_factory.mktemp(case.id)
    config = write_project(base / "project", {**GOOD, **case.files})
    if case.setup:
        case.setup(base / "project")
    site = base / "site"
    site.mkdir()
    (site / "index.html").write_text(PREVIOUS_SITE)
    before = snapshot(site)
    check = run_cli("-f", config, "check")
    strict = build(config, site)
    after = snapshot(site)
    lenient = build(config, base / "lenient-site", "--no-strict")
    return Outcome(case, check, strict, before, after, lenient, BuiltSite(base / "lenient-site"), base)


def test_check_names_file_line_and_problem(outcome):
    case, run = outcome.case, outcome.check
    assert run.code == 1, run.text
    assert "Traceback" not in run.text
    expected = f"{case.path}:{case.line}: "
    lines = [line for line in run.out.splitlines() if line.startswith(expected)]
    assert lines, f"no line starting {expected!r} in:\n{run.out}"
    assert any(case.message in line for line in lines), f"{case.message!r} not in {lines}"
    assert run.out.splitlines()[-1].endswith(("1 error, 0 warnings", "1 error, 1 warning")), run.out


def test_strict_build_fails_and_leaves_the_previous_site(outcome):
    run = outcome.strict
    assert run.code == 1, run.text
    assert "build failed" in run.err and "left as it was" in run.err
    assert "Traceback" not in run.text
    assert outcome.site_after_strict == outcome.site_before
    assert not [p.name for p in outcome.base.iterdir() if p.name.startswith(".site")]  # the staging folder is gone


def test_non_strict_build_skips_the_bad_file_and_builds_the_rest(outcome):
    case, run, site = outcome.case, outcome.lenient, outcome.lenient_site
    assert run.code == 0, run.text
    expected = f"{case.path}:{case.line}: "
    assert any(expected in message and case.message in message for message in run.logs), run.logs
    for url, anchor in GOOD_ANCHORS.items():
        assert anchor in site.page(url).ids, f"{anchor} missing from {url}"
    for rel, text in site.all_text_files().items():
        assert case.absent not in text, f"{case.absent!r} leaked into {rel}"
    all_ids = {i for url in site.page_urls() for i in site.page(url).ids}
    assert not set(case.skipped_ids) & all_ids
    if case.kept:  # e.g. the duplicate slug: the note in its own folder stays
        url, anchor, title = case.kept
        assert site.page(url).doc.find(id=anchor).text().startswith(title)


# ------------------------------------------------------------------ not problems at all

def test_files_that_are_not_markdown_are_ignored(tmp_path):
    config = write_project(tmp_path / "project", {
        **GOOD,
        "content/notes/2021-03/figure.png": b"\x89PNG\r\n\x1a\n\x00\x00",
        "content/notes/2021-03/todo.txt": "Bad Note: remember to write this",
        "content/notes/2021-03/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "content/notes/2021-03/good-one.md~": "Bad Note editor backup",
        "content/notes/2021-03/.hidden.md": "Bad Note hidden",
        "content/issues/README.txt": "Bad Note readme",
    })
    check = run_cli("-f", config, "check")
    assert check.code == 0 and check.out == "2 notes, 2 months, 2 tags: 0 errors, 0 warnings\n", check.text
    run = build(config, tmp_path / "site")
    assert run.code == 0, run.text
    site = BuiltSite(tmp_path / "site")
    for rel, text in site.all_text_files().items():
        assert "Bad Note" not in text, rel
    # Not copied into the site either: nothing under notes/ or issues/ but the digests.
    assert not (tmp_path / "site" / "notes").exists()
    assert sorted(p.name for p in (tmp_path / "site" / "issues").iterdir()) == ["2021-03", "2021-04", "index.html"]


def test_a_front_matter_key_named_content_works(tmp_path):
    config = write_project(tmp_path / "project", {
        **GOOD, "content/notes/2021-03/content-key.md": fm("title: Content Key", "url: https://papers.test/ck", "tags: [GANs]",
                                                           "content: not the body", body="The real body."),
    })
    check = run_cli("-f", config, "check")
    assert check.code == 0, check.text
    assert check.out.splitlines()[0].startswith("content/notes/2021-03/content-key.md:5: 'content': unknown field, ignored")
    run = build(config, tmp_path / "site", "--no-strict")
    assert run.code == 0, run.text
    article = BuiltSite(tmp_path / "site").page("issues/2021-03").article
    assert article.find(id="content-key").text().startswith("Content Key")
    assert "The real body." in article.text() and "not the body" not in article.text()


def test_symlinks_inside_content_are_fine_for_files(tmp_path):
    config = write_project(tmp_path / "project", GOOD)
    os.symlink(tmp_path / "project/content/notes/2021-03/good-one.md", tmp_path / "project/content/notes/2021-04/good-alias.md")
    run = run_cli("-f", config, "check")
    # A link inside content/ is read (and reported as the same paper twice, which it is).
    assert "content/notes/2021-04/good-alias.md:3: 'url': the same paper is also in content/notes/2021-03/good-one.md" in run.out
    assert run.code == 0
