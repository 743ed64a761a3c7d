"""The benchmark runs end to end on a tiny corpus, so it cannot rot. Timings are
not asserted (they depend on the machine); the report's shape and sanity are."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks import run as bench
from benchmarks.corpus import TAGS, make_notes, note_text
from benchmarks.hugo import hugo_post


def test_corpus_is_deterministic_and_realistic():
    first, again = make_notes(60, seed=3), make_notes(60, seed=3)
    assert [note_text(n) for n in first.notes] == [note_text(n) for n in again.notes]
    assert [note_text(n) for n in make_notes(60, seed=4).notes] != [note_text(n) for n in first.notes]
    words = [len(n.body.split()) for n in first.notes]
    assert 280 <= sum(words) / len(words) <= 380
    assert all(2 <= len(n.tags) <= 5 and set(n.tags) <= set(TAGS) for n in first.notes)
    assert len({n.month for n in first.notes}) == 60
    assert all("](https://" in n.body and "\n- " in n.body for n in first.notes)  # a link and a list


def test_benchmark_smoke_run(tmp_path):
    out = tmp_path / "result.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--notes", "30", "--runs", "1", "--edits", "1",
         "--timeout", "120", "--out", str(out)],
        cwd=REPO, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["notes"] == 30 and result["corpus"]["notes"] == 30
    assert result["machine"]["cores"] >= 1
    ours = result["newsletter"]
    assert ours["stage"]["notes"] == 30 and ours["stage"]["problems"] == 0
    assert 0 < ours["stage"]["total_s"] < ours["cold_build"]["seconds"]
    assert ours["cold_build"]["peak_mb"] > 20
    assert ours["warm_build"]["seconds"] > 0  # the render cache was there to use
    assert len(ours["preview"]["rebuilds_s"]) == 1 and ours["preview"]["rebuild_s"] > 0
    assert result["blog"]["seconds"] > 0 and result["blog"]["peak_mb"] > 20
    assert result["ratio"] == round(result["blog"]["seconds"] / ours["cold_build"]["seconds"], 2)
    assert "Material blog plugin" in run.stdout and "newsletter build" in run.stdout  # the table
    search = result["search"]  # both searches, as a reader in Chromium gets them
    assert search["measured"] and ours["material_search_build"]["seconds"] > 0
    for profile in ("desktop", "phone"):
        for name in ("material", "pagefind"):
            figures = search[profile][name]
            assert figures["first_result_ms"] > 0 and figures["bytes"] > 1000 and figures["requests"] >= 2, (profile, name)
        assert search[profile]["material"]["ready_ms"] > 0 and search[profile]["pagefind"]["ready_ms"] == 0
    assert "paper search (Pagefind)" in run.stdout
    hugo = result["hugo"]
    if shutil.which("hugo"):  # built side by side at this tiny N too
        assert hugo["measured"] and hugo["version"].startswith("hugo v")
        assert hugo["html_pages"] > 30 and hugo["cold_build"]["seconds"] > 0 and hugo["cold_build"]["peak_mb"] > 5
        assert result["ratio_ours_to_hugo"] == {key: round(ours["cold_build"][key] / hugo["cold_build"][key], 2)
                                                for key in ("seconds", "cpu_s", "peak_mb")}
        assert "Hugo: hugo build, cold" in run.stdout
    else:
        assert hugo == {"measured": False, "reason": "not installed (apt-get install hugo)"}
        assert result["ratio_ours_to_hugo"] is None
        assert "Hugo: not installed (apt-get install hugo)" in run.stdout


def test_hugo_missing_or_skipped_is_said_not_quoted(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no hugo here
    binary, missing = bench.find_hugo()
    assert binary is None and missing == {"measured": False, "reason": "not installed (apt-get install hugo)"}
    assert bench.find_hugo(skip=True) == (None, {"measured": False, "reason": "skipped (--skip-hugo)"})
    result = {"notes": 5, "speedups": True, "blog": None, "hugo": missing,
              "newsletter": {"stage": {"total_s": 0.1}, "cold_build": {"seconds": 1.0, "cpu_s": 1.2, "peak_mb": 50}}}
    lines = bench.table(result).splitlines()
    assert lines[-1] == "Hugo: not installed (apt-get install hugo)"
    assert not any(re.search(r"Hugo.*\d s", line) for line in lines)  # no Hugo time anywhere


def test_hugo_page_front_matter():
    note = next(n for n in make_notes(40, seed=3).notes if n.code)
    meta = yaml.safe_load(hugo_post(note).split("---\n")[1])
    # `url` would set the page's own URL in Hugo: the paper link must not use it.
    assert "url" not in meta and meta["paper"] == note.url and meta["code"] == note.code
    assert meta["tags"] == note.tags and meta["category"] == note.section and meta["title"] == note.title
    assert str(meta["date"]) == note.date and meta["authors"] == note.authors
