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
