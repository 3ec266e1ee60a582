r"""Monte Carlo estimators of :math:`\nabla_\theta \mathbb E_{x \sim p(x|\theta)}[f(x)]`.

Each estimator returns its *per-sample terms*, keyed by parameter name: ``terms[name]`` has shape
``(n,) + params[name].shape``. Their mean over axis 0 is the estimate; their variance over axis 0 is
the estimator's per-sample variance, so the estimate's variance is that divided by ``n`` (the terms are
independent, except with the leave-one-out baseline, see :func:`score_function`).

A parameter that is broadcast over several sample coordinates (``loc`` of shape ``()`` with ``scale`` of
shape ``(d,)``, say) receives the sum of the coordinates' contributions, as the chain rule says.

Safety: the samples are the estimator's own, and ``f`` and ``df`` only see them once nothing else depends
on them (the score and the derivatives are computed first; if those share memory with the samples, ``f``
and ``df`` get a copy), so a function that changes its argument in place does no harm. Every term is a fresh
array, nothing the caller holds is written to or returned, and a non-finite term is a ``ValueError`` that
names its cause (see ``reparam._terms``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ._terms import (
    along_axis0, check_broadcast, check_samples, check_term, cost_values, cost_what, derivative_values, derivative_what,
    reduce_to,
)
from ._validate import _show, check_callable, check_n, check_param, check_real
from .distributions import Distribution

__all__ = ["score_function", "pathwise", "ESTIMATORS", "check_estimator"]

ESTIMATORS = ("score_function", "pathwise", "measure_valued")
"""The estimator names, one registry for the package (costs, experiments, plotting labels use these)."""


def check_estimator(estimator: object, allowed: tuple[str, ...] = ESTIMATORS) -> str:
    """Return ``estimator`` if it is one of ``allowed`` (names from ``ESTIMATORS``), else raise a ValueError."""
    if not isinstance(estimator, str) or estimator not in allowed:
        raise ValueError(f"estimator must be one of {allowed}; got {_show(estimator)}")
    return estimator

Array = np.ndarray
Seed = None | int | np.random.Generator
Baseline = None | float | str | Mapping[str, "float | Array"]


def score_function(
    f: Callable[[Array], Array],
    dist: Distribution,
    n: int,
    rng: Seed = None,
    baseline: Baseline = None,
) -> dict[str, Array]:
    r"""Score-function (REINFORCE, likelihood-ratio) terms for every parameter.

    .. math::

        \hat g_i = \bigl(f(x_i) - b_i\bigr)\,\nabla_\theta \log p(x_i \mid \theta), \qquad
        x_i \sim p(x \mid \theta),\ i = 1, \dots, n,

    an unbiased estimate of :math:`\nabla_\theta \mathbb E[f(x)]` whenever :math:`b_i` is independent of
    :math:`x_i`, because :math:`\mathbb E[\nabla_\theta \log p(x\mid\theta)] = 0`.

    Parameters
    ----------
    f : callable
        The cost; maps samples of shape ``(n,) + dist.shape`` to finite values of shape ``(n,)``.
        It need not be differentiable, nor even continuous.
    dist : Distribution
        The sampling distribution :math:`p(x \mid \theta)`.
    n : int
        Number of samples, >= 1 (>= 2 for ``baseline="loo"``).
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).
    baseline : None, float, dict or "loo"
        The control variate :math:`b`:

        * ``None``: :math:`b = 0`;
        * a float: the same :math:`b` for every parameter;
        * a dict with exactly the keys ``dist.param_names``: ``baseline[name]`` is a float or an array
          broadcastable to ``dist.params[name].shape``, one baseline per parameter coordinate;
        * ``"loo"`` (leave one out): :math:`b_i = \frac{1}{n-1}\sum_{j \ne i} f(x_j)`, so that
          :math:`f(x_i) - b_i = \frac{n}{n-1}\bigl(f(x_i) - \bar f\bigr)` with
          :math:`\bar f = \frac1n\sum_j f(x_j)`. Each :math:`b_i` is independent of :math:`x_i`, so the
          estimate stays unbiased; the terms are then no longer independent of each other, so
          ``terms.var(0) / n`` is only an approximation of the estimate's variance.

    Returns
    -------
    dict
        ``terms[name]`` has shape ``(n,) + dist.params[name].shape``; ``terms[name].mean(0)`` is the estimate.

    Raises
    ------
    TypeError, ValueError
        At once, naming the argument, for a bad ``dist``, ``n`` (an integer in 1..10**8), ``f`` or ``baseline``;
        after the draw, naming the cause, if the samples overflowed (the distribution's parameters), if ``f``
        returned the wrong shape or a non-finite value, if the score is not finite, or if a term overflowed.

    Notes
    -----
    A score term may have more axes than the sample (a Categorical's samples are indices of shape ``(n,)``
    while its score for the logits has shape ``(n, K)``): each term is first summed down to
    ``(n,) + params[name].shape``, then multiplied by :math:`f(x_i) - b_i` along axis 0.
    """
    dist = _check_distribution(dist)
    n = check_n(n)
    check_callable("f", f)
    b = _check_baseline(baseline, dist, n)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, naming its cause
        return _score_function_terms(f, dist, n, rng, b)


BLOCK = 2**16
"""Samples per block when ``score_function`` evaluates the score: small enough for its temporaries to stay in cache."""


def _score_function_terms(f: Callable, dist: Distribution, n: int, rng: Seed, b: float | str | dict) -> dict[str, Array]:
    """The body of ``score_function``, after the checks: :math:`(f(x_i) - b)\\,\\nabla_\\theta\\log p(x_i)`."""
    x = check_samples(dist.sample(n, rng), dist)
    # The score first, before f sees x (whatever f does to its argument, the score is already computed), into
    # arrays of our own, block by block (the score's temporaries stay in cache), each block checked finite.
    scores = {name: np.empty((n,) + param.shape) for name, param in dist.params.items()}
    for start in range(0, n, BLOCK):
        block = slice(start, start + BLOCK)
        for name, s in dist.score(x[block]).items():
            label = f"{type(dist).__name__}.score(x)[{name!r}]"
            scores[name][block] = check_term(name, reduce_to(s, len(s), dist.params[name].shape, label), ((label, s, None),), dist)
    fx = cost_values(f, x, dist, copy=False, finite=False)  # nothing depends on x any more: f may have it
    what = cost_what(x)
    if isinstance(b, str):  # "loo": f(x_i) - b_i = n / (n - 1) * (f(x_i) - mean f)
        fx = (fx - fx.mean()) * (n / (n - 1))
        b = 0.0
    terms = scores  # each term (f(x) - b) * score, in place on the score arrays allocated above
    for name, s in terms.items():
        weight = along_axis0(fx, s.ndim)
        if isinstance(b, dict) or b != 0.0:
            weight = weight - (b[name] if isinstance(b, dict) else b)
        check_term(name, np.multiply(weight, s, out=s), (("f", fx, what), (f"{type(dist).__name__}.score(x)[{name!r}]", None, None)), dist)
    return terms


def pathwise(
    df: Callable[[Array], Array],
    dist: Distribution,
    n: int,
    rng: Seed = None,
) -> dict[str, Array]:
    r"""Pathwise (reparameterization) terms for every parameter.

    .. math::

        \hat g_i = \nabla_x f\bigl(g(\epsilon_i, \theta)\bigr)^{\!\top}\,\nabla_\theta g(\epsilon_i, \theta),
        \qquad \epsilon_i \sim q(\epsilon),

    where :math:`x = g(\epsilon, \theta)` has the law :math:`p(x \mid \theta)`. For elementwise
    transforms this is :math:`f'(x_i)\,\partial x_i/\partial\theta`; when ``_dtransform`` returns a
    Jacobian :math:`J_{ij} = \partial x_i/\partial\theta_j` (one more trailing axis than ``x``) it is the
    contraction :math:`\sum_i f'(x)_i J_{ij}`. Unbiased when :math:`f` is differentiable (almost
    everywhere, with the exchange of derivative and expectation justified).

    Parameters
    ----------
    df : callable
        The derivative of the cost, :math:`\nabla_x f(x)`; maps ``(n,) + dist.shape`` to finite values of
        the same shape.
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

    Raises
    ------
    TypeError, ValueError
        At once, naming the argument, for a bad ``dist`` (or one without a pathwise sampler), ``n`` or ``df``;
        after the draw, naming the cause, if the samples overflowed, if ``df`` returned the wrong shape or a
        non-finite value, if ``dx`` is not finite, or if a term overflowed.
    """
    dist = _check_distribution(dist)
    if not dist.has_rsample:
        raise ValueError(
            f"dist must have a pathwise sampler for pathwise, and {type(dist).__name__} has none "
            "(has_rsample is False); use score_function, or a continuous relaxation such as RelaxedCategorical"
        )
    n = check_n(n)
    check_callable("df", df)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, naming its cause
        return _pathwise_terms(df, dist, n, rng)


def _pathwise_terms(df: Callable, dist: Distribution, n: int, rng: Seed) -> dict[str, Array]:
    """The body of ``pathwise``, after the checks: :math:`f'(x_i)\\,\\partial x_i/\\partial\\theta`."""
    x, dxs = dist.rsample(n, rng)
    # x is this call's own array and dx is already computed: df may have x itself unless dx shares its memory
    dfx = derivative_values(df, x, dist, copy=any(np.may_share_memory(x, d) for d in dxs.values()), finite=False)
    shape, what = x.shape, derivative_what(x)
    del x  # (each array is released as soon as it is used up, so that numpy can reuse its memory)
    terms = {}
    for name, param in dist.params.items():
        dx = dxs.pop(name)
        label = f"{type(dist).__name__}.rsample dx[{name!r}]"
        if dx.ndim == len(shape) + 1:  # a Jacobian J[..., i, j] = dx_i / dtheta_j: contract over i
            check_broadcast(dx.shape[:-1], shape, label)
            term = np.einsum("...i,...ij->...j", dfx, dx)
        else:
            check_broadcast(dx.shape, shape, label)
            term = dfx * dx
        terms[name] = check_term(name, reduce_to(term, n, param.shape, label), (("df", dfx, what), (label, dx, None)), dist)
        del dx, term
    return terms


# helpers -------------------------------------------------------------------------------------------


def _check_distribution(dist: object) -> Distribution:
    if not isinstance(dist, Distribution):
        raise TypeError(f"dist must be a reparam distribution such as rp.Normal(0, 1); got {_show(dist)}")
    return dist


def _check_baseline(baseline: object, dist: Distribution, n: int) -> float | str | dict[str, Array]:
    """Return the baseline as a float, the string "loo" or a dict of float arrays (see ``score_function``)."""
    expected = 'None, a finite float, a dict keyed by parameter name, or "loo"'
    if baseline is None:
        return 0.0
    if isinstance(baseline, str):
        if baseline != "loo":
            raise ValueError(f"baseline must be {expected}; got the string {baseline!r}")
        if n < 2:
            raise ValueError(f'baseline="loo" needs n >= 2 (the mean of the other n - 1 samples); got n={n}')
        return "loo"
    if isinstance(baseline, Mapping):
        names = set(dist.param_names)
        if set(baseline) != names:
            raise ValueError(
                f"baseline dict must have exactly the keys {dist.param_names} of {type(dist).__name__}; "
                f"got keys {tuple(baseline)} (missing {sorted(names - set(baseline))}, "
                f"unknown {sorted(map(str, set(baseline) - names))})"
            )
        checked = {}
        for name, param in dist.params.items():
            value = check_param(f"baseline[{name!r}]", baseline[name])
            if len(value.shape) > len(param.shape) or np.broadcast_shapes(value.shape, param.shape) != param.shape:
                raise ValueError(
                    f"baseline[{name!r}] must broadcast to the shape {param.shape} of parameter {name!r}; "
                    f"got shape {value.shape}"
                )
            checked[name] = value
        return checked
    try:
        return check_real("baseline", baseline)
    except TypeError:
        raise TypeError(f"baseline must be {expected}; got {_show(baseline)} of type {type(baseline).__name__}") from None


# Old private names, kept for importers outside this module.
_reduce_to, _along_axis0, _check_broadcast = reduce_to, along_axis0, check_broadcast
