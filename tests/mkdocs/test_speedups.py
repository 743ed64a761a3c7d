"""The speed-ups change nothing but speed.

- Parallel rendering and the on-disk render cache (generator/mkdocs/cache.py): the same
  project built without them, with them from cold, and again from the warm cache
  gives byte-identical files, and the same warnings.
- Incremental preview (generator/mkdocs/incremental.py, `newsletter serve`): after
  edits that touch one page, add and remove a tag page, change the navigation
  and a theme template, every page served, every feed and the search index equal a full
  build of the same content; a removed page is gone; an edited note's feed
  entries change at once (feed entries are kept across rebuilds, see outputs/feeds.py).

Every build is a real `newsletter build` / `newsletter serve` in its own process.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from benchmarks.corpus import make_notes, write_newsletter  # noqa: E402
from generator.slugs import slugify  # noqa: E402

# Bodies that depend on their surroundings when rendered: headings (ids shared
# with the page), footnotes, fences, raw HTML, relative links and anchors.
TRICKY = {
    "footnotes-and-headings": "Intro with a footnote.[^1]\n\n## Results\n\nIt works.\n\n[^1]: The footnote.",
    "code-and-html": "```python\nprint('hi')\n```\n\n<div class=\"x\" markdown>\n*inside* html\n</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "relative-links": "See [all tags](../tags/index.md) and [the archive](index.md#year-2020).\n\n!!! note\n    An admonition.",
    "same-heading": "## Results\n\nAnother results heading, so the id is made unique within the page.",
}


def _env() -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def newsletter(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=600)


def project(root: Path, notes: int = 30, months: int = 6, options: str = "") -> Path:
    corpus = make_notes(notes, seed=7, months=months)
    for note, (slug, body) in zip(corpus.notes, TRICKY.items()):
        note.body = body
    config = write_newsletter(corpus, root)
    if options:
        text = config.read_text(encoding="utf-8")
        assert "  - newsletter:\n" in text
        config.write_text(text.replace("  - newsletter:\n", "  - newsletter:\n" + options), encoding="utf-8")
    return config


def same_tree(a: Path, b: Path) -> list[str]:
    """Paths that differ (or exist on one side only), compared byte for byte."""
    differ = []
    names_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ += sorted(names_a ^ names_b)
    for name in sorted(names_a & names_b):
        if not filecmp.cmp(a / name, b / name, shallow=False):
            differ.append(name)
    return differ


def test_parallel_and_cached_builds_are_byte_identical(tmp_path):
    plain = project(tmp_path / "plain", options="      render_cache: false\n      render_workers: 1\n")
    fast = project(tmp_path / "fast", options="      render_workers: 2\n")
    results = {}
    for name, config, site in [("plain", plain, "site-plain"), ("cold", fast, "site-cold"), ("warm", fast, "site-warm")]:
        run = newsletter("-f", str(config), "build", "--site-dir", str(tmp_path / site), cwd=config.parent)
        assert run.returncode == 0, run.stdout + run.stderr
        results[name] = run
        if name == "cold":
            cached = list((fast.parent / ".cache" / "newsletter" / "pages").glob("*/*.pickle"))
            assert len(cached) > 10  # every generated page was stored
    assert (tmp_path / "site-plain" / "pagefind" / "pagefind-entry.json").is_file()
    assert same_tree(tmp_path / "site-plain", tmp_path / "site-cold") == []
    assert same_tree(tmp_path / "site-plain", tmp_path / "site-warm") == []
    # The tricky bodies really were rendered (so the comparison covers them).
    digests = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site-plain" / "issues").glob("*/index.html"))
    assert 'class="footnote"' in digests and 'id="results_1"' in digests and "<table>" in digests


def test_warnings_from_a_cached_page_still_fail_a_strict_build(tmp_path):
    config = project(tmp_path / "p", notes=8, months=2)
    note = next((config.parent / "content" / "notes").rglob("*.md"))
    note.write_text(note.read_text(encoding="utf-8").rstrip() + "\n\nSee [a missing page](../nowhere.md).\n", encoding="utf-8")
    for attempt in ("cold", "warm"):
        run = newsletter("-f", str(config), "build", "--site-dir", str(tmp_path / "site"), cwd=config.parent)
        assert run.returncode == 1, attempt
        assert "contains a link '../nowhere.md'" in run.stdout + run.stderr, attempt  # MkDocs' own warning
    warm_cache = list((config.parent / ".cache" / "newsletter" / "pages").glob("*/*.pickle"))
    assert warm_cache, "the failed builds still cached the pages they rendered"


def test_notes_kept_across_reads_follow_every_edit(tmp_path):
    """The reader keeps validated notes across reads (serve reads all of them on each
    save): an edited note, an edited vocabulary and unknown tags are read afresh."""
    sys.path.insert(0, str(REPO / "tests"))
    from helpers import TAGS, note_md, write_project
    from generator.read import read_content

    note = "content/notes/2021-03/a-paper.md"
    config = write_project(tmp_path, {note: note_md("First", tags=["GAN"]),
                                      "content/notes/2021-03/other.md": note_md("Other", "https://papers.test/o", tags=["Mystery"])})
    root, tags_file = config.parent, config.parent / "site_config" / "tags.yml"

    def read():
        content = read_content(root / "content", tags_file, root)
        return {n.slug: n for n in content.notes}, [p.message for p in content.problems]

    notes, problems = read()
    assert notes["a-paper"].title == "First" and [t.slug for t in notes["a-paper"].tags] == ["gans"]
    assert read() == (notes, problems)  # nothing changed
    assert any("unknown tag 'Mystery'" in m for m in problems)
    # An unknown tag is named as the first file read writes it: now a-paper.md, before other.md.
    (root / note).write_text(note_md("Second", tags=["GAN", "MYSTERY"]), encoding="utf-8")
    notes, problems = read()
    assert notes["a-paper"].title == "Second" and [t.slug for t in notes["a-paper"].tags] == ["gans", "mystery"]
    assert [t.name for t in notes["other"].tags] == ["MYSTERY"]
    assert any("'Mystery' and 'MYSTERY' (in content/notes/2021-03/a-paper.md) are one tag" in m for m in problems)
    assert read()[1] == problems  # reported on every read
    (root / note).write_text(note_md("Second", tags=["GAN"]), encoding="utf-8")
    read()
    # The vocabulary changes under an unchanged note: "GAN" is now an alias of another tag.
    vocabulary = [dict(t, aliases=[a for a in t["aliases"] if a != "GAN"]) for t in TAGS]
    vocabulary.append({"name": "Adversarial", "description": "", "aliases": ["GAN"]})
    tags_file.write_text(yaml.safe_dump(vocabulary), encoding="utf-8")
    notes, _ = read()
    assert [t.slug for t in notes["a-paper"].tags] == ["adversarial"]


# ----------------------------------------------------------------------- serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def _until(url: str, check, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = _fetch(url)
        if check(status, body):
            return body
        time.sleep(0.1)
    raise AssertionError(f"{url} never showed the change within {timeout} s")


def _without_livereload(html: str) -> str:
    """The preview server injects one <script> before </body>."""
    head, _, tail = html.rpartition("</body>")
    return head[: head.rindex("<script>")] + "</body>" + tail


@pytest.fixture
def served(tmp_path):
    config = project(tmp_path / "p", notes=24, months=4)
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "-f", str(config), "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=config.parent, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _until(base, lambda status, body: status == 200, timeout=120)
        time.sleep(1)  # the watcher starts after the first build
        yield config, base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _same_search_index(base: str, full: Path) -> None:
    """The served search index becomes the full build's (its entry file names every
    other file by its content), and every file it names is served."""
    expected = (full / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    _until(base + "pagefind/pagefind-entry.json", lambda status, body: status == 200 and body == expected, timeout=60)
    for path in sorted((full / "pagefind").rglob("*.pf_*")):
        rel = path.relative_to(full).as_posix()
        with urllib.request.urlopen(base + rel, timeout=30) as response:
            assert response.read() == path.read_bytes(), rel


def test_serve_rebuilds_only_what_changed_and_is_never_stale(served, tmp_path):
    config, base = served
    root = config.parent
    notes = sorted((root / "content" / "notes").rglob("*.md"))
    note = notes[-1]
    month = note.parent.name
    original = note.read_text(encoding="utf-8")

    # 1. A body edit shows on the digest.
    note.write_text(original.rstrip() + "\n\nFreshly edited sentence.\n", encoding="utf-8")
    _until(f"{base}issues/{month}/", lambda s, body: "Freshly edited sentence." in body)
    time.sleep(1.5)  # let a last rebuild, if any, finish
    # Its entries in the site feed and in its tag's feed show the edit too, written once the page is out.
    tag = re.search(r"^tags:\n- (.+)$", original, re.M).group(1).strip()
    for feed in ("feed.xml", f"tags/{slugify(tag)}/feed.xml"):
        _until(base + feed, lambda status, xml: status == 200 and "Freshly edited sentence." in xml)
    # Only that page was rebuilt; the search index, made in the background, becomes a full build's.
    run = newsletter("-f", str(config), "build", "--site-dir", str(tmp_path / "full-1"), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    _same_search_index(base, tmp_path / "full-1")

    # 2. A new tag makes a new tag page; 3. removing it again removes the page.
    tagged = original.replace("tags:\n", "tags:\n- Brand New Topic\n", 1)
    assert tagged != original
    note.write_text(tagged, encoding="utf-8")
    _until(f"{base}tags/brand-new-topic/", lambda s, body: s == 200 and "Brand New Topic" in body)
    note.write_text(original, encoding="utf-8")
    _until(f"{base}tags/brand-new-topic/", lambda s, body: s == 404)

    # 4. A navigation change (an issue title) reaches every page, not only the digest.
    issue = root / "content" / "issues" / f"{month}.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace("title: Issue", "title: Renamed Issue", 1), encoding="utf-8")
    other = sorted(p.stem for p in (root / "content" / "issues").glob("*.md") if p.stem != month)[0]
    _until(f"{base}issues/{other}/", lambda s, body: "Renamed Issue" in body)
    time.sleep(1.5)  # let a last rebuild, if any, finish

    # 5. An edited theme override is compiled again (compiled templates are kept across rebuilds).
    main = root / "site_config" / "overrides" / "main.html"
    head = "{% block extrahead %}\n"
    assert head in main.read_text(encoding="utf-8")
    main.write_text(main.read_text(encoding="utf-8").replace(head, head + '<meta name="nl-edited" content="yes">\n', 1),
                    encoding="utf-8")
    _until(f"{base}issues/{other}/", lambda s, body: 'name="nl-edited"' in body)
    time.sleep(1.5)

    # Every page served equals a full build of the same content, and so does the search index.
    full = tmp_path / "full"
    run = newsletter("-f", str(config), "build", "--site-dir", str(full), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    site_url = re.search(r"^site_url:\s*(\S+)", config.read_text(encoding="utf-8"), re.M).group(1)
    pages = sorted(p.relative_to(full).as_posix() for p in full.rglob("index.html"))
    assert len(pages) > 10
    for page in pages:
        status, served_html = _fetch(base + page.removesuffix("index.html"))
        assert status == 200, page
        served_html = _without_livereload(served_html).replace(base, site_url)  # serve sets site_url to itself
        assert served_html == (full / page).read_text(encoding="utf-8"), page
    _same_search_index(base, full)
    # And so does every feed (and each tag feed's sitemap), after four edits.
    feeds = sorted(p.relative_to(full).as_posix() for p in full.rglob("*.xml") if p.parent != full or p.name == "feed.xml")
    assert "feed.xml" in feeds and len(feeds) > 10
    for feed in feeds:
        status, served_xml = _fetch(base + feed)
        assert status == 200, feed
        assert served_xml.replace(base, site_url) == (full / feed).read_text(encoding="utf-8"), feed
    assert "Freshly edited sentence." not in (full / "feed.xml").read_text(encoding="utf-8")
    assert not (full / "tags" / "brand-new-topic").exists()
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in log
    assert "A 'dirty' build is being performed" not in log


WORKERS = """
import os, sys
from generator.mkdocs import cache
def work(uri):
    if uri == "error":
        raise ValueError("bad page")
    if uri == "die":
        os._exit(3)
    return uri, uri.encode() * 3
cache._work = work
uris = sys.argv[1].split(",")
try:
    print(sorted(cache._in_workers(uris, 2)))
except RuntimeError as exc:
    print("RuntimeError:", exc)
"""


@pytest.mark.parametrize("uris, expected", [
    ("a,b,c,d,e", "[('a', b'aaa'), ('b', b'bbb'), ('c', b'ccc'), ('d', b'ddd'), ('e', b'eee')]"),
    ("a,error,c", "RuntimeError: rendering error failed in a worker:"),
    ("a,die,c", "RuntimeError: a render worker died (exit code 3)"),
])
def test_render_workers_return_every_page_or_fail_loudly(uris, expected):
    """Each page once from the workers; a page that fails, or a worker that dies, stops
    the build with an error instead of a hang or a missing page. Run in a fresh process:
    the render never forks beside other threads (the browser tests leave some)."""
    run = subprocess.run([sys.executable, "-c", WORKERS, uris], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(expected), run.stdout
    if "error" in uris:
        assert "ValueError: bad page" in run.stdout
