r"""Monte Carlo estimators of :math:`\nabla_\theta \mathbb E_{x \sim p(x|\theta)}[f(x)]`.

Each estimator returns its *per-sample terms*, keyed by parameter name: ``terms[name]`` has shape
``(n,) + params[name].shape``. Their mean over axis 0 is the estimate; their variance over axis 0 is
the estimator's per-sample variance, so the estimate's variance is that divided by ``n`` (the terms are
independent, except with the leave-one-out baseline, see :func:`score_function`).

A parameter that is broadcast over several sample coordinates (``loc`` of shape ``()`` with ``scale`` of
shape ``(d,)``, say) receives the sum of the coordinates' contributions, as the chain rule says.

Speed: the terms are computed with as few passes over memory as numpy allows. Arrays returned fresh by
``score`` and ``_dtransform`` are overwritten in place (see :func:`_writable`), the weight
:math:`f(x) - b` is never materialised as a separate ``ones``-like array, and a derivative that is the
constant 1 (the Normal's :math:`\partial x/\partial\mu`) costs no multiplication.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ._validate import _show, check_callable, check_n, check_output, check_param, check_real
from .distributions import Distribution

__all__ = ["score_function", "pathwise"]

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
    x = dist.sample(n, rng)
    fx = cost_values(f, x)
    if isinstance(b, str):  # "loo": f(x_i) - b_i = n / (n - 1) * (f(x_i) - mean f)
        fx = fx - fx.mean()
        fx *= n / (n - 1)
    elif isinstance(b, float) and b != 0.0:
        fx = fx - b
    scores = dist.score(x)
    terms = {}
    for name, param in dist.params.items():
        s = _reduce_to(scores[name], n, param.shape, f"{type(dist).__name__}.score(x)[{name!r}]")
        weight = _along_axis0(fx, s.ndim)
        if isinstance(b, dict):
            weight = weight - b[name]  # (n, 1, ...) - param-shaped baseline: one weight per coordinate
        others = [fx] + [scores[other] for other in scores if other != name]
        if _writable(s, (n,) + param.shape, others):
            s *= weight  # the score array is fresh and nothing else uses it: it holds the term
        else:
            s = s * weight
        terms[name] = s
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
    """
    dist = _check_distribution(dist)
    if not dist.has_rsample:
        raise ValueError(
            f"dist must have a pathwise sampler for pathwise, and {type(dist).__name__} has none "
            "(has_rsample is False); use score_function, or a continuous relaxation such as RelaxedCategorical"
        )
    n = check_n(n)
    check_callable("df", df)
    eps = dist.noise(n, rng)
    x = dist.transform(eps)
    dfx = check_output("df", df(x), x.shape, f"the derivative f'(x), shaped like x {x.shape}")
    dxs = {name: np.asarray(d) for name, d in dist._dtransform(eps, x).items()}
    terms = {}
    dfx_is_a_term = False
    for name, param in dist.params.items():
        dx = dxs[name]
        what = f"{type(dist).__name__}._dtransform(eps, x)[{name!r}]"
        others = [dfx] + [dxs[other] for other in dxs if other != name]
        if dx.ndim == x.ndim + 1:  # a Jacobian J[..., i, j] = dx_i / dtheta_j: contract over i
            _check_broadcast(dx.shape[:-1], x.shape, what)
            term = np.einsum("...i,...ij->...j", dfx, dx)
        elif dx.ndim == 0 and dx == 1.0:  # dx/dtheta = 1 (a location): the term is f'(x) itself
            term = dfx.copy() if dfx_is_a_term else dfx
            dfx_is_a_term = True
        elif _writable(dx, x.shape, others):
            dx *= dfx  # the derivative array is fresh (the noise, say) and nothing else uses it: it holds the term
            term = dx
        else:
            _check_broadcast(dx.shape, x.shape, what)
            term = dfx * dx
        terms[name] = _reduce_to(term, n, param.shape, what)
    return terms


# helpers -------------------------------------------------------------------------------------------


def cost_values(f: Callable[[Array], Array], x: Array) -> Array:
    """``f(x)`` for samples ``x`` of shape ``(n,) + shape``, checked to be ``n`` finite real numbers (floats)."""
    check_callable("f", f)
    return check_output("f", f(x), x.shape[:1], f"one value per sample, f(x) with x of shape {x.shape}")


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


def _along_axis0(values: Array, ndim: int) -> Array:
    """View ``values`` of shape ``(n,)`` as ``(n, 1, ..., 1)`` with ``ndim`` axes, to multiply along axis 0."""
    return values.reshape(values.shape + (1,) * (ndim - 1))


def _check_broadcast(shape: tuple[int, ...], target: tuple[int, ...], what: str) -> None:
    """Raise a ValueError unless an array of ``shape`` broadcasts to ``target`` without growing it."""
    try:
        ok = len(shape) <= len(target) and np.broadcast_shapes(shape, target) == target
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{what} has shape {shape}, which does not broadcast to the sample shape {target}")


def _reduce_to(term: Array, n: int, shape: tuple[int, ...], what: str) -> Array:
    """Sum a per-sample ``term`` of shape ``(n,) + ...`` down to ``(n,) + shape``.

    Leading extra axes, and axes where the parameter has size 1 but the term does not, are summed: a
    parameter broadcast over several coordinates receives the sum of their contributions.
    """
    term = np.asarray(term)
    core = term.shape[1:]
    lead = len(core) - len(shape)
    if term.ndim == 0 or term.shape[0] != n or lead < 0 or any(t != p and p != 1 for t, p in zip(core[lead:], shape)):
        raise ValueError(
            f"{what} has shape {term.shape}, which cannot be reduced to (n,) + {shape} with n = {n} "
            "(one term per sample, shaped like the parameter)"
        )
    axes = tuple(range(1, 1 + lead)) + tuple(
        1 + lead + i for i, (t, p) in enumerate(zip(core[lead:], shape)) if p == 1 and t != 1
    )
    if not axes:
        return term
    return term.sum(axis=axes, keepdims=True).reshape(term.shape[:1] + shape)


def _writable(a: Array, shape: tuple[int, ...], others: list[Array]) -> bool:
    """True if the estimator may overwrite ``a`` with the term: a fresh float64 array of exactly ``shape``.

    Fresh means: it owns its memory, is writeable, and shares no memory with ``others`` (the cost
    values and the other parameters' arrays, which are still needed).
    """
    return (
        isinstance(a, np.ndarray)
        and a.dtype == np.float64
        and a.shape == shape
        and a.flags.owndata
        and a.flags.writeable
        and not any(np.may_share_memory(a, o) for o in others)
    )
