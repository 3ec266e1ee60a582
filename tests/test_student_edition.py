"""The student edition: no solution survives, every exercise remains, and the assignments run up to the first stub."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from courseware import student_edition as se

ROOT = Path(__file__).resolve().parent.parent
SOURCES = se.notebook_sources(ROOT)
ASSIGNMENTS = [p for p in SOURCES if p.parent.name == "assignments"]
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise(-start)?\}", re.MULTILINE)
SOLUTION = re.compile(r"\{solution(-start|-end)?\}")


def _text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


def _solution_cells(path: Path) -> list[nbformat.NotebookNode]:
    notebook = jupytext.read(path)
    return [c for c in notebook.cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])]


# the transformations -------------------------------------------------------------------------------
GATED = """\
:::{exercise}
:label: ex-a

Prove it.
:::

````{solution-start} ex-a
:class: dropdown
````

Secret prose.

```{code-cell} ipython3
secret = 1
```

````{solution-end}
````

:::{solution} ex-a
Another secret.
:::

## Next
"""


def test_strip_solutions_removes_gated_blocks_and_plain_solutions_and_keeps_the_exercise():
    stripped = se.strip_solutions(GATED)
    assert "secret" not in stripped.lower() and "solution" not in stripped, stripped
    assert ":::{exercise}\n:label: ex-a\n\nProve it.\n:::" in stripped
    assert stripped.rstrip().endswith("## Next")


@pytest.mark.parametrize(
    "broken",
    [
        "````{solution-start} ex-a\n````\ntext\n",  # never ended
        "````{solution-end}\n````\n",  # ended, never started
        "````{solution-start} ex-a\n````\n````{solution-start} ex-b\n````\n````{solution-end}\n````\n",
    ],
)
def test_strip_solutions_refuses_unbalanced_markers(broken):
    with pytest.raises(ValueError, match="solution"):
        se.strip_solutions(broken)


def test_stub_keeps_imports_signature_and_docstring_and_raises_not_implemented():
    source = 'import numpy as np\n\ndef f(x, rate):\n    """Spec."""\n    y = 1.0 / rate\n    return y - x\n'
    stub = se.stub_source(source)
    assert "import numpy as np" in stub and 'def f(x, rate):\n    """Spec."""\n    # YOUR CODE HERE' in stub
    assert "return" not in stub and "1.0 / rate" not in stub
    namespace: dict = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1.0, 2.0)


@pytest.mark.parametrize(
    "source, message",
    [
        ("def f(x):\n    return x\n", "docstring"),
        ('def f(x): """Spec."""; return x\n', "docstring"),
        ('answer = 42\n', "only imports and documented functions"),
    ],
)
def test_stub_refuses_solution_cells_it_cannot_turn_into_a_specification(source, message):
    with pytest.raises(ValueError, match=message):
        se.stub_source(source)


# the real notebooks --------------------------------------------------------------------------------
def test_there_are_chapters_and_at_least_three_assignments():
    assert {p.parent.name for p in SOURCES} == {"chapters", "assignments"}
    assert len(ASSIGNMENTS) >= 3
    assert all(_solution_cells(p) for p in ASSIGNMENTS)
    assert not any(p.stem == "instructor" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_student_notebook_has_no_solution_and_every_exercise(path):
    source_text = path.read_text(encoding="utf-8")
    student = se.student_notebook(path)
    text = _text(student)
    assert not SOLUTION.search(text), SOLUTION.search(text)
    assert len(EXERCISE.findall(text)) == len(EXERCISE.findall(source_text))
    for cell in student.cells:
        tags = cell.metadata.get("tags", [])
        assert "solution" not in tags and "instructor" not in tags, cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    for solution in _solution_cells(path):  # not one line of a solution's body survives
        body = [line.strip() for line in solution.source.splitlines() if line.strip().startswith("return ")]
        assert body and not any(line in text for line in body), body
    nbformat.validate(student)


def _run(notebook: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    manager = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(notebook, km=manager, timeout=60, allow_errors=True, resources={"metadata": {"path": str(cwd)}})
    return client.execute()


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_student_assignment_runs_up_to_the_first_cell_a_student_fills(path):
    notebook = _run(se.student_notebook(path), path.parent)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    first_stub = next(i for i, c in enumerate(code) if "student" in c.metadata.get("tags", []))
    errors = [(i, o) for i, c in enumerate(code) for o in c.outputs if o.output_type == "error"]
    if errors:  # the first error is the stub's NotImplementedError, in a cell after the first stub
        index, error = errors[0]
        assert index > first_stub and error.ename == "NotImplementedError", (index, error.ename, error.evalue)
    printed = "".join(o.get("text", "") for c in code[first_stub + 1 :] for o in c.outputs)
    assert "not implemented yet" in printed and "✓" not in printed, printed  # the checks say what to do


def test_staged_sources_have_no_solution_and_no_instructor_page(tmp_path):
    out = se.write_sources(ROOT, tmp_path / "source")
    assert yaml.safe_load((out / "_config.yml").read_text())["sphinx"]["config"]["hide_solutions"] is True
    assert "assignments/instructor" not in (out / "_toc.yml").read_text()
    assert not (out / "assignments" / "instructor.md").exists()
    for path in SOURCES:
        staged = (out / path.relative_to(ROOT)).read_text(encoding="utf-8")
        assert not SOLUTION.search(staged), path
        assert len(EXERCISE.findall(staged)) == len(EXERCISE.findall(path.read_text(encoding="utf-8"))), path


STUDENT_HTML = ROOT / "_build" / "student" / "html"


@pytest.mark.skipif(not STUDENT_HTML.is_dir(), reason="the student book is not built; run `make student`")
def test_built_student_html_has_exercises_but_no_solutions():
    pages = {p: p.read_text(encoding="utf-8") for p in STUDENT_HTML.rglob("*.html")}
    assert pages and not (STUDENT_HTML / "assignments" / "instructor.html").exists()
    markup = re.compile(r'class="[^"]*\bsolution\b|id="solution-content"|Solution to')  # sphinx-exercise's solution HTML
    assert not [p for p, html in pages.items() if markup.search(html)]
    assert not [p for p in (STUDENT_HTML / "_sources").rglob("*") if p.is_file() and SOLUTION.search(p.read_text())]
    for path in SOURCES:
        page = STUDENT_HTML / path.relative_to(ROOT).with_suffix(".html")
        if page in pages:
            assert pages[page].count('class="exercise admonition"') == len(EXERCISE.findall(path.read_text())), page
