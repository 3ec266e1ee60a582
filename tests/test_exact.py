"""reparam.exact: the one home of the Normal's exact answers, checked against simulation (5 standard errors,
reparam.stats) and against the costs' closed forms; the estimator registry covers every estimator."""

from __future__ import annotations

import numpy as np
import pytest

import reparam as rp
from reparam import exact
from reparam.costs import Cosine, GaussianBump, Quadratic
from reparam.estimators import ESTIMATORS
from reparam.stats import mean_and_se, variance_and_se, within
from tests.conftest import seed

N = 200_000
CALLS = {
    "score_function": lambda cost, dist, rng: rp.score_function(cost.f, dist, N, rng=rng),
    "pathwise": lambda cost, dist, rng: rp.pathwise(cost.df, dist, N, rng=rng),
    "measure_valued": lambda cost, dist, rng: rp.measure_valued(cost.f, dist, N, rng=rng),
}


def test_the_registry_names_every_estimator_once():
    assert set(CALLS) == set(ESTIMATORS) and len(ESTIMATORS) == len(set(ESTIMATORS))
    with pytest.raises(ValueError, match=r"estimator must be one of .*'reinforce'"):
        exact.variance(Quadratic(0.0), "reinforce", 0.0, 1.0)


@pytest.mark.parametrize("cost", [Quadratic(0.5), GaussianBump(1.0), Cosine(1.5)], ids=repr)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_gradient_and_variance_match_simulation(cost, estimator):
    loc, scale = 0.7, 1.2
    terms = CALLS[estimator](cost, rp.Normal(loc, scale), seed("exact", repr(cost), estimator))
    gradient, var = exact.gradient(cost, loc, scale), exact.variance(cost, estimator, loc, scale)
    for name, t in terms.items():
        mean, se = mean_and_se(t)
        assert within(mean, gradient[name], se), (name, mean, gradient[name], se)
        got, se = variance_and_se(t)
        assert within(got, var[name], se), (name, got, var[name], se)


@pytest.mark.parametrize("cost", [Quadratic(0.5), GaussianBump(1.0), Cosine(1.5)], ids=repr)
def test_quadrature_fallbacks_agree_with_closed_forms(cost):
    loc, scale = np.array([-1.0, 0.3, 2.0]), np.array([[0.5], [1.5]])
    np.testing.assert_allclose(exact.expectation(cost.f, loc, scale), cost.expectation(loc, scale), rtol=1e-10, atol=1e-12)
    by_quadrature, closed = exact.gradient(cost.f, loc, scale), cost.gradient(loc, scale)
    for name in ("loc", "scale"):
        np.testing.assert_allclose(by_quadrature[name], closed[name], rtol=1e-9, atol=1e-11)


def test_measure_valued_has_no_baseline_and_old_paths_still_work():
    with pytest.raises(ValueError, match="baseline must be 0"):
        exact.variance(Quadratic(0.0), "measure_valued", 0.0, 1.0, baseline=1.0)
    from reparam.baselines import optimal_baseline_normal
    from reparam.costs import normal_expectation
    from reparam.measure_valued import measure_valued_variance

    assert optimal_baseline_normal is exact.optimal_baseline and normal_expectation is exact.normal_expectation
    assert measure_valued_variance is exact.measure_valued_variance
    b = exact.optimal_baseline(Quadratic(0.0), 2.0, 1.0)  # m^2 + 3 sigma^2 and m^2 + 5 sigma^2
    np.testing.assert_allclose([b["loc"], b["scale"]], [7.0, 9.0], rtol=1e-12)
