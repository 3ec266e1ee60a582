"""Slider latency: how long one live slider move takes (recompute + redraw to PNG), over the book's own figures.

Each chapter runs top to bottom with ``reparam.interactive.explore`` replaced by a recorder, so the
figures measured are exactly the chapters' ``explore`` figures (their ``draw`` functions and grids). For
each figure the script moves through up to ``--moves`` grid points, each a different setting from the
last, and times ``Explorer.render`` (the figure's ``update(**values)`` if ``draw`` returned one, else a
cleared figure and ``draw(fig, **values)``; then one canvas draw and the PNG that the live ``<img>``
receives): the kernel-side cost of one move to a new setting. Goal: a median under 50 ms, per figure and
overall. A setting already shown is remembered (``Explorer.frame``); that revisit is timed separately.
The ``form`` column says which figures use the fast form (``update``) and which redraw everything.

It also times the extra work the static book does per frame (palette compression), a build-time cost.

    .venv/bin/python benchmarks/sliders.py                      # every chapter
    .venv/bin/python benchmarks/sliders.py chapters/04_variance.md
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 50.0


def record_explorers(chapter: Path) -> list:
    """Run ``chapter`` (a MyST notebook) and return the Explorer of every ``explore`` call in it."""
    import jupytext
    import matplotlib.animation
    from IPython.core.interactiveshell import InteractiveShell

    from reparam import interactive

    recorded = []

    def recorder(draw, *, alt, caption="", labels=None, initial=None, figsize=(6.4, 3.6), dpi=80, **sliders):
        recorded.append(interactive.Explorer(draw, dict(sliders), alt, caption, labels or {}, initial or {}, figsize, dpi))

    shell = InteractiveShell.instance()
    shell.reset()
    original = (interactive.explore, interactive.animation, matplotlib.animation.Animation.to_jshtml)
    interactive.explore = recorder
    interactive.animation = lambda *args, **kwargs: None  # animations are not sliders: not timed here
    matplotlib.animation.Animation.to_jshtml = lambda self, *args, **kwargs: ""
    cwd = os.getcwd()
    try:
        os.chdir(chapter.parent)
        for cell in jupytext.read(chapter).cells:
            if cell.cell_type != "code":
                continue
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                result = shell.run_cell(cell.source, silent=True)
            if not result.success:
                raise RuntimeError(f"{chapter.name}: a cell failed: {result.error_in_exec or result.error_before_exec}")
    finally:
        os.chdir(cwd)
        interactive.explore, interactive.animation, matplotlib.animation.Animation.to_jshtml = original
    return recorded


def moves(explorer, count: int) -> list[dict]:
    """Up to ``count`` distinct grid points in a fixed shuffled order (a reader jumping around)."""
    grid = [dict(zip(explorer.sliders, combo)) for combo in itertools.product(*explorer.sliders.values())]
    return random.Random(0).sample(grid, min(count, len(grid)))


def time_figure(explorer, count: int) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds per live update (wall clock and CPU) and per static-frame compression, for each move."""
    from reparam.interactive.images import small_png

    explorer.render(**explorer.start())  # warm caches (fonts, first layout): a reader's first move is not timed
    wall_ms, cpu_ms, compress_ms = [], [], []
    for values in moves(explorer, count):
        start, cpu = time.perf_counter(), time.process_time()
        explorer.render(**values)
        wall_ms.append(1000 * (time.perf_counter() - start))
        cpu_ms.append(1000 * (time.process_time() - cpu))
        pixels = explorer.pixels(**values)
        start = time.perf_counter()
        small_png(pixels)
        compress_ms.append(1000 * (time.perf_counter() - start))
    return wall_ms, cpu_ms, compress_ms


def time_revisits(explorer, count: int) -> list[float]:
    """Milliseconds per live update to a setting already shown (the slider dragged back): ``Explorer.frame``."""
    settings = moves(explorer, count)
    for values in settings:
        explorer.frame(**values)
    revisit_ms = []
    for values in reversed(settings):
        start = time.perf_counter()
        explorer.frame(**values)
        revisit_ms.append(1000 * (time.perf_counter() - start))
    return revisit_ms


def reference_loop_ms() -> float:
    """CPU time of a fixed pure-Python loop (10^6 additions), to compare runs on a busy or idle machine."""
    start = time.process_time()
    total = 0
    for i in range(1_000_000):
        total += i
    return 1000 * (time.process_time() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="MyST chapters (default: chapters/*.md)")
    parser.add_argument("--moves", type=int, default=12, help="slider moves timed per figure (default 12)")
    args = parser.parse_args()
    chapters = args.chapters or sorted((ROOT / "chapters").glob("[0-9]*.md"))
    sys.path.insert(0, str(ROOT))

    every_move, every_cpu, every_compress, every_revisit, figure_medians = [], [], [], [], []
    print(f"{'chapter':32} {'figure':>6} {'form':>6} {'sliders':>22} {'frames':>6} {'median ms':>9} {'cpu ms':>7} {'max ms':>7}")
    for chapter in chapters:
        try:
            explorers = record_explorers(chapter.resolve())
        except Exception as error:  # a chapter being written may not run yet; say so and go on
            print(f"{chapter.name:32} skipped: {error}")
            continue
        for k, explorer in enumerate(explorers, 1):
            render_ms, cpu_ms, compress_ms = time_figure(explorer, args.moves)
            every_move += render_ms
            figure_medians.append(statistics.median(render_ms))
            every_cpu += cpu_ms
            every_compress += compress_ms
            every_revisit += time_revisits(explorer, args.moves)
            sizes = "x".join(str(len(v)) for v in explorer.sliders.values())
            frames = 1
            for v in explorer.sliders.values():
                frames *= len(v)
            print(
                f"{chapter.stem[:32]:32} {k:>6} {'update' if explorer.fast else 'redraw':>6} {','.join(explorer.sliders)[:14] + ' ' + sizes:>22} {frames:>6} "
                f"{statistics.median(render_ms):>9.1f} {statistics.median(cpu_ms):>7.1f} {max(render_ms):>7.1f}"
            )
    if not every_move:
        print("no explore figure found")
        return 1
    median = statistics.median(every_move)
    slowest = max(figure_medians)
    load = os.getloadavg()[0]
    print(
        f"\nlive slider update (recompute + redraw to PNG): median {median:.1f} ms over {len(every_move)} moves "
        f"(goal < {GOAL_MS:.0f} ms: {'met' if median < GOAL_MS else 'NOT met'}); 90th percentile "
        f"{statistics.quantiles(every_move, n=10)[-1]:.1f} ms; load average {load:.1f} on {os.cpu_count()} cores"
    )
    print(f"slowest figure's median: {slowest:.1f} ms ({'every figure meets' if slowest < GOAL_MS else 'NOT every figure meets'} "
          f"the goal); {sum(m < GOAL_MS for m in figure_medians)} of {len(figure_medians)} figures under {GOAL_MS:.0f} ms")
    print(f"CPU time per update: median {statistics.median(every_cpu):.1f} ms; reference loop (10^6 additions) "
          f"{reference_loop_ms():.0f} ms CPU now (compare runs by it: the machine is shared)")
    print(f"live update to a setting already shown (drawn once, remembered): median "
          f"{statistics.median(every_revisit):.3f} ms over {len(every_revisit)} moves")
    print(f"static book, extra per frame (palette PNG): median {statistics.median(every_compress):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
