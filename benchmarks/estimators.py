"""Estimator throughput relative to drawing the raw noise, on a Normal with n = 4 000 000.

Run: ``.venv/bin/python benchmarks/estimators.py [--repeats K]``. Prints, for the pathwise and the score-function
estimator (both parameters' terms, f = x**2, df = 2 x), the ratio

    best time of rng.standard_normal(n) / best time of the estimator,

so 1.0 means "as fast as drawing the noise" (floors: pathwise >= 0.6, score function >= 0.5; the estimators
now never overwrite what ``score``, ``rsample`` or ``df`` return and check every term for finiteness, which
costs passes over memory that the old in-place version saved). For scale it
also times a textbook numpy version (a temporary per operation) and a hand-written floor (the fewest
in-place passes, no validation), which the package should match. The
measurements are interleaved, one of each per round, and each keeps its best of K rounds, so that a
background load affects all of them alike and a stray slow round does not count. Two clocks: wall time
(``perf_counter``) and this process's CPU time (``process_time``, user + system, which includes the page
faults of fresh arrays but not the time other processes hold the CPU); on a loaded machine the second is
the steadier figure.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

import reparam as rp

N = 4_000_000


def square(x: np.ndarray) -> np.ndarray:
    """f(x) = x^2."""
    return x * x


def twice(x: np.ndarray) -> np.ndarray:
    """f'(x) = 2 x."""
    return 2.0 * x


def naive_pathwise(rng: np.random.Generator, loc: float, scale: float) -> dict[str, np.ndarray]:
    """The textbook numpy version, for comparison: every expression a temporary, dx/dloc as ones."""
    eps = rng.standard_normal(N)
    x = loc + scale * eps
    dfx = twice(x)
    return {"loc": dfx * np.ones_like(x), "scale": dfx * eps}


def naive_score_function(rng: np.random.Generator, loc: float, scale: float) -> dict[str, np.ndarray]:
    """The textbook numpy version, for comparison."""
    x = loc + scale * rng.standard_normal(N)
    fx = square(x)
    return {"loc": fx * (x - loc) / scale**2, "scale": fx * ((x - loc) ** 2 - scale**2) / scale**3}


def floor_pathwise(rng: np.random.Generator, loc: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The fewest numpy passes for the same result, no validation: the floor for this API on this machine."""
    eps = rng.standard_normal(N)
    x = eps * scale
    x += loc
    dfx = twice(x)
    eps *= dfx
    return dfx, eps


def floor_score_function(rng: np.random.Generator, loc: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The fewest numpy passes for the same result, no validation."""
    x = rng.standard_normal(N)
    x *= scale
    x += loc
    fx = square(x)
    d_loc = x - loc
    d_scale = d_loc * d_loc
    d_scale *= 1 / scale**3
    d_scale -= 1 / scale
    d_loc *= 1 / scale**2
    d_loc *= fx
    d_scale *= fx
    return d_loc, d_scale


def seconds(call: Callable[[], object]) -> tuple[float, float]:
    """Wall time and CPU time of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(repeats: int) -> dict[str, dict[str, float]]:
    """Time the three calls ``repeats`` times, interleaved; print and return the ratios per clock."""
    rng = np.random.default_rng(0)
    dist = rp.Normal(loc=2.0, scale=1.5)
    runs = {
        "noise": lambda: rng.standard_normal(N),
        "pathwise": lambda: rp.pathwise(twice, dist, n=N, rng=rng),
        "score_function": lambda: rp.score_function(square, dist, n=N, rng=rng),
        "naive pathwise": lambda: naive_pathwise(rng, 2.0, 1.5),
        "naive score_function": lambda: naive_score_function(rng, 2.0, 1.5),
        "floor pathwise": lambda: floor_pathwise(rng, 2.0, 1.5),
        "floor score_function": lambda: floor_score_function(rng, 2.0, 1.5),
    }
    clocks = ("wall", "cpu")
    best = {clock: dict.fromkeys(runs, float("inf")) for clock in clocks}
    for run in runs.values():  # warm up: imports, first use of the code paths
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            for clock, t in zip(clocks, seconds(run)):
                best[clock][name] = min(best[clock][name], t)
    goals = {"pathwise": 0.6, "score_function": 0.5}
    print(f"n = {N:_}, best of {repeats} interleaved rounds; ratio = time of standard_normal(n) / time of estimator")
    ratios: dict[str, dict[str, float]] = {}
    for clock in clocks:
        b = best[clock]
        ratios[clock] = {name: b["noise"] / b[name] for name in goals}
        line = ", ".join(
            f"{name} {1e3 * b[name]:.1f} ms = {ratios[clock][name]:.2f}x "
            f"({'ok' if ratios[clock][name] >= goal else 'below'} floor {goal}x)"
            for name, goal in goals.items()
        )
        naive = ", ".join(f"{name} {b['noise'] / b['naive ' + name]:.2f}x" for name in goals)
        floor = ", ".join(f"{name} {b['noise'] / b['floor ' + name]:.2f}x" for name in goals)
        print(f"  {clock:4s}: standard_normal {1e3 * b['noise']:.1f} ms; {line}")
        print(f"        textbook numpy (a temporary per operation): {naive}; hand-written floor (fewest passes): {floor}")
    return ratios


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="rounds; each measurement keeps its best")
    main(parser.parse_args().repeats)
