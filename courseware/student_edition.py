"""Build the student edition of the book from the same sources: no solutions, every exercise kept.

``make student`` runs ``python -m courseware.student_edition``, which writes

* ``_build/student/notebooks/{chapters,assignments}/*.ipynb``: the notebooks without solutions, outputs cleared;
* ``_build/student/html``: the HTML book built (warnings as errors) from a stripped copy of the sources
  in ``_build/student/source``.

Two conventions mark what a student must not see (CONTRIBUTING.md and instructor.md describe them):

1. **Gated solutions** in chapters and assignments: everything from a ``{solution-start}`` fence to the end
   of its ``{solution-end}`` fence is deleted (a plain ``{solution}`` directive is deleted whole), so the
   solution is *removed*, not collapsed. The ``{exercise}`` directives stay.
2. **Assignment cells** (code cells, by tag):

   * ``solution``: only imports and function definitions, each with a docstring. The student gets the
     same cell with every function cut down to its ``def`` line and docstring, followed by
     ``# YOUR CODE HERE`` and ``raise NotImplementedError``; the tag becomes ``student``.
   * ``instructor``: deleted (e.g. asserts that test the reference solution).

The HTML build also sets sphinx-exercise's ``hide_solutions`` (a second guard), titles the book
"(student edition)", drops the instructor page from the table of contents, and does not execute the
assignment pages (their stubs raise ``NotImplementedError`` until a student fills them in).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = ("chapters", "assignments")
INSTRUCTOR_PAGES = ("assignments/instructor",)  # toc names of pages left out of the student edition
STUDENT_TAG, SOLUTION_TAG, INSTRUCTOR_TAG = "student", "solution", "instructor"
IGNORE = shutil.ignore_patterns(
    "_build", ".venv", ".git", "node_modules", ".jupyter_cache", "__pycache__", ".ipynb_checkpoints",
    ".pytest_cache", "*.egg-info", "tests", "benchmarks", "courseware", "*.ipynb",
)

_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>solution|solution-start|solution-end)\}")


# removing solutions ------------------------------------------------------------------------------
def _close(lines: list[str], start: int, fence: str) -> int:
    """Index of the line that closes the directive opened on ``lines[start]`` with ``fence``."""
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return i
    raise ValueError(f"the directive opened on line {start + 1} ({lines[start].strip()!r}) is never closed")


def strip_solutions(text: str) -> str:
    """Delete every solution from MyST text: gated ``solution-start`` ... ``solution-end`` blocks and ``{solution}`` directives.

    A gated block is deleted from the ``{solution-start}`` fence to the closing fence of its
    ``{solution-end}``, inclusive, with whatever cells lie between. A ``solution-start`` without a matching
    ``solution-end`` is an error (the build would leave the solution visible).
    """
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            kept.append(lines[i])
            i += 1
            continue
        name, end = match["name"], _close(lines, i, match["fence"])
        if name == "solution-end":
            raise ValueError(f"line {i + 1}: solution-end without a solution-start before it")
        if name == "solution-start":
            j = end + 1
            while j < len(lines) and not (_OPEN.match(lines[j]) and _OPEN.match(lines[j])["name"] == "solution-end"):
                if _OPEN.match(lines[j]) and _OPEN.match(lines[j])["name"] == "solution-start":
                    raise ValueError(f"line {j + 1}: solution-start inside the solution opened on line {i + 1}")
                j += 1
            if j == len(lines):
                raise ValueError(f"the solution-start on line {i + 1} has no solution-end")
            end = _close(lines, j, _OPEN.match(lines[j])["fence"])
        i = end + 1
        while kept and i < len(lines) and not kept[-1].strip() and not lines[i].strip():
            i += 1  # do not leave a pile of blank lines where the solution was
    return "".join(kept)


def stub_source(source: str, where: str = "a solution cell") -> str:
    """Cut a solution cell down to what a student starts from.

    Imports are kept; each function keeps its decorators, ``def`` line and docstring, and its body becomes
    ``# YOUR CODE HERE`` and ``raise NotImplementedError``. Anything else in a ``solution`` cell (or a
    function without a docstring) is refused, because the student would get no specification.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    parts: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            parts.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
        elif isinstance(node, ast.FunctionDef):
            first = node.body[0]
            if ast.get_docstring(node) is None or first.lineno == node.lineno:
                raise ValueError(f"{where}: function {node.name!r} needs a docstring on its own lines (the student's spec)")
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            indent = " " * first.col_offset
            header = "\n".join(lines[start - 1 : first.end_lineno])
            parts.append(
                f"{header}\n{indent}# YOUR CODE HERE\n"
                f'{indent}raise NotImplementedError("{node.name} is yours to write")'
            )
        else:
            raise ValueError(
                f"{where}: line {node.lineno}: a solution cell holds only imports and documented functions; "
                f"got a {type(node).__name__} statement"
            )
    return "\n\n\n".join(parts)


def student_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a MyST notebook and return its student version: no solutions, stubs for solution cells, no outputs."""
    notebook = jupytext.reads(strip_solutions(path.read_text(encoding="utf-8")), fmt="md:myst")
    cells = []
    for index, cell in enumerate(notebook.cells):
        tags = list(cell.metadata.get("tags", []))
        if INSTRUCTOR_TAG in tags:
            continue
        if cell.cell_type == "code" and SOLUTION_TAG in tags:
            cell.source = stub_source(cell.source, f"{path.name}, cell {index}")
            cell.metadata["tags"] = [STUDENT_TAG if t == SOLUTION_TAG else t for t in tags]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    notebook.cells = cells
    return notebook


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file`` entry of ``_toc.yml`` (root first), in book order: the pages the editions are built from."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] if "root" in toc else []

    def walk(entries: list) -> None:
        for entry in entries:
            if isinstance(entry, dict):
                if "file" in entry:
                    files.append(str(entry["file"]))
                for key in ("chapters", "sections", "parts"):
                    walk(entry.get(key, []))

    for key in ("chapters", "parts"):
        walk(toc.get(key, []))
    return files


def notebook_sources(root: Path = ROOT) -> list[Path]:
    """The MyST notebooks that go to students: the ``chapters/`` and ``assignments/`` pages of the table of
    contents, not the instructor page. Only toc pages count, so a stray file beside a source (say an
    ``.ipynb`` left by jupytext) never reaches an edition."""
    sources = []
    for name in toc_files(root):
        path = root / f"{name}.md"
        if (
            path.parent.relative_to(root).as_posix() in NOTEBOOK_FOLDERS
            and name not in INSTRUCTOR_PAGES
            and path.read_text(encoding="utf-8").startswith("---\njupytext:")
        ):
            sources.append(path)
    return sources


# writing the edition -----------------------------------------------------------------------------
def write_notebooks(root: Path = ROOT, out: Path | None = None) -> list[Path]:
    """Write every student notebook as ``.ipynb`` under ``out`` (default ``_build/student/notebooks``)."""
    out = out or root / "_build" / "student" / "notebooks"
    written = []
    for path in notebook_sources(root):
        target = out / path.parent.name / (path.stem + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = student_notebook(path)
        notebook.metadata.pop("jupytext", None)  # a plain notebook, not paired with a text file
        nbformat.validate(notebook)
        nbformat.write(notebook, target)
        written.append(target)
    return written


def _drop_pages(entries: list, pages: tuple[str, ...]) -> list:
    """Remove toc entries whose ``file`` is one of ``pages``, recursively; drop parts left empty."""
    kept = []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("file") in pages:
            continue
        if isinstance(entry, dict):
            entry = dict(entry)
            for key in ("chapters", "sections", "parts"):
                if key in entry:
                    entry[key] = _drop_pages(entry[key], pages)
            if any(key in entry and not entry[key] for key in ("chapters", "parts")) and "file" not in entry:
                continue
        kept.append(entry)
    return kept


def write_sources(root: Path = ROOT, out: Path | None = None) -> Path:
    """Copy the book's sources to ``out`` (default ``_build/student/source``) with every solution removed.

    The copy's ``_config.yml`` sets ``hide_solutions`` and the title; its ``_toc.yml`` loses the
    instructor page. The copy's own ``_build`` (the execution cache) survives between runs.
    """
    out = out or root / "_build" / "student" / "source"
    out.mkdir(parents=True, exist_ok=True)
    for item in out.iterdir():
        if item.name != "_build":
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    for item in root.iterdir():
        if IGNORE(str(root), [item.name]) or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, out / item.name, ignore=IGNORE)
        else:
            shutil.copy2(item, out / item.name)
    for page in INSTRUCTOR_PAGES:
        (out / f"{page}.md").unlink(missing_ok=True)

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    # The staged pages are already student pages, and courseware/ is not staged.
    config["sphinx"].get("local_extensions", {}).pop("courseware.public_pages", None)
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    for key in ("chapters", "parts"):
        if key in toc:
            toc[key] = _drop_pages(toc[key], INSTRUCTOR_PAGES)
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")

    for path in notebook_sources(root):
        (out / path.relative_to(root)).write_text(student_page(path), encoding="utf-8")
    return out


def student_page(path: Path) -> str:
    """The MyST text of a page without solutions; an assignment's page is not executed (its stubs raise).

    Both books use it: the student edition stages it, and the public book reads it in place of an
    assignment's source (``courseware.public_pages``).
    """
    notebook = student_notebook(path)
    if path.parent.name == "assignments":
        notebook.metadata["mystnb"] = {"execution_mode": "off"}
        notebook.metadata.setdefault("jupytext", {})["notebook_metadata_filter"] = "mystnb"  # keep it in the header
    return jupytext.writes(notebook, fmt="md:myst")


def build_html(root: Path = ROOT) -> Path:
    """Build the student HTML book into ``_build/student/html`` (warnings as errors); return that folder."""
    source = write_sources(root)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(source), "--builder", "html", "-W", "-n", "--keep-going"]
    # REPARAM_FIGURES=static, as in `make book`: slider figures become precomputed frames.
    subprocess.run(command, check=True, env={**os.environ, "REPARAM_FIGURES": "static"})
    html = root / "_build" / "student" / "html"
    shutil.rmtree(html, ignore_errors=True)
    shutil.copytree(source / "_build" / "html", html)
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks-only", action="store_true", help="write the notebooks, skip the HTML build")
    args = parser.parse_args(argv)
    notebooks = write_notebooks()
    print(f"student notebooks: {len(notebooks)} written to {ROOT / '_build' / 'student' / 'notebooks'}")
    if not args.notebooks_only:
        print(f"student book: {build_html()}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
