"""What every estimator does around its formula: call the user's function safely, shape and check the terms.

Private helpers shared by ``estimators``, ``baselines``, ``measure_valued`` and ``experiments``:

* ``cost_values`` and ``derivative_values`` call ``f`` or ``df`` on a *copy* of the samples (so a function
  that changes its argument in place cannot corrupt what the estimator still needs) and check the result;
* ``reduce_to`` sums a per-sample term down to the shape of its parameter (the chain rule for a parameter
  broadcast over several coordinates);
* ``check_term`` makes non-finite terms an error that names their cause.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import check_callable, check_output, non_finite_output

__all__ = ["check_samples", "cost_values", "derivative_values", "reduce_to", "along_axis0", "check_broadcast", "check_term"]

Array = np.ndarray


def _first_bad(array: Array) -> tuple[tuple[int, ...], float]:
    """The index and value of the first non-finite entry of ``array``."""
    index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
    return index, float(array[index])


def check_samples(x: Array, dist: object, what: str = "the estimator") -> Array:
    """Return ``x``, or raise a ValueError blaming the distribution if its samples are not all finite.

    A sampler overflows when its parameters are too extreme for float64 (``Normal(1e308, 1e308)``,
    ``Exponential(1e-320)``); that is the parameters' fault, not ``f``'s. The fast test is one ``np.sum``.
    """
    x = np.asarray(x)
    if x.dtype.kind == "f" and not np.isfinite(np.sum(x)) and not np.all(np.isfinite(x)):
        index, value = _first_bad(x)
        raise ValueError(
            f"the samples of {dist!r} are not finite ({value!r} at index {index}): its parameters are too "
            f"extreme for float64 (the sampler overflowed), so {what} cannot be computed; rescale the problem"
        )
    return x


def cost_values(f: Callable[[Array], Array], x: Array, dist: object = None, copy: bool = True, finite: bool = True) -> Array:
    """``f(x)`` for samples ``x`` of shape ``(n,) + shape``: ``n`` finite real numbers, as floats.

    ``f`` receives a copy of ``x`` (it may change its argument in place without harm), or with
    ``copy=False`` the array ``x`` itself, for a caller that owns ``x`` and no longer needs it. Non-finite
    samples are blamed on the distribution (``dist``) before ``f`` is called. ``finite=False`` leaves the
    finiteness of the values to ``check_term`` (one pass over memory less).
    """
    check_callable("f", f)
    check_samples(x, dist, "f(x)")
    value = f(x.copy() if copy else x)
    return check_output("f", value, x.shape[:1], cost_what(x), finite)


def derivative_values(df: Callable[[Array], Array], x: Array, dist: object = None, copy: bool = True, finite: bool = True) -> Array:
    """``df(x)``, checked to be finite real numbers shaped like ``x``; ``copy`` and ``finite`` as in ``cost_values``."""
    check_callable("df", df)
    check_samples(x, dist, "df(x)")
    value = df(x.copy() if copy else x)
    return check_output("df", value, x.shape, derivative_what(x), finite)


def cost_what(x: Array) -> str:
    return f"one value per sample, f(x) with x of shape {x.shape}"


def derivative_what(x: Array) -> str:
    return f"the derivative f'(x), shaped like x {x.shape}"


def along_axis0(values: Array, ndim: int) -> Array:
    """View ``values`` of shape ``(n,)`` as ``(n, 1, ..., 1)`` with ``ndim`` axes, to multiply along axis 0."""
    return values.reshape(values.shape + (1,) * (ndim - 1))


def check_broadcast(shape: tuple[int, ...], target: tuple[int, ...], what: str) -> None:
    """Raise a ValueError unless an array of ``shape`` broadcasts to ``target`` without growing it."""
    try:
        ok = len(shape) <= len(target) and np.broadcast_shapes(shape, target) == target
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{what} has shape {shape}, which does not broadcast to the sample shape {target}")


def reduce_to(term: Array, n: int, shape: tuple[int, ...], what: str) -> Array:
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


def check_term(name: str, term: Array, factors: tuple[tuple[str, Array, str | None], ...], dist: object) -> Array:
    """Return ``term`` (the terms for parameter ``name``) if every entry is finite; else raise a ValueError
    that names the cause.

    ``factors`` lists ``(label, array, what)`` for the arrays whose product made ``term`` (the cost values and
    the score, say); ``what`` is None for the distribution's own factors and the expected output's
    description for a user function (then ``label`` is the function's name, ``f`` or ``df``); an array of
    None stands for a factor already checked to be finite. The first
    non-finite factor is to blame; if all are finite, their product overflowed. The fast test is one ``np.sum``.
    """
    if np.isfinite(np.sum(term)) or np.all(np.isfinite(term)):
        return term
    for label, factor, what in factors:
        if factor is None:  # known to be finite
            continue
        factor = np.asarray(factor)
        if not np.all(np.isfinite(factor)):
            if what is not None:
                non_finite_output(label, factor, what)
            index, value = _first_bad(factor)
            raise ValueError(
                f"{label} is not finite ({value!r} at index {index}) for {dist!r}: the parameters are outside "
                f"the range where it can be computed in float64, so the terms for {name!r} are not finite"
            )
    index, _ = _first_bad(term)
    described = " times ".join(
        label if fa is None else f"{label} (up to {float(np.max(np.abs(fa))):.3g} in size)" for label, fa, _ in factors
    )
    raise ValueError(
        f"the terms for {name!r} overflow at index {index}: {described} is beyond float64 for {dist!r}; "
        "rescale the cost or the parameters"
    )
