"""Build every assignment for handing out and grading: student notebook, solution notebook, autograder zip.

``make assignments`` runs ``python -m courseware.assignments``, which writes for each assignment NAME of
the table of contents (``assignments/NAME.md``):

* ``_build/assignments/NAME/student/NAME.ipynb``: the student notebook (solutions cut to stubs,
  ``instructor`` cells and gated solutions removed, outputs cleared), exactly as in the student edition;
* ``_build/assignments/NAME/solution/NAME.ipynb``: the instructor's worked notebook, executed;
* ``_build/assignments/NAME/autograder.zip``: what ``otter run`` and Gradescope take. It holds the tests
  of ``assignments/tests/NAME/`` (one otter-grader test file per question, public and hidden cases), a
  copy of ``reparam`` (so the grader checks against the version the course uses, and Gradescope needs no
  access to this repository), and the pinned numpy and scipy of ``requirements.txt`` (and jax, jaxlib when
  the tests import jax).

The zip is made by ``otter generate`` from the tests folder: the sources stay MyST notebooks with our own
solution and stub conventions, and no otter-specific master notebook is needed.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from courseware.student_edition import ROOT, notebook_sources, student_notebook

BUILD = ROOT / "_build" / "assignments"
TESTS = ROOT / "assignments" / "tests"
GRADING_REQUIREMENTS = ("numpy", "scipy")  # what `import reparam` needs, pinned as in requirements.txt
JAX_REQUIREMENTS = ("jax", "jaxlib")  # added for an assignment whose tests import jax


def assignment_sources(root: Path = ROOT) -> list[Path]:
    """The assignment sources of the table of contents (never a stray file beside them)."""
    return [path for path in notebook_sources(root) if path.parent.name == "assignments"]


def questions(name: str, tests: Path = TESTS) -> list[str]:
    """The questions of an assignment, in order: the names of its test files (and of the functions students write)."""
    folder = tests / name
    found = sorted(path.stem for path in folder.glob("*.py")) if folder.is_dir() else []
    if not found:
        raise ValueError(f"assignment {name!r} has no tests: expected otter test files in {folder}")
    return found


def points(name: str, tests: Path = TESTS) -> dict[str, float]:
    """Points possible per question: the sum of the ``points=`` of its ``@test_case`` decorators."""
    possible = {}
    for question in questions(name, tests):
        tree = ast.parse((tests / name / f"{question}.py").read_text(encoding="utf-8"))
        possible[question] = float(sum(
            keyword.value.value
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            for decorator in node.decorator_list if isinstance(decorator, ast.Call)
            for keyword in decorator.keywords if keyword.arg == "points"
        ))
    return possible


def _plain(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as a plain .ipynb: not paired with a text file, valid nbformat."""
    notebook.metadata.pop("jupytext", None)
    nbformat.validate(notebook)
    return notebook


def solution_notebook(path: Path, execute: bool = True) -> nbformat.NotebookNode:
    """The instructor's notebook: every cell of the source, run top to bottom in a fresh kernel (in the source's folder)."""
    notebook = jupytext.read(path)
    if execute:
        NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return _plain(notebook)


def _pins(names: tuple[str, ...], requirements: Path = ROOT / "requirements.txt") -> list[str]:
    lines = requirements.read_text(encoding="utf-8").splitlines()
    pins = [line.strip() for line in lines if re.match(rf"^({'|'.join(names)})==", line.strip(), re.IGNORECASE)]
    if len(pins) != len(names):
        raise ValueError(f"requirements.txt must pin each of {names} with ==; found {pins}")
    return pins


def autograder_zip(name: str, out: Path, root: Path = ROOT) -> Path:
    """Write ``out/autograder.zip`` with ``otter generate``: the assignment's tests, a copy of reparam, numpy and scipy
    pins (and jax's when the tests import it)."""
    questions(name, root / "assignments" / "tests")  # refuses an assignment without tests
    stage = out / "autograder-source"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.copytree(root / "assignments" / "tests" / name, stage / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "reparam", stage / "reparam", ignore=shutil.ignore_patterns("__pycache__"))
    uses_jax = any("import jax" in test.read_text(encoding="utf-8") for test in (stage / "tests").glob("*.py"))
    names = GRADING_REQUIREMENTS + (JAX_REQUIREMENTS if uses_jax else ())
    (stage / "requirements.txt").write_text("\n".join(_pins(names, root / "requirements.txt")) + "\n")
    from otter.generate import main as otter_generate  # in-process: the otter command costs seconds to start

    target = (out / "autograder.zip").resolve()
    target.unlink(missing_ok=True)
    with contextlib.chdir(stage), contextlib.redirect_stdout(io.StringIO()):
        otter_generate(tests_dir="tests", output_path=str(target), requirements="requirements.txt",
                       no_environment=True, no_config=True, files=["reparam"], python_version="3.11")
    shutil.rmtree(stage)
    return target


def build(path: Path, out: Path = BUILD, execute: bool = True) -> dict[str, Path]:
    """Build one assignment into ``out/NAME``; return the paths of its student notebook, solution notebook and zip."""
    name = path.stem
    folder = out / name
    written = {"student": folder / "student" / f"{name}.ipynb", "solution": folder / "solution" / f"{name}.ipynb"}
    for kind, target in written.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = _plain(student_notebook(path)) if kind == "student" else solution_notebook(path, execute)
        nbformat.write(notebook, target)
    written["autograder"] = autograder_zip(name, folder, path.parent.parent)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="assignments to build (default: all in the table of contents)")
    parser.add_argument("--no-execute", action="store_true", help="write the solution notebooks without running them")
    args = parser.parse_args(argv)
    sources = assignment_sources()
    unknown = set(args.names) - {p.stem for p in sources}
    if unknown:
        parser.error(f"unknown assignment(s) {sorted(unknown)}; the table of contents has {[p.stem for p in sources]}")
    for path in sources:
        if not args.names or path.stem in args.names:
            written = build(path, execute=not args.no_execute)
            print(f"{path.stem}: {', '.join(str(p.relative_to(ROOT)) for p in written.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
