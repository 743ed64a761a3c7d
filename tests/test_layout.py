"""The package layout is the pipeline: imports go one way, and only the adapter
and the CLI import MkDocs. Read from the source's imports (ast), so it stays true
as modules are added; and the names modules had before the move still import.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "generator"

# Tiers in pipeline order. A module may import its own package and anything in an
# earlier tier, nothing in its own tier's other packages or in a later tier.
TIERS = [
    ("model", "slugs", "identity", "speed"),  # plain data, slug and paper-identity rules, speed-ups: shared by every stage
    ("read", "sources", "citation"),  # stage 1; metadata from outside for the editor's commands; how a paper is cited
    ("grouping",),  # stage 2
    ("render",),  # stage 3
    ("outputs", "checks"),  # stage 4, and the built-site checks
    ("mkdocs", "scaffold", "mailer"),  # the adapter; the editor's scaffolding; SMTP delivery of the email edition
    ("cli",),
    ("__main__",),
]
TIER = {unit: rank for rank, units in enumerate(TIERS) for unit in units}
TIER["__init__"] = 0  # generator/__init__.py: only the old-names finder, which imports nothing of ours
MAY_IMPORT_MKDOCS = {"mkdocs", "cli"}
ENGINE_PACKAGES = {"mkdocs", "material", "jinja2"}


def _unit(path: Path, root: Path = GENERATOR) -> str:
    """'read/notes.py' -> 'read'; 'render.py' -> 'render'."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path, root: Path = GENERATOR) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module of generator/."""
    package = ["generator", *path.relative_to(root).parts[:-1]]  # the package a relative import starts from
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names] if node.level and not node.module else [module]
            found += [(node.lineno, name) for name in names]
    return found


MODULES = sorted(GENERATOR.rglob("*.py"))


def test_every_module_is_in_a_known_tier():
    assert {_unit(path) for path in MODULES} <= set(TIER), "add the new package to TIERS in pipeline order"


def violations(path: Path, root: Path = GENERATOR) -> list[str]:
    unit = _unit(path, root)
    wrong = []
    for line, module in _imports(path, root):
        parts = module.split(".")
        if parts[0] == "generator" and len(parts) > 1:
            target = parts[1]
            if target != unit and target in TIER and TIER[target] >= TIER[unit]:
                wrong.append(f"line {line}: {module} (tier {TIER[target]}, this module's is {TIER[unit]})")
        elif parts[0] in ENGINE_PACKAGES and unit not in MAY_IMPORT_MKDOCS:
            wrong.append(f"line {line}: {module} (only generator/mkdocs/ and cli.py import the engine)")
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(GENERATOR).as_posix())
def test_imports_go_one_way(path):
    wrong = violations(path)
    assert not wrong, f"{path.relative_to(GENERATOR)} imports against the pipeline:\n" + "\n".join(wrong)


def test_every_package_says_what_it_does_and_may_import():
    for init in GENERATOR.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init.relative_to(GENERATOR)}: say what the package does and what it may import"


def test_the_checker_sees_imports_against_the_pipeline(tmp_path):
    (tmp_path / "read").mkdir()
    (tmp_path / "grouping.py").write_text("from .model import Site\nfrom .render import page_url\n")
    (tmp_path / "read" / "notes.py").write_text("from ..slugs import slugify\nfrom .. import sources\nimport mkdocs.config\n")
    (tmp_path / "render.py").write_text("from generator.read.notes import read_note\nfrom generator.outputs import feeds\n")
    assert violations(tmp_path / "grouping.py", tmp_path) == ["line 2: generator.render (tier 3, this module's is 2)"]
    assert violations(tmp_path / "read" / "notes.py", tmp_path) == [
        "line 2: generator.sources (tier 1, this module's is 1)",
        "line 3: mkdocs.config (only generator/mkdocs/ and cli.py import the engine)"]
    assert violations(tmp_path / "render.py", tmp_path) == ["line 2: generator.outputs (tier 4, this module's is 3)"]


def test_old_module_names_still_import():
    from generator import MOVED
    for old, new in MOVED.items():
        assert importlib.import_module(old) is importlib.import_module(new)


def test_old_extension_name_in_an_existing_mkdocs_yml_still_loads():
    program = ("import markdown\n"
               "print(markdown.markdown('text', extensions=['attr_list', 'md_in_html', 'generator.rawhtml']))\n")
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "<p>text</p>"
