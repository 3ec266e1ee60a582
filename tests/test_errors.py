"""Non-finite results are errors that blame the right thing; extreme but valid parameters give right answers."""

from __future__ import annotations

import numpy as np
import pytest

import reparam as rp
from reparam.stats import mean_and_se, variance_and_se, within
from tests.conftest import seed


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rp.score_function(lambda x: x, rp.Normal(1e308, 1e308), 10, rng=0), r"samples of Normal.*overflowed"),
        (lambda: rp.pathwise(np.ones_like, rp.Normal(1e308, 1e308), 10, rng=0), r"samples of Normal.*overflowed"),
        (lambda: rp.score_function(lambda x: x, rp.Exponential(1e-320), 10, rng=0), r"samples of Exponential.*overflowed"),
        (lambda: rp.score_function(lambda x: x * np.nan, rp.Normal(0, 1), 10, rng=0), r"^f must return finite numbers"),
        (lambda: rp.pathwise(lambda x: x + np.inf, rp.Normal(0, 1), 10, rng=0), r"^df must return finite numbers"),
        (lambda: rp.score_function(lambda x: 1e308 + 0 * x, rp.Normal(0, 1e-10), 10, rng=0), r"terms for 'loc' overflow"),
        (lambda: rp.score_function(lambda x: x, rp.Gamma(0.005, 1.0), 10_000, rng=0), r"x must be > 0 .*underflowed"),
        (lambda: rp.score_function(lambda x: x[:, 0], rp.RelaxedCategorical([0.0, 1.0, 2.0], 1e-3), 1000, rng=0),
         r"open simplex.*low temperature"),
        (lambda: rp.Gamma(1e7, 1.0), r"concentration must be .*\(0, 1e\+06\]"),
        (lambda: rp.score_function(lambda x: x, rp.Normal(0, 1), 10**12, rng=0), r"n must be an integer <= 100_000_000"),
        (lambda: rp.pathwise(lambda x: x, rp.Normal(0, 1), 10**400, rng=0), r"n must be an integer <= 100_000_000"),
        (lambda: rp.Normal(np.zeros(1000), 1.0).sample(10**6, rng=0), r"n must be at most 100_000"),
        (lambda: rp.Normal(10**400, 1.0), r"loc must be .*too large for a float"),
        (lambda: rp.score_function(lambda x: x, rp.Normal(0, 1), 10, rng=0, baseline=10**400), r"baseline must be a finite"),
        (lambda: rp.experiments.variance_sweep(np.cos, None, rp.Normal(0, 1), sizes=(1, 10), baseline="loo"),
         r'each of sizes must be >= 2 with baseline="loo"'),
    ],
)
def test_errors_name_their_cause(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("scale", [1e-200, 1e-120, 1e120, 1e200])
def test_normal_score_at_extreme_scales(scale):
    """At x = mu + sigma z the score is (z / sigma, (z^2 - 1) / sigma), whatever the size of sigma."""
    z = np.array([-2.0, 0.5, 3.0])
    score = rp.Normal(0.0, scale).score(z * scale)
    np.testing.assert_allclose(score["loc"], z / scale, rtol=1e-14)
    np.testing.assert_allclose(score["scale"], (z * z - 1) / scale, rtol=1e-14)


def test_huge_equal_logits_are_a_fair_coin():
    logits = [1e300, 1e300]
    x = rp.Categorical(logits).sample(40_000, rng=seed("huge logits"))
    mean, se = mean_and_se(x.astype(float))
    assert within(mean, 0.5, se)
    np.testing.assert_allclose(rp.Categorical(logits).log_prob(np.array([0, 1])), np.log(0.5), rtol=1e-15)
    relaxed = rp.RelaxedCategorical(logits, 1.0).sample(40_000, rng=seed("huge logits relaxed"))
    mean, se = mean_and_se(relaxed[:, 0])
    assert within(mean, 0.5, se)
    assert relaxed[:, 0].std() > 0.2  # real draws, not the constant 1/2


def test_relaxed_categorical_at_tiny_temperature_is_one_hot_with_zero_jacobian():
    dist = rp.RelaxedCategorical([0.0, 1.0, 2.0], 1e-300)
    x, dx = dist.rsample(1000, rng=seed("tiny temperature"))
    assert np.all(np.isfinite(x)) and np.all(x.sum(-1) == 1.0) and np.all(np.sort(x, -1)[:, :2] == 0)
    assert np.all(dx["logits"] == 0.0)
    np.testing.assert_array_equal(x.argmax(-1), rp.Categorical([0.0, 1.0, 2.0]).sample(1000, rng=seed("tiny temperature")))


def test_loo_sweep_variance_is_that_of_independent_n_sample_estimates():
    """Square cost at N(2, 1), N = 2: the sweep's variance of the loc estimate agrees with that of independent
    2-sample leave-one-out estimates made one call at a time."""
    p, f, reps = rp.Normal(2.0, 1.0), rp.costs.Square().f, 4000
    sweep = rp.experiments.variance_sweep(f, None, p, sizes=(2,), repetitions=reps, rng=seed("loo sweep"), baseline="loo")
    rng = np.random.default_rng(seed("loo direct"))
    direct = np.array([rp.score_function(f, p, 2, rng=rng, baseline="loo")["loc"].mean() for _ in range(reps)])
    var, se = variance_and_se(direct)
    assert within(sweep["score_function"]["var"]["loc"][0], var, np.sqrt(2) * se), (sweep["score_function"]["var"]["loc"], var, se)
