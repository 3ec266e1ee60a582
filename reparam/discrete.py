r"""Discrete families: Bernoulli and Categorical. No pathwise sampler exists for them.

A discrete sample is a step function of the parameters: moving :math:`\theta` a little leaves
:math:`x` unchanged almost surely, then makes it jump. Its derivative is zero wherever it exists, so
:math:`f'(x)\,\partial x/\partial\theta` estimates zero while :math:`\mathbb E[f(x)]` does change.
Both families therefore have ``has_rsample = False``: ``pathwise`` refuses them, and the score
function (or a continuous relaxation such as ``RelaxedCategorical``) is the way to their gradients.
"""

from __future__ import annotations

import numpy as np

from ._validate import Interval, as_rng, check_param, frozen, real, unit_interval
from .distributions import Array, Distribution, Seed

__all__ = ["Bernoulli", "Categorical", "log_softmax", "logsumexp", "softmax"]


def logsumexp(a: Array, axis: int = -1, keepdims: bool = False) -> Array:
    r""":math:`\log\sum_j e^{a_j}` along ``axis``, computed stably (the largest term is factored out)."""
    top = np.max(a, axis=axis, keepdims=True)
    out = top + np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(logits: Array, axis: int = -1) -> Array:
    r""":math:`\log \mathrm{softmax}(\ell)_k = (\ell_k - m) - \log\sum_j e^{\ell_j - m}` with :math:`m = \max_j \ell_j`.

    Shifting first keeps the result exact for huge logits: ``logits - logsumexp(logits)`` would round
    :math:`10^{300} - (10^{300} + \log 2)` to 0 instead of :math:`-\log 2`.
    """
    shifted = logits - np.max(logits, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits: Array, axis: int = -1) -> Array:
    r""":math:`\mathrm{softmax}(\ell)_k = e^{\ell_k} / \sum_j e^{\ell_j}`, computed stably along ``axis``."""
    shifted = np.exp(logits - np.max(logits, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def check_logits(logits: object) -> Array:
    """Return ``logits`` as a float array of shape ``(..., K)`` with ``K >= 2``, finite, else raise."""
    array = check_param("logits", logits)
    if array.ndim == 0 or array.shape[-1] < 2:
        raise ValueError(
            f"logits must be an array of shape (..., K) with K >= 2 categories on the last axis; "
            f"got {logits!r} with shape {array.shape}"
        )
    return array


class Bernoulli(Distribution):
    r"""The Bernoulli distribution: :math:`x = 1` with probability ``probs`` :math:`\pi`, else :math:`x = 0`.

    .. math::

        \log p(x \mid \pi) = x\log \pi + (1 - x)\log(1 - \pi), \qquad
        \frac{\partial \log p(x \mid \pi)}{\partial \pi} = \frac{x}{\pi} - \frac{1 - x}{1 - \pi}.

    Samples are the floats ``0.0`` and ``1.0`` (so that costs can do arithmetic on them), drawn as
    :math:`x = [u < \pi]` with :math:`u \sim \mathrm{Uniform}(0, 1)`. No pathwise sampler
    (``has_rsample`` is False): use the score function.

    Parameters
    ----------
    probs : float or array_like
        The probability :math:`\pi` of a one; strictly between 0 and 1 (at 0 or 1 the score is undefined).
    """

    param_names = ("probs",)
    arg_constraints = {"probs": unit_interval}
    has_rsample = False

    def __init__(self, probs: float | Array = 0.5) -> None:
        super().__init__(probs=probs)
        self.probs = self._params["probs"]

    def sample(self, n: int, rng: Seed = None) -> Array:
        """Draw ``n`` samples in {0.0, 1.0}, shape ``(n,) + shape``: :math:`x = [u < p]`."""
        return (as_rng(rng).random(self._size(n)) < self.probs).astype(float)

    def _as_outcome(self, x: Array) -> tuple[Array, Array]:
        x = self._as_sample(x)
        return x, (x == 0) | (x == 1)

    def log_prob(self, x: Array) -> Array:
        """Elementwise :math:`\\log p(x)`; ``-inf`` for values other than 0 and 1."""
        x, valid = self._as_outcome(x)
        log_p = np.where(x == 1, np.log(self.probs), np.log1p(-self.probs))
        return np.where(valid, log_p, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        """Elementwise :math:`x/p - (1-x)/(1-p)`; raises for values other than 0 and 1."""
        x, valid = self._as_outcome(x)
        if not np.all(valid):
            raise ValueError(f"x must hold only the outcomes 0 and 1 of a Bernoulli; got values {np.unique(x[~valid])[:5]}")
        return {"probs": x / self.probs - (1 - x) / (1 - self.probs)}


class Categorical(Distribution):
    r"""The categorical distribution over :math:`\{0, \dots, K-1\}` with probabilities :math:`\mathrm{softmax}(\ell)`.

    .. math::

        \log p(x = k) = \ell_k - \log\sum_j e^{\ell_j}, \qquad
        \frac{\partial \log p(x)}{\partial \ell_j} = [x = j] - \mathrm{softmax}(\ell)_j,

    that is, the score is :math:`\mathrm{onehot}(x) - \mathrm{softmax}(\ell)`.

    Samples are integer indices, drawn by the Gumbel-max trick
    :math:`x = \arg\max_k (\ell_k + G_k)` with :math:`G_k` independent standard Gumbel; the Gumbel noise
    is drawn exactly as ``RelaxedCategorical.noise`` draws it, so for the same ``rng``
    ``Categorical(l).sample(n, rng)`` equals ``RelaxedCategorical(l, t).sample(n, rng).argmax(-1)``.
    No pathwise sampler (``has_rsample`` is False): use the score function or ``RelaxedCategorical``.

    Parameters
    ----------
    logits : array_like, shape ``(..., K)``
        Unnormalized log probabilities :math:`\ell`, finite, with :math:`K \ge 2` categories on the
        last axis; leading axes are independent categoricals.

    Notes
    -----
    ``shape`` is ``logits.shape[:-1]``: samples have shape ``(n,) + shape``, and the score for
    ``logits`` has shape ``(n,) + logits.shape``, one more axis than the samples.
    """

    param_names = ("logits",)
    arg_constraints = {"logits": real}
    has_rsample = False

    def __init__(self, logits: Array) -> None:
        super().__init__(logits=check_logits(logits))
        self.logits = self._params["logits"]
        self.shape = self.logits.shape[:-1]
        self.log_probs = frozen(log_softmax(self.logits))
        self.probs = frozen(np.exp(self.log_probs))

    def sample(self, n: int, rng: Seed = None) -> Array:
        """Draw ``n`` integer indices, shape ``(n,) + shape``, by the Gumbel-max trick on the normalized
        log probabilities (the same argmax as on the logits, but exact when the logits are huge)."""
        gumbel = as_rng(rng).gumbel(size=self._size(n) + self.logits.shape[-1:])
        gumbel += self.log_probs
        return np.argmax(gumbel, axis=-1)

    def _as_index(self, x: Array) -> tuple[Array, Array]:
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise TypeError(f"x must hold category indices (integers); got dtype {x.dtype}")
        x = self._as_sample(x)
        valid = (x == np.round(x)) & (x >= 0) & (x < self.logits.shape[-1])
        return np.where(valid, x, 0).astype(int), valid

    def log_prob(self, x: Array) -> Array:
        """Elementwise :math:`\\log p(x)`; ``-inf`` for anything but an index in {0, ..., K-1}."""
        index, valid = self._as_index(x)
        log_p = np.take_along_axis(
            np.broadcast_to(self.log_probs, index.shape + self.logits.shape[-1:]), index[..., None], axis=-1
        )[..., 0]
        return np.where(valid, log_p, -np.inf)

    def score(self, x: Array) -> dict[str, Array]:
        """:math:`\\mathrm{onehot}(x) - \\mathrm{softmax}(\\ell)`, shape ``x.shape + (K,)``; raises for invalid indices."""
        index, valid = self._as_index(x)
        if not np.all(valid):
            raise ValueError(
                f"x must hold category indices in 0..{self.logits.shape[-1] - 1}; got values {np.unique(np.asarray(x)[~valid])[:5]}"
            )
        K = self.logits.shape[-1]
        return {"logits": (index[..., None] == np.arange(K)) - self.probs}
