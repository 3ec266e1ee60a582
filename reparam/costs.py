r"""The book's example costs :math:`f(x)`, with exact answers under :math:`x \sim \mathcal N(\mu, \sigma^2)`.

Each cost carries ``f`` and its derivative ``df`` (for the estimators) and, for the Normal, the exact
``expectation`` :math:`\mathbb E[f(x)]`, its ``gradient`` with respect to ``loc`` and ``scale``, and the
per-sample ``variance`` of each estimator. Where a closed form is unwieldy the variance is computed by
one-dimensional quadrature over :math:`\epsilon \sim \mathcal N(0,1)` (:math:`x = \mu + \sigma\epsilon`):
the trapezoid rule with step :math:`h = 0.003` over :math:`[-12, 12]`. For smooth Gaussian-weighted
integrands the trapezoid rule converges faster than any power of :math:`h`, so the result is exact to
rounding error (the mass beyond :math:`\pm 12` is below :math:`10^{-32}`). For an integrand with a jump
(the ``Step`` cost) it is only :math:`O(h)` accurate, an error up to about :math:`h/2` times the jump in
the integrand; ``Step`` therefore has closed forms for everything.

Every method broadcasts over ``loc`` and ``scale`` (floats or arrays).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validate import check_param, check_real
from .estimators import ESTIMATORS, check_estimator
from . import exact
from .exact import _normal_params, normal_expectation

__all__ = [
    "Cost", "Quadratic", "Square", "GaussianBump", "Cosine", "Step", "ESTIMATORS", "normal_expectation",
]

Array = np.ndarray

def _check_estimator(estimator: object) -> str:
    return check_estimator(estimator, ESTIMATORS)


def _check_k(cost: Cost, positive: bool = False) -> None:
    """Check the cost's constant ``k`` (finite, and > 0 if ``positive``) and store it as a float."""
    k = check_real("k", cost.k)
    if positive and k <= 0:
        raise ValueError(f"k must be a finite number > 0; got {cost.k!r}")
    object.__setattr__(cost, "k", k)


@dataclass(frozen=True)
class Cost:
    """A cost ``f`` with derivative ``df``; subclasses add closed forms for the Normal."""

    def f(self, x: Array) -> Array:
        """The cost, elementwise."""
        raise NotImplementedError

    def df(self, x: Array) -> Array:
        """Its derivative, elementwise."""
        raise NotImplementedError

    def expectation(self, loc: float | Array, scale: float | Array) -> Array:
        r""":math:`\mathbb E_{x\sim\mathcal N(\mu,\sigma^2)}[f(x)]`."""
        return normal_expectation(lambda x, eps: self.f(x), loc, scale)

    def gradient(self, loc: float | Array, scale: float | Array) -> dict[str, Array]:
        r""":math:`\partial/\partial\mu` and :math:`\partial/\partial\sigma` of :math:`\mathbb E[f(x)]`.

        By default, by quadrature of the pathwise identities :math:`\partial_\mu \mathbb E f = \mathbb E[f'(x)]`
        and :math:`\partial_\sigma \mathbb E f = \mathbb E[f'(x)\,\epsilon]` (valid for a differentiable ``f``);
        subclasses override it with closed forms.
        """
        return {
            "loc": normal_expectation(lambda x, e: self.df(x), loc, scale),
            "scale": normal_expectation(lambda x, e: self.df(x) * e, loc, scale),
        }

    def variance(
        self, estimator: str, loc: float | Array, scale: float | Array, baseline: float = 0.0
    ) -> dict[str, Array]:
        r"""Per-sample variance of ``estimator`` (a name in ``ESTIMATORS``) for ``loc`` and ``scale``.

        With :math:`x = \mu + \sigma\epsilon`, the per-sample terms are

        * score function: :math:`(f(x) - b)\,\epsilon/\sigma` and :math:`(f(x) - b)(\epsilon^2 - 1)/\sigma`;
        * pathwise: :math:`f'(x)` and :math:`f'(x)\,\epsilon`;

        and the variance is :math:`\mathbb E[\hat g^2] - (\mathbb E\hat g)^2`, computed by quadrature
        (subclasses override it with closed forms where they have them). The estimate from ``n`` samples
        has this variance divided by ``n``. ``baseline`` is a finite float :math:`b`. For
        ``"measure_valued"`` the answer comes from ``reparam.exact.measure_valued_variance``.

        Returns
        -------
        dict
            ``{"loc": ..., "scale": ...}``, arrays of the broadcast shape of ``loc`` and ``scale``.
        """
        if _check_estimator(estimator) == "measure_valued":
            return exact.variance(self, estimator, loc, scale, baseline)
        baseline = check_real("baseline", baseline)
        loc, scale = _normal_params(loc, scale)
        if estimator == "score_function":
            terms = {
                "loc": lambda x, e: (self.f(x) - baseline) * e / scale[..., None],
                "scale": lambda x, e: (self.f(x) - baseline) * (e * e - 1) / scale[..., None],
            }
        else:
            terms = {"loc": lambda x, e: self.df(x), "scale": lambda x, e: self.df(x) * e}
        out = {}
        for name, term in terms.items():
            mean = normal_expectation(term, loc, scale)
            second = normal_expectation(lambda x, e: term(x, e) ** 2, loc, scale)
            out[name] = np.maximum(second - mean**2, 0.0)
        return out


@dataclass(frozen=True)
class Quadratic(Cost):
    r""":math:`f(x) = (x - k)^2`; ``Quadratic(0)`` is :math:`x^2`.

    With :math:`m = \mu - k`: :math:`\mathbb E f = m^2 + \sigma^2`, gradient :math:`(2m, 2\sigma)`.
    Per-sample variances (no baseline), from the Gaussian moments :math:`\mathbb E\epsilon^{2j} = (2j-1)!!`:

    * score function, loc: :math:`(m^4 + 18 m^2\sigma^2 + 15\sigma^4)/\sigma^2 - 4m^2`;
    * score function, scale: :math:`(2m^4 + 60 m^2\sigma^2 + 78\sigma^4)/\sigma^2 - 4\sigma^2`;
    * pathwise, loc: :math:`4\sigma^2`; pathwise, scale: :math:`4m^2 + 8\sigma^2`.

    At :math:`\mu = 2, \sigma = 1, k = 0` the loc variances are 87 (score function) and 4 (pathwise).
    """

    k: float = 0.0

    def __post_init__(self) -> None:
        _check_k(self)

    def f(self, x: Array) -> Array:
        """:math:`(x - k)^2`."""
        d = x - self.k
        return d * d

    def df(self, x: Array) -> Array:
        """:math:`2(x - k)`."""
        return 2.0 * (x - self.k)

    def expectation(self, loc: float | Array, scale: float | Array) -> Array:
        r""":math:`(\mu - k)^2 + \sigma^2`."""
        loc, scale = _normal_params(loc, scale)
        return (loc - self.k) ** 2 + scale**2

    def gradient(self, loc: float | Array, scale: float | Array) -> dict[str, Array]:
        r""":math:`(2(\mu - k),\ 2\sigma)`."""
        loc, scale = _normal_params(loc, scale)
        return {"loc": 2.0 * (loc - self.k), "scale": 2.0 * scale + 0.0 * loc}

    def variance(
        self, estimator: str, loc: float | Array, scale: float | Array, baseline: float = 0.0
    ) -> dict[str, Array]:
        r"""Closed forms (see the class docstring) for ``baseline=0``; quadrature otherwise (exact to rounding here)."""
        if _check_estimator(estimator) == "measure_valued" or check_real("baseline", baseline) != 0.0:
            return super().variance(estimator, loc, scale, baseline)
        loc, scale = _normal_params(loc, scale)
        m, s2 = loc - self.k, scale**2
        if estimator == "score_function":
            return {
                "loc": (m**4 + 18 * m**2 * s2 + 15 * s2**2) / s2 - 4 * m**2,
                "scale": (2 * m**4 + 60 * m**2 * s2 + 78 * s2**2) / s2 - 4 * s2,
            }
        return {"loc": 4 * s2 + 0.0 * m, "scale": 4 * m**2 + 8 * s2}


def Square() -> Quadratic:
    """:math:`f(x) = x^2`, the toy cost of the first chapters."""
    return Quadratic(0.0)


@dataclass(frozen=True)
class GaussianBump(Cost):
    r""":math:`f(x) = \exp(-k x^2)`, :math:`k > 0`.

    With :math:`a = 1 + 2k\sigma^2`: :math:`\mathbb E f = a^{-1/2}\exp(-k\mu^2/a)`,
    :math:`\partial_\mu = -\tfrac{2k\mu}{a}\,\mathbb E f` and
    :math:`\partial_\sigma = \bigl(\tfrac{4k^2\mu^2\sigma}{a^2} - \tfrac{2k\sigma}{a}\bigr)\mathbb E f`.
    Variances by quadrature.
    """

    k: float = 1.0

    def __post_init__(self) -> None:
        _check_k(self, positive=True)

    def f(self, x: Array) -> Array:
        """:math:`e^{-k x^2}`."""
        return np.exp(-self.k * x * x)

    def df(self, x: Array) -> Array:
        r""":math:`-2kx\,e^{-k x^2}`."""
        return -2.0 * self.k * x * np.exp(-self.k * x * x)

    def expectation(self, loc: float | Array, scale: float | Array) -> Array:
        r""":math:`a^{-1/2} e^{-k\mu^2/a}` with :math:`a = 1 + 2k\sigma^2`."""
        loc, scale = _normal_params(loc, scale)
        a = 1 + 2 * self.k * scale**2
        return np.exp(-self.k * loc**2 / a) / np.sqrt(a)

    def gradient(self, loc: float | Array, scale: float | Array) -> dict[str, Array]:
        r"""Closed forms, see the class docstring."""
        loc, scale = _normal_params(loc, scale)
        a = 1 + 2 * self.k * scale**2
        e = self.expectation(loc, scale)
        return {
            "loc": -2 * self.k * loc / a * e,
            "scale": (4 * self.k**2 * loc**2 * scale / a**2 - 2 * self.k * scale / a) * e,
        }


@dataclass(frozen=True)
class Cosine(Cost):
    r""":math:`f(x) = \cos(kx)`.

    :math:`\mathbb E f = \cos(k\mu)\,e^{-k^2\sigma^2/2}`, :math:`\partial_\mu = -k\sin(k\mu)\,e^{-k^2\sigma^2/2}`,
    :math:`\partial_\sigma = -k^2\sigma\cos(k\mu)\,e^{-k^2\sigma^2/2}`. Variances by quadrature.
    """

    k: float = 1.0

    def __post_init__(self) -> None:
        _check_k(self)

    def f(self, x: Array) -> Array:
        r""":math:`\cos(kx)`."""
        return np.cos(self.k * x)

    def df(self, x: Array) -> Array:
        r""":math:`-k\sin(kx)`."""
        return -self.k * np.sin(self.k * x)

    def expectation(self, loc: float | Array, scale: float | Array) -> Array:
        r""":math:`\cos(k\mu)\,e^{-k^2\sigma^2/2}`."""
        loc, scale = _normal_params(loc, scale)
        return np.cos(self.k * loc) * np.exp(-0.5 * (self.k * scale) ** 2)

    def gradient(self, loc: float | Array, scale: float | Array) -> dict[str, Array]:
        r"""Closed forms, see the class docstring."""
        loc, scale = _normal_params(loc, scale)
        damp = np.exp(-0.5 * (self.k * scale) ** 2)
        return {
            "loc": -self.k * np.sin(self.k * loc) * damp,
            "scale": -(self.k**2) * scale * np.cos(self.k * loc) * damp,
        }


@dataclass(frozen=True)
class Step(Cost):
    r""":math:`f(x) = \mathbf 1[x > k]`: flat almost everywhere, so its pathwise gradient is zero.

    :math:`\mathbb E f = 1 - \Phi(z)` with :math:`z = (k-\mu)/\sigma`, so :math:`\partial_\mu = \varphi(z)/\sigma`
    and :math:`\partial_\sigma = \varphi(z)\,(k-\mu)/\sigma^2`, while ``df`` is zero everywhere it exists:
    the pathwise estimator is biased (it misses the jump). The score function is unbiased.

    Per-sample variances in closed form, with :math:`Q = 1 - \Phi(z)`, :math:`\varphi = \varphi(z)` and
    baseline :math:`b`. Since :math:`(f - b)^2 = b^2 + (1 - 2b)\,\mathbf 1[\epsilon > z]` and
    :math:`\mathbb E[\mathbf 1[\epsilon > z]\,\epsilon^2] = Q + z\varphi`,
    :math:`\mathbb E[\mathbf 1[\epsilon > z]\,\epsilon^4] = 3Q + \varphi(z^3 + 3z)` (integration by parts):

    * score function, loc: :math:`\bigl(b^2 + (1-2b)(Q + z\varphi)\bigr)/\sigma^2 - (\varphi/\sigma)^2`;
    * score function, scale: :math:`\bigl(2b^2 + (1-2b)(2Q + \varphi(z^3 + z))\bigr)/\sigma^2 - (z\varphi/\sigma)^2`;
    * pathwise: 0 for both (every term is 0).

    (The quadrature of the base class would be only :math:`O(h)` accurate here, because of the jump.)
    """

    k: float = 0.0

    def __post_init__(self) -> None:
        _check_k(self)

    def f(self, x: Array) -> Array:
        r""":math:`\mathbf 1[x > k]` as floats."""
        return (x > self.k).astype(float)

    def df(self, x: Array) -> Array:
        """0 wherever the derivative exists (everywhere except :math:`x = k`)."""
        return np.zeros_like(x, dtype=float)

    def expectation(self, loc: float | Array, scale: float | Array) -> Array:
        r""":math:`1 - \Phi(z)`, :math:`z = (k - \mu)/\sigma`."""
        loc, scale = _normal_params(loc, scale)
        z = (self.k - loc) / scale
        return 0.5 * _erfc(z / math.sqrt(2))

    def gradient(self, loc: float | Array, scale: float | Array) -> dict[str, Array]:
        r""":math:`(\varphi(z)/\sigma,\ \varphi(z)\,z/\sigma)`, :math:`z = (k - \mu)/\sigma`."""
        loc, scale = _normal_params(loc, scale)
        z = (self.k - loc) / scale
        phi = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
        return {"loc": phi / scale, "scale": phi * (self.k - loc) / scale**2}

    def variance(
        self, estimator: str, loc: float | Array, scale: float | Array, baseline: float = 0.0
    ) -> dict[str, Array]:
        r"""Closed forms for any baseline (see the class docstring); the measure-valued one by quadrature."""
        if _check_estimator(estimator) == "measure_valued":
            return exact.variance(self, estimator, loc, scale, baseline)
        b = check_real("baseline", baseline)
        loc, scale = _normal_params(loc, scale)
        if estimator == "pathwise":
            return {"loc": np.zeros(loc.shape), "scale": np.zeros(loc.shape)}
        z = (self.k - loc) / scale
        phi = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
        q = 0.5 * _erfc(z / math.sqrt(2))
        s2 = scale**2
        return {
            "loc": (b**2 + (1 - 2 * b) * (q + z * phi)) / s2 - phi**2 / s2,
            "scale": (2 * b**2 + (1 - 2 * b) * (2 * q + phi * (z**3 + z))) / s2 - (z * phi) ** 2 / s2,
        }


_erfc = np.vectorize(math.erfc, otypes=[float])
