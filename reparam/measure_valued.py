r"""The measure-valued gradient estimator for the Normal (Mohamed et al. 2020, section 6).

Instead of differentiating the cost (pathwise) or the log density (score function), differentiate the
density itself and write the derivative as a *difference of two probability densities*:

.. math::

    \frac{\partial}{\partial\theta} p(x\mid\theta) = c_\theta\,\bigl(p^+(x) - p^-(x)\bigr)
    \quad\Longrightarrow\quad
    \frac{\partial}{\partial\theta}\mathbb E_{p}[f(x)] = c_\theta\,\bigl(\mathbb E_{p^+}[f] - \mathbb E_{p^-}[f]\bigr).

For :math:`\mathcal N(\mu, \sigma^2)`, writing :math:`x = \mu + \sigma z` and :math:`\varphi` the standard
normal density:

**Mean.** :math:`\partial_\mu p(x) = \frac{z}{\sigma}\,\frac{\varphi(z)}{\sigma}`. Its positive part lives on
:math:`z > 0` and its negative part is the mirror image. Since :math:`\int_0^\infty z\varphi(z)\,dz =
1/\sqrt{2\pi}`, the normalized positive part is :math:`z e^{-z^2/2}` on :math:`z > 0`, the Rayleigh (Weibull
with shape 2) density. Hence, with :math:`W \sim \mathrm{Rayleigh}(1)`,

.. math::

    \frac{\partial}{\partial\mu}\mathbb E f = \frac{1}{\sigma\sqrt{2\pi}}\,
    \mathbb E_W\bigl[f(\mu + \sigma W) - f(\mu - \sigma W)\bigr].

**Scale.** :math:`\partial_\sigma p(x) = \frac1\sigma\bigl(z^2 - 1\bigr)\frac{\varphi(z)}{\sigma}`. The function
:math:`z^2\varphi(z)` is a probability density (because :math:`\mathbb E z^2 = 1`), the double-sided Maxwell
density. Hence, with :math:`M` double-sided Maxwell and :math:`\epsilon \sim \mathcal N(0, 1)`,

.. math::

    \frac{\partial}{\partial\sigma}\mathbb E f = \frac1\sigma\,
    \Bigl(\mathbb E_M\bigl[f(\mu + \sigma M)\bigr] - \mathbb E_\epsilon\bigl[f(\mu + \sigma\epsilon)\bigr]\Bigr).

**Coupling.** Both sides are driven by the same draw, so that the difference has a small variance when
:math:`f` is smooth: the mean uses one :math:`W` on both sides; the scale uses :math:`\epsilon = M U` with
:math:`U \sim \mathrm{Uniform}(0, 1)` independent of :math:`M`. This :math:`\epsilon` is exactly
:math:`\mathcal N(0, 1)`: for :math:`y > 0`,

.. math::

    p_{MU}(y) = \int_{m > y} \frac{1}{m}\, m^2\varphi(m)\,dm = \int_y^\infty m\varphi(m)\,dm = \varphi(y),

(the density of :math:`MU` at :math:`y` collects :math:`m > y`, each with the Jacobian :math:`1/m` of
:math:`u = y/m`), and by symmetry the same for :math:`y < 0`. Coupling changes the variance, never the mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._validate import as_rng, check_callable, check_n, check_param
from .distributions import Normal
from ._terms import cost_values, reduce_to as _reduce_to

__all__ = ["measure_valued", "measure_valued_variance", "double_sided_maxwell"]

from .exact import measure_valued_variance  # noqa: E402  (its exact variance lives with the other exact answers)

Array = np.ndarray
Seed = None | int | np.random.Generator


def double_sided_maxwell(size: tuple[int, ...], rng: Seed = None) -> Array:
    r"""Draw from the double-sided Maxwell density :math:`m^2\varphi(m)` on the real line.

    :math:`|M|` is the length of a standard normal vector in three dimensions (a chi variable with three
    degrees of freedom), and the sign is a fair coin.
    """
    rng = as_rng(rng)
    radius = np.sqrt(rng.chisquare(3, size=size))
    return np.where(rng.random(size) < 0.5, -radius, radius)


def measure_valued(
    f: Callable[[Array], Array],
    dist: Normal,
    n: int,
    rng: Seed = None,
) -> dict[str, Array]:
    r"""Coupled measure-valued terms for the mean and the scale of a Normal.

    For a scalar Normal the per-sample terms are

    .. math::

        \hat g^{\mu}_i = \frac{f(\mu + \sigma W_i) - f(\mu - \sigma W_i)}{\sigma\sqrt{2\pi}},
        \qquad
        \hat g^{\sigma}_i = \frac{f(\mu + \sigma M_i) - f(\mu + \sigma M_i U_i)}{\sigma},

    with :math:`W_i \sim \mathrm{Rayleigh}(1)`, :math:`M_i` double-sided Maxwell and
    :math:`U_i \sim \mathrm{Uniform}(0, 1)`, all independent (see the module docstring for the derivation
    and for why :math:`M_i U_i \sim \mathcal N(0, 1)`). Both are unbiased for
    :math:`\partial_\mu \mathbb E f` and :math:`\partial_\sigma \mathbb E f`; ``f`` need not be differentiable.

    Vector parameters are supported. For a Normal of shape ``(d,)`` (independent coordinates), the
    derivative with respect to coordinate :math:`j` perturbs only :math:`x_j`: one draw
    :math:`x \sim p` supplies the other coordinates, shared by both sides (coupled), and :math:`x_j` is
    replaced by the formulas above. This costs :math:`4d` evaluations of ``f`` per sample (each call
    evaluates ``f`` on ``n`` samples at once). A parameter broadcast over coordinates (a scalar ``loc``
    with a vector ``scale``, say) receives the sum of the coordinates' terms, as in ``score_function``.

    Parameters
    ----------
    f : callable
        The cost; maps samples of shape ``(n,) + dist.shape`` to values of shape ``(n,)``.
    dist : Normal
        The sampling distribution; only ``rp.Normal`` is supported.
    n : int
        Number of samples, >= 1.
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).

    Returns
    -------
    dict
        ``terms["loc"]`` and ``terms["scale"]``, shaped ``(n,) + dist.params[name].shape``; the mean over
        axis 0 is the estimate, the variance over axis 0 the per-sample variance.

    Raises
    ------
    TypeError
        If ``dist`` is not an ``rp.Normal``, ``f`` is not callable or returns non-numbers.
    ValueError
        If ``n`` is not an integer >= 1 or ``f`` returns the wrong shape.
    """
    if not isinstance(dist, Normal):
        raise TypeError(
            f"measure_valued supports only rp.Normal (its Rayleigh and double-sided Maxwell decompositions); "
            f"got dist={dist!r}"
        )
    check_callable("f", f)
    n = check_n(n)
    rng = as_rng(rng)
    shape = dist.shape
    size = (n,) + shape
    mu, sigma = np.broadcast_to(dist.loc, shape), np.broadcast_to(dist.scale, shape)
    x = dist.sample(n, rng)  # the coordinates not being differentiated, shared by both sides
    w = rng.rayleigh(size=size)
    m = double_sided_maxwell(size, rng)
    u = rng.random(size)

    def f_with(index: tuple, values: Array) -> Array:
        """``f`` at ``x`` with coordinate ``index`` replaced by ``values``."""
        x_j = x.copy()
        x_j[index] = values
        return cost_values(f, x_j)

    d_loc, d_scale = np.empty(size), np.empty(size)
    for j in np.ndindex(shape):
        index = (slice(None),) + j
        mu_j, sigma_j = mu[j], sigma[j]
        w_j, m_j = sigma_j * w[index], sigma_j * m[index]
        d_loc[index] = (f_with(index, mu_j + w_j) - f_with(index, mu_j - w_j)) / (sigma_j * math.sqrt(2 * math.pi))
        d_scale[index] = (f_with(index, mu_j + m_j) - f_with(index, mu_j + m_j * u[index])) / sigma_j
    return {
        "loc": _reduce_to(d_loc, n, dist.loc.shape, "measure-valued loc terms"),
        "scale": _reduce_to(d_scale, n, dist.scale.shape, "measure-valued scale terms"),
    }
