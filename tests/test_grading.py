"""The assignments' autograders: fake submissions made from each assignment's own notebooks get exactly the scores they deserve.

One ``courseware.grading.grade`` run per assignment, two submissions at a time, as ``make grade`` does.
Assignment 1 gets every kind of fake submission; the others their untouched student notebook (0) and
their solution notebook (full marks), and assignment 2 also a call of the library.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from courseware import assignments as asg
from courseware import grading
from courseware import student_edition as se

ROOT = Path(__file__).resolve().parent.parent
SOURCES = asg.assignment_sources(ROOT)
NAMES = [p.stem for p in SOURCES]
CELL_TIMEOUT = 5.0  # shorter than `make grade`'s 20 s, to keep the test quick
LAST_RESORT = 300.0  # seconds before a whole submission is killed (make grade: 600)


def _solution_sources(path: Path) -> dict[str, str]:
    """question name -> the source of its solution cell."""
    cells = [c for c in jupytext.read(path).cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])]
    return {re.search(r"^def (\w+)\(", c.source, re.M).group(1): c.source for c in cells}


def _student(path: Path, answers: dict[str, str] | None = None, extra: list[tuple[int, str]] = ()) -> nbformat.NotebookNode:
    """The student notebook with some stubs filled in (``answers``: question -> cell source) and extra cells inserted."""
    notebook = se.student_notebook(path)
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        match = re.search(r"^def (\w+)\(", cell.source, re.M)
        if "student" in cell.metadata.get("tags", []) and match and match.group(1) in (answers or {}):
            cell.source = answers[match.group(1)]
    for index, source in extra:
        notebook.cells.insert(index, nbformat.v4.new_code_cell(source))
    return notebook


def _fakes(path: Path) -> dict[str, tuple[nbformat.NotebookNode, dict[str, float]]]:
    """Fake submissions and the exact score each question must get."""
    full, solutions = asg.points(path.stem), _solution_sources(path)
    zero = dict.fromkeys(full, 0.0)
    fakes = {
        "untouched": (_student(path), zero),
        "solution": (asg.solution_notebook(path, execute=False), full),
    }
    if path.stem == "01_exponential_score":
        right = solutions["exponential_score"]
        header = 'def score_function_terms(f, x, rate):\n    """Fake."""\n'
        redefine = (
            "import reparam.checks\n"
            "def check_exponential_score(f, time_limit=None):\n    print('✓ exponential_score: all 4 cases agree'); return True\n"
            "def check_score_function_terms(f, time_limit=None):\n    print('✓ score_function_terms: all 9 cases agree'); return True\n"
            "reparam.checks.check_exponential_score = check_exponential_score\n"
            "reparam.checks.check_score_function_terms = check_score_function_terms\n"
        )
        fakes |= {
            # agrees with the right answer at rate = 1, and only there
            "wrong": (_student(path, {**solutions, "score_function_terms": header + "    return f(x) * (1 - rate * x)\n"}),
                      {"exponential_score": 3.0, "score_function_terms": 0.0}),
            "raises": (_student(path, {**solutions, "score_function_terms": header + "    raise ValueError('oops')\n"}, [(-1, "1 / 0")]),
                       {"exponential_score": 3.0, "score_function_terms": 0.0}),
            "endless": (_student(path, {**solutions, "score_function_terms": header + "    while True:\n        pass\n"}),
                        {"exponential_score": 3.0, "score_function_terms": 0.0}),
            "redefines_checks": (_student(path, {}, [(2, redefine)]), zero),
            "calls_library": (_student(path, {**solutions, "exponential_score": right.split('    """\n')[0] + '    """\n    return rp.Exponential(rate).score(x)["rate"]\n'}),
                              {"exponential_score": 0.0, "score_function_terms": 3.0}),
        }
    if path.stem == "02_lognormal_pathwise":
        body = (
            'def lognormal_pathwise_terms(df, eps, mu, sigma):\n    """Fake."""\n'
            "    terms = rp.pathwise(lambda y: df(np.exp(y)) * np.exp(y), rp.Normal(mu, sigma), eps.size, rng=0)\n"
            '    return {"mu": terms["loc"], "sigma": terms["scale"]}\n'
        )
        fakes["calls_library"] = (_student(path, {"lognormal_pathwise_terms": body}), zero)
    if path.stem == "09_surrogate_loss":  # draws that keep their path: only the hidden case that passes one catches it
        keeps_path = solutions["surrogate_loss"].replace("    x = jax.lax.stop_gradient(x)\n", "")
        fakes["keeps_the_path"] = (_student(path, {"surrogate_loss": keeps_path}), {"surrogate_loss": 2.0})
    return fakes


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every assignment built (solution notebooks not executed: grading runs them anyway)."""
    out = tmp_path_factory.mktemp("assignments")
    return {path.stem: asg.build(path, out, execute=False) for path in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_fake_submissions_get_exactly_the_scores_they_deserve(path, built, tmp_path):
    fakes = _fakes(path)
    for name, (notebook, _) in fakes.items():
        nbformat.write(notebook, tmp_path / f"{name}.ipynb")
    results = grading.grade(path.stem, tmp_path, built[path.stem]["autograder"], cell_timeout=CELL_TIMEOUT,
                            submission_timeout=LAST_RESORT)
    with (tmp_path / "grades.csv").open(newline="") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    questions = list(asg.points(path.stem))
    assert list(next(iter(rows.values()))) == ["file", *questions, "total", "possible"]
    possible = sum(asg.points(path.stem).values())
    for name, (_, expected) in fakes.items():
        row = rows[f"{name}.ipynb"]
        got = {q: float(row[q]) for q in questions}
        feedback = (tmp_path / "feedback" / f"{name}.txt").read_text()
        assert got == expected, (name, got, feedback)
        assert float(row["total"]) == sum(expected.values()) and float(row["possible"]) == possible, row
    if "endless" in fakes:  # the per-cell and per-call limits end it, not the last-resort kill (no wall-clock bound:
        endless = next(r for r in results if r.file == "endless.ipynb")  # a loaded machine is slower)
        assert endless.seconds < LAST_RESORT and not endless.problems, endless
        assert "did not finish within" in (tmp_path / "feedback" / "endless.txt").read_text()
    if "calls_library" in fakes:
        assert "derive it and code it yourself" in (tmp_path / "feedback" / "calls_library.txt").read_text()


def test_every_assignment_has_tests_with_public_and_hidden_cases():
    assert len(SOURCES) >= 6
    for path in SOURCES:
        assert set(asg.questions(path.stem)) == set(_solution_sources(path)), path  # one test file per function
        for question in asg.questions(path.stem):
            text = (ROOT / "assignments" / "tests" / path.stem / f"{question}.py").read_text()
            assert text.count("hidden=False") == 1 and text.count("hidden=True") >= 2, question
            assert text.count("checks.call_student(") >= 2, question  # the hidden cases call through the guard


def _solution_lines(path: Path) -> list[str]:
    """Lines of solution code that would give an answer away: the bodies of the solution cells, less lines the
    rest of the notebook shows anyway (such as the definition of the path x = exp(mu + sigma * eps))."""
    shown = "\n".join(c.source for c in jupytext.read(path).cells if "solution" not in c.metadata.get("tags", [])).replace("`", "")
    lines = []
    for source in _solution_sources(path).values():
        body = source.split('    """\n', 2)[-1]  # after the docstring
        lines += [line.strip() for line in body.splitlines() if len(line.strip()) > 12 and line.strip() not in shown]
    return lines


def test_student_notebooks_hold_no_solution_and_solution_notebooks_do(built):
    for path in SOURCES:
        secret = _solution_lines(path)
        student = nbformat.read(built[path.stem]["student"], as_version=4)
        text = "\n".join(c.source for c in student.cells)
        assert secret and not [line for line in secret if line in text], path
        assert all(c.get("outputs", []) == [] for c in student.cells if c.cell_type == "code")
        solution = "\n".join(c.source for c in nbformat.read(built[path.stem]["solution"], as_version=4).cells)
        assert all(line in solution for line in secret), path


def test_the_autograder_holds_the_tests_and_reparam_but_no_notebook(built):
    import zipfile

    for path in SOURCES:
        names = zipfile.ZipFile(built[path.stem]["autograder"]).namelist()
        assert {f"tests/{q}.py" for q in asg.questions(path.stem)} <= set(names)
        assert "files/reparam/checks.py" in names
        assert "numpy==" in zipfile.ZipFile(built[path.stem]["autograder"]).read("environment.yml").decode()
        assert path.stem != "09_surrogate_loss" or "jax==" in zipfile.ZipFile(built[path.stem]["autograder"]).read("environment.yml").decode()
        assert not [n for n in names if n.endswith(".ipynb") or n.endswith(".md")], names


def test_a_stray_notebook_beside_a_source_neither_breaks_nor_leaks(tmp_path):
    root = tmp_path / "book"
    (root / "assignments").mkdir(parents=True)
    for item in ("_config.yml", "requirements.txt"):
        shutil.copy(ROOT / item, root / item)
    shutil.copytree(ROOT / "reparam", root / "reparam", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments" / "tests" / "04_gumbel_max", root / "assignments" / "tests" / "04_gumbel_max")
    source = root / "assignments" / "04_gumbel_max.md"
    shutil.copy(ROOT / "assignments" / "04_gumbel_max.md", source)
    (root / "_toc.yml").write_text("format: jb-book\nroot: assignments/04_gumbel_max\n")
    stray = jupytext.read(source)  # what `jupytext --to ipynb` leaves beside the source: solutions and all
    nbformat.write(stray, root / "assignments" / "04_gumbel_max.ipynb")
    (root / "assignments" / "notes.md").write_text("---\njupytext:\n---\nnot in the table of contents\n")

    assert asg.assignment_sources(root) == [source]
    notebooks = se.write_notebooks(root, tmp_path / "notebooks")
    assert [p.name for p in notebooks] == ["04_gumbel_max.ipynb"]
    staged = se.write_sources(root, tmp_path / "source")
    assert not list(staged.rglob("*.ipynb")) and not (staged / "assignments" / "tests").exists()
    written = asg.build(source, tmp_path / "built", execute=False)
    assert all(p.exists() for p in written.values())


BOOKS = [ROOT / "_build" / "html", ROOT / "_build" / "student" / "html"]  # the public book, the student edition


@pytest.mark.parametrize("book", BOOKS, ids=["public", "student"])
def test_the_books_show_assignments_without_solutions(book):
    if not (book / "assignments").is_dir():
        pytest.skip(f"{book} is not built; run `make book` and `make student`")
    for path in SOURCES:
        page = book / "assignments" / f"{path.stem}.html"
        downloads = sorted((book / "_sources" / "assignments").glob(f"{path.stem}.*"))
        assert page.is_file() and downloads, (page, downloads)
        secret = _solution_lines(path)
        for built_file in [page, *downloads]:
            text = built_file.read_text(encoding="utf-8")
            html_text = html.unescape(re.sub(r"<[^>]+>", "", text))  # code as shown, without the highlighting's spans
            assert not [line for line in secret if line in text or line in html_text], built_file
        assert "is yours to write" in page.read_text(encoding="utf-8"), page  # the stub is there instead
