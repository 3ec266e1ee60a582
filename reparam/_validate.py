"""Input checks shared by the package: fail at once, name the argument, the value and what was expected."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

__all__ = ["as_rng", "check_n", "check_param", "check_callable", "check_output", "check_real"]


def _show(value: object, limit: int = 80) -> str:
    """A short repr of ``value`` for an error message."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_rng(rng: None | int | np.random.Generator) -> np.random.Generator:
    """Turn ``rng`` (SPEC 7: None, an int seed >= 0 or a Generator) into a ``numpy.random.Generator``.

    A Generator is returned as it is (so successive calls continue its stream); an int seeds a new one.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"rng must be None, an int seed >= 0 or a numpy.random.Generator; got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be None, an int seed >= 0 or a numpy.random.Generator; "
        f"got {_show(rng)} of type {type(rng).__name__}"
    )


def check_n(n: object, name: str = "n", minimum: int = 1) -> int:
    """Return ``n`` as an int if it is an integer >= ``minimum``, else raise (naming it ``name``)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {_show(n)} of type {type(n).__name__}")
    if n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {n!r}")
    return int(n)


def check_real(name: str, value: object) -> float:
    """Return a finite real number (not a bool, not an array) as a float, else raise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite real number; got {_show(value)} of type {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    return float(value)


def check_param(name: str, value: object, *, positive: bool = False) -> np.ndarray:
    """Return a distribution parameter as a float array.

    Rejects (TypeError) strings, None, booleans, complex numbers and anything that is not an array of real
    numbers; rejects (ValueError) empty arrays, non-finite entries and, if ``positive``, entries <= 0.
    """
    if type(value) is float and math.isfinite(value) and (value > 0 or not positive):
        return np.array(value)  # the common case, fast (sgd builds a distribution at every step)
    expected = "a finite float or a non-empty array of finite floats" + (" > 0" if positive else "")
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be {expected}; got {_show(value)}")
    try:
        raw = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {expected}; got {_show(value)}") from None
    if raw.dtype.kind not in "iuf" and not (raw.dtype.kind == "O" and _all_real(raw)):
        raise TypeError(f"{name} must be {expected}; got {_show(value)} of dtype {raw.dtype}")
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {expected}; got {_show(value)}") from None
    if array.size == 0:
        raise ValueError(f"{name} must be {expected}; got an empty array of shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be {expected}; got {_show(value)}")
    if positive and not (array > 0).all():
        raise ValueError(f"{name} must be {expected}; got {_show(value)}")
    return array


def _all_real(array: np.ndarray) -> bool:
    return all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in array.flat)


def check_callable(name: str, value: object) -> Callable:
    """Return ``value`` if it is callable, else raise a TypeError naming ``name``."""
    if not callable(value):
        raise TypeError(f"{name} must be a callable; got {_show(value)} of type {type(value).__name__}")
    return value


def check_output(name: str, value: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Check that a user function returned finite real numbers of exactly ``shape``; return a float array.

    Booleans are accepted and become 0.0 and 1.0 (an indicator cost). The finiteness test is one
    ``np.sum`` (a nan or inf anywhere makes the sum non-finite); only then is the culprit located.
    """
    array = value if isinstance(value, np.ndarray) else np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must return real numbers ({what}); got {_show(value)} of dtype {array.dtype}")
    if array.shape != shape:
        raise ValueError(f"{name} must return an array of shape {shape} ({what}); got shape {array.shape}")
    if array.dtype != np.float64:
        array = array.astype(float)
    if not np.isfinite(np.sum(array)) and not np.all(np.isfinite(array)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"{name} must return finite numbers ({what}); got {float(array[index])!r} at index {index}")
    return array
