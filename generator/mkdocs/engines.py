"""What `newsletter check` can tell about the engines that may read this mkdocs.yml.

The site needs the `newsletter` plugin at build time; an engine that reads
`mkdocs.yml` but runs no third-party plugins (Zensical, MkDocs 2) publishes the
raw note files instead, without an error. What can be seen from here:
- the guard extension (guard.py) is missing from `markdown_extensions`, so such
  a build would not stop;
- a config file that an engine reads before `mkdocs.yml` when run without `-f`
  (zensical.toml for Zensical, which runs no plugin whatever it says;
  properdocs.yml for ProperDocs, unless it enables the plugin);
- MkDocs 2 installed (it has no plugins).
What cannot: which command a person or a host's build step will type. README
("Engines") says which engine builds what.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from ..model import Problem
from .guard import GUARD

# Read before mkdocs.yml by `zensical build` / `properdocs build` run without -f.
FIRST_READ = {"zensical.toml": "zensical build", "zensical.yml": "zensical build",
              "properdocs.yml": "properdocs build", "properdocs.yaml": "properdocs build"}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _line(text: str, pattern: str) -> int | None:
    match = re.search(pattern, text, flags=re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def engine_problems(config_file: Path, markdown_extensions: list[str]) -> list[Problem]:
    """Warnings about builds that would skip the plugin, located in the config files."""
    root = config_file.resolve().parent
    name = config_file.name
    text = config_file.read_text(encoding="utf-8")
    problems = []
    if GUARD not in markdown_extensions:
        zensical = _version("zensical")
        installed = f" (Zensical {zensical} is installed here)" if zensical else ""
        problems.append(Problem(name, _line(text, r"^markdown_extensions:"),
                                f"an engine that runs no plugins, such as Zensical{installed} or MkDocs 2, would build "
                                "this file without an error and publish the raw notes: add `- generator.mkdocs.guard` "
                                "under markdown_extensions so that such a build stops (README: Engines)", "warning"))
    for other, command in FIRST_READ.items():
        path = root / other
        # Zensical runs no plugin whatever its file says; ProperDocs does if its file names ours.
        if path.is_file() and (command.startswith("zensical") or "newsletter" not in path.read_text(encoding="utf-8")):
            problems.append(Problem(other, None,
                                    f"`{command}` reads this file before {name} and runs no newsletter plugin with it: "
                                    "that build publishes no digest, tag page or feed. Remove the file, or use it "
                                    "to build the output of `newsletter export` (README: Engines)", "warning"))
    mkdocs = _version("mkdocs")
    if mkdocs and int(mkdocs.split(".")[0]) >= 2:
        problems.append(Problem(name, None, f"MkDocs {mkdocs} is installed, and MkDocs 2 runs no plugins: "
                                "install 'mkdocs>=1.6,<2' (or build with ProperDocs: `properdocs build`)", "warning"))
    return problems
