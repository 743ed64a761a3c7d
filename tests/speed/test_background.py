"""speed/background.py: a job in a forked process, its result or its failure collected later.

Each case runs in a fresh Python process: the browser tests leave Playwright's
threads in the pytest process, and Background never forks beside other threads."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CASES = {
    "result": """
        marker = tmp / "pid"
        job = Background(lambda: (marker.write_text(str(os.getpid())), ("warning", 1))[1])
        assert job.result() == ("warning", 1)
        assert int(marker.read_text()) != os.getpid(), "not written by a child process"
        assert job.result() == ("warning", 1)  # asking again is fine
    """,
    "failure": """
        def job():
            raise ValueError("bad feed")
        try:
            Background(job).result()
        except RuntimeError as exc:
            assert "background job failed" in str(exc) and "ValueError: bad feed" in str(exc), exc
        else:
            raise AssertionError("no error")
    """,
    "death": """
        try:
            Background(lambda: os._exit(3)).result()
        except RuntimeError as exc:
            assert "without a result" in str(exc), exc
        else:
            raise AssertionError("no error")
    """,
    "threads": """
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        try:
            assert Background(lambda: os.getpid()).result() == os.getpid(), "not inline"
        finally:
            stop.set()
            thread.join()
    """,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_background(case, tmp_path):
    program = "import os, threading, pathlib, sys\nfrom generator.speed.background import Background, can_fork\n" \
              "assert can_fork()\ntmp = pathlib.Path(sys.argv[1])\n" + textwrap.dedent(CASES[case])
    run = subprocess.run([sys.executable, "-c", program, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


# ------------------------------------------------------------------------ Latest (serve)


def _held(jobs, name: str, ran: list):
    """Submit a job that runs until the returned function is called, then records
    (name, superseded()); returns once it runs."""
    import threading

    started, release = threading.Event(), threading.Event()

    def job(superseded):
        started.set()
        release.wait(10)
        ran.append((name, superseded()))

    jobs.submit(job)
    assert started.wait(10)
    return release.set


def test_latest_runs_the_newest_job_once_after_the_current_one():
    import threading
    import time

    from generator.speed.background import Latest

    jobs, ran = Latest("test jobs"), []
    release = _held(jobs, "first", ran)
    for name in ("second", "third"):  # asked while the first runs: only the newest runs after it
        jobs.submit(lambda superseded, name=name: ran.append((name, superseded())))
    release()
    jobs.wait()
    assert ran == [("first", True), ("third", False)]
    jobs.submit(lambda superseded: ran.append(("waited", superseded())), wait=True)
    assert ran[-1] == ("waited", False) and jobs.runs == 3
    time.sleep(0.05)
    assert not any(t.name == "test jobs" for t in threading.enumerate())  # no thread left idling


def test_latest_waits_for_quiet_and_logs_a_failure(caplog):
    import logging
    import time

    from generator.speed.background import Latest

    jobs, ran = Latest("quiet jobs", quiet=0.3, log=logging.getLogger("test.latest")), []
    asked = time.monotonic()
    jobs.submit(lambda superseded: ran.append(time.monotonic() - asked))
    time.sleep(0.1)
    jobs.submit(lambda superseded: ran.append(time.monotonic() - asked))  # the editor saved again
    jobs.wait()
    assert len(ran) == 1 and ran[0] >= 0.4  # one run, 0.3 s after the last request

    def broken(superseded):
        raise ValueError("disk full")

    with caplog.at_level(logging.WARNING, logger="test.latest"):
        jobs.submit(broken, wait=True)
        jobs.submit(lambda superseded: ran.append("after"), wait=True)
    assert "quiet jobs: disk full" in caplog.text and ran[-1] == "after"


def test_latest_cancel_drops_the_waiting_job_and_supersedes_the_running_one():
    from generator.speed.background import Latest

    jobs, ran = Latest("cancelled jobs", quiet=0.2), []
    jobs.submit(lambda superseded: ran.append("dropped"))
    jobs.cancel()  # a build began before the quiet time was over
    jobs.wait()
    assert ran == []
    release = _held(jobs, "running", ran)
    jobs.cancel()
    release()
    jobs.wait()
    assert ran == [("running", True)]


WORKER = """
import os, sys
from generator.speed.background import Worker
def pid_and_count(box=[]):
    box.append(1)
    return os.getpid(), len(box)
if __name__ == "__main__":
    worker = Worker()
    first, second = worker.call(pid_and_count), worker.call(pid_and_count)
    assert first[0] == second[0] != os.getpid(), (first, second)  # one process of its own, kept
    assert (first[1], second[1]) == (1, 2)  # what a job keeps lives on to the next
    try:
        worker.call(os._exit, 3)
    except RuntimeError as exc:
        assert "died" in str(exc)
    else:
        raise AssertionError("no error")
    assert worker.call(pid_and_count)[1] == 1  # a new process after a death
    print(worker.call(pid_and_count)[0], flush=True)
    if sys.argv[1:] == ["die"]:
        os._exit(9)  # as if killed: no shutdown of the worker
    worker.close()
    print("ok")
"""


def test_worker_keeps_one_process_and_survives_its_death(tmp_path):
    script = tmp_path / "worker_case.py"
    script.write_text(WORKER, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[2])})
    assert run.returncode == 0 and run.stdout.split()[-1] == "ok", run.stderr


def test_a_worker_leaves_when_its_parent_is_killed(tmp_path):
    import os
    import time
    from pathlib import Path

    script = tmp_path / "worker_case.py"
    script.write_text(WORKER, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), "die"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert run.returncode == 9, run.stderr
    worker = int(run.stdout.split()[-1])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{worker}").exists(), "the worker outlived its parent"
