"""Fixtures shared by the test modules: real projects written to tmp dirs.

See helpers.py for the project layout (the repository's mkdocs.yml and site_config/
overrides, a test vocabulary and test content) and the in-process CLI runner.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# MkDocs 1.x prints a notice about MkDocs 2 on every build; our pin answers it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from helpers import write_project  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shipped_content: checks the shipped content in content/ (fails while that content is incomplete or invalid)")


@pytest.fixture
def make_project(tmp_path: Path):
    """`make_project(files, tags=None, mkdocs_edits=None) -> mkdocs.yml` in a fresh folder of tmp_path."""
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes], **options) -> Path:
        return write_project(tmp_path / f"project{next(counter)}", files, **options)

    return make
