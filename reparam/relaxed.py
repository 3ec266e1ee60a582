r"""The Gumbel-softmax (Concrete) relaxation of the categorical distribution (Jang et al. 2017; Maddison et al. 2017).

A categorical sample is :math:`\mathrm{onehot}(\arg\max_k(\ell_k + G_k))` with standard Gumbel noise
:math:`G_k` (the Gumbel-max trick). Replacing the argmax by a softmax at temperature :math:`\tau`,

.. math::

    x = \mathrm{softmax}\bigl((\ell + G)/\tau\bigr),

gives a point inside the simplex that is a smooth function of the logits, so a pathwise gradient
exists, for the relaxed objective :math:`\mathbb E[f(x)]` rather than the discrete one. As
:math:`\tau \to 0` the sample tends to the one-hot vector (less bias, more variance); a larger
:math:`\tau` smooths more, with less variance and, up to a point, more bias; beyond it every sample
crowds into the centre of the simplex and the relaxed gradient, with its factor :math:`1/\tau`,
shrinks towards zero, which is no improvement.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import as_rng, check_param, frozen, positive
from .discrete import check_logits, log_softmax, logsumexp, softmax
from .distributions import Array, Distribution, Seed

__all__ = ["RelaxedCategorical"]


class RelaxedCategorical(Distribution):
    r"""The Concrete / Gumbel-softmax distribution on the simplex, with ``logits`` :math:`\ell` and temperature :math:`\tau`.

    Sampler: noise :math:`G` of shape ``(n,) + logits.shape``, independent standard Gumbel, and

    .. math::

        x = \mathrm{softmax}\bigl((\ell + G)/\tau\bigr), \qquad
        J_{ij} = \frac{\partial x_i}{\partial \ell_j} = \frac{x_i(\delta_{ij} - x_j)}{\tau}.

    ``rsample`` returns ``dx["logits"]`` as that Jacobian, shape ``(n,) + logits.shape + (K,)`` with
    ``J[..., i, j]`` :math:`= \partial x_i/\partial \ell_j`; ``pathwise`` contracts it with
    :math:`f'(x)`: :math:`\sum_i f'(x)_i J_{ij}`.

    Density (Maddison et al. 2017), with respect to Lebesgue measure on the first :math:`K-1`
    coordinates of the open simplex:

    .. math::

        \log p(x) = \log (K-1)! + (K-1)\log\tau + \sum_k \bigl(\ell_k - (\tau + 1)\log x_k\bigr)
                    - K \log \sum_k e^{\ell_k - \tau \log x_k},

        \frac{\partial \log p(x)}{\partial \ell_j} = 1 - K\,\mathrm{softmax}(\ell - \tau\log x)_j,

    so ``score_function`` works too.

    Parameters
    ----------
    logits : array_like, shape ``(..., K)``
        Unnormalized log probabilities :math:`\ell`, finite, :math:`K \ge 2` on the last axis.
        The only differentiable parameter: ``param_names == ("logits",)``.
    temperature : float
        :math:`\tau > 0`, a fixed hyperparameter: not in ``params``, no gradient is computed for it.

    Notes
    -----
    ``shape`` is ``logits.shape``: samples have shape ``(n,) + logits.shape`` and lie on the simplex
    along the last axis. For the same ``rng``, ``sample(n, rng).argmax(-1)`` equals
    ``Categorical(logits).sample(n, rng)``: both use the same Gumbel noise. For a very small
    temperature coordinates of ``x`` underflow to 0: ``log_prob`` is then ``-inf`` and ``score`` raises a
    ValueError (the score function cannot be used there); the sampler and its Jacobian stay exact.
    """

    param_names = ("logits",)
    has_rsample = True

    def __init__(self, logits: Array, temperature: float) -> None:
        temperature = check_param("temperature", temperature, positive)
        if temperature.ndim != 0:
            raise ValueError(f"temperature must be a single float > 0; got {temperature!r}")
        super().__init__(logits=check_logits(logits))
        self.logits = self._params["logits"]
        self.temperature = float(temperature)
        self.log_probs = frozen(log_softmax(self.logits))

    def __repr__(self) -> str:
        return f"RelaxedCategorical(logits={np.array2string(self.logits, precision=4)}, temperature={self.temperature:g})"

    def noise(self, n: int, rng: Seed = None) -> Array:
        """Independent standard Gumbel noise :math:`G`, shape ``(n,) + logits.shape``."""
        return as_rng(rng).gumbel(size=self._size(n))

    def transform(self, eps: Array) -> Array:
        """:math:`x = \\mathrm{softmax}((\\ell + G)/\\tau)` along the last axis.

        The largest :math:`\\ell_k + G_k` is subtracted *before* dividing by :math:`\\tau`, so that a tiny
        temperature sends the others to :math:`-\\infty` (and ``x`` to a one-hot vector) instead of
        overflowing to ``inf - inf = nan``.
        """
        y = self.log_probs + eps  # log_softmax(logits): the same x, and exact for huge logits
        y -= np.max(y, axis=-1, keepdims=True)
        y /= self.temperature
        return softmax(y)

    def _dtransform(self, eps: Array, x: Array) -> dict[str, Array]:
        """The Jacobian :math:`J_{ij} = x_i(\\delta_{ij} - x_j)/\\tau`, shape ``x.shape + (K,)``."""
        jacobian = -x[..., :, None] * x[..., None, :]
        diagonal = np.einsum("...ii->...i", jacobian)  # a writable view of the diagonal
        diagonal += x
        jacobian /= self.temperature
        return {"logits": jacobian}

    def rsample(self, n: int, rng: Seed = None) -> tuple[Array, dict[str, Array]]:
        """Draw :math:`x` and the Jacobian ``dx["logits"]``, shape ``(n,) + logits.shape + (K,)``."""
        eps = self.noise(n, rng)
        x = self.transform(eps)
        return x, self._dtransform(eps, x)

    def sample(self, n: int, rng: Seed = None) -> Array:
        """Draw ``n`` points of the simplex, shape ``(n,) + logits.shape``."""
        return self.transform(self.noise(n, rng))

    def log_prob(self, x: Array) -> Array:
        """The Concrete log density, shape ``x.shape[:-1]``; ``-inf`` off the open simplex."""
        x = self._as_sample(x)
        K, tau = self.logits.shape[-1], self.temperature
        inside = np.all(x > 0, axis=-1) & (np.abs(x.sum(-1) - 1) < 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_x = np.log(x)
            log_p = (
                math.lgamma(K) + (K - 1) * math.log(tau)
                + np.sum(self.logits - (tau + 1) * log_x, axis=-1)
                - K * logsumexp(self.logits - tau * log_x, axis=-1)
            )
        return np.where(inside, log_p, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        """:math:`1 - K\\,\\mathrm{softmax}(\\ell - \\tau\\log x)`, shaped like ``x``."""
        x = self._as_sample(x)
        if not np.all(x > 0):
            raise ValueError(
                f"x must lie inside the open simplex (every coordinate > 0) for the score of {self!r}; got a "
                f"coordinate {float(x[~(x > 0)].flat[0])!r}. At a low temperature coordinates underflow to 0, "
                "where the density has no score: use the pathwise estimator or a larger temperature"
            )
        K = self.logits.shape[-1]
        weights = softmax(self.logits - self.temperature * np.log(x))
        return {"logits": 1.0 - K * weights}

    @property
    def probs(self) -> Array:
        """The probabilities of the categorical being relaxed, :math:`\\mathrm{softmax}(\\ell)`."""
        return np.exp(self.log_probs)
