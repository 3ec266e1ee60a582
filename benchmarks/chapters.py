"""How long each chapter takes to run top to bottom in Jupyter (live sliders), one fresh kernel per chapter.

Issue 3's promise: every chapter under 10 s on the project's 2-core machine. The static book's build
takes longer per chapter, because it renders every slider frame (`make book` prints those times).

    .venv/bin/python benchmarks/chapters.py                     # every chapter
    .venv/bin/python benchmarks/chapters.py chapters/04_variance.md
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import jupytext
import nbclient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 10.0


def run_seconds(chapter: Path) -> float:
    """Wall-clock seconds to execute every cell of ``chapter`` in a new kernel (kernel start excluded)."""
    notebook = jupytext.read(chapter)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(chapter.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def main() -> int:
    os.environ.pop("REPARAM_FIGURES", None)  # live mode, as in Jupyter
    chapters = [Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "chapters").glob("[0-9]*.md"))
    over = 0
    for chapter in chapters:
        seconds = run_seconds(chapter)
        over += seconds >= BUDGET_S
        print(f"{chapter.name:40} {seconds:6.1f} s{'   over the budget' if seconds >= BUDGET_S else ''}")
    print(f"{over} of {len(chapters)} over the budget of {BUDGET_S:.0f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores (the machine may be shared: rerun on a quiet one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
