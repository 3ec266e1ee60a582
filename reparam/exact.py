r"""Exact answers for :math:`x \sim \mathcal N(\mu, \sigma^2)`, in one place: what every simulation is checked against.

For a cost :math:`f` (a ``reparam.costs.Cost``, which carries closed forms where they exist, or any
elementwise function) and the Normal with ``loc`` :math:`\mu` and ``scale`` :math:`\sigma`:

* ``expectation``: :math:`\mathbb E[f(x)]`;
* ``gradient``: :math:`\partial_\mu \mathbb E f` and :math:`\partial_\sigma \mathbb E f`;
* ``variance``: the per-sample variance of each estimator in ``reparam.estimators.ESTIMATORS``
  (score function, with a constant baseline; pathwise; coupled measure-valued);
* ``optimal_baseline``: the variance-optimal constant baseline :math:`b^\star` of the score function;
* ``measure_valued_variance``: the exact mean and variance of the coupled measure-valued terms;
* ``normal_expectation``: the quadrature they all fall back on,
  :math:`\mathbb E_{\epsilon}[h(\mu + \sigma\epsilon, \epsilon)]` by the trapezoid rule with step 0.003 on
  :math:`[-12, 12]` (faster than any power of the step for smooth Gaussian-weighted integrands, so exact to
  rounding; only :math:`O(h)` at a jump, which is why ``Step`` has closed forms).

Every function broadcasts over ``loc`` and ``scale`` (floats or arrays).

>>> from reparam import exact
>>> from reparam.costs import Square
>>> float(exact.variance(Square(), "score_function", 2.0, 1.0)["loc"]), float(exact.gradient(Square(), 2.0, 1.0)["loc"])
(87.0, 4.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._validate import check_param, check_real
from .estimators import check_estimator

__all__ = ["expectation", "gradient", "variance", "optimal_baseline", "measure_valued_variance", "normal_expectation"]

Array = np.ndarray

_EPS = np.linspace(-12.0, 12.0, 8001)
_WEIGHTS = np.exp(-0.5 * _EPS**2) * (_EPS[1] - _EPS[0]) / math.sqrt(2 * math.pi)


def _normal_params(loc: float | Array, scale: float | Array) -> tuple[Array, Array]:
    """``loc`` and ``scale`` as float arrays, checked (finite; scale > 0) and broadcast together."""
    loc, scale = check_param("loc", loc), check_param("scale", scale, positive=True)
    try:
        return np.broadcast_arrays(loc, scale)
    except ValueError:
        raise ValueError(f"loc and scale must broadcast together; got shapes {loc.shape} and {scale.shape}") from None


def normal_expectation(h: Callable[[Array, Array], Array], loc: float | Array, scale: float | Array) -> Array:
    r""":math:`\mathbb E_{\epsilon\sim\mathcal N(0,1)}[h(\mu + \sigma\epsilon, \epsilon)]` by the trapezoid rule.

    :math:`\sum_j w_j\, h(\mu + \sigma\epsilon_j, \epsilon_j)` with :math:`\epsilon_j` on a grid of step
    :math:`h = 0.003` over :math:`[-12, 12]` and :math:`w_j = h\,\varphi(\epsilon_j)` (the end points'
    weights, :math:`\varphi(\pm 12) h/2 \approx 10^{-34}`, do not matter). Broadcasts over ``loc`` and ``scale``.
    """
    loc, scale = _normal_params(loc, scale)
    x = loc[..., None] + scale[..., None] * _EPS
    return np.sum(h(x, _EPS) * _WEIGHTS, axis=-1)




def _elementwise(cost: object) -> Callable[[Array], Array]:
    f = getattr(cost, "f", cost)
    if not callable(f):
        raise TypeError(f"cost must be a reparam cost (with a method f) or a callable; got {cost!r}")
    return f


def expectation(cost: object, loc: float | Array, scale: float | Array) -> Array:
    r""":math:`\mathbb E_{x\sim\mathcal N(\mu,\sigma^2)}[f(x)]`: the cost's closed form if it has one, else quadrature."""
    if hasattr(cost, "expectation"):
        return cost.expectation(loc, scale)
    f = _elementwise(cost)
    return normal_expectation(lambda x, e: f(x), loc, scale)


def gradient(cost: object, loc: float | Array, scale: float | Array) -> dict[str, Array]:
    r""":math:`\{\partial_\mu, \partial_\sigma\}\,\mathbb E[f(x)]`: the cost's closed form, else the score identities
    :math:`\mathbb E[f(x)\,\epsilon]/\sigma` and :math:`\mathbb E[f(x)(\epsilon^2-1)]/\sigma` by quadrature (no
    derivative of :math:`f` needed)."""
    if hasattr(cost, "gradient"):
        return cost.gradient(loc, scale)
    f = _elementwise(cost)
    loc, scale = _normal_params(loc, scale)
    return {
        "loc": normal_expectation(lambda x, e: f(x) * e, loc, scale) / scale,
        "scale": normal_expectation(lambda x, e: f(x) * (e * e - 1), loc, scale) / scale,
    }


def variance(cost: object, estimator: str, loc: float | Array, scale: float | Array, baseline: float = 0.0) -> dict[str, Array]:
    r"""Per-sample variance of ``estimator`` (a name in ``ESTIMATORS``) for ``loc`` and ``scale``.

    ``cost`` must be a ``reparam.costs.Cost`` for the score function and pathwise estimators (see
    ``Cost.variance`` for the formulas); for ``"measure_valued"`` any elementwise cost will do, and
    ``baseline`` must be 0 (the measure-valued estimator has none). Divide by ``n`` for an ``n``-sample estimate.
    """
    check_estimator(estimator)
    if estimator == "measure_valued":
        if check_real("baseline", baseline) != 0.0:
            raise ValueError(f"baseline must be 0 for the measure-valued estimator (it has none); got {baseline!r}")
        result = measure_valued_variance(cost, loc, scale)
        return {"loc": result["loc"], "scale": result["scale"]}
    if not hasattr(cost, "variance"):
        raise TypeError(f"cost must be a reparam.costs.Cost for the {estimator} variance; got {cost!r}")
    return cost.variance(estimator, loc, scale, baseline)


def optimal_baseline(cost: object, loc: float | Array, scale: float | Array) -> dict[str, Array]:
    r"""The exact :math:`b^\star` for a scalar Normal, by quadrature over :math:`\epsilon \sim \mathcal N(0,1)`.

    The quadrature is ``normal_expectation``, the one the costs' variances use.

    With :math:`x = \mu + \sigma\epsilon` the scores are :math:`\epsilon/\sigma` and :math:`(\epsilon^2-1)/\sigma`,
    with :math:`\mathbb E[s^2] = 1/\sigma^2` and :math:`2/\sigma^2`, so

    .. math::

        b^\star_\mu = \mathbb E\bigl[f(x)\,\epsilon^2\bigr], \qquad
        b^\star_\sigma = \tfrac12\,\mathbb E\bigl[f(x)\,(\epsilon^2 - 1)^2\bigr].

    For :math:`f(x) = (x-k)^2` with :math:`m = \mu - k` these are :math:`m^2 + 3\sigma^2` and
    :math:`m^2 + 5\sigma^2`.

    Parameters
    ----------
    cost : reparam.costs.Cost or callable
        An object with an elementwise method ``f``, or an elementwise function.
    loc, scale : float or array_like
        :math:`\mu` and :math:`\sigma > 0`; they broadcast together.

    Returns
    -------
    dict
        ``{"loc": b, "scale": b}``, shaped like ``broadcast(loc, scale)``.
    """
    f = _elementwise(cost)
    return {
        "loc": normal_expectation(lambda x, e: f(x) * e**2, loc, scale),
        "scale": 0.5 * normal_expectation(lambda x, e: f(x) * (e**2 - 1) ** 2, loc, scale),
    }


# Quadrature for the exact variance. Over the real line (m, and the mean over w) the trapezoid rule, which
# for Gaussian-weighted smooth integrands converges faster than any power of the step; over w > 0 the
# substitution t = w^2 / 2 turns the Rayleigh weight w exp(-w^2/2) dw into exp(-t) dt, and Gauss-Laguerre
# nodes integrate the even function Delta(w)^2 = H(t) (smooth in t); over u in [0, 1] Gauss-Legendre.
_LINE = np.linspace(-10.0, 10.0, 401)
_LINE_STEP = _LINE[1] - _LINE[0]
_T, _T_WEIGHTS = np.polynomial.laguerre.laggauss(90)
_W = np.sqrt(2.0 * _T)
_M_WEIGHTS = _LINE**2 * np.exp(-0.5 * _LINE**2) * _LINE_STEP / math.sqrt(2 * math.pi)
_U, _U_WEIGHTS = np.polynomial.legendre.leggauss(64)
_U, _U_WEIGHTS = 0.5 * (_U + 1.0), 0.5 * _U_WEIGHTS


def measure_valued_variance(
    cost: object,
    loc: float | Array,
    scale: float | Array,
) -> dict[str, Array]:
    r"""Exact per-sample mean and variance of the coupled measure-valued terms for a scalar Normal.

    .. math::

        \mathrm{Var}\,\hat g^{\mu} = \frac{1}{2\pi\sigma^2}\int_0^\infty w e^{-w^2/2}
            \bigl(f(\mu+\sigma w) - f(\mu-\sigma w)\bigr)^2 dw - (\partial_\mu \mathbb E f)^2,

    .. math::

        \mathrm{Var}\,\hat g^{\sigma} = \frac{1}{\sigma^2}\int_{-\infty}^{\infty}\!\int_0^1 m^2\varphi(m)
            \bigl(f(\mu+\sigma m) - f(\mu+\sigma m u)\bigr)^2 du\,dm - (\partial_\sigma \mathbb E f)^2,

    with the gradient itself computed by quadrature too (Gauss-Laguerre in :math:`t = w^2/2` for the first
    integral, the trapezoid rule over :math:`m \in [-10, 10]` with step 0.05 and Gauss-Legendre with 64
    nodes over :math:`u` for the second). Accurate to about ten digits for smooth costs that oscillate
    moderately over the Gaussian bulk (:math:`|k\sigma| \lesssim 8` for :math:`\cos kx`).

    Parameters
    ----------
    cost : reparam.costs.Cost or callable
        The cost: an object with an elementwise method ``f``, or an elementwise function.
    loc, scale : float or array_like
        :math:`\mu` and :math:`\sigma > 0`; they broadcast together.

    Returns
    -------
    dict
        ``{"loc": var, "scale": var, "mean": {"loc": ..., "scale": ...}}``, each shaped like
        ``broadcast(loc, scale)``.
    """
    f = _elementwise(cost)
    loc, scale = _normal_params(loc, scale)
    mu, sigma = loc[..., None], scale[..., None]
    # mean: int_0^inf w e^{-w^2/2} Delta(w) dw = int_R w e^{-w^2/2} f(mu + sigma w) dw
    line = f(mu + sigma * _LINE) * (_LINE * np.exp(-0.5 * _LINE**2) * _LINE_STEP)
    mean_loc = np.sum(line, axis=-1) / (sigma[..., 0] * math.sqrt(2 * math.pi))
    delta = (f(mu + sigma * _W) - f(mu - sigma * _W)) / (sigma * math.sqrt(2 * math.pi))
    second_loc = np.sum(delta**2 * _T_WEIGHTS, axis=-1)
    mu, sigma = mu[..., None], sigma[..., None]
    m = _LINE[:, None]
    delta = (f(mu + sigma * m) - f(mu + sigma * m * _U)) / sigma
    mean_scale = np.sum((delta @ _U_WEIGHTS) * _M_WEIGHTS, axis=-1)
    second_scale = np.sum((delta**2 @ _U_WEIGHTS) * _M_WEIGHTS, axis=-1)
    return {
        "loc": np.maximum(second_loc - mean_loc**2, 0.0),
        "scale": np.maximum(second_scale - mean_scale**2, 0.0),
        "mean": {"loc": mean_loc, "scale": mean_scale},
    }
