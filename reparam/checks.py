r"""Self-checks for the assignments: run a student's function on cases with known answers and say what went wrong.

Every public ``check_*`` function takes the student's function, calls it on a few seeded cases whose
answers come from ``reparam``'s own implementation (or a closed form), prints specific feedback (the
case, what was expected, what came back, a hint that points the way without giving the answer) and
returns ``True`` or ``False``.

A check never raises: a function that crashes, returns ``None``, a string, the wrong shape, the wrong
keys or a NaN is reported and the check returns ``False``. The answers are deterministic (the check
supplies the samples), so they are compared up to floating-point rounding, ``rtol=1e-9``.

Every call of the student's code is *guarded* (:func:`call_student`): it runs under a time limit
(``TIME_LIMIT`` seconds for a whole check, where the platform has ``SIGALRM``), what it prints is cut to
``PRINT_LIMIT`` characters, numpy's and Python's global random states are put back as they were, and a
call of the very ``reparam`` function the step asks the student to write counts as a wrong answer. The
autograder's tests (``assignments/tests/``) use the same guard.

>>> from reparam.checks import check_exponential_score
>>> ok = check_exponential_score(lambda x, rate: 1 / rate - x)
✓ exponential_score: all 4 cases agree with the known answers.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .distributions import Exponential, Normal
from .estimators import pathwise, score_function
from .experiments import sgd

__all__ = [
    "check_normal_score",
    "check_exponential_score",
    "check_score_function_terms",
    "check_lognormal_pathwise",
    "check_optimal_baseline",
    "check_gumbel_max",
    "check_sgd_iterates",
    "check_stationary_variance",
    "check_elbo_gradient_terms",
    "check_optimal_gaussian",
    "check_reward_to_go",
    "check_policy_gradient_terms",
    "check_exact_gradient",
    "check_rebar_terms",
    "check_surrogate_loss",
    "call_student",
    "assert_check",
    "expect_close",
    "expect_error",
]

#: Relative and absolute tolerance for deterministic answers: equal up to floating-point rounding.
RTOL, ATOL = 1e-9, 1e-12
#: Seconds a whole check may spend in the student's code (all its cases together).
TIME_LIMIT = 10.0
#: Characters of the student's own printing shown per check; the rest is counted, not shown.
PRINT_LIMIT = 2000


# the guard around every call of student code ---------------------------------------------------------
class _OutOfTime(BaseException):
    """Raised inside the student's code when the time limit passes (a BaseException: ``except Exception`` in
    the student's code does not swallow it)."""


class _BoundedText(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters written to it and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept, self.dropped = limit, [], 0
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = max(self.limit - self._size, 0)
        self.kept.append(text[:room])
        self._size += min(len(text), room)
        self.dropped += max(len(text) - room, 0)
        return len(text)

    def text(self) -> str:
        shown = "".join(self.kept)
        if self.dropped:
            shown += f"\n... ({self.dropped} more characters of output not shown)\n"
        return shown


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_OutOfTime` in the calling code after ``seconds`` (wall clock), and again every 50 ms
    until it leaves. Nests with an outer limit (e.g. the grader's per-cell limit), which keeps running.
    Without ``SIGALRM`` or outside the main thread there is no limit."""
    usable = seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTime

    start = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expire)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, 0)
    delay = min(seconds, outer_delay) if outer_delay > 0 else seconds
    try:
        signal.setitimer(signal.ITIMER_REAL, max(delay, 1e-3), 0.05)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay > 0:  # hand the rest of the outer limit back
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - start), 1e-3), outer_interval)


@contextlib.contextmanager
def _watch_for(forbidden: tuple[Callable[..., Any], ...], called: list[str]) -> Iterator[None]:
    """Record in ``called`` the name of every function in ``forbidden`` that runs, however it was reached."""
    codes = {function.__code__: function.__qualname__ for function in forbidden}
    if not codes:
        yield
        return
    previous = sys.getprofile()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in codes and codes[frame.f_code] not in called:
            called.append(codes[frame.f_code])

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)


@dataclass
class _Guard:
    """What the guarded calls of one check did: their printing, and any forbidden function they called."""

    output: _BoundedText
    forbidden_calls: list[str]


@contextlib.contextmanager
def _guarded(time_limit: float | None, forbidden: tuple[Callable[..., Any], ...]) -> Iterator[_Guard]:
    """Time limit, bounded printing, forbidden-call watch, and the global random states restored afterwards."""
    guard = _Guard(_BoundedText(PRINT_LIMIT), [])
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        with contextlib.redirect_stdout(guard.output), contextlib.redirect_stderr(guard.output):
            with _watch_for(forbidden, guard.forbidden_calls), _time_limit(time_limit), np.errstate(all="ignore"):
                yield guard
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)


def _forbidden_message(calls: list[str]) -> str:
    names = ", ".join(f"reparam's {name}" for name in calls)
    return f"it calls {names}, which computes the very thing this step asks you to write; derive it and code it yourself"


def call_student(
    function: Callable[..., Any],
    *args: Any,
    time_limit: float | None = TIME_LIMIT,
    forbidden: tuple[Callable[..., Any], ...] = (),
) -> Any:
    """Call ``function(*args)`` under the guard and return its result; raise ``AssertionError`` saying why not.

    The call has ``time_limit`` seconds, prints at most ``PRINT_LIMIT`` characters (shown after the call),
    leaves the global random states as it found them, and must not call any function in ``forbidden``.
    This is what the autograder's tests use; an ``AssertionError`` fails the test case with its message.

    Parameters
    ----------
    function : callable
        The student's function.
    *args
        Its arguments (arrays are copied, so the function cannot change the caller's).
    time_limit : float or None
        Seconds allowed; ``None`` for no limit.
    forbidden : tuple of functions
        ``reparam`` functions whose use counts as not having written the answer.

    Returns
    -------
    object
        Whatever ``function`` returned.
    """
    if not callable(function):
        raise AssertionError(f"expected a function, got {type(function).__name__} {_show(function)}")
    name = getattr(function, "__name__", "the function")
    guard = None
    try:
        with _guarded(time_limit, forbidden) as guard:
            result = function(*(_copy(arg) for arg in args))
    except _OutOfTime:
        raise AssertionError(f"{name} did not finish within {time_limit:g} s (an endless loop?)") from None
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the student's error becomes a failed test, not a crashed grader
        raise AssertionError(f"{name} raised {type(error).__name__}: {error}") from None
    finally:
        if guard is not None:
            print(guard.output.text(), end="")
    if guard.forbidden_calls:
        raise AssertionError(f"{name}: {_forbidden_message(guard.forbidden_calls)}")
    return result


def assert_check(check: Callable[..., bool], function: Any, time_limit: float | None = TIME_LIMIT) -> None:
    """Run a self-check quietly and raise ``AssertionError`` with its feedback if it fails (the autograder's public tests).

    Parameters
    ----------
    check : callable
        One of this module's ``check_*`` functions.
    function : object
        The student's function.
    time_limit : float or None
        Seconds the student's function may take over all the check's cases.

    Returns
    -------
    None
    """
    feedback = io.StringIO()
    with contextlib.redirect_stdout(feedback):
        passed = check(function, time_limit=time_limit)
    if passed is not True:
        raise AssertionError(feedback.getvalue().strip())


def expect_close(got: Any, expected: Any, what: str = "the result", rtol: float = RTOL, atol: float = ATOL) -> None:
    """Raise ``AssertionError`` with the feedback of the self-checks unless ``got`` matches ``expected``.

    Parameters
    ----------
    got : object
        The student's result.
    expected : array_like or mapping of array_like
        The answer; shapes must match exactly, values up to ``rtol`` and ``atol``.
    what : str
        How the message names the case.
    rtol, atol : float
        Tolerances as in ``numpy.isclose``.

    Returns
    -------
    None
    """
    expected = {k: np.asarray(v, dtype=float) for k, v in expected.items()} if isinstance(expected, Mapping) else np.asarray(expected, dtype=float)
    problem = _compare(got, expected, rtol=rtol, atol=atol)
    if problem:
        raise AssertionError(f"{what}: {problem}")


def expect_error(
    function: Callable[..., Any], *args: Any, error: type[Exception] = ValueError, word: str, what: str = "bad input",
    time_limit: float | None = TIME_LIMIT,
) -> None:
    """Raise ``AssertionError`` unless ``function(*args)``, called under the guard, raises ``error`` naming ``word``.

    Parameters
    ----------
    function : callable
        The student's function.
    *args
        Arguments it must refuse.
    error : type
        The exception expected (``ValueError`` by default).
    word : str
        The name of the argument the message must mention (a whole word, any case).
    what : str
        How the message names the case.
    time_limit : float or None
        Seconds allowed; ``None`` for no limit.

    Returns
    -------
    None
    """
    if not callable(function):
        raise AssertionError(f"expected a function, got {type(function).__name__} {_show(function)}")
    name = getattr(function, "__name__", "the function")
    guard, got = None, None
    try:
        with _guarded(time_limit, ()) as guard:
            got = function(*(_copy(arg) for arg in args))
    except error as refusal:
        got = refusal
    except _OutOfTime:
        raise AssertionError(f"{what}: {name} did not finish within {time_limit:g} s (an endless loop?)") from None
    except KeyboardInterrupt:
        raise
    except BaseException as other:
        raise AssertionError(f"{what}: {name} raised {type(other).__name__}: {other}; expected a {error.__name__} naming {word!r}") from None
    finally:
        if guard is not None:
            print(guard.output.text(), end="")
    problem = _compare_refusal(got, _Raises(error, word))
    if problem:
        raise AssertionError(f"{what}: {problem}")


# comparing -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Case:
    """One call of the student's function: a description for the feedback, the arguments, the answer."""

    description: str
    args: tuple[Any, ...]
    expected: Any


@dataclass(frozen=True)
class _Raises:
    """The answer of a case with bad input: ``error`` raised at once, its message naming the argument ``word``."""

    error: type[Exception]
    word: str


def _compare_refusal(got: Any, expected: _Raises) -> str | None:
    """``None`` if ``got`` is the expected error naming the argument, else a sentence saying what happened instead."""
    kind = expected.error.__name__
    if not isinstance(got, expected.error):
        return f"bad input should be refused at once with a {kind} naming {expected.word!r}, but the call returned {_show(got)}"
    if not re.search(rf"\b{re.escape(expected.word)}\b", str(got), re.IGNORECASE):
        return f"the {kind} should name the argument {expected.word!r} (and say what was expected); its message was {str(got)!r}"
    return None


def _show(value: Any) -> str:
    """A short, readable rendering of a value for the feedback."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=8, edgeitems=3, separator=", ", max_line_width=1000)
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _copy(value: Any) -> Any:
    """A fresh copy of an argument, so that a function that writes into its input cannot spoil the answer."""
    return value.copy() if isinstance(value, np.ndarray) else value


def _compare_array(
    got: Any, expected: np.ndarray, what: str, integral: bool = False, rtol: float = RTOL, atol: float = ATOL
) -> str | None:
    """Return ``None`` if ``got`` matches ``expected``, else a sentence saying how it differs."""
    if got is None:
        return f"{what} is None: did the function forget to `return` its result?"
    if isinstance(got, (str, bytes)):
        return f"{what} is the string {got!r}, not numbers"
    if np.iscomplexobj(got):
        return f"{what} holds complex numbers {_show(got)}, expected real ones"
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{what} is {type(got).__name__} {_show(got)}, which is not an array of numbers"
    if array.shape != expected.shape:
        if expected.shape == ():
            return f"{what} should be one number (a float) but has shape {array.shape}"
        return f"{what} should have shape {expected.shape} but has shape {array.shape}"
    expected = np.asarray(expected, dtype=float)
    unexpected = ~np.isfinite(array) & np.isfinite(expected)  # inf is right only where inf is expected
    if np.any(unexpected):
        return f"{what} contains {int(np.sum(unexpected))} non-finite value(s) (NaN or inf): {_show(array)}"
    if integral and not np.all(array == np.round(array)):
        return f"{what} should hold whole-number indices but holds {_show(array)}"
    close = np.isclose(array, np.asarray(expected, dtype=float), rtol=rtol, atol=atol)
    if np.all(close):
        return None
    wrong = np.argwhere(~close)
    first = tuple(int(i) for i in wrong[0])
    where = f" (first at index {first[0] if len(first) == 1 else first})" if first else ""
    return (
        f"{what} differs from the expected value in {len(wrong)} of {max(expected.size, 1)} entries{where}:\n"
        f"    expected {_show(expected)}\n    got      {_show(array)}"
    )


def _compare(got: Any, expected: Any, integral: bool = False, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """Compare a result with an expected array or dict of arrays; ``None`` when they agree."""
    if isinstance(expected, Mapping):
        if got is None:
            return "the result is None: did the function forget to `return` its result?"
        if not isinstance(got, Mapping):
            return f"the result should be a dict with keys {sorted(expected)} but is {type(got).__name__} {_show(got)}"
        if set(got) != set(expected):
            return f"the result should have the keys {sorted(expected)} but has {sorted(map(str, got))}"
        for key, value in expected.items():
            problem = _compare_array(got[key], value, f"result[{key!r}]", integral, rtol, atol)
            if problem:
                return problem
        return None
    return _compare_array(got, expected, "the result", integral, rtol, atol)


def _run(
    name: str,
    student: Any,
    cases: list[_Case],
    hint: str,
    integral: bool = False,
    forbidden: tuple[Callable[..., Any], ...] = (),
    time_limit: float | None = TIME_LIMIT,
) -> bool:
    """Call ``student`` on every case under one guard, print feedback for the first failure (or a success
    line), return a bool. The guard's time limit covers all the cases together."""
    try:
        if not callable(student):
            print(f"✗ {name}: expected a function, got {type(student).__name__} {_show(student)}.")
            print("  hint: pass the function itself, e.g. check(my_function), not check(my_function(...)).")
            return False
        results: list[Any] = []
        guard = None
        try:
            with _guarded(time_limit, forbidden) as guard:
                for case in cases:
                    args = tuple(_copy(arg) for arg in case.args)
                    if isinstance(case.expected, _Raises):
                        try:  # the refusal the case expects is its result; any other error stops the run below
                            results.append(student(*args))
                        except case.expected.error as refusal:
                            results.append(refusal)
                    else:
                        results.append(student(*args))
            error = None
        except KeyboardInterrupt:
            raise
        except BaseException as caught:  # a check never raises: report whatever the function did
            error = caught
        finally:
            if guard is not None and guard.output.text():
                print(f"(what {name} printed)\n{guard.output.text()}", end="" if guard.output.text().endswith("\n") else "\n")
        i = len(results) + 1  # the case that stopped the run, if any
        if isinstance(error, _OutOfTime):
            print(f"✗ {name}: did not finish within {time_limit:g} s (stopped during case {i}, {cases[i - 1].description}).")
            print("  an endless loop? a loop over samples that could be one array operation?")
            return False
        if guard is not None and guard.forbidden_calls:
            print(f"✗ {name}: {_forbidden_message(guard.forbidden_calls)}.")
            return False
        if isinstance(error, NotImplementedError):
            # No hint here: on an untouched stub the hint would point the way before any attempt.
            print(f"✗ {name}: not implemented yet (it raised NotImplementedError on case {i}, {cases[i - 1].description}).")
            print("  write the function's body, run its cell, then run this check again.")
            return False
        if error is not None:
            print(f"✗ {name} raised {type(error).__name__}: {error}")
            print(f"  on case {i} of {len(cases)}: {cases[i - 1].description}")
            print(f"  hint: {hint}")
            return False
        for i, (case, got) in enumerate(zip(cases, results), start=1):
            problem = _compare_refusal(got, case.expected) if isinstance(case.expected, _Raises) else _compare(got, case.expected, integral)
            if problem:
                print(f"✗ {name}: case {i} of {len(cases)}, {case.description}:")
                print(f"  {problem}")
                print(f"  hint: {hint}")
                return False
        print(f"✓ {name}: all {len(cases)} cases agree with the known answers.")
        return True
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # e.g. a result whose __eq__ or __array__ misbehaves
        print(f"✗ {name}: the result could not be checked ({type(error).__name__}: {error}).")
        print(f"  hint: {hint}")
        return False


def _short(x: np.ndarray) -> str:
    return f"x of shape {x.shape}" if x.size > 6 else f"x = {_show(x)}"


# checks ----------------------------------------------------------------------------------------------
# Each check's docstring says what the student's function must do and where the answers come from, not
# the formula: students can read it with help(), and it is on the API page of the book.
def check_normal_score(
    normal_score: Callable[[np.ndarray, float, float], Mapping[str, np.ndarray]], time_limit: float | None = TIME_LIMIT
) -> bool:
    r"""Check a student's score of the normal distribution :math:`\mathcal N(\mu, \sigma^2)`.

    The function must return the derivatives of :math:`\log p(x \mid \mu, \sigma)` in :math:`\mu` and in
    :math:`\sigma`, elementwise; they are compared with ``reparam.Normal(loc, scale).score(x)``, which the
    student's function may not call.

    Parameters
    ----------
    normal_score : callable
        ``normal_score(x, loc, scale)`` returning ``{"loc": ..., "scale": ...}``, each shaped like ``x``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    cases = []
    for loc, scale, x in [
        (0.0, 1.0, np.array([-1.0, 0.0, 2.0])),
        (2.0, 0.5, np.array([2.0, 2.5, 1.0, 4.0])),
        (-1.0, 3.0, Normal(-1.0, 3.0).sample(50, rng=1)),
    ]:
        expected = Normal(loc, scale).score(x)
        cases.append(_Case(f"loc={loc}, scale={scale}, {_short(x)}", (x, loc, scale), expected))
    hint = "write log p as a sum of terms, then differentiate each in μ (σ fixed) and in σ (μ fixed); return a dict."
    return _run("normal_score", normal_score, cases, hint, forbidden=(Normal.score,), time_limit=time_limit)


def check_exponential_score(exponential_score: Callable[[np.ndarray, float], np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's score of the exponential distribution :math:`p(x) = \lambda e^{-\lambda x}`.

    The function must return :math:`\partial \log p(x \mid \lambda) / \partial\lambda` for every entry of
    ``x``; it is compared with ``reparam.Exponential(rate).score(x)["rate"]``, which it may not call.

    Parameters
    ----------
    exponential_score : callable
        ``exponential_score(x, rate)`` returning an array shaped like ``x``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    cases = []
    for rate, x in [
        (1.0, np.array([0.0, 0.5, 1.0, 3.0])),
        (2.0, np.array([0.0, 0.5, 1.0, 3.0])),
        (0.25, Exponential(0.25).sample(40, rng=2)),
        (5.0, Exponential(5.0).sample(7, rng=3)),
    ]:
        cases.append(_Case(f"rate={rate}, {_short(x)}", (x, rate), Exponential(rate).score(x)["rate"]))
    hint = "take the log of the density first: it splits into a term without x and a term with x. Differentiate each in λ."
    return _run("exponential_score", exponential_score, cases, hint, forbidden=(Exponential.score,), time_limit=time_limit)


def _score_function_cases() -> list[_Case]:
    """Cases for the Exponential's score-function terms, answered by ``reparam.score_function``."""
    costs = [
        ("f(x) = x²", lambda x: x**2),
        ("f(x) = 1 if x > 1 else 0", lambda x: (x > 1).astype(float)),
        ("f(x) = 3 (a constant)", lambda x: np.full(x.shape[:1], 3.0)),
    ]
    cases = []
    for seed, (rate, n) in enumerate([(1.0, 5), (2.0, 1000), (0.5, 200)]):
        for text, f in costs:
            x = Exponential(rate).sample(n, rng=seed)
            expected = score_function(f, Exponential(rate), n, rng=seed)["rate"]
            cases.append(_Case(f"{text}, rate={rate}, {_short(x)}", (f, x, rate), expected))
    return cases


def check_score_function_terms(score_function_terms: Callable[..., np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's per-sample score-function terms for the exponential's rate.

    The terms' mean must estimate :math:`\frac{d}{d\lambda}\mathbb E_{x\sim\mathrm{Exp}(\lambda)}[f(x)]` by
    the score-function identity; they are compared with
    ``reparam.score_function(f, reparam.Exponential(rate), n, rng=seed)["rate"]`` on the same samples (which
    the student's function may not call), for a smooth cost, a step and a constant.

    Parameters
    ----------
    score_function_terms : callable
        ``score_function_terms(f, x, rate)``: ``f`` maps samples of shape ``(n,)`` to values of shape
        ``(n,)``; ``x`` are samples of :math:`\mathrm{Exp}(\lambda)`, shape ``(n,)``; returns shape ``(n,)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    hint = "look at the identity at the top of the assignment: which two factors sit inside the expectation? Return all n terms, not their mean."
    return _run(
        "score_function_terms", score_function_terms, _score_function_cases(), hint,
        forbidden=(score_function,), time_limit=time_limit,
    )


def check_lognormal_pathwise(lognormal_pathwise_terms: Callable[..., Mapping[str, np.ndarray]], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's pathwise terms for the log-normal :math:`x = e^{\mu + \sigma\epsilon}`, :math:`\epsilon\sim\mathcal N(0,1)`.

    The terms are :math:`f'(x_i)` times the derivative of the path :math:`x_i` in :math:`\mu` and in
    :math:`\sigma`. They are compared with ``reparam.pathwise`` applied to the normal
    :math:`y = \mu + \sigma\epsilon` and the composed cost :math:`f(e^y)`, on the same noise; the student's
    function may not call ``reparam.pathwise``.

    Parameters
    ----------
    lognormal_pathwise_terms : callable
        ``lognormal_pathwise_terms(df, eps, mu, sigma)``: ``df`` is :math:`f'` (maps ``(n,)`` to ``(n,)``),
        ``eps`` is standard normal noise of shape ``(n,)``; returns ``{"mu": ..., "sigma": ...}``, each ``(n,)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    derivatives = [
        ("f(x) = x, f'(x) = 1", lambda x: np.ones_like(x)),
        ("f(x) = x², f'(x) = 2x", lambda x: 2 * x),
        ("f(x) = sin x, f'(x) = cos x", np.cos),
    ]
    cases = []
    for seed, (mu, sigma, n) in enumerate([(0.0, 1.0, 5), (0.5, 0.25, 300), (-1.0, 0.8, 1000)]):
        for text, df in derivatives:
            eps = Normal(mu, sigma).noise(n, rng=seed)
            terms = pathwise(lambda y, df=df: df(np.exp(y)) * np.exp(y), Normal(mu, sigma), n, rng=seed)
            expected = {"mu": terms["loc"], "sigma": terms["scale"]}
            cases.append(_Case(f"{text}, mu={mu}, sigma={sigma}, eps of shape {eps.shape}", (df, eps, mu, sigma), expected))
    hint = "x is exp of a linear function of μ and σ: use the chain rule for dx/dμ and dx/dσ (write them with x and ε), then multiply by f'(x)."
    return _run(
        "lognormal_pathwise_terms", lognormal_pathwise_terms, cases, hint,
        forbidden=(pathwise, Normal.rsample), time_limit=time_limit,
    )


def check_optimal_baseline(optimal_baseline: Callable[[np.ndarray, np.ndarray], float], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's variance-minimizing constant baseline for the score-function estimator.

    The function must return the constant :math:`b` that minimizes :math:`\frac1n\sum_i (f_i - b)^2 s_i^2`
    over the given costs :math:`f_i` and scores :math:`s_i`. Cases use ``reparam.Normal`` samples and
    scores; one has a constant cost. The student's function may not call ``reparam.optimal_baseline``.

    Parameters
    ----------
    optimal_baseline : callable
        ``optimal_baseline(fx, s)``: ``fx`` and ``s`` are arrays of shape ``(n,)``; returns one float.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    from .baselines import optimal_baseline as library_baseline

    cases = []
    for seed, (loc, scale, n, text, f) in enumerate(
        [
            (0.0, 1.0, 4, "f(x) = x², score in loc", lambda x: x**2),
            (1.5, 0.5, 500, "f(x) = (x - 1)², score in loc", lambda x: (x - 1) ** 2),
            (1.5, 0.5, 500, "f(x) = 7 (a constant), score in loc", lambda x: np.full(x.shape, 7.0)),
            (-2.0, 2.0, 1000, "f(x) = exp(x/4), score in scale", lambda x: np.exp(x / 4)),
        ]
    ):
        p = Normal(loc, scale)
        x = p.sample(n, rng=seed)
        s = p.score(x)["scale" if "scale" in text else "loc"]
        fx = f(x)
        weights = s * s
        expected = np.asarray(np.sum(fx * weights) / np.sum(weights))
        cases.append(_Case(f"{text}, x ~ Normal({loc}, {scale}), n = {n}", (fx, s), expected))
    hint = "the mean square is a quadratic in b: differentiate it in b and set the derivative to zero. Return one number."
    return _run("optimal_baseline", optimal_baseline, cases, hint, forbidden=(library_baseline,), time_limit=time_limit)


def check_gumbel_max(gumbel_max: Callable[[np.ndarray, np.ndarray], np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's Gumbel-max sampler of the categorical distribution :math:`\mathrm{softmax}(\ell)`.

    From the uniform numbers ``u`` the function must make standard Gumbel noise by the inverse CDF and
    return one category index per row. The cases are compared with the Gumbel-max closed form on the same
    ``u``; the student's function may not call ``reparam.Categorical.sample``.

    Parameters
    ----------
    gumbel_max : callable
        ``gumbel_max(logits, u)``: ``logits`` of shape ``(k,)``, ``u`` uniform on (0, 1) of shape
        ``(n, k)``; returns the ``n`` sampled category indices, integers of shape ``(n,)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees exactly; otherwise ``False``, after printing what went wrong.
    """
    from .discrete import Categorical

    cases = []
    for seed, (logits, n) in enumerate(
        [
            (np.array([0.0, 0.0, 0.0]), 6),
            (np.array([2.0, -1.0, 0.5]), 500),
            (np.log(np.array([0.1, 0.2, 0.3, 0.4])), 1000),
        ]
    ):
        u = np.random.default_rng(seed).uniform(np.finfo(float).tiny, 1.0, size=(n, logits.size))
        expected = np.argmax(logits - np.log(-np.log(u)), axis=1)
        cases.append(_Case(f"logits = {_show(logits)}, u of shape {u.shape}", (logits, u), expected))
    hint = "solve u = F(g) for g to get each Gumbel number; then, row by row, which category does the trick pick? (rows are samples, columns categories)"
    return _run("gumbel_max", gumbel_max, cases, hint, integral=True, forbidden=(Categorical.sample,), time_limit=time_limit)


def check_sgd_iterates(sgd_iterates: Callable[..., np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's SGD iterates on :math:`L(\theta) = \mathbb E_{x\sim\mathcal N(\theta,\sigma^2)}[\tfrac c2 x^2]`.

    Each step uses the one-sample pathwise gradient estimate at :math:`x_t = \theta_t + \sigma\epsilon_t`;
    the trajectory is compared with ``reparam.experiments.sgd("pathwise", ...)`` on the same noise, which
    the student's function may not call.

    Parameters
    ----------
    sgd_iterates : callable
        ``sgd_iterates(theta0, step_size, curvature, sigma, eps)``: floats, and ``eps`` of shape ``(T,)``;
        returns the trajectory :math:`\theta_0, \dots, \theta_T`, shape ``(T + 1,)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    cases = []
    for seed, (theta0, step, c, sigma, steps) in enumerate(
        [(1.0, 0.1, 1.0, 0.0, 5), (2.0, 0.3, 2.0, 0.5, 50), (-3.0, 0.05, 10.0, 1.0, 400), (0.5, 0.9, 2.0, 0.2, 30)]
    ):
        eps = np.random.default_rng(seed).standard_normal(steps)
        expected = sgd("pathwise", lambda x, c=c: c * x, theta0, step, steps, n=1, scale=max(sigma, 1e-300), rng=seed)
        text = f"theta0={theta0}, step_size={step}, curvature={c}, sigma={sigma}, eps of shape {eps.shape}"
        cases.append(_Case(text, (theta0, step, c, sigma, eps), expected))
    hint = "one step: draw the path x_t from θ_t and ε_t, differentiate the cost at x_t, and step against it. Keep θ_0 as the first entry."
    return _run("sgd_iterates", sgd_iterates, cases, hint, forbidden=(sgd, pathwise), time_limit=time_limit)


def check_stationary_variance(stationary_variance: Callable[[float, float, float], float], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's long-run variance of the SGD iterate of :func:`check_sgd_iterates`'s problem.

    For a stable step the iterates settle into a distribution around the minimum whose variance the
    function must return; for a step at or beyond the stability limit it must return ``inf``. The cases
    are compared with the fixed point of the variance recursion, found numerically by iterating it.

    Parameters
    ----------
    stationary_variance : callable
        ``stationary_variance(step_size, curvature, sigma)``: positive floats; returns one float.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    cases = []
    for step, c, sigma in [(0.1, 1.0, 1.0), (0.5, 2.0, 0.5), (0.01, 50.0, 2.0), (0.999, 2.0, 1.0), (1.0, 2.0, 1.0), (0.3, 10.0, 1.0)]:
        contraction, kick = (1 - step * c) ** 2, (step * c * sigma) ** 2
        if contraction >= 1:
            expected = np.asarray(np.inf)
        else:  # iterate v <- contraction * v + kick from 0 to its fixed point (a geometric series)
            expected, term = 0.0, kick
            while term > 1e-18 * max(expected, 1e-300):
                expected, term = expected + term, term * contraction
            expected = np.asarray(expected)
        cases.append(_Case(f"step_size={step}, curvature={c}, sigma={sigma}", (step, c, sigma), expected))
    hint = "write θ_{t+1} - θ* as (a number) × (θ_t - θ*) + (independent noise); take variances of both sides and ask when it stops changing."
    return _run("stationary_variance", stationary_variance, cases, hint, time_limit=time_limit)


def _elbo_cases() -> list[_Case]:
    """Cases for the ELBO gradient of z ~ N(0, 1), x_i | z ~ N(z, 1) with q = N(m, s²), answered by reparam.pathwise."""
    cases = []
    for seed, (data_size, m, s, n) in enumerate([(1, 0.0, 1.0, 5), (5, 0.7, 0.4, 300), (20, -1.0, 0.2, 1000)]):
        x = np.random.default_rng(100 + seed).normal(1.5, 1.0, size=data_size)

        def dlogjoint(z, x=x):
            return np.sum(x) - (x.size + 1) * z

        eps = Normal(m, s).noise(n, rng=seed)
        terms = pathwise(dlogjoint, Normal(m, s), n, rng=seed)
        expected = {"m": terms["loc"], "s": terms["scale"] + 1.0 / s}
        cases.append(_Case(f"{data_size} data points, m={m}, s={s}, eps of shape {eps.shape}", (x, m, s, eps), expected))
    return cases


def check_elbo_gradient_terms(elbo_gradient_terms: Callable[..., Mapping[str, np.ndarray]], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's reparameterized ELBO gradient terms for a normal mean with a normal prior.

    The model is :math:`z \sim \mathcal N(0, 1)`, :math:`x_i \mid z \sim \mathcal N(z, 1)`, and
    :math:`q(z) = \mathcal N(m, s^2)`. The terms' means must estimate the gradient of the ELBO in
    :math:`m` and :math:`s`, with the entropy's gradient included exactly. They are compared with
    ``reparam.pathwise`` on the same noise, which the student's function may not call.

    Parameters
    ----------
    elbo_gradient_terms : callable
        ``elbo_gradient_terms(x, m, s, eps)``: data ``x`` of shape ``(N,)``, floats ``m`` and ``s > 0``,
        noise ``eps`` of shape ``(n,)``; returns ``{"m": ..., "s": ...}``, each of shape ``(n,)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    hint = "differentiate log p(x, z) in z, evaluate it at z = m + sε, and apply the chain rule for m and s; the entropy of q has a gradient in s of its own."
    return _run(
        "elbo_gradient_terms", elbo_gradient_terms, _elbo_cases(), hint,
        forbidden=(pathwise, Normal.rsample), time_limit=time_limit,
    )


def check_optimal_gaussian(optimal_gaussian: Callable[[np.ndarray], Mapping[str, float]], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's ELBO maximizer :math:`(m^*, s^*)` for the model of :func:`check_elbo_gradient_terms`.

    The answer is compared with the point where both gradients vanish, found numerically by Newton's method
    on the exact gradient of the ELBO (a quadratic in :math:`m`; in :math:`s`, a quadratic plus
    :math:`\log s`).

    Parameters
    ----------
    optimal_gaussian : callable
        ``optimal_gaussian(x)``: data of shape ``(N,)``; returns ``{"m": float, "s": float}``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    cases = []
    for seed, data_size in enumerate([1, 4, 30]):
        x = np.random.default_rng(200 + seed).normal(-0.5, 1.0, size=data_size)
        precision = x.size + 1.0  # -d²ELBO/dm² and the s-part -(precision) s + 1/s
        m, s = 0.0, 1.0
        for _ in range(100):  # Newton steps on the exact gradients
            m -= (np.sum(x) - precision * m) / -precision
            s -= (-precision * s + 1.0 / s) / (-precision - 1.0 / s**2)
        expected = {"m": np.asarray(m), "s": np.asarray(s)}
        cases.append(_Case(f"{data_size} data points x = {_show(np.round(x, 3))}", (x,), expected))
    hint = "set both ELBO gradients to zero; the expectation over z of a linear function of z only needs E[z] and E[z ε]."
    return _run("optimal_gaussian", optimal_gaussian, cases, hint, time_limit=time_limit)


# reward-to-go and the REINFORCE terms (assignment 7) ---------------------------------------------------
def _discounted_sums(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """Every episode's reward-to-go at once, as one product with the matrix of discounts gamma**(t' - t), t' >= t.

    The answer key of :func:`check_reward_to_go` (a route other than the step-by-step one students take);
    a student's function may not call it.
    """
    steps = rewards.shape[1]
    lag = np.arange(steps)[:, None] - np.arange(steps)[None, :]  # t' - t, rows t', columns t
    return rewards @ np.where(lag >= 0, float(gamma) ** np.maximum(lag, 0), 0.0)


def _episodes(seed: int, n: int, steps: int) -> np.ndarray:
    """Seeded rewards of ``n`` episodes of random lengths 1..steps, zero after each ends."""
    rng = np.random.default_rng(seed)
    rewards = rng.normal(size=(n, steps))
    return np.where(np.arange(steps) < rng.integers(1, steps + 1, size=(n, 1)), rewards, 0.0)


def check_reward_to_go(reward_to_go: Callable[..., np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's (discounted) reward-to-go of a batch of episodes.

    ``rewards[i, t]`` is the reward of episode ``i`` at step ``t`` (episodes are rows, zero-padded after they
    end); the function must return, for every episode and step, the rewards from that step on, each
    discounted by :math:`\gamma` per step ahead. Cases include one episode worked by hand, padded episodes
    of several lengths, :math:`\gamma = 0`, :math:`0.5`, :math:`0.9` and :math:`1`, and bad input (a 1-D
    array, :math:`\gamma` outside :math:`[0, 1]`), which must raise ``ValueError`` naming the argument.
    Answers come from a computation by another route, which the student's function may not call.

    Parameters
    ----------
    reward_to_go : callable
        ``reward_to_go(rewards, gamma=1.0)``: ``rewards`` of shape ``(n, T)``, ``gamma`` in :math:`[0, 1]`;
        returns an array of shape ``(n, T)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    by_hand = np.array([[1.0, 2.0, 3.0]])
    cases = [
        _Case("rewards = [[1, 2, 3]] and the default gamma", (by_hand,), _discounted_sums(by_hand, 1.0)),
        _Case("rewards = [[1, 2, 3]], gamma = 0.5", (by_hand, 0.5), _discounted_sums(by_hand, 0.5)),
    ]
    for seed, (n, steps, gamma) in enumerate([(4, 5, 0.9), (6, 8, 1.0), (3, 4, 0.0), (5, 1, 0.7)]):
        rewards = _episodes(seed, n, steps)
        cases.append(_Case(f"{n} padded episodes, rewards of shape {rewards.shape}, gamma = {gamma}", (rewards, gamma), _discounted_sums(rewards, gamma)))
    cases += [
        _Case("rewards = np.ones(3), a 1-D array", (np.ones(3),), _Raises(ValueError, "rewards")),
        _Case("gamma = 1.5", (by_hand, 1.5), _Raises(ValueError, "gamma")),
        _Case("gamma = -0.1", (by_hand, -0.1), _Raises(ValueError, "gamma")),
    ]
    hint = ("work backwards from the last step: how does the reward-to-go at step t relate to the one at step t + 1? "
            "Padding zeros need no special care. Refuse bad input with a ValueError naming the argument.")
    return _run("reward_to_go", reward_to_go, cases, hint, forbidden=(_discounted_sums,), time_limit=time_limit)


def check_policy_gradient_terms(policy_gradient_terms: Callable[..., np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's per-episode REINFORCE terms with reward-to-go and an optional per-step baseline.

    ``scores[i, t]`` is the score :math:`\nabla_\theta \log\pi_\theta(a_t \mid s_t)` of episode ``i`` at step
    ``t`` (``d`` parameters), ``rewards[i, t]`` its reward; the function must return one gradient term per
    episode, in which each step's score is weighted by the (discounted) reward-to-go from that step less
    the step's baseline. Cases include one episode worked by hand, padded episodes with and without
    baselines, and mismatched shapes, which must raise ``ValueError`` naming the argument. Answers come
    from a computation by another route, which the student's function may not call.

    Parameters
    ----------
    policy_gradient_terms : callable
        ``policy_gradient_terms(scores, rewards, baselines=None, gamma=1.0)``: ``scores`` of shape
        ``(n, T, d)``, ``rewards`` and ``baselines`` of shape ``(n, T)``; returns an array of shape ``(n, d)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """

    def terms(scores: np.ndarray, rewards: np.ndarray, baselines: np.ndarray | float = 0.0, gamma: float = 1.0) -> np.ndarray:
        return np.einsum("ntd,nt->nd", scores, _discounted_sums(rewards, gamma) - baselines)

    ones, by_hand, to_go = np.ones((1, 3, 1)), np.array([[1.0, 2.0, 3.0]]), np.array([[6.0, 5.0, 3.0]])
    cases = [
        _Case("scores = np.ones((1, 3, 1)), rewards = [[1, 2, 3]], no baselines", (ones, by_hand), terms(ones, by_hand)),
        _Case("the same with baselines = [[6, 5, 3]]", (ones, by_hand, to_go), terms(ones, by_hand, to_go)),
    ]
    for seed, (n, steps, d, gamma, with_baselines) in enumerate([(4, 5, 2, 0.9, True), (6, 3, 3, 1.0, False), (5, 6, 1, 0.5, True)]):
        rewards = _episodes(10 + seed, n, steps)
        rng = np.random.default_rng(20 + seed)
        scores = rng.normal(size=(n, steps, d)) * (rewards != 0)[..., None]
        baselines = rng.normal(size=(n, steps)) if with_baselines else None
        text = f"scores of shape {scores.shape}, padded rewards, {'random' if with_baselines else 'no'} baselines, gamma = {gamma}"
        cases.append(_Case(text, (scores, rewards, baselines, gamma), terms(scores, rewards, 0.0 if baselines is None else baselines, gamma)))
    cases += [
        _Case("scores of shape (2, 3, 1) with rewards of shape (2, 4)", (np.ones((2, 3, 1)), np.ones((2, 4))), _Raises(ValueError, "scores")),
        _Case("baselines of shape (1, 2) with rewards of shape (1, 3)", (ones, by_hand, np.ones((1, 2))), _Raises(ValueError, "baselines")),
    ]
    hint = ("for each episode, weight every step's score by what that step can still influence, less its baseline, and add over "
            "the steps: one row per episode, one column per parameter. Check the shapes before you compute.")
    return _run("policy_gradient_terms", policy_gradient_terms, cases, hint, forbidden=(_discounted_sums,), time_limit=time_limit)


# REBAR for independent Bernoulli latents (assignment 8) ------------------------------------------------
def _gradient_by_conditioning(logits: np.ndarray, f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    r"""The exact gradient of :math:`\mathbb E f(b)` in the logits, one bit at a time:
    :math:`\theta_d(1-\theta_d)\,(\mathbb E[f \mid b_d = 1] - \mathbb E[f \mid b_d = 0])`.

    The answer key of :func:`check_exact_gradient` (a route other than the score-function sum students
    take); a student's function may not call it.
    """
    theta = 0.5 * (1 + np.tanh(0.5 * logits))
    codes = (np.arange(2**logits.size)[:, None] >> np.arange(logits.size)[::-1]) & 1
    gradient = np.empty(logits.size)
    for d in range(logits.size):
        rest = codes[codes[:, d] == 0]
        weights = np.prod(np.where(np.delete(rest, d, axis=1) == 1, np.delete(theta, d), 1 - np.delete(theta, d)), axis=1)
        on, off = rest.astype(float), rest.astype(float)
        on[:, d] = 1.0
        gradient[d] = theta[d] * (1 - theta[d]) * (weights @ (f(on) - f(off)))
    return gradient


def _rebar_reference(logits: np.ndarray, f: Callable[..., np.ndarray], grad_f: Callable[..., np.ndarray], n: int,
                     rng: int, temperature: float, eta: float) -> np.ndarray:
    """The REBAR terms of chapter 11 on the noise ``u, v = default_rng(rng).random((2, n, D))``: the answer key of
    :func:`check_rebar_terms`, which a student's function may not call."""
    theta = 0.5 * (1 + np.tanh(0.5 * logits))
    u, v = np.random.default_rng(rng).random((2, n, logits.size))
    z = logits + np.log(u) - np.log1p(-u)
    b = (z > 0).astype(float)
    u_b = np.where(b == 1, 1 - theta + v * theta, v * (1 - theta))
    z_b = logits + np.log(u_b) - np.log1p(-u_b)
    du_b = np.where(b == 1, -(1 - v), -v)  # d u_b / d theta with v and b fixed
    dz_b = 1 + theta * (1 - theta) / (u_b * (1 - u_b)) * du_b
    y, y_b = 0.5 * (1 + np.tanh(0.5 * z / temperature)), 0.5 * (1 + np.tanh(0.5 * z_b / temperature))
    pathwise_z = grad_f(y) * y * (1 - y) / temperature
    pathwise_z_b = grad_f(y_b) * y_b * (1 - y_b) * dz_b / temperature
    return (f(b) - eta * f(y_b))[:, None] * (b - theta) + eta * (pathwise_z - pathwise_z_b)


_TARGETS = np.array([0.2, 0.9, 0.4])


def _quadratic(z: np.ndarray) -> np.ndarray:
    return np.sum((z - _TARGETS) ** 2, axis=-1)


def _quadratic_gradient(z: np.ndarray) -> np.ndarray:
    return 2 * (z - _TARGETS)


def check_exact_gradient(exact_gradient: Callable[..., np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's exact gradient of :math:`\mathbb E f(b)` in the logits of independent Bernoulli bits.

    :math:`b_d \sim \mathrm{Bernoulli}(\sigma(\ell_d))`, independently; the function must enumerate the
    :math:`2^D` codes. Cases: two bits and a cost whose gradient is known in closed form, one bit, three bits
    and a quadratic, four bits and a cost that is not separable, and bad logits (2-D, empty, NaN), which
    must raise ``ValueError`` naming ``logits``. Answers come from a computation by another route, which the
    student's function may not call.

    Parameters
    ----------
    exact_gradient : callable
        ``exact_gradient(logits, f)``: ``logits`` of shape ``(D,)``; ``f`` maps codes of shape ``(m, D)`` to
        values of shape ``(m,)``; returns the gradient, shape ``(D,)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    two = np.array([0.4, -1.1])
    theta = 0.5 * (1 + np.tanh(0.5 * two))
    w = np.array([1.0, -2.0, 0.5, 1.5])
    costs = [
        ("f(b) = b_0 + 2 b_0 b_1", two, lambda b: b[:, 0] + 2 * b[:, 0] * b[:, 1],
         np.array([theta[0] * (1 - theta[0]) * (1 + 2 * theta[1]), 2 * theta[0] * theta[1] * (1 - theta[1])])),
        ("f(b) = 3 b_0", np.array([0.0]), lambda b: 3 * b[:, 0], None),
        ("f(b) = sum (b - [0.2, 0.9, 0.4])**2", np.array([0.3, -0.8, 1.1]), _quadratic, None),
        ("f(b) = sin(3 b @ [1, -2, 0.5, 1.5]) + b_0 b_3", np.array([-1.5, 0.2, 2.0, 0.7]),
         lambda b: np.sin(3 * b @ w) + b[:, 0] * b[:, 3], None),
    ]
    cases = []
    for text, logits, f, closed_form in costs:
        expected = _gradient_by_conditioning(logits, f) if closed_form is None else closed_form
        cases.append(_Case(f"{text}, logits = {_show(logits)}", (logits, f), expected))
    cases += [
        _Case(f"logits of shape (2, 3)", (np.zeros((2, 3)), _quadratic), _Raises(ValueError, "logits")),
        _Case(f"logits = [] (no bits)", (np.zeros(0), _quadratic), _Raises(ValueError, "logits")),
        _Case(f"logits = [nan, 0, 0]", (np.array([np.nan, 0.0, 0.0]), _quadratic), _Raises(ValueError, "logits")),
    ]
    hint = ("E f(b) is a finite sum over the 2^D codes of probability × f; each probability is a product over the bits. "
            "Differentiate the log of one code's probability in one logit (dθ/dℓ = θ(1 - θ)).")
    return _run("exact_gradient", exact_gradient, cases, hint, forbidden=(_gradient_by_conditioning,), time_limit=time_limit)


def check_rebar_terms(rebar_terms: Callable[..., np.ndarray], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's per-sample REBAR terms for independent Bernoulli bits.

    The function must draw its noise as ``u, v = np.random.default_rng(rng).random((2, n, D))`` and return
    the REBAR terms of chapter 11 on it, so the answers are deterministic. Cases: ``eta = 0`` (where the terms
    are the plain score-function terms), ``eta = 1`` and ``0.7`` at temperatures 0.5 and 2 with a quadratic
    and a non-separable cost, one bit with the default temperature and ``eta``, and bad input (a zero
    temperature, ``n = 0``, NaN logits), which must raise ``ValueError`` naming the argument. Answers come
    from a reference implementation, which the student's function may not call.

    Parameters
    ----------
    rebar_terms : callable
        ``rebar_terms(logits, f, grad_f, n, rng=None, temperature=0.5, eta=1.0)``: ``logits`` of shape
        ``(D,)``; ``f`` maps ``(m, D)`` to ``(m,)`` on :math:`[0, 1]^D` and ``grad_f`` maps ``(m, D)`` to its
        gradient, ``(m, D)``; returns ``n`` terms, shape ``(n, D)``.
    time_limit : float or None
        Seconds the student's function may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    three = np.array([0.3, -0.8, 1.1])
    u = np.random.default_rng(1).random((2, 1000, 3))[0]
    b = (three + np.log(u) - np.log1p(-u) > 0).astype(float)
    score_function_terms = _quadratic(b)[:, None] * (b - 0.5 * (1 + np.tanh(0.5 * three)))
    w = np.array([1.0, -2.0])

    def wave(z: np.ndarray) -> np.ndarray:
        return np.sin(3 * z @ w) + z[:, 0] * z[:, 1]

    def wave_gradient(z: np.ndarray) -> np.ndarray:
        return 3 * np.cos(3 * z @ w)[:, None] * w + z[:, ::-1]

    two, one = np.array([-1.5, 0.2]), np.array([0.6])
    cases = [
        _Case("eta = 0 (no control variate), quadratic cost, 3 bits, n = 1000, rng = 1", (three, _quadratic, _quadratic_gradient, 1000, 1, 0.5, 0.0), score_function_terms),
        _Case("eta = 1, temperature 0.5, quadratic cost, 3 bits, n = 200, rng = 2", (three, _quadratic, _quadratic_gradient, 200, 2, 0.5, 1.0),
              _rebar_reference(three, _quadratic, _quadratic_gradient, 200, 2, 0.5, 1.0)),
        _Case("eta = 0.7, temperature 2, sin(3 z @ [1, -2]) + z_0 z_1, 2 bits, n = 100, rng = 3", (two, wave, wave_gradient, 100, 3, 2.0, 0.7),
              _rebar_reference(two, wave, wave_gradient, 100, 3, 2.0, 0.7)),
        _Case("one bit, f(z) = z**2, n = 1, rng = 4, default temperature and eta", (one, lambda z: z[:, 0] ** 2, lambda z: 2 * z, 1, 4),
              _rebar_reference(one, lambda z: z[:, 0] ** 2, lambda z: 2 * z, 1, 4, 0.5, 1.0)),
        _Case("temperature = 0", (three, _quadratic, _quadratic_gradient, 10, 0, 0.0), _Raises(ValueError, "temperature")),
        _Case("n = 0", (three, _quadratic, _quadratic_gradient, 0, 0), _Raises(ValueError, "n")),
        _Case("logits = [nan, 0, 0]", (np.array([np.nan, 0.0, 0.0]), _quadratic, _quadratic_gradient, 10, 0), _Raises(ValueError, "logits")),
    ]
    hint = ("draw u and v exactly as the docstring says. With eta = 0 only the score-function term is left; the control variate "
            "is the relaxed cost f(σ(z/τ)), at z and at the second draw z̃ given b, differentiated in the logits with u, v and b held fixed.")
    return _run("rebar_terms", rebar_terms, cases, hint, forbidden=(_rebar_reference,), time_limit=time_limit)


def check_surrogate_loss(surrogate_loss: Callable[..., Any], time_limit: float | None = TIME_LIMIT) -> bool:
    r"""Check a student's score-function surrogate loss for :math:`\theta = (\mu, \sigma)` of a normal.

    ``jax.grad`` of the student's loss in ``theta`` must be the score-function estimate of
    :math:`\nabla_\theta \mathbb E_{x \sim \mathcal N(\mu, \sigma^2)}[f(x, \theta)]` on the given draws,
    the direct term included; the loss's value is not checked. For a cost that does not depend on
    ``theta`` (without and with a constant baseline) the gradient is compared, up to rounding, with
    ``reparam.score_function`` on the same draws, which the student's function may not call; for a cost
    that does, the gradient must lie within 5 standard errors of the exact one. JAX is imported here, not
    when ``reparam`` is (it stays numpy-only), and 64-bit floats are switched on (``jax_enable_x64``).

    Parameters
    ----------
    surrogate_loss : callable
        ``surrogate_loss(theta, x, cost, baseline=0.0)``: ``theta`` a JAX array ``[mu, sigma]``, draws
        ``x`` of shape ``(n,)``, ``cost(x, theta)`` of shape ``(n,)``, ``baseline`` a float or ``"loo"``;
        returns a scalar.
    time_limit : float or None
        Seconds the student's function (and its gradient) may take over all cases.

    Returns
    -------
    bool
        ``True`` if every case agrees; otherwise ``False``, after printing what went wrong.
    """
    import jax  # here, not at the top: `import reparam` stays numpy-only

    jax.config.update("jax_enable_x64", True)
    name = "surrogate_loss"
    hint = ("differentiate E[f] under the integral sign: one term has the cost as a fixed weight on the log-density, "
            "the other differentiates the cost itself; decide what autodiff must treat as a constant.")
    if not callable(surrogate_loss):
        return _run(name, surrogate_loss, [], hint)

    def loss(theta: Any, x: Any, cost: Callable[..., Any], baseline: float | str) -> Any:
        """The student's loss, with a clear message when it returns nothing."""
        value = surrogate_loss(theta, x, cost, baseline)
        if value is None:
            raise TypeError("it returned None: did it forget to `return` the loss?")
        return value

    # compiled whole: one compilation per case, where op-by-op evaluation compiles every operation separately
    compiled = jax.jit(jax.grad(loss), static_argnums=(2, 3))

    def gradient(theta: Any, x: np.ndarray, cost: Callable[..., Any], baseline: float | str) -> np.ndarray:
        """The gradient of the student's loss in theta."""
        return np.asarray(compiled(theta, x, cost, baseline))

    gradient.__name__ = name
    normal = Normal(2.0, 1.0)
    theta = jax.numpy.array([2.0, 1.0])
    x = normal.sample(10_000, rng=0)
    cases = []
    for baseline in (0.0, 5.0):
        terms = score_function(lambda x: x**2, normal, 10_000, rng=0, baseline=baseline)
        expected = np.array([terms["loc"].mean(), terms["scale"].mean()])
        cases.append(_Case(f"cost x**2, theta = (2, 1), x of shape {x.shape}, baseline={baseline}", (theta, x, lambda x, theta: x**2, baseline), expected))
    start = time.monotonic()
    feedback = io.StringIO()
    with contextlib.redirect_stdout(feedback):
        agreed = _run(name, gradient, cases, hint, forbidden=(score_function, Normal.score), time_limit=time_limit)
    shown = feedback.getvalue()
    if not agreed:
        print(shown, end="")
        return False
    print(shown.rsplit("✓", 1)[0], end="")  # the student's own printing, if any; the verdict comes below

    # the cost depends on theta: f(x, theta) = x**2 + mu x, E f = mu**2 + sigma**2 + mu**2, gradient (4 mu, 2 sigma)
    n = 100_000
    x = normal.sample(n, rng=1)
    description = f"case {len(cases) + 1} of {len(cases) + 1}, cost x**2 + mu * x, theta = (2, 1), x of shape {x.shape}, baseline=0.0"
    terms = score_function(lambda x: x**2 + 2.0 * x, normal, n, rng=1)
    per_sample = np.stack([terms["loc"] + x, terms["scale"]], axis=1)  # the direct term d f / d mu = x
    exact, standard_error = np.array([8.0, 2.0]), per_sample.std(axis=0) / np.sqrt(n)
    remaining = None if time_limit is None else max(time_limit - (time.monotonic() - start), 1e-3)
    try:
        got = call_student(gradient, theta, x, lambda x, theta: x**2 + theta[0] * x, 0.0,
                           time_limit=remaining, forbidden=(score_function, Normal.score))
    except AssertionError as error:
        print(f"✗ {name}: {description}:\n  {error}\n  hint: {hint}")
        return False
    problem = _compare(got, exact, rtol=0.0, atol=5 * standard_error)
    if problem:
        print(f"✗ {name}: {description}, within 5 standard errors {_show(standard_error)} of the exact gradient:")
        print(f"  {problem}\n  hint: {hint}")
        return False
    print(f"✓ {name}: all {len(cases) + 1} cases agree with the known answers.")
    return True
