"""Experiments: the variance sweep (vectorized, variance ~ sigma^2 / N) and SGD with either estimator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import reparam as rp
import reparam.experiments as experiments
from reparam.costs import Square
from reparam.experiments import sgd, variance_sweep
from tests.test_validation import NoPathwise
from tests.conftest import seed



# the problem of seed 001: x ~ N(theta, 1), f = x^2, at theta = 2
SIZES = (10, 100, 1000)
R = 400
EPS = np.linspace(-14.0, 14.0, 40_001)
WEIGHTS = np.exp(-0.5 * EPS**2) * (EPS[1] - EPS[0]) / math.sqrt(2 * math.pi)
TERMS = {  # per-sample loc terms as functions of eps, x = 2 + eps
    "score_function": (2 + EPS) ** 2 * EPS,
    "pathwise": 2 * (2 + EPS),
}


def test_variance_sweep_layout_and_statistics(monkeypatch):
    """Mean within 5 se of the gradient 4; var * N within 5 se of the per-sample variance (87 and 4).

    For the mean of N iid terms with variance s2 and fourth cumulant k4, the fourth central moment is
    3 s2^2 / N^2 + k4 / N^3, and the sample variance of R such means has standard error
    sqrt((m4 - var^2) / R) (to first order).
    """
    calls = {"score_function": 0, "pathwise": 0}
    for name in calls:
        original = getattr(experiments, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(experiments, name, counting)
    result = variance_sweep(lambda x: x**2, lambda x: 2 * x, rp.Normal(2.0, 1.0), SIZES, R, rng=seed("sweep"))
    assert calls == {"score_function": len(SIZES), "pathwise": len(SIZES)}  # one vectorized call per size
    np.testing.assert_array_equal(result["sizes"], SIZES)
    for estimator in ("score_function", "pathwise"):
        assert set(result[estimator]) == {"mean", "var"}
        per_sample = float(Square().variance(estimator, 2.0, 1.0)["loc"])
        t = TERMS[estimator]
        mean = np.sum(t * WEIGHTS)
        s2 = np.sum((t - mean) ** 2 * WEIGHTS)
        assert abs(s2 - per_sample) < 1e-9 * per_sample
        k4 = np.sum((t - mean) ** 4 * WEIGHTS) - 3 * s2**2
        for name in ("loc", "scale"):
            assert result[estimator]["mean"][name].shape == result[estimator]["var"][name].shape == (len(SIZES),)
        for i, n in enumerate(SIZES):
            var_n = s2 / n
            m4_n = 3 * var_n**2 + k4 / n**3
            assert abs(result[estimator]["mean"]["loc"][i] - 4.0) < 5 * math.sqrt(var_n / R)
            assert abs(result[estimator]["var"]["loc"][i] - var_n) < 5 * math.sqrt((m4_n - var_n**2) / R)


def test_variance_sweep_vector_parameters_reproducible_and_optional_estimators():
    p = rp.Normal([0.0, 1.0], 2.0)
    f = lambda x: np.sum(x**2, axis=-1)  # noqa: E731
    a = variance_sweep(f, lambda x: 2 * x, p, (5, 50), 4, rng=seed("repro"))
    b = variance_sweep(f, lambda x: 2 * x, p, (5, 50), 4, rng=seed("repro"))
    assert a["pathwise"]["var"]["loc"].shape == (2, 2) and a["pathwise"]["var"]["scale"].shape == (2,)
    for estimator in ("score_function", "pathwise"):
        for stat in ("mean", "var"):
            for name in ("loc", "scale"):
                np.testing.assert_array_equal(a[estimator][stat][name], b[estimator][stat][name])
    only = variance_sweep(lambda x: x, None, NoPathwise(0.3), [10, 20], 3, rng=0, baseline="loo")
    assert "pathwise" not in only and only["score_function"]["mean"]["probs"].shape == (2,)
    assert set(variance_sweep(None, lambda x: 2 * x, p, [10], 3, rng=0)) == {"pathwise", "sizes"}


TARGET = np.array([100.0, 100.0])  # seed 002: L(theta) = E_{z ~ N(theta, I)} ||z - target||^2


def distance_cost(z):
    return np.sum((z - TARGET) ** 2, axis=-1)


def distance_gradient(z):
    return 2 * (z - TARGET)


def test_sgd_pathwise_converges_to_the_target():
    """theta_{t+1} - x = (1 - 2a)(theta_t - x) - 2a eps: after 1000 steps the start is forgotten
    ((0.98)^1000 * 100 < 1e-6) and each coordinate has variance a / (1 - a) around the target."""
    alpha, steps = 0.01, 1000
    path = sgd("pathwise", distance_gradient, np.zeros(2), alpha, steps, rng=seed("sgd"))
    assert path.shape == (steps + 1, 2)
    np.testing.assert_array_equal(path[0], [0.0, 0.0])
    assert np.all(np.abs(path[-1] - TARGET) < 5 * math.sqrt(alpha / (1 - alpha)))
    assert np.linalg.norm(path[10] - TARGET) < np.linalg.norm(path[0] - TARGET)


def test_sgd_step_is_the_estimators_mean():
    """One step from theta_0 equals theta_0 - alpha * (mean of the estimator's loc terms) on the same draws."""
    s = seed("one step")
    for estimator, func in (("score_function", distance_cost), ("pathwise", distance_gradient)):
        path = sgd(estimator, func, [1.0, 2.0], 1e-3, 1, n=5, scale=0.7, rng=s)
        call = rp.score_function if estimator == "score_function" else rp.pathwise
        g = call(func, rp.Normal(np.array([1.0, 2.0]), 0.7), 5, rng=s)["loc"].mean(0)
        np.testing.assert_allclose(path[1], np.array([1.0, 2.0]) - 1e-3 * g, rtol=1e-12)


def test_sgd_is_reproducible_and_seeds_matter():
    s = seed("sgd repro")
    a = sgd("score_function", distance_cost, np.zeros(2), 1e-4, 50, rng=s)
    b = sgd("score_function", distance_cost, np.zeros(2), 1e-4, 50, rng=s)
    c = sgd("score_function", distance_cost, np.zeros(2), 1e-4, 50, rng=s + 1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sgd_divergence_stops_and_leaves_nan():
    """Step 1.5 on the pathwise quadratic multiplies the error by -2 each step: it must stop, not raise."""
    with np.errstate(over="ignore", invalid="ignore"):
        path = sgd("pathwise", distance_gradient, np.zeros(2), 1.5, 1000, rng=0)
    finite = np.all(np.isfinite(path), axis=1)
    last = int(np.argmin(finite))
    assert 0 < last < 1000 and np.all(finite[:last]) and np.all(np.isnan(path[last:]))


@pytest.mark.parametrize("loc0", [0.0, np.zeros(3)])
def test_sgd_trajectory_shape_follows_loc0(loc0):
    path = sgd("pathwise", lambda x: 2 * x, loc0, 0.1, 7, n=3, rng=0)
    assert path.shape == (8,) + np.shape(loc0)


def test_sgd_runs_side_by_side_follow_the_recursion():
    """R step sizes: each row is theta_{t+1} = theta_t - alpha_r g_r with the noise of shape (R, n, d) per step,
    checked against a plain loop; one run given as a list equals the same run given as a float."""
    n, s = 4, seed("vectorized sgd")
    for estimator, func, steps in (
        ("score_function", distance_cost, np.array([1e-5, 3e-5, 1e-4])),
        ("pathwise", distance_gradient, np.array([1e-3, 3e-3, 1e-2])),
    ):
        path = sgd(estimator, func, np.zeros(2), steps, 20, n=n, scale=0.5, rng=s)
        assert path.shape == (21, 3, 2)
        rng, theta = np.random.default_rng(s), np.zeros((3, 2))
        for t in range(1, 21):
            eps = rng.standard_normal((3, n, 2))
            x = theta[:, None] + 0.5 * eps
            if estimator == "score_function":
                g = np.mean(func(x.reshape(-1, 2)).reshape(3, n, 1) * eps, axis=1) / 0.5
            else:
                g = np.mean(func(x.reshape(-1, 2)).reshape(3, n, 2), axis=1)
            theta = theta - steps[:, None] * g
            np.testing.assert_allclose(path[t], theta, rtol=1e-12, atol=1e-12)
        single = sgd(estimator, func, np.zeros(2), steps[0], 20, n=n, scale=0.5, rng=s)
        np.testing.assert_array_equal(sgd(estimator, func, np.zeros(2), steps[:1], 20, n=n, scale=0.5, rng=s)[:, 0], single)


def test_sgd_diverged_stops_runs_and_record_every_thins_the_path():
    far = lambda theta: np.linalg.norm(theta - TARGET, axis=-1) > 10 * np.linalg.norm(TARGET)  # noqa: E731
    with np.errstate(over="ignore", invalid="ignore"):
        path = sgd("pathwise", distance_gradient, np.zeros(2), [0.1, 1.5], 200, rng=seed("stop"), diverged=far)
    assert np.all(np.isfinite(path[:, 0])) and np.isnan(path[-1, 1]).all()
    stopped = int(np.argmax(np.isnan(path[:, 1, 0])))
    assert np.all(np.isnan(path[stopped:, 1])) and far(path[stopped - 1, 1][None])[0] == False  # noqa: E712
    full = sgd("score_function", distance_cost, np.zeros(2), [1e-4, 2e-4], 60, rng=seed("thin"))
    thin = sgd("score_function", distance_cost, np.zeros(2), [1e-4, 2e-4], 60, rng=seed("thin"), record_every=20)
    np.testing.assert_array_equal(thin, full[::20])
