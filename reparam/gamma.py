r"""The Gamma distribution, with a pathwise sampler by implicit reparameterization (Figurnov et al. 2018).

The Gamma has no closed-form inverse CDF, so the pathwise derivative cannot be read off a formula
:math:`x = g(\epsilon, \theta)`. It does not need one: differentiating :math:`F(x(u, \theta); \theta) = u`
(the sample sits at a fixed quantile ``u`` of its own CDF) gives

.. math::

    p(x \mid \theta)\,\frac{\partial x}{\partial \theta} + \frac{\partial F}{\partial \theta}(x; \theta) = 0
    \quad\Longrightarrow\quad
    \frac{\partial x}{\partial \theta} = -\frac{\partial F(x; \theta) / \partial \theta}{p(x \mid \theta)},

which needs only the CDF's derivative at the sample, not the inverse.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._validate import Interval, as_rng, positive
from .distributions import Array, Distribution, Seed

__all__ = ["Gamma"]


def _dgammainc_da(a: Array, z: Array, cdf: Array | None = None) -> Array:
    r"""The derivative :math:`\partial P(a, z)/\partial a` of the regularized lower incomplete gamma function.

    Central differences in :math:`a` at steps :math:`h` and :math:`h/2`, combined by Richardson
    extrapolation, :math:`D = (4 D_{h/2} - D_h)/3` (error :math:`O(h^4)`). The difference is taken on the
    smaller tail, :math:`P` where :math:`P \le 1/2` and :math:`-Q = -(1 - P)` elsewhere, so that it keeps
    its relative accuracy far in either tail (except for :math:`z < 1.1`, where ``gammaincc`` is slow
    for small :math:`a` and :math:`Q(a, z) > Q(a, 1.1)` is not small, so :math:`P` is used). The step
    :math:`h = 10^{-3}\min(a, \sqrt a)` follows the scale on which :math:`P` varies with :math:`a`
    (:math:`a` itself for small :math:`a`, the standard deviation :math:`\sqrt a` for large :math:`a`). ``cdf``, if given, is :math:`P(a, z)` (known to
    the sampler: it is the uniform noise) and saves one evaluation.
    """
    a, z = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(z, dtype=float))
    lower = ((special.gammainc(a, z) if cdf is None else np.broadcast_to(cdf, a.shape)) <= 0.5) | (z < 1.1)
    h = 1e-3 * np.minimum(a, np.sqrt(a))
    a_lo, z_lo, h_lo = a[lower], z[lower], h[lower]
    a_up, z_up, h_up = a[~lower], z[~lower], h[~lower]

    def central(scale: float) -> Array:
        difference = np.empty(a.shape)
        s_lo, s_up = scale * h_lo, scale * h_up
        difference[lower] = special.gammainc(a_lo + s_lo, z_lo) - special.gammainc(a_lo - s_lo, z_lo)
        difference[~lower] = special.gammaincc(a_up - s_up, z_up) - special.gammaincc(a_up + s_up, z_up)
        return difference / (2 * scale * h)

    return (4 * central(0.5) - central(1.0)) / 3


MAX_CONCENTRATION = 1e6
"""The largest concentration accepted (see ``Gamma``)."""


class Gamma(Distribution):
    r"""The Gamma distribution with ``concentration`` :math:`\alpha` and ``rate`` :math:`\beta`.

    .. math::

        p(x) = \frac{\beta^\alpha}{\Gamma(\alpha)} x^{\alpha-1} e^{-\beta x}, \quad x > 0, \qquad
        \frac{\partial \log p}{\partial \alpha} = \log\beta + \log x - \psi(\alpha), \qquad
        \frac{\partial \log p}{\partial \beta} = \frac{\alpha}{\beta} - x,

    with :math:`\psi` the digamma function. Mean :math:`\alpha/\beta`, variance :math:`\alpha/\beta^2`.

    Pathwise sampler by the inverse CDF, differentiated implicitly: the noise is
    :math:`u \sim \mathrm{Uniform}(0, 1)` and :math:`x = P^{-1}(\alpha, u)/\beta`, with
    :math:`P(\alpha, z)` the regularized lower incomplete gamma function (the CDF of
    :math:`\mathrm{Gamma}(\alpha, 1)`; ``scipy.special.gammainc`` and its inverse ``gammaincinv``). Its
    derivatives are (Figurnov et al. 2018)

    .. math::

        \frac{\partial x}{\partial \alpha} = -\frac{\partial F(x; \alpha, \beta)/\partial\alpha}{p(x)}
        = -\frac{\partial P(\alpha, \beta x)/\partial \alpha}{\beta\, p_1(\beta x)}, \qquad
        \frac{\partial x}{\partial \beta} = -\frac{x}{\beta},

    with :math:`p_1` the density of :math:`\mathrm{Gamma}(\alpha, 1)`. :math:`\partial P/\partial\alpha`
    is computed by Richardson-extrapolated central differences of the CDF on its smaller tail
    (relative error about :math:`10^{-9}`), never by differentiating the inverse.

    ``sample`` uses the same inverse CDF as ``rsample`` (not ``Generator.gamma``), so that for the same
    ``rng`` both return the same numbers. A sample that underflows to 0 (possible only for a tiny
    concentration) gets :math:`\partial x/\partial\alpha = 0`.

    Parameters
    ----------
    concentration : float or array_like
        The shape :math:`\alpha`, in :math:`(0, 10^6]`. Beyond :math:`10^6` the finite differences of the
        CDF in :math:`\alpha` lose their accuracy (an absolute error of :math:`10^{-2}` in
        :math:`\partial x/\partial\alpha` at :math:`10^7`), so larger values are refused. For a small
        :math:`\alpha` a fraction of about :math:`e^{-709\alpha}` of the samples underflows to 0, where the
        score :math:`\log x` does not exist: ``score`` raises for them (``pathwise`` still works).
    rate : float or array_like
        The rate :math:`\beta` (inverse scale); finite and > 0. Broadcasts with ``concentration``.
    """

    param_names = ("concentration", "rate")
    arg_constraints = {"concentration": Interval(0.0, MAX_CONCENTRATION, closed_high=True), "rate": positive}
    has_rsample = True

    def __init__(self, concentration: float | Array = 1.0, rate: float | Array = 1.0) -> None:
        super().__init__(concentration=concentration, rate=rate)
        self.concentration, self.rate = self._params["concentration"], self._params["rate"]

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Uniform noise :math:`u \\sim \\mathrm{Uniform}(0, 1)`, shape ``(n,) + shape``."""
        return as_rng(rng).random(self._size(n))

    def transform(self, eps: Array) -> Array:
        """:math:`x = P^{-1}(\\alpha, u) / \\beta`, the inverse CDF at the uniform noise ``u``."""
        return special.gammaincinv(self.concentration, eps) / self.rate

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        r""":math:`\partial x/\partial\alpha` by implicit differentiation, :math:`\partial x/\partial\beta = -x/\beta`."""
        alpha = self.concentration
        z = x * self.rate
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            density = np.exp(special.xlogy(alpha - 1, z) - z - special.gammaln(alpha))  # p_1(z)
            dz = -_dgammainc_da(alpha, z, cdf=eps) / density
        dalpha = np.where(z > 0, dz, 0.0) / self.rate
        return {"concentration": dalpha, "rate": -x / self.rate}

    def log_prob(self, x: Array) -> Array:
        r""":math:`\alpha\log\beta + (\alpha-1)\log x - \beta x - \log\Gamma(\alpha)`; ``-inf`` for :math:`x < 0`."""
        x = self._as_sample(x)
        alpha, beta = self.concentration, self.rate
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = alpha * np.log(beta) + special.xlogy(alpha - 1, x) - beta * x - special.gammaln(alpha)
        return np.where(x >= 0, log_p, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        r""":math:`(\log\beta + \log x - \psi(\alpha),\ \alpha/\beta - x)`; raises for :math:`x \le 0`."""
        x = self._as_sample(x)
        alpha, beta = self.concentration, self.rate
        if not np.all(x > 0):
            bad = float(np.asarray(x)[~(x > 0)].flat[0])
            raise ValueError(
                f"x must be > 0 for the score of {self!r} (log x); got {bad!r}. A sample of 0 is one that "
                "underflowed: with a concentration below about 0.05 a fraction exp(-709 concentration) of the "
                "samples does. Use a larger concentration, or the pathwise estimator"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            score_alpha = np.log(beta) + np.log(x) - special.digamma(alpha)
        return {"concentration": score_alpha, "rate": alpha / beta - x}
