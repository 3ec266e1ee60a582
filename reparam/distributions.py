"""Parametric families: sampling, log density, score, and (where one exists) a pathwise sampler.

Each family follows one pattern, named as in ``torch.distributions``:

* ``sample(n, rng)`` draws ``x`` with shape ``(n,) + shape`` and no gradient information;
* ``log_prob(x)`` and ``score(x)``, the score being ``d log p(x | theta) / d theta`` for every parameter;
* ``noise(n, rng)`` draws parameter-free base noise ``eps`` and ``transform(eps)`` maps it to
  ``x = g(eps, theta)``; ``rsample(n, rng)`` returns ``x`` and ``dx/dtheta`` for every parameter.

For the same ``rng``, ``sample``, ``rsample`` and ``transform(noise(...))`` return the same ``x``.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import MAX_COUNT, Interval, as_rng, check_n, check_param, positive, real

__all__ = ["Distribution", "Normal", "Exponential", "NoPathwiseSampler"]

Array = np.ndarray
Seed = None | int | np.random.Generator


class NoPathwiseSampler(ValueError, NotImplementedError):
    """Raised by ``noise``, ``transform`` and ``rsample`` of a family without a pathwise sampler.

    A ``ValueError`` (the contract's error for asking a family for what it cannot do) and a
    ``NotImplementedError`` (what ``torch.distributions`` raises there), so either ``except`` catches it.
    """


class Distribution:
    """Base class: parameters checked once, as data, and stored as read-only float arrays.

    Subclasses set ``param_names`` and ``arg_constraints`` (one ``Interval`` per parameter, as
    ``torch.distributions`` does), call ``super().__init__(name=value, ...)`` with the raw values, and
    implement ``log_prob``, ``score`` and either ``sample`` or the pathwise pair ``noise``/``transform``
    with ``_dtransform`` (and ``has_rsample = True``).

    Every parameter is copied and frozen at construction: changing the caller's array later changes
    nothing here, and ``dist.params[name]`` cannot be written to. Every method returns fresh arrays (or
    read-only views), so nothing a caller receives aliases what the distribution or another caller holds.
    """

    param_names: tuple[str, ...] = ()
    arg_constraints: dict[str, Interval] = {}
    has_rsample: bool = False

    def __init__(self, **params: object) -> None:
        self._params = {
            name: check_param(name, value, self.arg_constraints.get(name, real)) for name, value in params.items()
        }
        try:
            self.shape: tuple[int, ...] = np.broadcast_shapes(*(p.shape for p in self._params.values()))
        except ValueError:
            shapes = {name: p.shape for name, p in self._params.items()}
            raise ValueError(f"parameters must broadcast together; got shapes {shapes}") from None

    @property
    def params(self) -> dict[str, Array]:
        """The parameters by name, in the order of ``param_names``."""
        return {name: self._params[name] for name in self.param_names}

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={np.array2string(v, precision=4)}" for name, v in self.params.items())
        return f"{type(self).__name__}({args})"

    # sampling -------------------------------------------------------------------------------------
    def sample(self, n: int, rng: Seed = None) -> Array:
        """Draw ``n`` samples, shape ``(n,) + shape``; the same numbers as ``rsample`` for the same seed."""
        return self.transform(self.noise(n, rng))

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Draw ``n`` parameter-free base noise samples, shape ``(n,) + shape``."""
        raise NoPathwiseSampler(f"{type(self).__name__} has no pathwise sampler (has_rsample is False)")

    def transform(self, eps: Array) -> Array:
        """Map base noise to samples: ``x = g(eps, theta)``."""
        raise NoPathwiseSampler(f"{type(self).__name__} has no pathwise sampler (has_rsample is False)")

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        """``dx/dtheta`` at ``x = g(eps, theta)`` for every parameter: broadcastable to ``x`` (elementwise), or a
        Jacobian with one more trailing axis, ``J[..., i, j] = dx_i / dtheta_j``, which ``pathwise`` contracts
        with ``df(x)`` over ``i``."""
        raise NotImplementedError

    def rsample(self, n: int, rng: Seed = None) -> tuple[Array, dict[str, Array]]:
        r"""Draw :math:`x = g(\epsilon, \theta)` and its derivatives :math:`\partial x/\partial\theta`.

        Returns
        -------
        x : ndarray, shape ``(n,) + shape``
        dx : dict
            ``dx[name]`` is :math:`\partial g(\epsilon, \theta)/\partial\,\mathrm{name}`. Elementwise
            derivatives are broadcast to the shape of ``x`` (read-only views); a family whose sample
            coordinates all depend on every parameter coordinate returns a Jacobian with one more axis,
            ``dx[name][..., i, j]`` :math:`= \partial x_i / \partial\,\mathrm{name}_j`.
        """
        if not self.has_rsample:
            raise NoPathwiseSampler(
                f"{type(self).__name__} has no pathwise sampler (has_rsample is False); use the score function"
            )
        eps = self.noise(n, rng)
        x = self.transform(eps)
        dx = {}
        for name, d in self._dtransform(eps, x).items():
            d = np.asarray(d)
            shape = x.shape + d.shape[x.ndim:] if d.ndim == x.ndim + 1 else x.shape
            dx[name] = np.broadcast_to(d, shape)
        return x, dx

    def _size(self, n: int) -> tuple[int, ...]:
        """The sample shape ``(n,) + shape``, after checking ``n`` (at most ``MAX_COUNT`` entries in all)."""
        n = check_n(n)
        entries = n * math.prod(self.shape)
        if entries > MAX_COUNT:
            raise ValueError(
                f"n must be at most {MAX_COUNT // math.prod(self.shape):_} for {type(self).__name__} of shape {self.shape} "
                f"(n times the shape is at most {MAX_COUNT:_} numbers); got n={n}"
            )
        return (n,) + self.shape

    # densities -------------------------------------------------------------------------------------
    def log_prob(self, x: Array) -> Array:
        """Elementwise log density ``log p(x | theta)``, shaped like ``x``."""
        raise NotImplementedError

    def score(self, x: Array) -> dict[str, Array]:
        """Score ``d log p(x | theta) / d theta`` for every parameter, each of shape ``(n,) + ...``.

        Elementwise families return arrays shaped like ``x``; a family may return more axes (a Categorical's
        score for its logits has shape ``(n,) + logits.shape``). ``score_function`` sums each term down to
        ``(n,) + params[name].shape``.
        """
        raise NotImplementedError

    def _as_sample(self, x: Array) -> Array:
        """``x`` as a float array whose trailing axes are ``shape``, else a ValueError."""
        x = np.asarray(x, dtype=float)
        if x.shape[x.ndim - len(self.shape):] != self.shape or x.ndim < len(self.shape):
            raise ValueError(
                f"x must have shape (..., {', '.join(map(str, self.shape))}) to match the distribution's "
                f"shape {self.shape}; got shape {x.shape}"
            )
        return x


class Normal(Distribution):
    r"""The normal distribution :math:`\mathcal N(\mu, \sigma^2)`, with ``loc`` :math:`\mu` and ``scale`` :math:`\sigma`.

    .. math::

        \log p(x) = -\frac{(x-\mu)^2}{2\sigma^2} - \log\sigma - \tfrac12\log 2\pi, \qquad
        \frac{\partial \log p}{\partial \mu} = \frac{x-\mu}{\sigma^2}, \qquad
        \frac{\partial \log p}{\partial \sigma} = \frac{(x-\mu)^2 - \sigma^2}{\sigma^3}.

    Pathwise sampler: :math:`x = \mu + \sigma\epsilon` with :math:`\epsilon \sim \mathcal N(0, 1)`, so
    :math:`\partial x/\partial\mu = 1` and :math:`\partial x/\partial\sigma = \epsilon`.

    Parameters
    ----------
    loc : float or array_like
        The mean :math:`\mu`; finite.
    scale : float or array_like
        The standard deviation :math:`\sigma`; finite and > 0. Broadcasts with ``loc``.
    """

    param_names = ("loc", "scale")
    arg_constraints = {"loc": real, "scale": positive}
    has_rsample = True

    def __init__(self, loc: float | Array = 0.0, scale: float | Array = 1.0) -> None:
        super().__init__(loc=loc, scale=scale)
        self.loc, self.scale = self._params["loc"], self._params["scale"]

    def sample(self, n: int, rng: Seed = None) -> Array:
        """Draw :math:`x = \\mu + \\sigma\\epsilon`, shape ``(n,) + shape`` (in place on the noise)."""
        x = self.noise(n, rng)
        x *= self.scale
        x += self.loc
        return x

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Standard normal noise :math:`\\epsilon \\sim \\mathcal N(0, 1)`, shape ``(n,) + shape``."""
        return as_rng(rng).standard_normal(self._size(n))

    def transform(self, eps: Array) -> Array:
        """:math:`x = \\mu + \\sigma\\epsilon`."""
        x = np.multiply(eps, self.scale)
        x += self.loc
        return x

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        """:math:`\\partial x/\\partial\\mu = 1` (a 0-d array) and :math:`\\partial x/\\partial\\sigma = \\epsilon`."""
        return {"loc": np.ones(()), "scale": eps}

    def log_prob(self, x: Array) -> Array:
        """:math:`\\log p(x) = -\\tfrac12 z^2 - \\log\\sigma - \\tfrac12\\log 2\\pi` with :math:`z = (x-\\mu)/\\sigma`."""
        x = self._as_sample(x)
        z = (x - self.loc) / self.scale
        return -0.5 * z * z - np.log(self.scale) - 0.5 * math.log(2 * math.pi)

    def score(self, x: Array) -> dict[str, Array]:
        """:math:`((x-\\mu)/\\sigma^2,\\ ((x-\\mu)^2-\\sigma^2)/\\sigma^3)`, each shaped like ``x``.

        The powers :math:`\\sigma^{-2}` and :math:`\\sigma^{-3}` overflow (or vanish) for scales beyond about
        :math:`10^{\\pm 100}`; there the same formulas are taken in :math:`z = (x-\\mu)/\\sigma`:
        :math:`z/\\sigma` and :math:`(z^2 - 1)/\\sigma`.
        """
        d = self._as_sample(x) - self.loc
        if np.all((self.scale > 1e-100) & (self.scale < 1e100)):
            score_scale = d * d
            score_scale *= self.scale**-3
            score_scale -= 1 / self.scale
            d *= self.scale**-2
            return {"loc": d, "scale": score_scale}
        d /= self.scale  # z
        score_scale = d * d
        score_scale -= 1.0
        score_scale /= self.scale
        d /= self.scale
        return {"loc": d, "scale": score_scale}


class Exponential(Distribution):
    r"""The exponential distribution with ``rate`` :math:`\lambda`: :math:`p(x) = \lambda e^{-\lambda x}`, :math:`x \ge 0`.

    .. math::

        \log p(x) = \log\lambda - \lambda x, \qquad \frac{\partial \log p}{\partial \lambda} = \frac1\lambda - x.

    Pathwise sampler by the inverse CDF: :math:`x = \epsilon/\lambda` with :math:`\epsilon \sim \mathrm{Exp}(1)`
    (equivalently :math:`x = -\log(1-u)/\lambda`, :math:`u` uniform), so :math:`\partial x/\partial\lambda = -x/\lambda`.

    Parameters
    ----------
    rate : float or array_like
        The rate :math:`\lambda`; finite and > 0.
    """

    param_names = ("rate",)
    arg_constraints = {"rate": positive}
    has_rsample = True

    def __init__(self, rate: float | Array = 1.0) -> None:
        super().__init__(rate=rate)
        self.rate = self._params["rate"]

    def sample(self, n: int, rng: Seed = None) -> Array:
        """Draw :math:`x = \\epsilon/\\lambda`, shape ``(n,) + shape`` (in place on the noise)."""
        x = self.noise(n, rng)
        x /= self.rate
        return x

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Standard exponential noise :math:`\\epsilon \\sim \\mathrm{Exp}(1)`, shape ``(n,) + shape``."""
        return as_rng(rng).standard_exponential(self._size(n))

    def transform(self, eps: Array) -> Array:
        """:math:`x = \\epsilon / \\lambda`."""
        return np.divide(eps, self.rate)

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        """:math:`\\partial x/\\partial\\lambda = -\\epsilon/\\lambda^2 = -x/\\lambda`."""
        return {"rate": x / -self.rate}

    def log_prob(self, x: Array) -> Array:
        """:math:`\\log\\lambda - \\lambda x` for :math:`x \\ge 0`, :math:`-\\infty` for :math:`x < 0`."""
        x = self._as_sample(x)
        with np.errstate(divide="ignore"):
            return np.where(x >= 0, np.log(self.rate) - self.rate * x, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        """:math:`\\partial \\log p/\\partial\\lambda = 1/\\lambda - x`, shaped like ``x``."""
        x = self._as_sample(x)
        return {"rate": 1.0 / self.rate - x}
