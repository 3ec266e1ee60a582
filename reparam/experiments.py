"""Experiments the chapters run: estimator variance against sample size, and SGD with either estimator."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._validate import _show, as_rng, check_callable, check_n, check_output, check_param, check_real
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
    step_size: float | Sequence[float] | Array,
    iterations: int,
    n: int = 1,
    scale: float | Array = 1.0,
    rng: Seed = None,
    *,
    diverged: Callable[[Array], Array] | None = None,
    record_every: int = 1,
) -> Array:
    r"""Minimize :math:`L(\theta) = \mathbb E_{x\sim\mathcal N(\theta, \sigma^2 I)}[f(x)]` over the mean by SGD,
    for one run or many runs at once.

    .. math::

        \theta_{t+1} = \theta_t - \alpha\,\hat g(\theta_t), \qquad
        \hat g = \frac1n\sum_{i=1}^n f(x_i)\,\frac{\epsilon_i}{\sigma}\ \text{(score function)}
        \quad\text{or}\quad \frac1n\sum_{i=1}^n f'(x_i)\ \text{(pathwise)},

    with :math:`x_i = \theta_t + \sigma\epsilon_i` and fresh :math:`\epsilon_i \sim \mathcal N(0, I)` at every
    step (:math:`\epsilon/\sigma` is the score :math:`\nabla_\theta\log p(x\mid\theta)`). These are the means of
    the ``loc`` terms of ``score_function`` and ``pathwise``, and a single run draws the same noise as they do.

    Runs: a 1-D ``step_size`` of length R runs R independent optimizations side by side (one per entry;
    ``np.repeat(steps, seeds)`` gives several seeded runs per step), vectorized over the runs. The noise of a
    step is drawn as one array of shape ``(R, n) + loc0.shape``, so run r's stream does depend on R.

    Parameters
    ----------
    estimator : {"score_function", "pathwise"}
    cost : callable
        ``f`` for the score function, ``df`` for the pathwise estimator, with the estimators' shapes: samples
        of shape ``(m,) + loc0.shape`` (all runs' samples at once, ``m = R n``) to ``(m,)``, respectively
        ``(m,) + loc0.shape``. It receives a fresh array that nothing else uses.
    loc0 : float or array
        Starting mean :math:`\theta_0`, the same for every run; an array of shape ``(d,)`` optimizes in d dimensions.
    step_size : float or 1-D array of floats
        :math:`\alpha > 0`; an array of R step sizes means R runs.
    iterations : int
        Number of steps T >= 1.
    n : int
        Samples per step, >= 1.
    scale : float or array
        The fixed standard deviation :math:`\sigma > 0`, broadcasting with ``loc0``.
    rng : None, int or numpy.random.Generator
    diverged : callable, optional
        ``diverged(theta)`` for ``theta`` of shape ``(R,) + loc0.shape`` returns R booleans: True stops that
        run, and its iterates are nan from then on. Whatever ``diverged`` says, a run also stops where a
        coordinate is non-finite or exceeds :math:`10^{150}` in size (``BOUND``; checked with ``diverged``),
        and at the first step where the cost overflows at an iterate beyond :math:`10^{50}` in size.
    record_every : int
        Keep :math:`\theta_t` only for t a multiple of this (and t = 0); ``diverged`` is evaluated at those t.

    Returns
    -------
    ndarray
        The trajectory, shape ``(T // record_every + 1,) + loc0.shape`` for a float ``step_size``, or
        ``(T // record_every + 1, R) + loc0.shape`` for R step sizes; row k is :math:`\theta_{k\,\mathrm{record\_every}}`.

    Examples
    --------
    >>> import numpy as np
    >>> path = sgd("pathwise", lambda x: 2 * x, 5.0, step_size=[0.1, 0.4], iterations=50, n=100, rng=0)
    >>> path.shape, bool(np.all(np.abs(path[-1]) < 1))
    ((51, 2), True)
    """
    if estimator not in ("score_function", "pathwise"):
        raise ValueError(f"estimator must be 'score_function' or 'pathwise'; got {estimator!r}")
    check_callable("cost", cost)
    alpha, single = _step_sizes(step_size)
    iterations = check_n(iterations, "iterations")
    n = check_n(n)
    record_every = check_n(record_every, "record_every")
    if diverged is not None:
        check_callable("diverged", diverged)
    rng = as_rng(rng)
    theta0 = np.broadcast_to(check_param("loc0", loc0), Normal(loc0, scale).shape)  # checks that they broadcast
    sigma = np.broadcast_to(check_param("scale", scale, positive=True), theta0.shape)
    runs, shape = len(alpha), theta0.shape
    check_n(runs * n * max(1, theta0.size), "the number of samples per step (runs * n * size)")
    check_n((iterations // record_every + 1) * runs * max(1, theta0.size), "the size of the path ((iterations // record_every + 1) * runs * size)")
    alpha = alpha.reshape((runs,) + (1,) * len(shape))
    coordinates = tuple(range(1, 1 + len(shape)))  # the axes of one run's iterate
    theta = np.tile(theta0, (runs,) + (1,) * len(shape))
    alive = np.ones(runs, dtype=bool)
    path = np.full((iterations // record_every + 1, runs) + shape, np.nan)
    path[0] = theta
    chunk = max(1, min(iterations, 2**20 // (runs * n * max(1, theta0.size))))  # draw the noise in blocks
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, iterations, chunk):
            noise = rng.standard_normal((min(chunk, iterations - start), runs, n) + shape)
            for t, eps in enumerate(noise, start=start + 1):
                theta = theta - alpha * _gradient(estimator, cost, theta, sigma, eps, alive)
                if t % record_every == 0:
                    alive &= (np.abs(theta) <= BOUND).all(axis=coordinates)  # False for nan too
                    if diverged is not None:
                        alive &= ~_stops(diverged, theta)
                    path[t // record_every][alive] = theta[alive]
                if not alive.all():
                    theta[~alive] = theta0  # a stopped run idles at a safe point; it is never recorded again
    return path[:, 0] if single else path


BOUND = 1e150
"""A run of ``sgd`` stops once a coordinate of its iterate exceeds this in size."""


def _step_sizes(step_size: object) -> tuple[Array, bool]:
    """The step sizes as a 1-D float array of values > 0, and whether a single float was given."""
    if np.ndim(step_size) == 0:
        step = check_real("step_size", step_size)
        if step <= 0:
            raise ValueError(f"step_size must be a finite float > 0; got {step_size!r}")
        return np.array([step]), True
    steps = check_param("step_size", step_size, positive=True)
    if steps.ndim != 1:
        raise ValueError(f"step_size must be a float or a 1-D array of floats > 0 (one per run); got shape {steps.shape}")
    return steps, False


def _gradient(estimator: str, cost: Callable, theta: Array, sigma: Array, eps: Array, alive: Array) -> Array:
    """The n-sample estimate of the gradient in the mean for every run: shape of ``theta``, ``(R,) + shape``."""
    runs, n = eps.shape[:2]
    x = theta[:, None] + sigma * eps  # (R, n) + shape, a fresh array: the cost may keep or change it
    flat = x.reshape((runs * n,) + x.shape[2:])
    if estimator == "score_function":
        fx = check_output("cost", cost(flat), flat.shape[:1], f"f(x), one value per sample of shape {flat.shape}", finite=False)
        fx = fx.reshape((runs, n) + (1,) * (x.ndim - 2))
        _check_finite(fx, theta, alive)
        return (fx * eps).sum(axis=1) / (n * sigma)  # mean of f(x) * score, the score being eps / sigma
    dfx = check_output("cost", cost(flat), flat.shape, f"f'(x), shaped like x {flat.shape}", finite=False)
    dfx = dfx.reshape(x.shape)
    _check_finite(dfx, theta, alive)
    return dfx.sum(axis=1) / n


def _check_finite(values: Array, theta: Array, alive: Array) -> None:
    """Stop the runs whose cost overflowed far out (an iterate beyond 1e50: a diverging run); raise for any
    other non-finite cost value of a running run, which is the cost's fault."""
    if np.isfinite(values.sum()):
        return
    runs = theta.shape[0]
    bad = ~np.isfinite(values.reshape(runs, -1)).all(axis=1) & alive
    far = ~np.all(np.abs(theta.reshape(runs, -1)) <= 1e50, axis=1)  # nan and inf are far too
    if np.any(bad & ~far):
        r = int(np.argmax(bad & ~far))
        raise ValueError(
            f"cost must return finite numbers; got a non-finite value for run {r} at the iterate {_show(theta[r])} "
            "(to stop a diverging run earlier, pass diverged=...)"
        )
    alive &= ~bad  # in place: the caller's mask


def _stops(diverged: Callable, theta: Array) -> Array:
    """The runs that ``diverged`` stops, checked to be one boolean per run."""
    runs = theta.shape[0]
    stop = np.asarray(diverged(theta.copy()))
    if stop.shape != (runs,) or stop.dtype.kind != "b":
        raise ValueError(f"diverged must return {runs} booleans, one per run; got {stop!r}")
    return stop
