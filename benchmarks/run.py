"""The benchmark: `python -m benchmarks.run [--notes 1000] [--skip-blog]`.

Writes a deterministic synthetic newsletter of N notes, then, each in a fresh
process so every build is cold:
  - times the generator stage (read + validate, group, render Markdown);
  - times `newsletter build` (strict, search on) and its peak memory;
  - starts `newsletter serve`, saves an edit to one note and times how long
    until the served page shows it (polled over HTTP on loopback);
  - builds the same notes as Material blog-plugin posts (categories and tags on)
    with `mkdocs build`, so the ratio is measured side by side;
  - builds the same notes with Hugo (one page per note, tag and month pages) when a
    `hugo` binary is on PATH, cold each time, and reports ours / Hugo;
  - builds them once more with Material's own search (lunr) instead of the paper
    search, and measures both searches as a reader gets them: bytes fetched and
    milliseconds to the first result in Chromium, desktop and a throttled phone
    (benchmarks/reader.py).
Prints a table and writes it as JSON (default benchmarks/results/latest.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from .corpus import REPO, make_notes, write_blog, write_newsletter
from .hugo import INSTALL_HINT, check_site, hugo_version, write_hugo
from . import reader

DEFAULT_OUT = REPO / "benchmarks" / "results" / "latest.json"
HUGO_TARGET = 1.5  # the target: a cold build within 1.5x of Hugo's


# --------------------------------------------------------------------------- machine


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    versions = {}
    for package in ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "PyYAML", "python-frontmatter"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "memory_mb": memory_mb,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "os": platform.platform(), "python": platform.python_version(), "packages": versions}


# ----------------------------------------------------------------------- processes


def _memory_kb(pid: int) -> int:
    """Proportional set size: memory a forked worker shares with its parent is
    split between them instead of counted twice (VmRSS where PSS is unknown)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants (Linux /proc), so a build that
    uses worker processes is counted in full."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += _memory_kb(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


class Sampler(threading.Thread):
    """Samples the process tree's memory every 50 ms until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self._done = pid, 0, threading.Event()

    def run(self):
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))
            self._done.wait(0.05)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak_kb


def _reap(proc: subprocess.Popen, timeout: float) -> tuple[int, int, float]:
    """Wait for our child with wait4; returns (exit code, its peak RSS in kB, CPU
    seconds of it and the children it reaped)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            proc.kill()
            deadline = float("inf")
        time.sleep(0.01)


def run_timed(cmd: list[str], cwd: Path, log: Path, timeout: float = 3600, env: dict | None = None) -> dict:
    """Run a command to completion; wall time and peak memory of its process tree."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        sampler = Sampler(proc.pid)
        sampler.start()
        code, maxrss, cpu = _reap(proc, timeout)
        seconds = time.perf_counter() - started
        peak = max(sampler.stop(), maxrss)
    if code != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} exited with {code}:\n{tail}")
    return {"seconds": round(seconds, 3), "cpu_s": round(cpu, 3), "peak_mb": round(peak / 1024, 1)}


def _env() -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


# --------------------------------------------------------------------------- steps


def time_stage(config: Path, log: Path) -> dict:
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "stage.py"), str(config)], cwd=config.parent,
                         env=_env(), capture_output=True, text=True, check=False)
    log.write_text(out.stdout + out.stderr)
    if out.returncode != 0:
        raise RuntimeError(f"generator stage failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def disable_speedups(config: Path) -> None:
    """The baseline: no render workers, no render cache (serve: --full-rebuilds)."""
    text = config.read_text(encoding="utf-8")
    assert "  - newsletter:\n" in text, "mkdocs.yml no longer lists the newsletter plugin as '  - newsletter:'"
    config.write_text(text.replace("  - newsletter:\n", "  - newsletter:\n      render_cache: false\n      render_workers: 1\n"),
                      encoding="utf-8")


def material_search_config(config: Path) -> Path:
    """The same project with Material's search plugin instead of the paper search (the
    search this project had before), as a second mkdocs.yml beside the first."""
    text = config.read_text(encoding="utf-8")
    assert "  - newsletter:\n" in text, "mkdocs.yml no longer lists the newsletter plugin as '  - newsletter:'"
    old = config.with_name("mkdocs-material-search.yml")
    old.write_text(text.replace("  - newsletter:\n", "  - search\n  - newsletter:\n      search: false\n"), encoding="utf-8")
    return old


def search_query(corpus) -> str:
    """A title half-remembered: the first two words of a paper's title in the middle of the archive."""
    return " ".join(corpus.notes[len(corpus.notes) // 3].title.split()[:2]).lower()


def time_build(config: Path, site: Path, log: Path, clear_cache: bool = True) -> dict:
    if clear_cache:
        shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    return run_timed([sys.executable, "-m", "generator", "-f", str(config), "build", "--site-dir", str(site)],
                     config.parent, log, env=_env())


def time_blog(config: Path, site: Path, log: Path) -> dict:
    shutil.rmtree(site, ignore_errors=True)
    return run_timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                     config.parent, log, env=_env())


def time_hugo(binary: str, root: Path, site: Path, log: Path) -> dict:
    """`hugo --quiet` cold: no resources/, no destination, an empty cache folder."""
    for folder in (root / "resources", site, root.parent / "hugo-cache"):
        shutil.rmtree(folder, ignore_errors=True)
    return run_timed([binary, "--quiet", "--destination", str(site), "--cacheDir", str(root.parent / "hugo-cache")],
                     root, log)


def find_hugo(skip: bool = False) -> tuple[str | None, dict | None]:
    """The hugo executable on PATH, or None and the report saying why Hugo is not measured."""
    if skip:
        return None, {"measured": False, "reason": "skipped (--skip-hugo)"}
    binary = shutil.which("hugo")
    if binary is None:
        return None, {"measured": False, "reason": f"not installed ({INSTALL_HINT})"}
    return binary, None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _wait_for(url: str, text: str | None, timeout: float) -> float | None:
    """Seconds until `url` answers (and contains `text`), or None after `timeout`."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = _get(url)
        if body is not None and (text is None or text in body):
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def time_preview(config: Path, note: Path, month: str, log: Path, edits: int, timeout: float, full: bool = False) -> dict:
    """`newsletter serve`, then save `edits` edits to one note; each is timed from
    the save until the served digest page shows the new text."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    page = f"{base}issues/{month}/"
    original = note.read_text(encoding="utf-8")
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "-f", str(config), "serve", "-a", f"127.0.0.1:{port}",
                                 *(["--full-rebuilds"] if full else [])],
                                cwd=config.parent, stdout=out, stderr=subprocess.STDOUT, env=_env())
        sampler = Sampler(proc.pid)
        sampler.start()
        rebuilds: list[float] = []
        try:
            startup = _wait_for(page, None, timeout)
            if startup is None:
                raise RuntimeError(f"newsletter serve did not answer within {timeout:.0f} s; see {log}")
            startup = time.perf_counter() - started
            time.sleep(1.0)  # let the file watcher settle after the first build
            for i in range(edits):
                marker = f"benchmarkedit{i}x{port}"
                note.write_text(original.rstrip("\n") + f"\n\nEdited in the benchmark: {marker}.\n", encoding="utf-8")
                seconds = _wait_for(page, marker, timeout)
                if seconds is None:
                    raise RuntimeError(f"the edit to {note.name} did not show up within {timeout:.0f} s; see {log}")
                rebuilds.append(round(seconds, 3))
                time.sleep(1.0)
        finally:
            note.write_text(original, encoding="utf-8")
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # mkdocs serve cleans up its temporary site on Ctrl-C
            _, maxrss, _ = _reap(proc, 30)
            peak = max(sampler.stop(), maxrss)
    return {"startup_s": round(startup, 3), "rebuild_s": statistics.median(rebuilds), "rebuilds_s": rebuilds,
            "peak_mb": round(peak / 1024, 1)}


# -------------------------------------------------------------------------- report


def _median_run(runs: list[dict]) -> dict:
    seconds = [r["seconds"] for r in runs]
    return {"seconds": round(statistics.median(seconds), 3), "runs_s": seconds,
            "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 3), "peak_mb": max(r["peak_mb"] for r in runs)}


def table(result: dict) -> str:
    ours, blog, hugo = result["newsletter"], result.get("blog"), result.get("hugo")
    rows = [("notes" + ("" if result["speedups"] else " (speed-ups off)"), f"{result['notes']}"),
            ("generator stage (read, validate, group, render)", f"{ours['stage']['total_s']:.2f} s"),
            ("cold build: newsletter build (strict, search)", f"{ours['cold_build']['seconds']:.2f} s"),
            ("  CPU time (all processes)", f"{ours['cold_build']['cpu_s']:.2f} s"),
            ("  peak memory", f"{ours['cold_build']['peak_mb']:.0f} MB")]
    if ours.get("warm_build"):
        rows.append(("build again, cache warm", f"{ours['warm_build']['seconds']:.2f} s"))
    if ours.get("preview"):
        p = ours["preview"]
        rows += [("serve: first page ready", f"{p['startup_s']:.2f} s"),
                 ("serve: one note saved -> page updated", f"{p['rebuild_s']:.2f} s"),
                 ("  peak memory (serve)", f"{p['peak_mb']:.0f} MB")]
    if blog:
        rows += [("Material blog plugin: mkdocs build", f"{blog['seconds']:.2f} s"),
                 ("  CPU time", f"{blog['cpu_s']:.2f} s"),
                 ("  peak memory", f"{blog['peak_mb']:.0f} MB"),
                 ("ratio blog plugin / newsletter build", f"{result['ratio']:.1f}x")]
    search = result.get("search")
    if ours.get("material_search_build"):
        rows.append(("cold build with Material's search instead", f"{ours['material_search_build']['seconds']:.2f} s"))
    if search and search.get("measured"):
        for profile in reader.PROFILES:
            figures = search[profile]
            for name, label in (("material", "Material search (lunr)"), ("pagefind", "paper search (Pagefind)")):
                f = figures[name]
                rows.append((f"{profile}: {label}: first result / fetched",
                             f"{f['from_load_ms'] / 1000:.2f} s, {f['bytes'] / 1000:.0f} kB"))
            ratio = figures["ratio_material_to_pagefind"]
            rows.append((f"{profile}: Material / paper search (time, bytes)", f"{ratio['from_load_ms']}x, {ratio['bytes']}x"))
    if hugo and hugo["measured"]:
        build, ratio = hugo["cold_build"], result["ratio_ours_to_hugo"]
        rows += [("Hugo: hugo build, cold (one page per note)", f"{build['seconds']:.2f} s"),
                 ("  CPU time", f"{build['cpu_s']:.2f} s"),
                 ("  peak memory", f"{build['peak_mb']:.0f} MB"),
                 (f"ratio newsletter build / Hugo (target <= {HUGO_TARGET}x)", f"{ratio['seconds']:.1f}x"),
                 ("  CPU time, newsletter build / Hugo", f"{ratio['cpu_s']:.1f}x"),
                 ("  peak memory, newsletter build / Hugo", f"{ratio['peak_mb']:.1f}x")]
    elif hugo:
        rows.append((f"Hugo: {hugo['reason']}", ""))
    width = max(len(name) for name, value in rows if value)
    lines = [f"{name:<{width}}  {value:>10}" if value else name for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1000, help="number of synthetic notes (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="cold builds and stage runs; the median is reported (default 3)")
    parser.add_argument("--blog-runs", type=int, default=1, help="blog-plugin builds (default 1)")
    parser.add_argument("--edits", type=int, default=3, help="note edits timed under serve (default 3)")
    parser.add_argument("--skip-blog", action="store_true", help="do not build the Material blog-plugin version")
    parser.add_argument("--skip-serve", action="store_true", help="do not time the live preview")
    parser.add_argument("--skip-hugo", action="store_true", help="do not build the Hugo version (built when hugo is on PATH)")
    parser.add_argument("--skip-reader", action="store_true", help="do not measure the searches in Chromium")
    parser.add_argument("--reader-runs", type=int, default=1, help="searches per site and profile; the median is reported (default 1)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for serve (default 900)")
    parser.add_argument("--no-speedups", action="store_true",
                        help="baseline: build without render workers and cache, serve with --full-rebuilds")
    parser.add_argument("--workdir", type=Path, help="where to write the projects (default: a temporary folder, removed)")
    parser.add_argument("--template", type=Path, default=REPO,
                        help="project whose mkdocs.yml and site_config/overrides the synthetic site uses (default: this one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON report (default {DEFAULT_OUT.relative_to(REPO)})")
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsletter-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    try:
        host = machine()  # before the runs: the load average says how busy the machine was
        started = time.perf_counter()
        corpus = make_notes(args.notes, args.seed)
        config = write_newsletter(corpus, work / "newsletter", args.template)
        if args.no_speedups:
            disable_speedups(config)
        blog_config = None if args.skip_blog else write_blog(corpus, work / "blog")
        hugo_binary, hugo = find_hugo(args.skip_hugo)
        hugo_root = write_hugo(corpus, work / "hugo") if hugo_binary else None
        generate_s = time.perf_counter() - started
        print(f"corpus: {args.notes} notes in {work} ({generate_s:.1f} s)", file=sys.stderr)

        stages = [time_stage(config, logs / f"stage-{i}.log") for i in range(args.runs)]
        stage = {key: round(statistics.median(s[key] for s in stages), 3)
                 for key in ("import_s", "read_s", "group_s", "render_s", "total_s")}
        stage.update(notes=stages[0]["notes"], pages=stages[0]["pages"], problems=stages[0]["problems"],
                     runs_total_s=[round(s["total_s"], 3) for s in stages])
        print(f"generator stage: {stage['total_s']:.2f} s", file=sys.stderr)

        builds, hugo_builds = [], []
        for i in range(args.runs):  # ours and Hugo's alternate, so both see the same load on the machine
            builds.append(time_build(config, work / "site", logs / f"build-{i}.log"))
            if hugo_root is not None:
                hugo_builds.append(time_hugo(hugo_binary, hugo_root, work / "hugo-site", logs / f"hugo-{i}.log"))
        ours: dict = {"stage": stage, "cold_build": _median_run(builds)}
        print(f"cold build: {ours['cold_build']['seconds']:.2f} s", file=sys.stderr)
        if hugo_root is not None:
            hugo = {"measured": True, "version": hugo_version(hugo_binary),
                    "html_pages": check_site(corpus, work / "hugo-site"), "cold_build": _median_run(hugo_builds)}
            print(f"Hugo: {hugo['cold_build']['seconds']:.2f} s", file=sys.stderr)
        else:
            print(f"Hugo: {hugo['reason']}", file=sys.stderr)
        if (config.parent / ".cache").is_dir():  # the build keeps a cache: time a build that can use it
            warm = [time_build(config, work / "site", logs / f"warm-{i}.log", clear_cache=False) for i in range(args.runs)]
            ours["warm_build"] = _median_run(warm)
        search = None
        if not args.skip_reader:
            old = material_search_config(config)
            ours["material_search_build"] = time_build(old, work / "site-material", logs / "build-material.log")
            search = reader.measure({"material": work / "site-material", "pagefind": work / "site"}, search_query(corpus),
                                    args.reader_runs)
            print(f"search: {search}", file=sys.stderr)
        if not args.skip_serve:
            note = corpus.notes[len(corpus.notes) // 2]
            path = config.parent / "content" / "notes" / note.month / f"{note.slug}.md"
            ours["preview"] = time_preview(config, path, note.month, logs / "serve.log", args.edits, args.timeout,
                                           full=args.no_speedups)
            print(f"preview rebuild: {ours['preview']['rebuild_s']:.2f} s", file=sys.stderr)

        result: dict = {"benchmark": "newsletter-build", "speedups": not args.no_speedups, "date": dt.datetime.now().isoformat(timespec="seconds"),
                        "machine": {**host, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}, "notes": args.notes, "seed": args.seed, "runs": args.runs,
                        "corpus": {"notes": len(corpus.notes), "months": len(corpus.months), "tags": 80,
                                   "words_per_note": round(statistics.mean(len(n.body.split()) for n in corpus.notes)),
                                   "generate_s": round(generate_s, 2)},
                        "newsletter": ours, "search": search, "blog": None, "ratio": None, "hugo": hugo, "ratio_ours_to_hugo": None}
        if hugo["measured"]:
            result["ratio_ours_to_hugo"] = {
                key: round(ours["cold_build"][key] / hugo["cold_build"][key], 2) for key in ("seconds", "cpu_s", "peak_mb")}
        if blog_config is not None:
            blog = _median_run([time_blog(blog_config, work / "blog-site", logs / f"blog-{i}.log")
                                for i in range(args.blog_runs)])
            result["blog"] = blog
            result["ratio"] = round(blog["seconds"] / ours["cold_build"]["seconds"], 2)
        report = table(result)
        result["table"] = report.splitlines()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(report)
        print(f"written to {args.out}", file=sys.stderr)
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
