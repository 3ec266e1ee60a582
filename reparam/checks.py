r"""Self-checks for the assignments: run a student's function on cases with known answers and say what went wrong.

Every public ``check_*`` function takes the student's function, calls it on a few seeded cases whose
answers come from ``reparam``'s own implementation (or a closed form), prints specific feedback (the
case, what was expected, what came back, a hint) and returns ``True`` or ``False``.

A check never raises: a function that crashes, returns ``None``, a string, the wrong shape, the wrong
keys or a NaN is reported and the check returns ``False``. The answers are deterministic (the check
supplies the samples), so they are compared up to floating-point rounding, ``rtol=1e-9``.

>>> from reparam.checks import check_exponential_score
>>> ok = check_exponential_score(lambda x, rate: 1 / rate - x)
✓ exponential_score: all 4 cases agree with the known answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .distributions import Exponential, Normal
from .estimators import pathwise, score_function

__all__ = [
    "check_normal_score",
    "check_exponential_score",
    "check_score_function_terms",
    "check_lognormal_pathwise",
    "check_optimal_baseline",
    "check_gumbel_max",
]

#: Relative and absolute tolerance for deterministic answers: equal up to floating-point rounding.
RTOL, ATOL = 1e-9, 1e-12


@dataclass(frozen=True)
class _Case:
    """One call of the student's function: a description for the feedback, the arguments, the answer."""

    description: str
    args: tuple[Any, ...]
    expected: Any


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


def _compare_array(got: Any, expected: np.ndarray, what: str, integral: bool = False) -> str | None:
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
    if not np.all(np.isfinite(array)):
        return f"{what} contains {int(np.sum(~np.isfinite(array)))} non-finite value(s) (NaN or inf): {_show(array)}"
    if integral and not np.all(array == np.round(array)):
        return f"{what} should hold whole-number indices but holds {_show(array)}"
    close = np.isclose(array, np.asarray(expected, dtype=float), rtol=RTOL, atol=ATOL)
    if np.all(close):
        return None
    wrong = np.argwhere(~close)
    first = tuple(int(i) for i in wrong[0])
    where = f" (first at index {first[0] if len(first) == 1 else first})" if first else ""
    return (
        f"{what} differs from the expected value in {len(wrong)} of {max(expected.size, 1)} entries{where}:\n"
        f"    expected {_show(expected)}\n    got      {_show(array)}"
    )


def _compare(got: Any, expected: Any, integral: bool = False) -> str | None:
    """Compare a result with an expected array or dict of arrays; ``None`` when they agree."""
    if isinstance(expected, Mapping):
        if got is None:
            return "the result is None: did the function forget to `return` its result?"
        if not isinstance(got, Mapping):
            return f"the result should be a dict with keys {sorted(expected)} but is {type(got).__name__} {_show(got)}"
        if set(got) != set(expected):
            return f"the result should have the keys {sorted(expected)} but has {sorted(map(str, got))}"
        for key, value in expected.items():
            problem = _compare_array(got[key], value, f"result[{key!r}]", integral)
            if problem:
                return problem
        return None
    return _compare_array(got, expected, "the result", integral)


def _run(name: str, student: Any, cases: list[_Case], hint: str, integral: bool = False) -> bool:
    """Call ``student`` on every case, print feedback for the first failure (or a success line), return a bool."""
    try:
        if not callable(student):
            print(f"✗ {name}: expected a function, got {type(student).__name__} {_show(student)}.")
            print("  hint: pass the function itself, e.g. check(my_function), not check(my_function(...)).")
            return False
        for i, case in enumerate(cases, start=1):
            try:
                with np.errstate(all="ignore"):
                    got = student(*(_copy(arg) for arg in case.args))
            except KeyboardInterrupt:
                raise
            except NotImplementedError:
                # No hint here: on an untouched stub the hint would hand out the answer before any attempt.
                print(f"✗ {name}: not implemented yet (it raised NotImplementedError on case {i}, {case.description}).")
                print("  write the function's body, run its cell, then run this check again.")
                return False
            except BaseException as error:  # a check never raises: report whatever the function did
                print(f"✗ {name} raised {type(error).__name__}: {error}")
                print(f"  on case {i} of {len(cases)}: {case.description}")
                print(f"  hint: {hint}")
                return False
            problem = _compare(got, case.expected, integral)
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
def check_normal_score(normal_score: Callable[[np.ndarray, float, float], Mapping[str, np.ndarray]]) -> bool:
    r"""Check a student's score of the normal distribution :math:`\mathcal N(\mu, \sigma^2)`.

    The function must compute, elementwise,

    .. math::

        \frac{\partial \log p}{\partial \mu} = \frac{x - \mu}{\sigma^2}, \qquad
        \frac{\partial \log p}{\partial \sigma} = \frac{(x - \mu)^2 - \sigma^2}{\sigma^3},

    and is compared with ``reparam.Normal(loc, scale).score(x)``.

    Parameters
    ----------
    normal_score : callable
        ``normal_score(x, loc, scale)`` returning ``{"loc": ..., "scale": ...}``, each shaped like ``x``.

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
    hint = "log p = -(x-μ)²/(2σ²) - log σ - ½ log 2π; differentiate in μ and in σ, elementwise, and return a dict."
    return _run("normal_score", normal_score, cases, hint)


def check_exponential_score(exponential_score: Callable[[np.ndarray, float], np.ndarray]) -> bool:
    r"""Check a student's score of the exponential distribution :math:`p(x) = \lambda e^{-\lambda x}`.

    The function must compute, elementwise, :math:`\partial \log p / \partial\lambda = 1/\lambda - x`, and
    is compared with ``reparam.Exponential(rate).score(x)["rate"]``.

    Parameters
    ----------
    exponential_score : callable
        ``exponential_score(x, rate)`` returning an array shaped like ``x``.

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
    hint = "log p(x) = log λ - λx, so its derivative in λ is 1/λ - x, one value per x (same shape as x)."
    return _run("exponential_score", exponential_score, cases, hint)


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


def check_score_function_terms(score_function_terms: Callable[..., np.ndarray]) -> bool:
    r"""Check a student's per-sample score-function terms for the exponential's rate.

    The terms are :math:`\hat g_i = f(x_i)\,(1/\lambda - x_i)`; their mean estimates
    :math:`\frac{d}{d\lambda}\mathbb E_{x\sim\mathrm{Exp}(\lambda)}[f(x)]`. They are compared with
    ``reparam.score_function(f, reparam.Exponential(rate), n, rng=seed)["rate"]`` on the same samples,
    for a smooth cost, a step (not differentiable) and a constant (whose gradient is zero).

    Parameters
    ----------
    score_function_terms : callable
        ``score_function_terms(f, x, rate)``: ``f`` maps samples of shape ``(n,)`` to values of shape
        ``(n,)``; ``x`` are samples of :math:`\mathrm{Exp}(\lambda)`, shape ``(n,)``; returns shape ``(n,)``.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
    hint = "multiply f(x) by the score 1/λ - x, sample by sample; return all n terms, not their mean."
    return _run("score_function_terms", score_function_terms, _score_function_cases(), hint)


def check_lognormal_pathwise(lognormal_pathwise_terms: Callable[..., Mapping[str, np.ndarray]]) -> bool:
    r"""Check a student's pathwise terms for the log-normal :math:`x = e^{\mu + \sigma\epsilon}`, :math:`\epsilon\sim\mathcal N(0,1)`.

    By the chain rule, with :math:`\partial x/\partial\mu = x` and :math:`\partial x/\partial\sigma = x\epsilon`,

    .. math::

        \hat g^{\mu}_i = f'(x_i)\, x_i, \qquad \hat g^{\sigma}_i = f'(x_i)\, x_i\, \epsilon_i .

    They are compared with ``reparam.pathwise`` applied to the normal :math:`y = \mu + \sigma\epsilon` and
    the composed cost :math:`f(e^y)`, whose derivative is :math:`f'(e^y)e^y`, on the same noise.

    Parameters
    ----------
    lognormal_pathwise_terms : callable
        ``lognormal_pathwise_terms(df, eps, mu, sigma)``: ``df`` is :math:`f'` (maps ``(n,)`` to ``(n,)``),
        ``eps`` is standard normal noise of shape ``(n,)``; returns ``{"mu": ..., "sigma": ...}``, each ``(n,)``.

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
    hint = "x = exp(μ + σε); dx/dμ = x and dx/dσ = x·ε; each term is f'(x) times dx/dθ, returned as a dict."
    return _run("lognormal_pathwise_terms", lognormal_pathwise_terms, cases, hint)


def check_optimal_baseline(optimal_baseline: Callable[[np.ndarray, np.ndarray], float]) -> bool:
    r"""Check a student's variance-minimizing constant baseline for the score-function estimator.

    Among the terms :math:`(f(x_i) - b)\,s_i`, with :math:`s_i` the score, the mean square
    :math:`\frac1n\sum_i (f_i - b)^2 s_i^2` is smallest at

    .. math::

        b^* = \frac{\sum_i f_i\, s_i^2}{\sum_i s_i^2},

    the sample version of :math:`\mathbb E[f s^2] / \mathbb E[s^2]`. Cases use ``reparam.Normal`` samples and
    scores; one has a constant cost, for which :math:`b^*` equals the constant.

    Parameters
    ----------
    optimal_baseline : callable
        ``optimal_baseline(fx, s)``: ``fx`` and ``s`` are arrays of shape ``(n,)``; returns one float.

    Returns
    -------
    bool
        ``True`` if every case agrees up to rounding; otherwise ``False``, after printing what went wrong.
    """
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
        expected = np.asarray(np.sum(fx * s * s) / np.sum(s * s))
        cases.append(_Case(f"{text}, x ~ Normal({loc}, {scale}), n = {n}", (fx, s), expected))
    hint = "b* = mean(f·s²) / mean(s²): weight each f by its squared score; return one number, not an array."
    return _run("optimal_baseline", optimal_baseline, cases, hint)


def check_gumbel_max(gumbel_max: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
    r"""Check a student's Gumbel-max sampler of the categorical distribution :math:`\mathrm{softmax}(\ell)`.

    From uniform numbers :math:`u_{ik}` the Gumbel noise is :math:`G_{ik} = -\log(-\log u_{ik})` and the
    sample is :math:`k_i = \arg\max_k (\ell_k + G_{ik})`, which has probability
    :math:`e^{\ell_k}/\sum_j e^{\ell_j}`. The cases are compared with that closed form on the same ``u``.

    Parameters
    ----------
    gumbel_max : callable
        ``gumbel_max(logits, u)``: ``logits`` of shape ``(k,)``, ``u`` uniform on (0, 1) of shape
        ``(n, k)``; returns the ``n`` sampled category indices, integers of shape ``(n,)``.

    Returns
    -------
    bool
        ``True`` if every case agrees exactly; otherwise ``False``, after printing what went wrong.
    """
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
    hint = "G = -log(-log u) elementwise; return argmax over the last axis of logits + G (one index per row)."
    return _run("gumbel_max", gumbel_max, cases, hint, integral=True)
