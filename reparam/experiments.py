"""Experiments the chapters run: estimator variance against sample size, and SGD with either estimator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import as_rng, check_n, check_param
from .distributions import Distribution, Normal
from .estimators import pathwise, score_function

__all__ = ["variance_sweep", "sgd"]

Array = np.ndarray
Seed = None | int | np.random.Generator


def variance_sweep(
    f: Callable[[Array], Array],
    df: Callable[[Array], Array],
    dist: Distribution,
    sizes: tuple[int, ...] = (10, 100, 1_000, 10_000, 100_000),
    repetitions: int = 100,
    rng: Seed = None,
) -> dict[str, dict[str, Array]]:
    r"""Mean and variance, over ``repetitions`` independent runs, of each estimator's N-sample estimate.

    For each N in ``sizes`` one call draws ``repetitions * N`` samples and splits them into
    ``repetitions`` independent estimates :math:`\hat g_N = \frac1N\sum_{i=1}^N \hat g_i` (no Python loop
    over repetitions). The variance of :math:`\hat g_N` is the per-sample variance divided by N.

    Returns
    -------
    dict
        ``result[estimator][stat]`` with ``estimator`` in ("score_function", "pathwise") and ``stat`` in
        ("mean", "var"), each an array of shape ``(len(sizes),) + shape`` for ``dist.param_names``
        stacked in a dict: ``result["pathwise"]["var"]["loc"]``.
    """
    repetitions = check_n(repetitions)
    sizes = tuple(check_n(size) for size in sizes)
    rng = as_rng(rng)
    result: dict = {}
    for estimator, func in (("score_function", f), ("pathwise", df)):
        stats = {"mean": {}, "var": {}}
        for size in sizes:
            call = score_function if estimator == "score_function" else pathwise
            terms = call(func, dist, n=repetitions * size, rng=rng)
            for name, term in terms.items():
                estimates = term.reshape((repetitions, size) + term.shape[1:]).mean(axis=1)
                stats["mean"].setdefault(name, []).append(estimates.mean(axis=0))
                stats["var"].setdefault(name, []).append(estimates.var(axis=0))
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
    scale: float = 1.0,
    rng: Seed = None,
) -> Array:
    r"""Minimize :math:`L(\theta) = \mathbb E_{x\sim\mathcal N(\theta, \sigma^2 I)}[f(x)]` over the mean by SGD.

    .. math:: \theta_{t+1} = \theta_t - \alpha\,\hat g(\theta_t),

    where :math:`\hat g` is the ``n``-sample score-function or pathwise estimate of :math:`\nabla_\theta L`.

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

    Returns
    -------
    ndarray, shape ``(T + 1,) + loc0.shape``
        The trajectory :math:`\theta_0, \dots, \theta_T`. A run that diverges to non-finite values keeps
        them (inf or nan), so that callers can see where it broke.
    """
    calls = {"score_function": score_function, "pathwise": pathwise}
    if estimator not in calls:
        raise ValueError(f"estimator must be 'score_function' or 'pathwise'; got {estimator!r}")
    step = float(check_param("step_size", step_size, positive=True))
    iterations = check_n(iterations)
    rng = as_rng(rng)
    theta = check_param("loc0", loc0).copy()
    path = np.full((iterations + 1,) + theta.shape, np.nan)
    path[0] = theta
    for t in range(1, iterations + 1):
        if not np.all(np.isfinite(theta)) or np.any(np.abs(theta) > 1e150):
            break
        grad = calls[estimator](cost, Normal(theta, scale), n=n, rng=rng)["loc"].mean(axis=0)
        theta = theta - step * grad
        path[t] = theta
    return path
