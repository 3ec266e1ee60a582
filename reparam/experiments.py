"""Experiments the chapters run: estimator variance against sample size, and SGD with either estimator."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._validate import as_rng, check_callable, check_n, check_param, check_real
from .distributions import Distribution, Normal
from .estimators import Baseline, pathwise, score_function

__all__ = ["variance_sweep", "sgd"]

Array = np.ndarray
Seed = None | int | np.random.Generator


def variance_sweep(
    f: Callable[[Array], Array] | None,
    df: Callable[[Array], Array] | None,
    dist: Distribution,
    sizes: Sequence[int] = (10, 100, 1_000, 10_000, 100_000),
    repetitions: int = 100,
    rng: Seed = None,
    baseline: Baseline = None,
) -> dict:
    r"""Mean and variance, over ``repetitions`` independent runs, of each estimator's N-sample estimate.

    For each N in ``sizes`` and each estimator, one call draws ``repetitions * N`` samples and splits
    them into ``repetitions`` independent estimates :math:`\hat g_N^{(r)} = \frac1N\sum_{i=1}^N \hat g_i^{(r)}`
    (vectorized: no Python loop over repetitions). With ``baseline="loo"`` the terms of one call are not
    independent (each baseline averages the other samples), so there each of the R estimates is its own
    call with N samples, as a user would make it. The statistics are

    .. math::

        \bar g_N = \frac1R\sum_{r=1}^R \hat g_N^{(r)}, \qquad
        s_N^2 = \frac{1}{R-1}\sum_{r=1}^R \bigl(\hat g_N^{(r)} - \bar g_N\bigr)^2,

    and :math:`s_N^2` estimates :math:`\mathrm{Var}[\hat g_N] = \sigma^2/N`, with :math:`\sigma^2` the
    per-sample variance. Memory: about five float arrays of ``repetitions * max(sizes)`` numbers
    (100 x 100 000 samples take some 400 MB at the peak).

    Parameters
    ----------
    f, df : callable or None
        The cost for the score function and its derivative for the pathwise estimator (shapes as in
        :func:`~reparam.score_function` and :func:`~reparam.pathwise`). ``None`` skips that estimator
        (``df=None`` for a family without a pathwise sampler); at least one must be given.
    dist : Distribution
    sizes : sequence of int
        The sample sizes N, each >= 1.
    repetitions : int
        R >= 2 independent estimates per size.
    rng : None, int or numpy.random.Generator
    baseline : optional
        Passed to :func:`~reparam.score_function`.

    Returns
    -------
    dict
        ``result[estimator][stat][name]`` with ``estimator`` in ("score_function", "pathwise") (those
        computed), ``stat`` in ("mean", "var") and ``name`` in ``dist.param_names``: an array of shape
        ``(len(sizes),) + params[name].shape``; ``result["sizes"]`` holds the sizes.
        Example: ``result["pathwise"]["var"]["loc"]``.
    """
    if f is None and df is None:
        raise ValueError("f and df must not both be None: give f for the score function, df for pathwise, or both")
    if f is not None:
        check_callable("f", f)
    if df is not None:
        check_callable("df", df)
    repetitions = check_n(repetitions, "repetitions", minimum=2)
    if isinstance(sizes, (int, np.integer)) or not isinstance(sizes, Sequence | np.ndarray) or len(sizes) == 0:
        raise TypeError(f"sizes must be a non-empty sequence of integers >= 1; got {sizes!r}")
    sizes = tuple(check_n(size, "each of sizes") for size in sizes)
    loo = isinstance(baseline, str) and baseline == "loo"
    if loo and min(sizes) < 2:
        raise ValueError(f'each of sizes must be >= 2 with baseline="loo" (the mean of the other N - 1 samples); got sizes={sizes}')
    check_n(repetitions * max(sizes), "repetitions * max(sizes)")
    rng = as_rng(rng)
    calls = {
        "score_function": None if f is None else lambda n: score_function(f, dist, n, rng, baseline),
        "pathwise": None if df is None else lambda n: pathwise(df, dist, n, rng),
    }
    result: dict = {}
    for estimator, call in calls.items():
        if call is None:
            continue
        stats: dict[str, dict[str, list]] = {"mean": {}, "var": {}}
        for size in sizes:
            if loo and estimator == "score_function":  # each estimate's baseline uses only its own N samples
                runs = [call(size) for _ in range(repetitions)]
                means = {name: np.stack([run[name].mean(axis=0) for run in runs]) for name in runs[0]}
            else:  # independent terms: one call, split into R blocks of N
                means = {
                    name: term.reshape((repetitions, size) + term.shape[1:]).mean(axis=1)
                    for name, term in call(repetitions * size).items()
                }
            for name, estimates in means.items():
                stats["mean"].setdefault(name, []).append(estimates.mean(axis=0))
                stats["var"].setdefault(name, []).append(estimates.var(axis=0, ddof=1))
        result[estimator] = {stat: {k: np.array(v) for k, v in d.items()} for stat, d in stats.items()}
    result["sizes"] = np.array(sizes)
    return result


def sgd(
    estimator: str,
    cost: Callable[[Array], Array],
    loc0: float | Array,
    step_size: float,
    iterations: int,
    n: int = 1,
    scale: float | Array = 1.0,
    rng: Seed = None,
) -> Array:
    r"""Minimize :math:`L(\theta) = \mathbb E_{x\sim\mathcal N(\theta, \sigma^2 I)}[f(x)]` over the mean by SGD.

    .. math:: \theta_{t+1} = \theta_t - \alpha\,\hat g(\theta_t),

    where :math:`\hat g` is the ``n``-sample score-function or pathwise estimate of :math:`\nabla_\theta L`
    (a fresh draw at every step).

    Parameters
    ----------
    estimator : {"score_function", "pathwise"}
    cost : callable
        ``f`` for the score function, ``df`` for the pathwise estimator (same shapes as in the estimators).
    loc0 : float or array
        Starting mean :math:`\theta_0`; an array of shape ``(d,)`` optimizes in d dimensions.
    step_size : float
        :math:`\alpha > 0`.
    iterations : int
        Number of steps T >= 1.
    n : int
        Samples per step, >= 1.
    scale : float or array
        The fixed standard deviation :math:`\sigma > 0`.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape ``(T + 1,) + loc0.shape``
        The trajectory :math:`\theta_0, \dots, \theta_T`. A run that diverges stops once a coordinate is
        non-finite or exceeds :math:`10^{150}` in size; the rows after that are nan, so that callers see
        where it broke.
    """
    calls = {"score_function": score_function, "pathwise": pathwise}
    if estimator not in calls:
        raise ValueError(f"estimator must be 'score_function' or 'pathwise'; got {estimator!r}")
    check_callable("cost", cost)
    step = check_real("step_size", step_size)
    if step <= 0:
        raise ValueError(f"step_size must be a finite float > 0; got {step_size!r}")
    iterations = check_n(iterations, "iterations")
    n = check_n(n)
    scale = check_param("scale", scale, positive=True)
    rng = as_rng(rng)
    theta = check_param("loc0", loc0).copy()
    Normal(theta, scale)  # check that loc0 and scale broadcast together before the first step
    path = np.full((iterations + 1,) + theta.shape, np.nan)
    path[0] = theta
    for t in range(1, iterations + 1):
        if not np.all(np.isfinite(theta)) or np.any(np.abs(theta) > 1e150):
            break
        grad = calls[estimator](cost, Normal(theta, scale), n=n, rng=rng)["loc"].mean(axis=0)
        theta = theta - step * grad
        path[t] = theta
    return path
