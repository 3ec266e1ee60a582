r"""The Beta and Dirichlet distributions, with pathwise samplers by implicit reparameterization of Gammas.

Both are normalised Gamma variables (Figurnov et al. 2018). With independent
:math:`G_k \sim \mathrm{Gamma}(\alpha_k, 1)`,

.. math::

    x = \frac{G}{\sum_k G_k} \sim \mathrm{Dirichlet}(\alpha), \qquad
    x = \frac{G_1}{G_1 + G_0} \sim \mathrm{Beta}(\alpha_1, \alpha_0),

so a sample is differentiable in the concentrations as soon as each Gamma is. Each :math:`G_k` is
drawn by the inverse CDF at a uniform :math:`u_k`, exactly as ``rp.Gamma`` draws it, and differentiated
implicitly, :math:`\partial G_k/\partial\alpha_k = -(\partial P(\alpha_k, G_k)/\partial\alpha_k)/p_1(G_k)`,
without differentiating the inverse. Everything is computed in logarithms, :math:`L_k = \log G_k`, so that
Gammas of a small concentration, which underflow, still give exact samples and derivatives:

.. math::

    x = \mathrm{softmax}(L), \qquad
    \frac{\partial x_i}{\partial \alpha_j} = x_i\,(\delta_{ij} - x_j)\,\frac{\partial L_j}{\partial \alpha_j}, \qquad
    \frac{\partial L_j}{\partial \alpha_j} = -\frac{\partial P(\alpha_j, G_j)/\partial\alpha_j}{G_j\, p_1(G_j)} .
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._validate import as_rng, check_param
from .discrete import softmax
from .distributions import Array, Distribution, Seed
from .gamma import _dgammainc_da

__all__ = ["Beta", "Dirichlet"]


def _log_standard_gamma(alpha: Array, u: Array) -> tuple[Array, Array]:
    r""":math:`L = \log G` and :math:`\partial L/\partial\alpha` for
    :math:`G = P^{-1}(\alpha, u) \sim \mathrm{Gamma}(\alpha, 1)`.

    Where :math:`G` is a normal float, :math:`\partial L/\partial\alpha = -(\partial P/\partial\alpha)/(G\,p_1(G))`
    with :math:`G\,p_1(G) = \exp(\alpha\log G - G - \log\Gamma(\alpha))`. Below the smallest normal float
    (reached only for small :math:`\alpha`), :math:`P(\alpha, G) = G^\alpha/\Gamma(\alpha+1)` to double
    precision, so :math:`L = (\log u + \log\Gamma(\alpha + 1))/\alpha` and
    :math:`\partial L/\partial\alpha = (\psi(\alpha+1) - L)/\alpha`.
    """
    alpha, u = np.broadcast_arrays(alpha, u)
    g = special.gammaincinv(alpha, u)  # exactly the sample of rp.Gamma(alpha, 1) at the same u
    normal = g >= np.finfo(float).tiny
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_g = np.log(g)
        dlog_g = -_dgammainc_da(alpha, g, cdf=u) / np.exp(special.xlogy(alpha, g) - g - special.gammaln(alpha))
        log_small = (np.log(u) + special.gammaln(alpha + 1)) / alpha
    log_g = np.where(normal, log_g, log_small)
    dlog_g = np.where(normal, dlog_g, (special.digamma(alpha + 1) - log_small) / alpha)
    return log_g, dlog_g


def _reuse(dist: Distribution, eps: Array, compute):
    """``compute()``, or its value from the last call on ``dist`` if ``eps`` holds the same numbers.

    ``pathwise`` calls ``transform`` and then ``_dtransform`` on the same noise; the inverse CDF is most of
    the cost of both, so the second call reuses the first's Gammas. The noise is compared by value (a copy
    is kept), so noise changed in between is recomputed, never served stale.
    """
    cached = getattr(dist, "_last_noise", None)
    if cached is not None and cached[0].shape == eps.shape and np.array_equal(cached[0], eps):
        return cached[1]
    value = compute()
    dist._last_noise = (eps.copy(), value)
    return value


class Beta(Distribution):
    r"""The Beta distribution on :math:`(0, 1)` with ``concentration1`` :math:`a` and ``concentration0`` :math:`b`.

    .. math::

        \log p(x) = (a-1)\log x + (b-1)\log(1-x) - \log B(a, b), \qquad
        \frac{\partial \log p}{\partial a} = \log x - \psi(a) + \psi(a+b), \qquad
        \frac{\partial \log p}{\partial b} = \log(1-x) - \psi(b) + \psi(a+b).

    Mean :math:`a/(a+b)`, :math:`\mathbb E[x^2] = a(a+1)/((a+b)(a+b+1))`. (Names as in
    ``torch.distributions.Beta``: :math:`a` counts towards 1, :math:`b` towards 0.)

    Pathwise sampler: :math:`x = G_1/(G_1 + G_0)` with :math:`G_1 \sim \mathrm{Gamma}(a, 1)` and
    :math:`G_0 \sim \mathrm{Gamma}(b, 1)`, each by the inverse CDF at its own uniform. The noise has one
    trailing axis more than a sample, ``u[..., 0]`` for :math:`G_1` and ``u[..., 1]`` for :math:`G_0`;
    ``u[..., 0]`` is the noise of ``rp.Gamma(a, 1)``, so :math:`G_1` is that Gamma's sample. With
    :math:`L = \log G`, :math:`x = 1/(1 + e^{L_0 - L_1})` and

    .. math::

        \frac{\partial x}{\partial a} = x(1-x)\,\frac{\partial L_1}{\partial a}, \qquad
        \frac{\partial x}{\partial b} = -x(1-x)\,\frac{\partial L_0}{\partial b},

    with the implicit Gamma derivatives of the module docstring.

    Parameters
    ----------
    concentration1 : float or array_like
        :math:`a`, finite and > 0.
    concentration0 : float or array_like
        :math:`b`, finite and > 0. Broadcasts with ``concentration1``.

    Notes
    -----
    For a concentration well below 1 a sample can round to exactly 0 or 1 in float64 (the probability
    that :math:`x > 1 - 10^{-16}` is about :math:`10^{-16 b}`). Its pathwise derivative is then 0, the true
    limit; ``score`` refuses such a sample with a ``ValueError``, since the score there is infinite.
    """

    param_names = ("concentration1", "concentration0")
    has_rsample = True

    def __init__(self, concentration1: float | Array = 1.0, concentration0: float | Array = 1.0) -> None:
        super().__init__(
            concentration1=check_param("concentration1", concentration1, positive=True).copy(),
            concentration0=check_param("concentration0", concentration0, positive=True).copy(),
        )
        self.concentration1, self.concentration0 = self._params["concentration1"], self._params["concentration0"]

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Uniform noise, shape ``(n,) + shape + (2,)``: ``[..., 0]`` drives :math:`G_1`, ``[..., 1]`` :math:`G_0`."""
        return as_rng(rng).random(self._size(n) + (2,))

    def _logs(self, eps: Array) -> tuple[Array, Array, Array, Array]:
        """:math:`L_1, \\partial L_1/\\partial a, L_0, \\partial L_0/\\partial b` at the noise ``eps``.

        ``transform`` and ``_dtransform`` are called in turn on the same noise; the second call reuses the
        first's result (the inverse CDF is most of the cost) if ``eps`` still holds the same numbers.
        """
        eps = np.asarray(eps, dtype=float)
        if eps.ndim < 2 or eps.shape[-1] != 2 or eps.shape[eps.ndim - 1 - len(self.shape):-1] != self.shape:
            raise ValueError(f"eps must have shape (n,) + {self.shape} + (2,), as noise() draws it; got {eps.shape}")
        return _reuse(self, eps, lambda: (*_log_standard_gamma(self.concentration1, eps[..., 0]),
                                          *_log_standard_gamma(self.concentration0, eps[..., 1])))

    def transform(self, eps: Array) -> Array:
        """:math:`x = G_1/(G_1 + G_0) = 1/(1 + e^{L_0 - L_1})`, shape ``eps.shape[:-1]``."""
        log_g1, _, log_g0, _ = self._logs(eps)
        return special.expit(log_g1 - log_g0)

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        log_g1, dlog_g1, log_g0, dlog_g0 = self._logs(eps)
        weight = special.expit(log_g1 - log_g0) * special.expit(log_g0 - log_g1)  # x(1-x), exact near 0 and 1
        return {"concentration1": weight * dlog_g1, "concentration0": -weight * dlog_g0}

    def log_prob(self, x: Array) -> Array:
        """The log density, shaped like ``x``; ``-inf`` outside :math:`[0, 1]`."""
        x = self._as_sample(x)
        a, b = self.concentration1, self.concentration0
        inside = (x >= 0) & (x <= 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = special.xlogy(a - 1, x) + special.xlog1py(b - 1, -x) - special.betaln(a, b)
        return np.where(inside, log_p, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        """The score for :math:`a` and :math:`b`, each shaped like ``x``; ``x`` must lie in the open interval (0, 1)."""
        x = self._as_sample(x)
        if not np.all((x > 0) & (x < 1)):
            bad = float(x[~((x > 0) & (x < 1))].flat[0])
            raise ValueError(f"x must lie in the open interval (0, 1), where the Beta's score is finite; got {bad!r}")
        a, b = self.concentration1, self.concentration0
        both = special.digamma(a + b)
        return {"concentration1": np.log(x) - special.digamma(a) + both,
                "concentration0": np.log1p(-x) - special.digamma(b) + both}


class Dirichlet(Distribution):
    r"""The Dirichlet distribution on the simplex with ``concentration`` :math:`\alpha`, shape ``(..., K)``.

    .. math::

        \log p(x) = \log\Gamma(\alpha_0) - \sum_k \log\Gamma(\alpha_k) + \sum_k (\alpha_k - 1)\log x_k, \qquad
        \frac{\partial \log p}{\partial \alpha_j} = \log x_j - \psi(\alpha_j) + \psi(\alpha_0),

    with :math:`\alpha_0 = \sum_k \alpha_k`; the density is with respect to Lebesgue measure on the first
    :math:`K - 1` coordinates. :math:`\mathbb E[x_j] = \alpha_j/\alpha_0` and
    :math:`\mathbb E[x_j^2] = \alpha_j(\alpha_j + 1)/(\alpha_0(\alpha_0 + 1))`.

    Pathwise sampler: :math:`x = G/\sum_k G_k`, :math:`G_k \sim \mathrm{Gamma}(\alpha_k, 1)` by the inverse
    CDF at uniforms :math:`u` of shape ``(n,) + shape`` (the noise of ``rp.Gamma(concentration, 1)``).
    Every coordinate of :math:`x` depends on every :math:`\alpha_j`, so ``rsample`` returns the Jacobian

    .. math::

        J_{ij} = \frac{\partial x_i}{\partial\alpha_j} = x_i(\delta_{ij} - x_j)\,\frac{\partial L_j}{\partial\alpha_j},
        \qquad L_j = \log G_j,

    shape ``(n,) + shape + (K,)`` with ``J[..., i, j]`` :math:`= \partial x_i/\partial\alpha_j`, the layout
    ``rp.pathwise`` contracts with :math:`f'(x)`: :math:`\sum_i f'(x)_i J_{ij}`.

    Parameters
    ----------
    concentration : array_like, shape ``(..., K)``
        :math:`\alpha`, finite and > 0, :math:`K \ge 2` on the last axis.
    """

    param_names = ("concentration",)
    has_rsample = True

    def __init__(self, concentration: Array) -> None:
        alpha = check_param("concentration", concentration, positive=True).copy()
        if alpha.ndim == 0 or alpha.shape[-1] < 2:
            raise ValueError(
                f"concentration must be an array of shape (..., K) with K >= 2 on the last axis; "
                f"got {concentration!r} with shape {alpha.shape}"
            )
        super().__init__(concentration=alpha)
        self.concentration = self._params["concentration"]

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Uniform noise :math:`u`, shape ``(n,) + shape``, one uniform per Gamma."""
        return as_rng(rng).random(self._size(n))

    def _logs(self, eps: Array) -> tuple[Array, Array]:
        """:math:`L = \\log G` and :math:`\\partial L_j/\\partial\\alpha_j` at the noise ``eps`` (see ``_reuse``)."""
        eps = np.asarray(eps, dtype=float)
        if eps.ndim < 2 or eps.shape[eps.ndim - len(self.shape):] != self.shape:
            raise ValueError(f"eps must have shape (n,) + {self.shape}, as noise() draws it; got {eps.shape}")
        return _reuse(self, eps, lambda: _log_standard_gamma(self.concentration, eps))

    def transform(self, eps: Array) -> Array:
        """:math:`x = \\mathrm{softmax}(L)`, :math:`L_k = \\log P^{-1}(\\alpha_k, u_k)`."""
        return softmax(self._logs(eps)[0])

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        """The Jacobian :math:`J_{ij} = x_i(\\delta_{ij} - x_j)\\,\\partial L_j/\\partial\\alpha_j`, shape ``x.shape + (K,)``.
        """
        dlog_g = self._logs(eps)[1]
        K = x.shape[-1]
        jacobian = -x[..., :, None] * x[..., None, :]
        diagonal = np.einsum("...ii->...i", jacobian)  # a writable view of the diagonal
        diagonal[...] = x * (x @ (1 - np.eye(K)))  # x_i (1 - x_i), with 1 - x_i summed from the others: exact near 1
        jacobian *= dlog_g[..., None, :]
        return {"concentration": jacobian}

    def log_prob(self, x: Array) -> Array:
        """The log density, shape ``x.shape[:-1]``; ``-inf`` off the simplex."""
        x = self._as_sample(x)
        alpha = self.concentration
        inside = np.all(x >= 0, axis=-1) & (np.abs(x.sum(-1) - 1) < 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = (special.gammaln(alpha.sum(-1)) - special.gammaln(alpha).sum(-1)
                     + special.xlogy(alpha - 1, x).sum(-1))
        return np.where(inside, log_p, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        """:math:`\\log x_j - \\psi(\\alpha_j) + \\psi(\\alpha_0)`, shaped like ``x``, for ``x`` inside the open simplex."""
        x = self._as_sample(x)
        if not (np.all(x > 0) and np.all(np.abs(x.sum(-1) - 1) < 1e-9)):
            raise ValueError(
                "x must lie inside the open simplex (every coordinate > 0, each row summing to 1), where the "
                f"Dirichlet's score is finite; got min {float(x.min())!r}, "
                f"row sums up to {float(np.abs(x.sum(-1) - 1).max())!r} from 1"
            )
        alpha = self.concentration
        return {"concentration": np.log(x) - special.digamma(alpha) + special.digamma(alpha.sum(-1, keepdims=True))}
