"""Input checks shared by the package: fail at once, name the argument, the value and what was expected."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Interval", "real", "positive", "unit_interval", "MAX_COUNT",
    "as_rng", "check_n", "check_param", "check_callable", "check_output", "check_real", "frozen",
]

MAX_COUNT = 10**8
"""The largest ``n`` (and the largest number of sample entries, ``n`` times the distribution's size) that the
package accepts: 10**8 float64 numbers take 800 MB, and an estimator holds a few such arrays at once."""


@dataclass(frozen=True)
class Interval:
    """A parameter constraint, as data (as ``torch.distributions.constraints``): finite values in an interval.

    ``low < value < high`` with open ends, ``<=`` where ``closed_high``; ``describe()`` is the phrase the error
    messages use.
    """

    low: float = -math.inf
    high: float = math.inf
    closed_high: bool = False

    def check(self, array: np.ndarray) -> bool:
        """True if every entry of the (finite) ``array`` lies in the interval."""
        above = np.all(array > self.low) if self.low > -math.inf else True
        below = np.all(array <= self.high if self.closed_high else array < self.high) if self.high < math.inf else True
        return bool(above and below)

    def describe(self) -> str:
        if self.low == -math.inf and self.high == math.inf:
            return ""
        if self.high == math.inf:
            return f" > {self.low:g}"
        return f" in ({self.low:g}, {self.high:g}{']' if self.closed_high else ')'}"


real = Interval()
positive = Interval(0.0)
unit_interval = Interval(0.0, 1.0)


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


def check_n(n: object, name: str = "n", minimum: int = 1, maximum: int = MAX_COUNT) -> int:
    """Return ``n`` as an int if it is an integer with ``minimum <= n <= maximum``, else raise (naming it ``name``)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {_show(n)} of type {type(n).__name__}")
    if n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {n!r}")
    if n > maximum:
        raise ValueError(
            f"{name} must be an integer <= {maximum:_} (a count the package can hold in memory); got {_show(n)}"
        )
    return int(n)


def check_real(name: str, value: object) -> float:
    """Return a finite real number (not a bool, not an array) as a float, else raise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite real number; got {_show(value)} of type {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite real number; got {_show(value)}, too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    return number


def check_param(name: str, value: object, constraint: Interval | None = None, *, positive: bool = False) -> np.ndarray:
    """Return a parameter as a fresh, read-only float array, after checking it against ``constraint``.

    Rejects (TypeError) strings, None, booleans, complex numbers and anything that is not an array of real
    numbers; rejects (ValueError) empty arrays, non-finite entries and entries outside ``constraint``
    (``positive=True`` is short for the constraint ``> 0``). The copy is what makes a distribution immune to
    later changes of the caller's array; the read-only flag, to changes through ``dist.params``.
    """
    if constraint is None:
        constraint = Interval(0.0) if positive else real
    expected = "a finite float or a non-empty array of finite floats" + constraint.describe()
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be {expected}; got {_show(value)}")
    try:
        raw = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {expected}; got {_show(value)}") from None
    if raw.dtype.kind not in "iuf" and not (raw.dtype.kind == "O" and _all_real(raw)):
        raise TypeError(f"{name} must be {expected}; got {_show(value)} of dtype {raw.dtype}")
    try:
        array = np.array(raw, dtype=float)  # always a copy
    except OverflowError:
        raise ValueError(f"{name} must be {expected}; got {_show(value)}, too large for a float") from None
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {expected}; got {_show(value)}") from None
    if array.size == 0:
        raise ValueError(f"{name} must be {expected}; got an empty array of shape {array.shape}")
    if not np.isfinite(array).all() or not constraint.check(array):
        raise ValueError(f"{name} must be {expected}; got {_show(value)}")
    return frozen(array)


def frozen(array: np.ndarray) -> np.ndarray:
    """``array`` marked read-only (in place) and returned: nobody can write through it any more."""
    array.setflags(write=False)
    return array


def _all_real(array: np.ndarray) -> bool:
    return all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in array.flat)


def check_callable(name: str, value: object) -> Callable:
    """Return ``value`` if it is callable, else raise a TypeError naming ``name``."""
    if not callable(value):
        raise TypeError(f"{name} must be a callable; got {_show(value)} of type {type(value).__name__}")
    return value


def check_output(name: str, value: object, shape: tuple[int, ...], what: str, finite: bool = True) -> np.ndarray:
    """Check that a user function returned finite real numbers of exactly ``shape``; return a float array.

    Booleans are accepted and become 0.0 and 1.0 (an indicator cost). The finiteness test is one
    ``np.sum`` (a nan or inf anywhere makes the sum non-finite); only then is the culprit located. With
    ``finite=False`` that test is left to the caller (the estimators test their terms, which are non-finite
    wherever the function's values are, and then blame the function with ``non_finite_output``).
    """
    array = value if isinstance(value, np.ndarray) else np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must return real numbers ({what}); got {_show(value)} of dtype {array.dtype}")
    if array.shape != shape:
        raise ValueError(f"{name} must return an array of shape {shape} ({what}); got shape {array.shape}")
    if array.dtype != np.float64:
        array = array.astype(float)
    if finite and not np.isfinite(np.sum(array)) and not np.all(np.isfinite(array)):
        non_finite_output(name, array, what)
    return array


def non_finite_output(name: str, array: np.ndarray, what: str) -> None:
    """Raise the ValueError for a user function ``name`` that returned a non-finite value somewhere in ``array``."""
    index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
    raise ValueError(f"{name} must return finite numbers ({what}); got {float(array[index])!r} at index {index}")
