r"""The variance-optimal constant baseline for the score-function estimator.

For one parameter with score :math:`s = \partial_\theta \log p(x\mid\theta)` and any constant :math:`b`,
the term :math:`(f(x) - b)\,s` is unbiased because :math:`\mathbb E[s] = 0`. Its variance is

.. math::

    V(b) = \mathbb E\bigl[(f - b)^2 s^2\bigr] - \bigl(\mathbb E[(f - b)s]\bigr)^2
         = \mathbb E[f^2 s^2] - 2b\,\mathbb E[f s^2] + b^2\,\mathbb E[s^2] - \bigl(\mathbb E[f s]\bigr)^2,

since :math:`\mathbb E[(f-b)s] = \mathbb E[fs]` does not depend on :math:`b`. This is a parabola in :math:`b`
with positive leading coefficient :math:`\mathbb E[s^2]`; setting :math:`V'(b) = -2\,\mathbb E[fs^2] +
2b\,\mathbb E[s^2]` to zero gives

.. math::

    b^\star = \frac{\mathbb E[f s^2]}{\mathbb E[s^2]}, \qquad
    V(b) = V(b^\star) + \mathbb E[s^2]\,(b - b^\star)^2 .

For a vector parameter each coordinate :math:`j` has its own term :math:`(f - b_j)s_j` and its own
parabola, so :math:`b^\star_j = \mathbb E[f s_j^2]/\mathbb E[s_j^2]`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import as_rng, check_n
from .distributions import Distribution
from . import exact
from ._terms import cost_values, reduce_to as _reduce_to

__all__ = ["optimal_baseline", "optimal_baseline_normal"]

Array = np.ndarray
Seed = None | int | np.random.Generator


def optimal_baseline(
    f: Callable[[Array], Array],
    dist: Distribution,
    n: int,
    rng: Seed = None,
) -> dict[str, Array]:
    r"""Estimate the variance-optimal constant baseline of every parameter from ``n`` fresh draws.

    .. math::

        \hat b^\star = \frac{\sum_{i=1}^n f(x_i)\,s(x_i)^2}{\sum_{i=1}^n s(x_i)^2}, \qquad x_i \sim p(x\mid\theta),

    per parameter and per coordinate, :math:`s` being that coordinate's score (for a parameter broadcast
    over several coordinates, the summed score, as in ``score_function``). The draws are the function's
    own: pass the result as ``baseline`` to ``score_function`` with a different ``rng``, so that the
    baseline is independent of the samples it multiplies and the estimator stays unbiased.

    Parameters
    ----------
    f : callable
        The cost; maps samples of shape ``(n,) + dist.shape`` to values of shape ``(n,)``.
    dist : Distribution
        The sampling distribution :math:`p(x \mid \theta)`.
    n : int
        Number of draws, >= 1.
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).

    Returns
    -------
    dict
        ``b[name]``, shaped like ``dist.params[name]``.
    """
    if not isinstance(dist, Distribution):
        raise TypeError(f"dist must be a reparam distribution such as rp.Normal(0, 1); got {dist!r}")
    n = check_n(n)
    x = dist.sample(n, as_rng(rng))
    fx = cost_values(f, x)
    out = {}
    for name, s in dist.score(x).items():
        s = _reduce_to(s, n, dist.params[name].shape, f"{type(dist).__name__}.score(x)[{name!r}]")
        s2 = s * s
        weight = fx.reshape(fx.shape + (1,) * (s.ndim - 1))
        out[name] = (weight * s2).sum(axis=0) / s2.sum(axis=0)  # s^2 > 0 almost surely
    return out


optimal_baseline_normal = exact.optimal_baseline  # the exact b* for the Normal, kept under its old name
