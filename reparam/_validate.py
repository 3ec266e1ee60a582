"""Input checks shared by the package: fail at once, name the argument, the value and what was expected."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_rng", "check_n", "check_param", "check_output"]


def as_rng(rng: None | int | np.random.Generator) -> np.random.Generator:
    """Turn ``rng`` (SPEC 7: None, an int seed or a Generator) into a ``numpy.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"rng must be None, a non-negative int seed or a numpy Generator; got {rng!r}")
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator; got {rng!r} of type {type(rng).__name__}"
    )


def check_n(n: object) -> int:
    """Return ``n`` as an int if it is an integer >= 1, else raise."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an integer >= 1; got {n!r} of type {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be an integer >= 1; got {n!r}")
    return int(n)


def check_param(name: str, value: object, *, positive: bool = False) -> np.ndarray:
    """Return a distribution parameter as a float array; reject non-numbers, non-finite and (if asked) <= 0."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a float or an array of floats; got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a float or an array of floats; got {value!r}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if positive and not np.all(array > 0):
        raise ValueError(f"{name} must be > 0; got {value!r}")
    return array


def check_output(name: str, value: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Check that a user function returned numbers of the expected ``shape``; return them as an array."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must return real numbers ({what}); got dtype {array.dtype} from {name}")
    if array.shape != shape:
        raise ValueError(f"{name} must return an array of shape {shape} ({what}); got shape {array.shape}")
    return array
