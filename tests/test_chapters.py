"""The chapters as sources that read the same in the book and in JupyterLab, and survive a save unchanged.

* Numbers in prose come from ``{eval}`` (myst-nb inline in the book, jupyterlab-myst in JupyterLab), never
  from ``glue``, which JupyterLab shows as a raw placeholder.
* References that JupyterLab would show as raw labels (``{numref}``, ``{doc}``, ``{ref}`` to another file)
  are absent.
* Cells the book hides are collapsed in JupyterLab too; solution code is folded.
* Opening, running and saving a chapter through jupytext's contents manager (the one JupyterLab uses) leaves
  the ``.md`` byte-identical.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import jupytext
import pytest
from jupytext import AsyncTextFileContentsManager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.md"))
IDS = [f"{p.parent.name}/{p.name}" for p in NOTEBOOKS]
RAW_IN_JUPYTERLAB = re.compile(r"\{glue(:[a-z]+)?\}|\{numref\}|\{doc\}")
HIDDEN_TAGS = {"remove-cell", "hide-input", "remove-input"}


def _labels(path: Path) -> set[str]:
    text = path.read_text()
    return set(re.findall(r"^\((.+?)\)=\s*$", text, re.M)) | set(re.findall(r"^:label: (\S+)", text, re.M)) | set(
        re.findall(r"^\s*name: (\S+)", text, re.M)
    ) | set(re.findall(r"^\$\$ *\((\S+)\)\s*$", text, re.M))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_markup_that_jupyterlab_shows_raw(path):
    text = path.read_text()
    assert not RAW_IN_JUPYTERLAB.findall(text), RAW_IN_JUPYTERLAB.findall(text)
    assert "myst_nb" not in text, "chapters must run without myst_nb (the .ipynb download, a plain JupyterLab)"
    local = _labels(path)
    for target in re.findall(r"\{(?:ref|eq|prf:ref)\}`(?:[^`<]*<)?([^`>]+)>?`", text):
        assert target in local, f"{target!r} is not in {path.name}: link to the other chapter's .md instead"
    for link in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
        assert (path.parent / link).is_file(), f"link to {link}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_hidden_cells_are_collapsed_in_jupyterlab(path):
    notebook = jupytext.read(path)
    in_solution = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            start, end = cell.source.rfind("{solution-start}"), cell.source.rfind("{solution-end}")
            in_solution = in_solution if start == end == -1 else start > end  # the last marker in the cell wins
            continue
        hidden = cell.metadata.get("jupyter", {})
        if HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
            assert hidden.get("source_hidden") is True, cell.source[:200]
        if in_solution and cell.cell_type == "code":
            assert hidden.get("source_hidden") is True, cell.source[:200]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernelspec_matches_the_installed_kernel(path):
    from jupyter_client.kernelspec import KernelSpecManager

    kernelspec = jupytext.read(path).metadata["kernelspec"]
    installed = KernelSpecManager().get_kernel_spec(kernelspec["name"])
    assert kernelspec["display_name"] == installed.display_name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_open_run_save_leaves_the_file_unchanged(path, tmp_path):
    """What JupyterLab does: read through jupytext, run (outputs, counts, evaluated prose), save back."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)  # the [tool.jupytext] settings, found as in the repository
    shutil.copy(path, tmp_path / path.name)
    manager = AsyncTextFileContentsManager(root_dir=str(tmp_path))  # jupyter_server's, as JupyterLab's
    model = asyncio.run(manager.get(path.name))
    notebook = model["content"]
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    notebook.metadata["kernelspec"] = dict(notebook.metadata["kernelspec"])
    for count, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            cell.execution_count = count
            cell.outputs = [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
        elif "{eval}" in cell.source:
            cell.metadata["user_expressions"] = [
                {"expression": "x", "result": {"status": "ok", "data": {"text/plain": "1"}, "metadata": {}}}
            ]
    asyncio.run(manager.save(model, path.name))
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()
    assert not (tmp_path / path.with_suffix(".ipynb").name).exists()
