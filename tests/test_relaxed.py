"""Tests of rp.RelaxedCategorical: samples on the simplex, the Jacobian, the Concrete density, both estimators, bad input."""

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

import reparam as rp
from tests.conftest import SEED

N = 100_000
LOGITS = np.array([0.5, -1.0, 1.2])
TARGET = np.array([0.2, 0.5, 0.3])  # f(x) = ||x - TARGET||^2 on the simplex


def se_of_mean(t):
    return t.std(axis=0) / math.sqrt(t.shape[0])


def test_samples_lie_on_the_simplex_and_jacobian_has_an_extra_axis():
    p = rp.RelaxedCategorical(LOGITS, 0.5)
    x, dx = p.rsample(50, rng=SEED)
    assert x.shape == (50, 3) and np.all(x >= 0)
    np.testing.assert_allclose(x.sum(-1), 1.0)
    assert set(dx) == {"logits"} and dx["logits"].shape == (50, 3, 3)
    np.testing.assert_array_equal(x, p.sample(50, rng=SEED))
    np.testing.assert_array_equal(x, p.transform(p.noise(50, rng=SEED)))
    assert p.param_names == ("logits",) and set(p.params) == {"logits"} and p.has_rsample
    assert p.temperature == 0.5 and "temperature=0.5" in repr(p)


def test_batched_logits():
    p = rp.RelaxedCategorical(np.zeros((2, 4)), 1.0)
    x, dx = p.rsample(10, rng=SEED)
    assert x.shape == (10, 2, 4) and dx["logits"].shape == (10, 2, 4, 4)
    assert p.log_prob(x).shape == (10, 2) and p.score(x)["logits"].shape == (10, 2, 4)
    assert rp.pathwise(lambda x: 2 * x, p, 10, rng=SEED)["logits"].shape == (10, 2, 4)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 3.0])
def test_jacobian_against_finite_differences_of_the_transform(temperature):
    p = rp.RelaxedCategorical(LOGITS, temperature)
    eps = p.noise(20, rng=SEED)
    jacobian = p._dtransform(eps, p.transform(eps))["logits"]
    h = 1e-6
    for j in range(3):
        e = np.eye(3)[j] * h
        fd = (rp.RelaxedCategorical(LOGITS + e, temperature).transform(eps)
              - rp.RelaxedCategorical(LOGITS - e, temperature).transform(eps)) / (2 * h)
        np.testing.assert_allclose(jacobian[:, :, j], fd, rtol=1e-6, atol=1e-9)  # J[n, i, j] = dx_i / dl_j


@pytest.mark.parametrize("logits", [[0.0, 0.0], [1.5, -0.5]])
@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_density_for_two_categories_integrates_to_one_and_matches_the_logistic(logits, temperature):
    """For K = 2, x_1 = sigmoid((l_1 - l_2 + L) / t) with L standard logistic: a closed-form density."""
    p = rp.RelaxedCategorical(logits, temperature)

    def density(x1):
        return np.exp(p.log_prob(np.array([x1, 1 - x1])))

    total, error = integrate.quad(density, 0, 1, epsabs=1e-11, limit=200)
    assert total == pytest.approx(1.0, abs=max(10 * error, 1e-8))
    x1 = np.array([0.01, 0.2, 0.5, 0.9, 0.999])
    y = temperature * special.logit(x1)  # = l_1 - l_2 + L
    reference = stats.logistic.pdf(y, loc=logits[0] - logits[1]) * temperature / (x1 * (1 - x1))
    np.testing.assert_allclose(np.exp(p.log_prob(np.stack([x1, 1 - x1], axis=-1))), reference, rtol=1e-10)


@pytest.mark.parametrize("temperature", [1.0, 1.5])
def test_density_for_three_categories_integrates_to_one(temperature):
    """Monte Carlo over the uniform law on the simplex (density 2): E_uniform[p(x) / 2] = integral of p = 1."""
    p = rp.RelaxedCategorical(LOGITS, temperature)
    x = np.random.default_rng(SEED).dirichlet(np.ones(3), size=N)
    ratio = np.exp(p.log_prob(x)) / 2.0
    assert abs(ratio.mean() - 1.0) < 5 * se_of_mean(ratio), ratio.mean()


def test_log_prob_off_the_simplex_is_minus_infinity():
    p = rp.RelaxedCategorical(LOGITS, 1.0)
    assert p.log_prob(np.array([[0.5, 0.6, -0.1], [0.2, 0.2, 0.2]])).tolist() == [-np.inf, -np.inf]


def test_score_against_finite_differences_of_log_prob_and_mean_zero():
    p = rp.RelaxedCategorical(LOGITS, 0.7)
    x = p.sample(N, rng=SEED)
    score = p.score(x)["logits"]
    assert score.shape == (N, 3)
    assert np.all(np.abs(score.mean(0)) < 5 * se_of_mean(score))
    h = 1e-6
    for j in range(3):
        e = np.eye(3)[j] * h
        fd = (rp.RelaxedCategorical(LOGITS + e, 0.7).log_prob(x[:10])
              - rp.RelaxedCategorical(LOGITS - e, 0.7).log_prob(x[:10])) / (2 * h)
        np.testing.assert_allclose(score[:10, j], fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("temperature", [0.5, 2.0])
def test_pathwise_and_score_function_agree_on_the_relaxed_gradient(temperature):
    """Both are unbiased for d/dl E[f(x)] under the relaxed law: their means agree within 5 joint standard errors."""
    p = rp.RelaxedCategorical(LOGITS, temperature)
    f = lambda x: np.sum((x - TARGET) ** 2, axis=-1)
    pw = rp.pathwise(lambda x: 2 * (x - TARGET), p, N, rng=SEED)["logits"]
    sf = rp.score_function(f, p, N, rng=SEED + 1, baseline="loo")["logits"]
    assert pw.shape == sf.shape == (N, 3)
    joint_se = np.sqrt(se_of_mean(pw) ** 2 + se_of_mean(sf) ** 2)
    assert np.all(np.abs(pw.mean(0) - sf.mean(0)) < 5 * joint_se), (pw.mean(0), sf.mean(0))


def test_pathwise_equals_finite_differences_of_the_sample_mean_with_common_noise():
    p = rp.RelaxedCategorical(LOGITS, 0.5)
    f = lambda x: np.sum((x - TARGET) ** 2, axis=-1)
    eps = p.noise(500, rng=SEED)
    estimate = rp.pathwise(lambda x: 2 * (x - TARGET), p, 500, rng=SEED)["logits"].mean(0)
    h = 1e-6
    fd = [
        (f(rp.RelaxedCategorical(LOGITS + h * e, 0.5).transform(eps)).mean()
         - f(rp.RelaxedCategorical(LOGITS - h * e, 0.5).transform(eps)).mean()) / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(estimate, fd, rtol=1e-6, atol=1e-10)


def test_relaxed_gradient_is_biased_and_the_bias_shrinks_with_the_temperature():
    """At t = 1 the relaxed gradient is far (many standard errors) from the discrete one; at t = 0.1 much closer."""
    probs = special.softmax(LOGITS)
    f_hard = np.sum((np.eye(3) - TARGET) ** 2, axis=-1)
    exact = probs * (f_hard - probs @ f_hard)  # d/dl_j of sum_k p_k f(e_k)
    gaps, ses = {}, {}
    for temperature in (0.1, 1.0):
        t = rp.pathwise(lambda x: 2 * (x - TARGET), rp.RelaxedCategorical(LOGITS, temperature), N, rng=SEED)["logits"]
        gaps[temperature], ses[temperature] = np.abs(t.mean(0) - exact).max(), se_of_mean(t).max()
    assert gaps[1.0] > 5 * ses[1.0] + 5 * ses[0.1], (gaps, ses)
    assert gaps[0.1] < gaps[1.0] / 2, (gaps, ses)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, [1.0, 2.0]])
def test_bad_temperature_raises_value_error(bad):
    with pytest.raises(ValueError, match="temperature"):
        rp.RelaxedCategorical(LOGITS, bad)


@pytest.mark.parametrize("bad", ["hot", None])
def test_non_number_temperature_raises_type_error(bad):
    with pytest.raises(TypeError, match="temperature"):
        rp.RelaxedCategorical(LOGITS, bad)


@pytest.mark.parametrize("bad", [0.5, [1.0], [0.0, math.nan]])
def test_bad_logits_raise_value_error(bad):
    with pytest.raises(ValueError, match="logits"):
        rp.RelaxedCategorical(bad, 1.0)


def test_sample_of_the_wrong_shape_raises():
    with pytest.raises(ValueError, match="shape"):
        rp.RelaxedCategorical(LOGITS, 1.0).log_prob(np.array([0.5, 0.5]))
