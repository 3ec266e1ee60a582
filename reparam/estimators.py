r"""Monte Carlo estimators of :math:`\nabla_\theta \mathbb E_{x \sim p(x|\theta)}[f(x)]`.

Each estimator returns its *per-sample terms*, keyed by parameter name: ``terms[name]`` has shape
``(n,) + params[name].shape``. Their mean over axis 0 is the estimate; their variance over axis 0 is
the estimator's per-sample variance, so the estimate's variance is that divided by ``n``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import check_n, check_output
from .distributions import Distribution

__all__ = ["score_function", "pathwise"]

Array = np.ndarray
Seed = None | int | np.random.Generator


def _reduce_to(term: Array, shape: tuple[int, ...]) -> Array:
    """Sum the per-coordinate ``term`` (shape ``(n,) + dist.shape``) down to ``(n,) + shape``.

    A parameter that was broadcast over coordinates receives the sum of their contributions.
    """
    extra = term.ndim - 1 - len(shape)
    axes = tuple(range(1, 1 + extra)) + tuple(
        1 + extra + i for i, size in enumerate(shape) if size == 1 and term.shape[1 + extra + i] != 1
    )
    return term.sum(axis=axes, keepdims=False).reshape((term.shape[0],) + shape) if axes else term


def _check_distribution(dist: object) -> Distribution:
    if not isinstance(dist, Distribution):
        raise TypeError(f"dist must be a reparam distribution such as rp.Normal(0, 1); got {dist!r}")
    return dist


def _evaluate(f: Callable[[Array], Array], x: Array, name: str) -> Array:
    """Evaluate the cost ``f`` on samples ``x`` of shape ``(n,) + shape``; it must return shape ``(n,)``."""
    if not callable(f):
        raise TypeError(f"{name} must be callable; got {f!r}")
    return check_output(name, f(x), x.shape[:1], "one value per sample, f(x) with x of shape " + str(x.shape))


def score_function(
    f: Callable[[Array], Array],
    dist: Distribution,
    n: int,
    rng: Seed = None,
    baseline: float | None = None,
) -> dict[str, Array]:
    r"""Score-function (REINFORCE, likelihood-ratio) terms for every parameter.

    .. math::

        \hat g_i = \bigl(f(x_i) - b\bigr)\,\nabla_\theta \log p(x_i \mid \theta), \qquad x_i \sim p(x \mid \theta),

    an unbiased estimate of :math:`\nabla_\theta \mathbb E[f(x)]` for any constant baseline :math:`b`,
    because :math:`\mathbb E[\nabla_\theta \log p(x\mid\theta)] = 0`.

    Parameters
    ----------
    f : callable
        The cost; maps samples of shape ``(n,) + dist.shape`` to values of shape ``(n,)``.
        It need not be differentiable, nor even continuous.
    dist : Distribution
        The sampling distribution :math:`p(x \mid \theta)`.
    n : int
        Number of samples, >= 1.
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).
    baseline : float, optional
        The control variate :math:`b`; ``None`` means :math:`b = 0`.

    Returns
    -------
    dict
        ``terms[name]`` has shape ``(n,) + dist.params[name].shape``; ``terms[name].mean(0)`` is the estimate.
    """
    dist = _check_distribution(dist)
    check_n(n)
    b = _check_baseline(baseline)
    x = dist.sample(n, rng)
    fx = np.asarray(_evaluate(f, x, "f"), dtype=float)
    if b:
        fx = fx - b
    weight = fx.reshape(fx.shape + (1,) * len(dist.shape))
    terms = {}
    for name, s in dist.score(x).items():
        s *= weight  # the score arrays are fresh, so they can hold the terms
        terms[name] = _reduce_to(s, dist.params[name].shape)
    return terms


def pathwise(
    df: Callable[[Array], Array],
    dist: Distribution,
    n: int,
    rng: Seed = None,
) -> dict[str, Array]:
    r"""Pathwise (reparameterization) terms for every parameter.

    .. math::

        \hat g_i = f'\bigl(g(\epsilon_i, \theta)\bigr)\,\nabla_\theta g(\epsilon_i, \theta), \qquad \epsilon_i \sim q(\epsilon),

    where :math:`x = g(\epsilon, \theta)` has the law :math:`p(x \mid \theta)`. Unbiased when :math:`f` is
    differentiable (almost everywhere, and the exchange of derivative and expectation holds).

    Parameters
    ----------
    df : callable
        The derivative of the cost, :math:`f'(x)`; maps ``(n,) + dist.shape`` to the same shape.
    dist : Distribution
        A distribution with a pathwise sampler (``dist.has_rsample``).
    n : int
        Number of samples, >= 1.
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).

    Returns
    -------
    dict
        ``terms[name]`` has shape ``(n,) + dist.params[name].shape``; ``terms[name].mean(0)`` is the estimate.
    """
    dist = _check_distribution(dist)
    if not dist.has_rsample:
        raise ValueError(
            f"pathwise needs a distribution with a pathwise sampler, and {type(dist).__name__} has none "
            "(has_rsample is False); use score_function, or a continuous relaxation such as RelaxedCategorical"
        )
    check_n(n)
    eps = dist.noise(n, rng)
    x = dist.transform(eps)
    if not callable(df):
        raise TypeError(f"df must be callable; got {df!r}")
    dfx = check_output("df", df(x), x.shape, "the derivative f'(x), shaped like x " + str(x.shape))
    terms = {}
    for name, dx in dist._dtransform(eps, x).items():
        terms[name] = _reduce_to(np.multiply(dfx, dx, dtype=float), dist.params[name].shape)
    return terms


def _check_baseline(baseline: object) -> float:
    if baseline is None:
        return 0.0
    if isinstance(baseline, (bool, str)) or not np.isscalar(baseline) or not np.isreal(baseline):
        raise TypeError(f"baseline must be None or a float; got {baseline!r}")
    if not np.isfinite(baseline):
        raise ValueError(f"baseline must be finite; got {baseline!r}")
    return float(baseline)
