"""The self-checks accept the right answer, reject wrong, crashing and wrongly shaped ones, and never raise."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import reparam as rp
from reparam import checks


def _lognormal_right(df, eps, mu, sigma):
    x = np.exp(mu + sigma * eps)
    return {"mu": df(x) * x, "sigma": df(x) * x * eps}


def _sgd_right(theta0, step_size, curvature, sigma, eps):
    theta = [theta0]
    for e in eps:
        theta.append(theta[-1] - step_size * curvature * (theta[-1] + sigma * e))
    return np.array(theta)


def _elbo_right(x, m, s, eps):
    dlogjoint = np.sum(x) - (x.size + 1) * (m + s * eps)
    return {"m": dlogjoint, "s": dlogjoint * eps + 1 / s}


def _surrogate(theta, x, cost, baseline=0.0, stop_weight=True, direct=True, log_sigma=True):
    """The score-function surrogate loss of assignment 9, with switches for typical slips."""
    import jax
    import jax.numpy as jnp

    x = jax.lax.stop_gradient(x)
    values = cost(x, theta)
    weight = jax.lax.stop_gradient(values) if stop_weight else values
    if isinstance(baseline, str):
        n = weight.shape[0]
        weight = (weight - weight.mean()) * n / (n - 1)
    else:
        weight = weight - baseline
    log_q = -0.5 * ((x - theta[0]) / theta[1]) ** 2 - (jnp.log(theta[1]) if log_sigma else 0.0)
    return jnp.mean(log_q * weight + (values if direct else 0.0))


# For each check: the right answer, then known-wrong answers (a typical slip, and a wrongly shaped result).
CASES = {
    "check_normal_score": (
        lambda x, loc, scale: {"loc": (x - loc) / scale**2, "scale": ((x - loc) ** 2 - scale**2) / scale**3},
        {
            "score in loc over sigma, not sigma squared": lambda x, loc, scale: {
                "loc": (x - loc) / scale,
                "scale": ((x - loc) ** 2 - scale**2) / scale**3,
            },
            "means instead of elementwise": lambda x, loc, scale: {"loc": np.mean(x - loc) / scale**2, "scale": np.mean(x)},
            "wrong keys": lambda x, loc, scale: {"mu": x - loc, "sigma": x},
            "a tuple, not a dict": lambda x, loc, scale: ((x - loc) / scale**2, ((x - loc) ** 2 - scale**2) / scale**3),
        },
    ),
    "check_exponential_score": (
        lambda x, rate: 1 / rate - x,
        {
            "rate - x": lambda x, rate: rate - x,
            "the log density, not its derivative": lambda x, rate: np.log(rate) - rate * x,
            "the mean over x": lambda x, rate: np.mean(1 / rate - x),
            "a column": lambda x, rate: (1 / rate - x)[:, None],
        },
    ),
    "check_score_function_terms": (
        lambda f, x, rate: f(x) * (1 / rate - x),
        {
            "forgets f": lambda f, x, rate: 1 / rate - x,
            "wrong score": lambda f, x, rate: f(x) * (rate - x),
            "returns the estimate, not the terms": lambda f, x, rate: np.mean(f(x) * (1 / rate - x)),
            "subtracts the sample mean of f (a data-dependent baseline)": lambda f, x, rate: (f(x) - f(x).mean())
            * (1 / rate - x),
        },
    ),
    "check_lognormal_pathwise": (
        _lognormal_right,
        {
            "forgets the factor x": lambda df, eps, mu, sigma: {
                "mu": df(np.exp(mu + sigma * eps)),
                "sigma": df(np.exp(mu + sigma * eps)) * eps,
            },
            "swapped keys": lambda df, eps, mu, sigma: dict(zip(("sigma", "mu"), _lognormal_right(df, eps, mu, sigma).values())),
            "reparam's names": lambda df, eps, mu, sigma: dict(zip(("loc", "scale"), _lognormal_right(df, eps, mu, sigma).values())),
            "means": lambda df, eps, mu, sigma: {k: v.mean() for k, v in _lognormal_right(df, eps, mu, sigma).items()},
        },
    ),
    "check_optimal_baseline": (
        lambda fx, s: np.sum(fx * s**2) / np.sum(s**2),
        {
            "the mean of f": lambda fx, s: np.mean(fx),
            "weights by |s|, not s squared": lambda fx, s: np.sum(fx * np.abs(s)) / np.sum(np.abs(s)),
            "an array of length one": lambda fx, s: np.array([np.sum(fx * s**2) / np.sum(s**2)]),
            "per-sample values": lambda fx, s: fx * s**2 / np.sum(s**2),
        },
    ),
    "check_gumbel_max": (
        lambda logits, u: np.argmax(logits - np.log(-np.log(u)), axis=-1),
        {
            "wrong sign of the Gumbel noise": lambda logits, u: np.argmax(logits + np.log(-np.log(u)), axis=-1),
            "argmax over the wrong axis": lambda logits, u: np.argmax(logits[:, None] - np.log(-np.log(u.T)), axis=0)[:1],
            "argmin": lambda logits, u: np.argmin(logits - np.log(-np.log(u)), axis=-1),
            "probabilities, not indices": lambda logits, u: np.exp(logits)[np.zeros(len(u), int)] / np.exp(logits).sum(),
        },
    ),
    "check_sgd_iterates": (
        _sgd_right,
        {
            "steps along the gradient": lambda t0, a, c, s, eps: _sgd_right(t0, -a, c, s, eps),
            "forgets the noise": lambda t0, a, c, s, eps: _sgd_right(t0, a, c, 0.0, eps),
            "drops theta0": lambda t0, a, c, s, eps: _sgd_right(t0, a, c, s, eps)[1:],
        },
    ),
    "check_stationary_variance": (
        lambda a, c, s: a * c * s**2 / (2 - a * c) if a * c < 2 else np.inf,
        {
            "the one-step variance": lambda a, c, s: (a * c * s) ** 2,
            "no stability limit": lambda a, c, s: a * c * s**2 / abs(2 - a * c) if a * c != 2 else np.inf,
            "sigma, not sigma squared": lambda a, c, s: a * c * s / (2 - a * c) if a * c < 2 else np.inf,
        },
    ),
    "check_elbo_gradient_terms": (
        _elbo_right,
        {
            "forgets the entropy": lambda x, m, s, eps: {"m": _elbo_right(x, m, s, eps)["m"], "s": _elbo_right(x, m, s, eps)["s"] - 1 / s},
            "forgets the prior": lambda x, m, s, eps: {k: v + (m + s * eps) * (eps if k == "s" else 1) for k, v in _elbo_right(x, m, s, eps).items()},
            "swapped keys": lambda x, m, s, eps: dict(zip(("s", "m"), _elbo_right(x, m, s, eps).values())),
        },
    ),
    "check_optimal_gaussian": (
        lambda x: {"m": np.sum(x) / (x.size + 1), "s": 1 / np.sqrt(x.size + 1)},
        {
            "the sample mean and the prior's scale": lambda x: {"m": np.mean(x), "s": 1.0},
            "the variance, not the scale": lambda x: {"m": np.sum(x) / (x.size + 1), "s": 1 / (x.size + 1)},
            "ignores the prior": lambda x: {"m": np.mean(x), "s": 1 / np.sqrt(x.size)},
        },
    ),
    "check_surrogate_loss": (
        _surrogate,
        {
            "forgets the cost's own gradient": lambda theta, x, cost, baseline=0.0: _surrogate(theta, x, cost, baseline, direct=False),
            "does not stop the weight": lambda theta, x, cost, baseline=0.0: _surrogate(theta, x, cost, baseline, stop_weight=False),
            "ignores the baseline": lambda theta, x, cost, baseline=0.0: _surrogate(theta, x, cost, 0.0),
            "leaves out log sigma": lambda theta, x, cost, baseline=0.0: _surrogate(theta, x, cost, baseline, log_sigma=False),
        },
    ),
}


def _nan_like(value):
    if isinstance(value, dict):
        return {k: np.full(np.shape(v), np.nan) for k, v in value.items()}
    return np.full(np.shape(value), np.nan)


def _complex_like(value):
    if isinstance(value, dict):
        return {k: np.asarray(v, dtype=complex) * 1j for k, v in value.items()}
    return np.asarray(value, dtype=complex) * 1j


def _raise(error):
    def student(*args):
        raise error

    return student


def _crashing_and_odd(right):
    """Answers that every check must reject without raising, built from the right answer where needed."""
    return {
        "returns None": lambda *args: None,
        "returns a string": lambda *args: "1/rate - x",
        "returns NaN of the right shape": lambda *args: _nan_like(right(*args)),
        "raises ZeroDivisionError": _raise(ZeroDivisionError("division by zero")),
        "not implemented yet": _raise(NotImplementedError),
        "calls sys.exit": _raise(SystemExit(1)),
        "takes no arguments": lambda: 0.0,
        "returns complex numbers": lambda *args: _complex_like(right(*args)),
        "returns an object array": lambda *args: np.array([object(), object()]),
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_accepts_the_right_answer(name, capsys):
    right, _ = CASES[name]
    assert getattr(checks, name)(right) is True
    out = capsys.readouterr().out
    assert out.startswith("✓") and "✗" not in out, out


@pytest.mark.parametrize("name, mistake", [(n, m) for n in sorted(CASES) for m in CASES[n][1]])
def test_rejects_a_known_wrong_answer_with_specific_feedback(name, mistake, capsys):
    right, wrong = CASES[name]
    assert getattr(checks, name)(wrong[mistake]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and "hint:" in out, out
    assert "expected" in out or "should" in out, out  # says what was expected


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("kind", sorted(_crashing_and_odd(lambda: None)))
def test_rejects_crashing_and_odd_answers_without_raising(name, kind, capsys):
    right, _ = CASES[name]
    student = _crashing_and_odd(right)[kind]
    assert getattr(checks, name)(student) is False
    out = capsys.readouterr().out
    assert out.startswith("✗"), out
    if kind == "not implemented yet":  # an untouched stub gets no hint: it would give the answer away
        assert "not implemented yet" in out and "hint:" not in out, out
    else:
        assert "hint:" in out, out


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("not_a_function", [None, 3.0, "exponential_score", np.zeros(3)])
def test_rejects_a_non_function(name, not_a_function, capsys):
    assert getattr(checks, name)(not_a_function) is False
    assert "expected a function" in capsys.readouterr().out


def test_feedback_names_expected_and_got_values(capsys):
    checks.check_exponential_score(lambda x, rate: rate - x)
    out = capsys.readouterr().out
    assert "expected [ 0.5,  0. , -0.5, -2.5]" in out and "got      [ 2. ,  1.5,  1. , -1. ]" in out, out
    assert "rate=2.0" in out, out


def test_a_function_that_writes_into_its_input_cannot_spoil_the_answer(capsys):
    def exponential_score_in_place(x, rate):
        x *= -1
        x += 1 / rate
        return x

    assert checks.check_exponential_score(exponential_score_in_place) is True


def test_not_implemented_says_so(capsys):
    checks.check_gumbel_max(_raise(NotImplementedError("gumbel_max is yours to write")))
    assert "not implemented yet" in capsys.readouterr().out


def test_every_public_check_is_tested_and_documented():
    assert {name for name in checks.__all__ if name.startswith("check_")} == set(CASES)
    for name in checks.__all__:
        doc = inspect.getdoc(getattr(checks, name))
        assert doc and "Parameters" in doc and "Returns" in doc, name


# the guard: time limit, bounded printing, the global random states, forbidden library calls -------------
def test_an_endless_loop_stops_at_the_time_limit_even_if_it_catches_exceptions(capsys):
    def endless(x, rate):
        while True:
            try:
                pass
            except Exception:
                pass

    assert checks.check_exponential_score(endless, time_limit=0.5) is False
    assert "did not finish within 0.5 s" in capsys.readouterr().out


def test_printing_is_cut_to_the_limit_and_the_global_random_states_are_restored(capsys):
    import random

    def chatty(x, rate):
        print("x" * 100_000)
        np.random.seed(123)
        random.seed(123)
        return 1 / rate - x

    np.random.seed(7)
    random.seed(7)
    expected = (np.random.rand(), random.random())
    np.random.seed(7)
    random.seed(7)
    assert checks.check_exponential_score(chatty) is True
    assert (np.random.rand(), random.random()) == expected
    out = capsys.readouterr().out
    assert len(out) < checks.PRINT_LIMIT + 500 and "more characters of output not shown" in out, len(out)


@pytest.mark.parametrize(
    "name, library_answer",
    [
        ("check_exponential_score", lambda x, rate: rp.Exponential(rate).score(x)["rate"]),
        ("check_normal_score", lambda x, loc, scale: rp.Normal(loc, scale).score(x)),
        ("check_lognormal_pathwise", lambda df, eps, mu, sigma: dict(
            zip(("mu", "sigma"), rp.pathwise(lambda y: df(np.exp(y)) * np.exp(y), rp.Normal(mu, sigma), eps.size, rng=0).values())
        )),
        ("check_sgd_iterates", lambda t0, a, c, s, eps: rp.experiments.sgd("pathwise", lambda x: c * x, t0, a, eps.size, scale=max(s, 1e-9), rng=0)),
    ],
)
def test_calling_the_library_for_the_answer_fails_with_a_message(name, library_answer, capsys):
    assert getattr(checks, name)(library_answer) is False
    assert "derive it and code it yourself" in capsys.readouterr().out


def test_call_student_returns_the_result_or_says_why_not():
    assert checks.call_student(lambda a, b: a + b, 1, 2) == 3
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        checks.call_student(lambda: 1 / 0)
    with pytest.raises(AssertionError, match="did not finish within 0.2 s"):
        checks.call_student(lambda: [0 for _ in iter(int, 1)], time_limit=0.2)
    with pytest.raises(AssertionError, match="Exponential.score"):
        checks.call_student(lambda: rp.Exponential(1.0).score(np.ones(2)), forbidden=(rp.Exponential.score,))
    checks.expect_close({"a": np.ones(2)}, {"a": [1.0, 1.0]})
    with pytest.raises(AssertionError, match="expected"):
        checks.expect_close(np.zeros(2), np.ones(2))
