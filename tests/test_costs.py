"""The example costs: closed forms against Monte Carlo (5 standard errors) and against quadrature."""

from __future__ import annotations

import math

import numpy as np
import pytest

import reparam as rp
from reparam.costs import Cosine, Cost, GaussianBump, Quadratic, Square, Step
from tests.conftest import seed



COSTS = [Quadratic(0.0), Quadratic(1.5), GaussianBump(0.5), Cosine(2.0), Step(0.5)]
POINTS = [(0.7, 1.3), (-1.0, 0.5)]
CASES = [(c, loc, scale) for c in COSTS for loc, scale in POINTS]
IDS = [f"{c!r}-{loc}-{scale}" for c, loc, scale in CASES]

# An independent reference: trapezoid rule on a finer, wider grid than the package's.
_E = np.linspace(-14.0, 14.0, 40_001)
_W = np.exp(-0.5 * _E**2) * (_E[1] - _E[0]) / math.sqrt(2 * math.pi)


def expect(h) -> float:
    """E[h(eps)] for eps ~ N(0, 1) on the reference grid."""
    return float(np.sum(h(_E) * _W))


def term(cost: Cost, estimator: str, name: str, loc: float, scale: float, b: float = 0.0):
    """The per-sample term as a function of eps, with x = loc + scale * eps."""
    x = lambda e: loc + scale * e  # noqa: E731
    if estimator == "score_function":
        return (lambda e: (cost.f(x(e)) - b) * e / scale) if name == "loc" else (lambda e: (cost.f(x(e)) - b) * (e * e - 1) / scale)
    return (lambda e: cost.df(x(e))) if name == "loc" else (lambda e: cost.df(x(e)) * e)


def moments(t) -> tuple[float, float, float]:
    """Mean, variance and fourth central moment of t(eps)."""
    mean = expect(t)
    var = expect(lambda e: (t(e) - mean) ** 2)
    m4 = expect(lambda e: (t(e) - mean) ** 4)
    return mean, var, m4


def test_the_books_example():
    """x ~ N(2, 1), f = x^2, d/dloc: score-function variance 87, pathwise variance 4."""
    assert Square() == Quadratic(0.0)
    assert float(Square().variance("score_function", 2.0, 1.0)["loc"]) == 87.0
    assert float(Square().variance("pathwise", 2.0, 1.0)["loc"]) == 4.0
    assert float(Square().gradient(2.0, 1.0)["loc"]) == 4.0
    assert float(Square().expectation(2.0, 1.0)) == 5.0


@pytest.mark.parametrize(("cost", "loc", "scale"), CASES, ids=IDS)
def test_expectation_closed_form_against_monte_carlo_and_quadrature(cost, loc, scale):
    n = 200_000
    fx = cost.f(rp.Normal(loc, scale).sample(n, rng=seed("E", repr(cost), loc)))
    exact = float(cost.expectation(loc, scale))
    assert abs(fx.mean() - exact) < 5 * fx.std() / math.sqrt(n)
    assert abs(expect(lambda e: cost.f(loc + scale * e)) - exact) < (2e-3 if isinstance(cost, Step) else 1e-12 * max(1, abs(exact)))
    if not isinstance(cost, Step):  # the package's own quadrature, exact for smooth costs
        assert abs(float(Cost.expectation(cost, loc, scale)) - exact) < 1e-12 * max(1, abs(exact))


@pytest.mark.parametrize(("cost", "loc", "scale"), CASES, ids=IDS)
def test_gradient_closed_form_against_finite_differences_and_quadrature(cost, loc, scale):
    grad = cost.gradient(loc, scale)
    h = 1e-5
    fd_loc = (cost.expectation(loc + h, scale) - cost.expectation(loc - h, scale)) / (2 * h)
    fd_scale = (cost.expectation(loc, scale + h) - cost.expectation(loc, scale - h)) / (2 * h)
    assert abs(grad["loc"] - fd_loc) < 1e-7 and abs(grad["scale"] - fd_scale) < 1e-7
    if not isinstance(cost, Step):  # pathwise identities E[f'(x)], E[f'(x) eps] by quadrature
        quad = Cost.gradient(cost, loc, scale)
        assert abs(quad["loc"] - grad["loc"]) < 1e-12 * max(1, abs(grad["loc"]))
        assert abs(quad["scale"] - grad["scale"]) < 1e-12 * max(1, abs(grad["scale"]))


@pytest.mark.parametrize(("cost", "loc", "scale"), CASES, ids=IDS)
@pytest.mark.parametrize("estimator", ["score_function", "pathwise"])  # measure_valued: tests/test_measure_valued.py
def test_estimators_unbiased_and_variance_matches_closed_form(cost, loc, scale, estimator):
    """Mean within 5 standard errors of the exact gradient; sample variance within 5 standard errors of
    ``cost.variance``, the standard error of a sample variance being sqrt((m4 - sigma^4) / n) with m4 the
    exact fourth central moment (reference quadrature)."""
    n = 200_000
    dist = rp.Normal(loc, scale)
    s = seed("unbiased", repr(cost), loc, estimator)
    g = rp.score_function(cost.f, dist, n, rng=s) if estimator == "score_function" else rp.pathwise(cost.df, dist, n, rng=s)
    exact = cost.gradient(loc, scale)
    variance = cost.variance(estimator, loc, scale)
    for name in ("loc", "scale"):
        t = g[name]
        mean, var, m4 = moments(term(cost, estimator, name, loc, scale))
        if isinstance(cost, Step) and estimator == "pathwise":
            assert np.all(t == 0.0) and variance[name] == 0.0  # biased: f' = 0 misses the jump
            assert abs(exact[name]) > 1e-3  # while the true gradient is not 0
            continue
        assert abs(t.mean() - exact[name]) < 5 * math.sqrt(var / n), (name, t.mean(), exact[name])
        assert abs(t.var() - variance[name]) < 5 * math.sqrt((m4 - var**2) / n), (name, t.var(), variance[name])


@pytest.mark.parametrize(("cost", "loc", "scale"), CASES, ids=IDS)
@pytest.mark.parametrize(("estimator", "b"), [("score_function", 0.0), ("score_function", 0.8), ("pathwise", 0.0)])
def test_variance_against_reference_quadrature(cost, loc, scale, estimator, b):
    """Closed forms (Quadratic, Step) and the package's quadrature against an independent finer quadrature."""
    got = cost.variance(estimator, loc, scale, baseline=b)
    for name in ("loc", "scale"):
        _, var, _ = moments(term(cost, estimator, name, loc, scale, b))
        # the reference grid has step 7e-4: O(h) at Step's jump, exact to rounding for smooth costs
        tol = 1e-3 * max(1.0, 1 / scale**2) if isinstance(cost, Step) else 1e-9 * max(1.0, var)
        assert abs(got[name] - var) < tol, (name, got[name], var)


@pytest.mark.parametrize("b", [0.0, 0.3, 1.0])
def test_step_closed_form_variance_against_the_base_quadrature_is_order_h(b):
    """The package's trapezoid rule (h = 0.003) is only O(h) accurate at the jump: within 3h/scale^2, not better
    than rounding; the closed form agrees with the fine reference grid far more closely."""
    step, loc, scale = Step(0.3), 0.5, 1.3
    closed = step.variance("score_function", loc, scale, baseline=b)
    quad = Cost.variance(step, "score_function", loc, scale, baseline=b)
    for name in ("loc", "scale"):
        assert abs(closed[name] - quad[name]) < 3 * 0.003 / scale**2
        _, fine, _ = moments(term(step, "score_function", name, loc, scale, b))
        assert abs(closed[name] - fine) < abs(closed[name] - quad[name]) + 1e-12


def test_closed_forms_broadcast_over_arrays():
    locs, scales = np.array([-1.0, 0.0, 2.0]), np.array([[0.5], [1.5]])
    for cost in COSTS:
        grid = cost.gradient(locs, scales)
        var = cost.variance("score_function", locs, scales)
        assert np.shape(cost.expectation(locs, scales)) == (2, 3)
        assert grid["loc"].shape == grid["scale"].shape == var["loc"].shape == (2, 3)
        for i, j in np.ndindex(2, 3):
            assert grid["loc"][i, j] == pytest.approx(float(cost.gradient(locs[j], scales[i, 0])["loc"]), rel=1e-12)
            assert var["scale"][i, j] == pytest.approx(float(cost.variance("score_function", locs[j], scales[i, 0])["scale"]), rel=1e-9)


def test_cost_f_and_df_agree_by_finite_differences():
    x = np.linspace(-3.0, 3.0, 13) + 0.01
    h = 1e-6
    for cost in COSTS:
        np.testing.assert_allclose(cost.df(x), (cost.f(x + h) - cost.f(x - h)) / (2 * h), rtol=1e-6, atol=1e-8)
