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


def _reward_to_go_right(rewards, gamma=1.0):
    rewards = np.asarray(rewards, dtype=float)
    if rewards.ndim != 2:
        raise ValueError(f"rewards must be 2-D, got shape {rewards.shape}")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    G, running = np.zeros_like(rewards), np.zeros(len(rewards))
    for t in reversed(range(rewards.shape[1])):
        running = rewards[:, t] + gamma * running
        G[:, t] = running
    return G


def _policy_gradient_right(scores, rewards, baselines=None, gamma=1.0, to_go=_reward_to_go_right):
    scores, G = np.asarray(scores, dtype=float), to_go(rewards, gamma)
    if scores.ndim != 3 or scores.shape[:2] != G.shape:
        raise ValueError(f"scores must have shape (n, T, d) with (n, T) = {G.shape}, got {scores.shape}")
    if baselines is not None:
        if np.shape(baselines) != G.shape:
            raise ValueError(f"baselines must have shape {G.shape}, got {np.shape(baselines)}")
        G = G - baselines
    return np.einsum("ntd,nt->nd", scores, G)


def _check_logits(logits):
    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1 or logits.size == 0 or not np.all(np.isfinite(logits)):
        raise ValueError(f"logits must be a non-empty 1-D array of finite numbers, got {logits!r}")
    return logits


def _exact_gradient_right(logits, f, centre=None, weighted=True):
    from itertools import product

    logits = _check_logits(logits)
    b = np.array(list(product((0.0, 1.0), repeat=logits.size)))
    theta = 1 / (1 + np.exp(-logits))
    q = np.prod(np.where(b == 1, theta, 1 - theta), axis=1) if weighted else 1.0
    return (q * f(b)) @ (b - (theta if centre is None else centre))


def _rebar_right(logits, f, grad_f, n, rng=None, temperature=0.5, eta=1.0, cut=1.0, swap=False):
    logits = _check_logits(logits)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature!r}")
    theta = 1 / (1 + np.exp(-logits))
    u, v = np.random.default_rng(rng).random((2, n, logits.size))[::-1 if swap else 1]
    z = logits + np.log(u / (1 - u))
    b = (z > 0).astype(float)
    u_b = np.where(b == 1, 1 - theta * (1 - v), v * (1 - theta))
    z_b = logits + np.log(u_b / (1 - u_b))
    dz_b = 1 - cut * np.where(b == 1, 1 - v, v) * theta * (1 - theta) / (u_b * (1 - u_b))
    y, y_b = 1 / (1 + np.exp(-z / temperature)), 1 / (1 + np.exp(-z_b / temperature))
    return ((f(b) - eta * f(y_b))[:, None] * (b - theta)
            + eta * (grad_f(y) * y * (1 - y) - grad_f(y_b) * y_b * (1 - y_b) * dz_b) / temperature)


def _accepts_anything(function):
    """The function without its checks of the input (it computes whatever it is given, or fails on its own)."""

    def careless(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError:
            return np.zeros(1)

    return careless


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
    "check_reward_to_go": (
        _reward_to_go_right,
        {
            "ignores gamma (right at gamma = 1 only)": lambda r, gamma=1.0: _reward_to_go_right(r, 1.0 if 0 <= gamma <= 1 else gamma),
            "sums the rewards up to t, not from t": lambda r, gamma=1.0: _reward_to_go_right(np.asarray(r, float)[:, ::-1], gamma)[:, ::-1]
            if np.ndim(r) == 2 and 0 <= gamma <= 1 else _reward_to_go_right(r, gamma),
            "the whole return at every step": lambda r, gamma=1.0: np.repeat(_reward_to_go_right(r, gamma)[:, :1], np.shape(r)[1], axis=1),
            "accepts bad input": _accepts_anything(_reward_to_go_right),
        },
    ),
    "check_policy_gradient_terms": (
        _policy_gradient_right,
        {
            "the whole return for every step": lambda s, r, b=None, gamma=1.0: _policy_gradient_right(
                s, r, b, gamma, to_go=lambda r, g: np.repeat(_reward_to_go_right(r, g)[:, :1], np.shape(r)[1], axis=1)),
            "adds the baselines": lambda s, r, b=None, gamma=1.0: _policy_gradient_right(s, r, None if b is None else -np.asarray(b), gamma),
            "the mean, not one term per episode": lambda s, r, b=None, gamma=1.0: _policy_gradient_right(s, r, b, gamma).mean(axis=0),
            "accepts mismatched shapes": _accepts_anything(_policy_gradient_right),
        },
    ),
    "check_exact_gradient": (
        _exact_gradient_right,
        {
            "centres at 1/2 (right at logits 0 only)": lambda logits, f: _exact_gradient_right(logits, f, centre=0.5),
            "the gradient in theta, not in the logits": lambda logits, f: _exact_gradient_right(logits, f)
            / (lambda t: t * (1 - t))(1 / (1 + np.exp(-_check_logits(logits)))),
            "forgets the probabilities of the codes": lambda logits, f: _exact_gradient_right(logits, f, weighted=False),
            "accepts NaN logits": _accepts_anything(_exact_gradient_right),
        },
    ),
    "check_rebar_terms": (
        _rebar_right,
        {
            "forgets that z~ moves with the logits": lambda *args, **kwargs: _rebar_right(*args, **kwargs, cut=0.0),
            "draws v before u": lambda *args, **kwargs: _rebar_right(*args, **kwargs, swap=True),
            "the mean, not the terms": lambda *args: _rebar_right(*args).mean(axis=0),
            "accepts a zero temperature": _accepts_anything(_rebar_right),
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
        ("check_reward_to_go", lambda rewards, gamma=1.0: checks._discounted_sums(np.asarray(rewards, dtype=float), gamma)),
        ("check_exact_gradient", lambda logits, f: checks._gradient_by_conditioning(_check_logits(logits), f)),
        ("check_rebar_terms", lambda logits, f, grad_f, n, rng=None, temperature=0.5, eta=1.0: checks._rebar_reference(
            _check_logits(logits), f, grad_f, n, rng, temperature, eta)),
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
