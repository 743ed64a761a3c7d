"""Reproducible output: the same content built twice, at different times, in
different folders, by processes with different hash seeds, time zones and
umasks, gives byte-identical site/ trees. Dates MkDocs writes (sitemap
<lastmod>, the sitemap.xml.gz header) come from the content, not the clock."""

from __future__ import annotations

import datetime as dt
import difflib
import gzip
import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, build, note_md, write_project

FILES = {
    "content/issues/2021-03.md": note_md(title="March", url=None, tags=None, summary="Vision and GANs.",
                                         sections=["Vision", "Generative"], body="The intro."),
    "content/notes/2021-03/vision-one.md": note_md(title="Vision One", url="https://papers.test/v1", tags=["CV", "SSL"],
                                                   section="Vision", authors=["Ada Lovelace"], date="2021-03-09"),
    "content/notes/2021-03/gan-two.md": note_md(title="GAN Two", url="https://papers.test/g2", tags=["GANs", "Transformers"],
                                                section="Generative", code="https://code.papers.test/g2"),
    "content/notes/2021-03/loose.md": note_md(title="Loose", url="https://papers.test/loose", tags=["NLP", "GANs", "CV"]),
    "content/notes/2021-02/feb-paper.md": note_md(title="Feb Paper", url="https://papers.test/feb", tags=["GANs", "NLP"],
                                                  date="2021-01-20"),
}
NEWEST = dt.date(2021, 3, 9)  # the newest date in FILES: vision-one's


def build_in_subprocess(config: Path, **env: str) -> subprocess.CompletedProcess:
    """`newsletter build` as its own process, from the project folder, without SOURCE_DATE_EPOCH."""
    environ = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "TZ")}
    proc = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=config.parent, capture_output=True, text=True,
                          timeout=300, env={**environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1", **env})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def first_difference(a: dict[str, bytes], b: dict[str, bytes]) -> str | None:
    if a.keys() != b.keys():
        return f"different files: only in the first {sorted(a.keys() - b.keys())}, only in the second {sorted(b.keys() - a.keys())}"
    for name in a:
        if a[name] != b[name]:
            try:
                diff = difflib.unified_diff(a[name].decode().splitlines(), b[name].decode().splitlines(), "first", "second",
                                            lineterm="", n=1)
                return f"{name} differs:\n" + "\n".join(list(diff)[:40])
            except UnicodeDecodeError:
                at = next(i for i, (x, y) in enumerate(zip(a[name], b[name])) if x != y) if len(a[name]) == len(b[name]) else None
                return f"{name} differs (binary; sizes {len(a[name])} and {len(b[name])}, first differing byte {at})"
    return None


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    first = write_project(tmp_path_factory.mktemp("repro") / "a" / "newsletter", FILES)
    second = write_project(tmp_path_factory.mktemp("repro") / "elsewhere" / "deeper" / "copy", FILES)
    umask = os.umask(0o077)  # the second build also runs with another umask
    try:
        build_in_subprocess(first, PYTHONHASHSEED="1", TZ="UTC")
        time.sleep(1.1)  # a different second on the clock (gzip headers count seconds)
        build_in_subprocess(second, PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati")  # UTC+14: another day
    finally:
        os.umask(umask)
    return first.parent / "site", second.parent / "site"


def test_two_builds_are_byte_identical(two_builds):
    first, second = two_builds
    a, b = tree(first), tree(second)
    assert len(a) > 20
    difference = first_difference(a, b)
    assert difference is None, difference


def test_a_rebuild_with_warm_caches_is_byte_identical(two_builds):
    """A second build of a project may reuse what the first left behind (such as the
    render cache in .cache/); its output must not tell."""
    first, second = two_builds
    build_in_subprocess(first.parent / "mkdocs.yml", PYTHONHASHSEED="7", TZ="America/Los_Angeles")
    difference = first_difference(tree(second), tree(first))
    assert difference is None, difference


def test_no_file_carries_the_build_date(two_builds):
    site, _ = two_builds
    now = dt.datetime.now(dt.timezone.utc)
    days = {(now + dt.timedelta(hours=h)).date() for h in (-12, 0, 14)}  # today wherever the build ran
    stamps = {d.isoformat() for d in days} | {d.strftime("%B %d, %Y") for d in days} | {d.strftime("%d %b %Y") for d in days}
    found = [(name, stamp) for name, data in tree(site).items() if name.endswith((".html", ".xml", ".json", ".txt"))
             for stamp in stamps if stamp in data.decode("utf-8")]
    assert found == []


def test_sitemap_dates_come_from_the_newest_note(two_builds):
    site, _ = two_builds
    lastmods = set(re.findall(r"<lastmod>([^<]+)</lastmod>", (site / "sitemap.xml").read_text(encoding="utf-8")))
    assert lastmods == {NEWEST.isoformat()}
    raw = (site / "sitemap.xml.gz").read_bytes()
    mtime = struct.unpack("<I", raw[4:8])[0]  # the gzip header's MTIME field
    assert dt.datetime.fromtimestamp(mtime, dt.timezone.utc) == dt.datetime(2021, 3, 9, tzinfo=dt.timezone.utc)
    assert gzip.decompress(raw) == (site / "sitemap.xml").read_bytes()


def test_source_date_epoch_is_honoured_and_left_as_it_was(make_project, tmp_path, monkeypatch):
    config = make_project(FILES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")  # 2001-09-09T01:46:40Z
    run = build(config, tmp_path / "site")
    assert run.code == 0, run.text
    assert "<lastmod>2001-09-09</lastmod>" in (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert os.environ["SOURCE_DATE_EPOCH"] == "1000000000"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    run = build(config, tmp_path / "site")
    assert run.code == 0, run.text
    assert "SOURCE_DATE_EPOCH" not in os.environ  # the content's date was set for the build only
