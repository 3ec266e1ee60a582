"""Grade a folder of submitted notebooks with an assignment's autograder: grades.csv and one feedback file each.

``make grade ASSIGNMENT=NAME SUBMISSIONS=DIR`` runs ``python -m courseware.grading NAME DIR``, which grades
every ``DIR/*.ipynb`` with ``_build/assignments/NAME/autograder.zip`` (``make assignments`` builds it) and
writes

* ``DIR/grades.csv``: one row per submission, columns ``file``, one per question, ``total``, ``possible``;
* ``DIR/feedback/STEM.txt``: the scores, the public tests' messages, and how many hidden tests passed.

Each submission is graded by ``otter run`` in a process of its own, in a fresh kernel, from the
autograder's own tests, so what the notebook printed (or a ``check_*`` it redefined) counts for nothing.
Three limits keep a bad submission from hanging the run or raising its score:

* every cell of the submission may run ``cell_timeout`` seconds (a cell the grader puts first arms a
  ``SIGALRM`` timer before each cell; a cell that overruns fails with ``TimeoutError`` and the rest run);
* every call of the student's function in a test has its own limit (``reparam.checks.call_student``);
* the whole ``otter run`` is killed after ``submission_timeout`` seconds, and the submission scores 0.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from courseware.assignments import BUILD, ROOT, points

CELL_TIMEOUT = 20.0  # seconds per cell of a submission
SUBMISSION_TIMEOUT = 600.0  # seconds for a whole submission, the last resort

_LIMIT_START = '''\
# Added by the grader: each cell below may run {seconds:g} seconds.
def _grader_cell_limit():
    import signal
    from IPython import get_ipython

    def expire(signum, frame):
        raise TimeoutError("this cell ran longer than {seconds:g} s, the grader's limit per cell")

    def arm(info):
        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, {seconds!r}, 0.05)

    def disarm(result):
        signal.setitimer(signal.ITIMER_REAL, 0)

    shell = get_ipython()
    shell.events.register("pre_run_cell", arm)
    shell.events.register("post_run_cell", disarm)
    return shell, arm, disarm


_grader_limit = _grader_cell_limit()
'''

_LIMIT_END = '''\
# Added by the grader: the tests that follow have limits of their own.
import signal as _grader_signal

_grader_signal.setitimer(_grader_signal.ITIMER_REAL, 0)
_grader_limit[0].events.unregister("pre_run_cell", _grader_limit[1])
_grader_limit[0].events.unregister("post_run_cell", _grader_limit[2])
'''


@dataclass
class Result:
    """One submission's scores (question -> points), the points possible, and the feedback text."""

    file: str
    scores: dict[str, float]
    possible: dict[str, float]
    feedback: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def guarded_copy(submission: Path, target: Path, cell_timeout: float) -> None:
    """Write ``submission`` to ``target`` with outputs cleared and the per-cell limit around its cells."""
    notebook = nbformat.read(submission, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.cells.insert(0, nbformat.v4.new_code_cell(_LIMIT_START.format(seconds=float(cell_timeout))))
    notebook.cells.append(nbformat.v4.new_code_cell(_LIMIT_END))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, target)


def _feedback(results: object, possible: dict[str, float]) -> str:
    """Scores per question, the public tests' messages, and the count of hidden tests passed."""
    lines = []
    for name in possible:
        test_file = results.results.get(name)
        if test_file is None:
            lines.append(f"{name}: 0 / {possible[name]:g} (not graded)")
            continue
        cases = test_file.test_case_results
        lines.append(f"{name}: {test_file.score:g} / {test_file.possible:g}")
        for case in cases:
            if not case.test_case.hidden:
                verdict = "passed" if case.passed else "failed"
                lines.append(f"  public test {verdict}")
                if not case.passed:
                    lines.extend("    " + line for line in case.message.splitlines()[1:])
        hidden = [case for case in cases if case.test_case.hidden]
        if hidden:
            lines.append(f"  hidden tests: {sum(case.passed for case in hidden)} of {len(hidden)} passed")
    return "\n".join(lines) + "\n"


def grade_one(submission: Path, autograder: Path, names: list[str], cell_timeout: float = CELL_TIMEOUT,
              submission_timeout: float = SUBMISSION_TIMEOUT) -> Result:
    """Grade one notebook with ``otter run`` in a process of its own; any failure scores 0 with a reason."""
    start = time.monotonic()
    zero = dict.fromkeys(names, 0.0)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        work = Path(scratch)
        notebook = work / "submission.ipynb"
        try:
            guarded_copy(submission, notebook, cell_timeout)
        except Exception as error:  # not a notebook at all
            return Result(submission.name, zero, zero, f"not gradable: {type(error).__name__}: {error}\n", problems=["unreadable"])
        otter = Path(sys.executable).with_name("otter")
        command = [str(otter), "run", "-a", str(autograder), "-o", str(work), "--no-logo", "-p", str(notebook)]
        try:
            run = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=submission_timeout)
        except subprocess.TimeoutExpired:
            return Result(submission.name, zero, zero, f"not graded: it ran longer than {submission_timeout:g} s\n",
                          time.monotonic() - start, ["timeout"])
        pickled = work / "results.pkl"
        if run.returncode != 0 or not pickled.exists():
            tail = "\n".join((run.stdout + run.stderr).splitlines()[-15:])
            return Result(submission.name, zero, zero, f"not graded: the grader failed\n{tail}\n", time.monotonic() - start, ["grader"])
        with pickled.open("rb") as handle:
            results = pickle.load(handle)
    scores = {name: float(results.results[name].score) if name in results.results else 0.0 for name in names}
    possible = {name: float(results.results[name].possible) if name in results.results else 0.0 for name in names}
    return Result(submission.name, scores, possible, _feedback(results, possible), time.monotonic() - start)


def grade(assignment: str, submissions: Path, autograder: Path | None = None, cell_timeout: float = CELL_TIMEOUT,
          submission_timeout: float = SUBMISSION_TIMEOUT, jobs: int = 2) -> list[Result]:
    """Grade every ``submissions/*.ipynb``; write ``grades.csv`` and ``feedback/STEM.txt`` there; return the results."""
    autograder = autograder or BUILD / assignment / "autograder.zip"
    if not autograder.is_file():
        raise FileNotFoundError(f"no autograder at {autograder}: run `make assignments` first")
    if not submissions.is_dir():
        raise NotADirectoryError(f"SUBMISSIONS must be a folder of .ipynb files; got {submissions}")
    possible = points(assignment, ROOT / "assignments" / "tests")
    names = list(possible)
    files = sorted(submissions.glob("*.ipynb"))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda f: grade_one(f, autograder, names, cell_timeout, submission_timeout), files))
    feedback = submissions / "feedback"
    feedback.mkdir(exist_ok=True)
    with (submissions / "grades.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", *names, "total", "possible"])
        for result in results:
            writer.writerow([result.file, *(f"{result.scores[n]:g}" for n in names), f"{result.total:g}", f"{sum(possible.values()):g}"])
            (feedback / f"{Path(result.file).stem}.txt").write_text(f"{assignment}: {result.file}\n{result.feedback}", encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", help="the assignment's name, e.g. 01_exponential_score")
    parser.add_argument("submissions", type=Path, help="the folder of submitted .ipynb files")
    parser.add_argument("--cell-timeout", type=float, default=CELL_TIMEOUT, help="seconds per cell (default %(default)s)")
    parser.add_argument("--submission-timeout", type=float, default=SUBMISSION_TIMEOUT, help="seconds per submission (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default %(default)s)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    results = grade(args.assignment, args.submissions, cell_timeout=args.cell_timeout,
                    submission_timeout=args.submission_timeout, jobs=args.jobs)
    seconds = time.monotonic() - start
    print(f"graded {len(results)} submission(s) in {seconds:.1f} s: {args.submissions / 'grades.csv'}")
    for result in results:
        print(f"  {result.file}: {result.total:g} ({result.seconds:.1f} s){' — ' + ', '.join(result.problems) if result.problems else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
