"""Curated ML-paper newsletter generator.

Data flows one way, one stage after the other:

    read/       files on disk      -> Content (notes, issues, vocabulary, problems)
    grouping.py Content            -> Site (months with sections, tags with papers)
    render.py   Site               -> Pages (Markdown text per URL)
    outputs/    Site (+ rendered HTML) -> finished files: feeds, search records
    mkdocs/     Pages              -> MkDocs (in-memory files, nav, live-reload)
    checks/     the built site     -> broken links

`model.py` and `slugs.py` are the plain data and the slug rules every stage
shares; `speed/` (forks, memos) only makes stages faster and imports no stage.
A stage imports only the ones before it (tests/test_layout.py checks this from
the imports), and only `mkdocs/` and `cli.py` import MkDocs. Everything but
`read/` and the adapter is a pure function over the frozen dataclasses in
model.py.

Modules that moved into these packages still import under their old names
(`generator.reader`, `generator.plugin`, `generator.rawhtml` as a Markdown
extension named in an existing mkdocs.yml, ...): the finder below hands out the
moved module itself, so old and new name are one module object.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

# old module name -> where it lives now
MOVED = {
    "generator.reader": "generator.read",
    "generator.feeds": "generator.outputs.feeds",
    "generator.plugin": "generator.mkdocs.plugin",
    "generator.rawhtml": "generator.mkdocs.rawhtml",
    "generator.cache": "generator.mkdocs.cache",
    "generator.incremental": "generator.mkdocs.incremental",
    "generator.background": "generator.speed.background",
    "generator.memo": "generator.speed.memo",
    "generator.linkcheck": "generator.checks.linkcheck",
}


class _OldNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        # The module under its new name: its own __name__ and __spec__ are kept, so
        # pickles and log records name the new place.
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module) -> None:
        pass  # already executed under its new name


# First in line: an editable install's finder would otherwise look for the old file.
if not any(isinstance(finder, _OldNames) for finder in sys.meta_path):
    sys.meta_path.insert(0, _OldNames())
