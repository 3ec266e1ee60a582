"""A pytest plugin (loaded with -p in pyproject.toml) that hands the MyST Markdown chapters to nbval: jupytext reads each .md notebook, nbval runs it cell by cell.

nbval only collects .ipynb files, so this hook turns every ``chapters/*.md`` into an nbval item. The
chapters carry no stored outputs, so nbval runs in lax mode (``--nbval-lax`` in pyproject.toml): a cell
fails only if it raises, and the chapters check their own numbers in assert cells tagged ``remove-cell``.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import jupytext
import nbval.plugin
from nbval.plugin import IPyNbFile

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = {ROOT / "chapters", ROOT / "assignments"}


class MystNotebook(IPyNbFile):
    """An nbval file item whose notebook is read from MyST Markdown through jupytext."""

    def collect(self):
        with mock.patch.object(nbval.plugin.nbformat, "read", lambda path, as_version: jupytext.read(path)):
            yield from super().collect()


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".md" and file_path.parent in NOTEBOOK_FOLDERS and file_path.name != "README.md":
        return MystNotebook.from_parent(parent, path=file_path)
    return None
