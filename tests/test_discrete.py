"""Tests of rp.Bernoulli and rp.Categorical: sampling, log_prob, score, the score-function estimator, refusals, bad input."""

import math

import numpy as np
import pytest

import reparam as rp
from reparam.discrete import log_softmax, softmax
from tests.conftest import SEED

N = 200_000
LOGITS = np.array([0.5, -1.0, 1.2, 0.0])
COSTS = np.array([3.0, -1.0, 0.5, 2.0])  # f(k) = COSTS[k]


def se_of_mean(t):
    return t.std(axis=0) / math.sqrt(t.shape[0])


# Bernoulli ------------------------------------------------------------------------------------------


def test_bernoulli_samples_are_zero_one_floats_with_mean_p():
    p = rp.Bernoulli([0.1, 0.5, 0.9])
    x = p.sample(N, rng=SEED)
    assert x.shape == (N, 3) and x.dtype == float and set(np.unique(x)) <= {0.0, 1.0}
    assert np.all(np.abs(x.mean(0) - p.probs) < 5 * np.sqrt(p.probs * (1 - p.probs) / N))
    np.testing.assert_array_equal(x, p.sample(N, rng=SEED))
    assert p.param_names == ("probs",) and not p.has_rsample


def test_bernoulli_log_prob_and_score_against_finite_differences():
    prob, h = 0.3, 1e-6
    x = np.array([0.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(np.exp(rp.Bernoulli(prob).log_prob(x)), [0.7, 0.3, 0.3, 0.7])
    fd = (rp.Bernoulli(prob + h).log_prob(x) - rp.Bernoulli(prob - h).log_prob(x)) / (2 * h)
    np.testing.assert_allclose(rp.Bernoulli(prob).score(x)["probs"], fd, rtol=1e-8)
    assert rp.Bernoulli(prob).log_prob(np.array([0.5, 2.0])).tolist() == [-np.inf, -np.inf]


@pytest.mark.parametrize("prob", [0.05, 0.4, 0.8])
def test_bernoulli_score_has_mean_zero_and_score_function_is_unbiased(prob):
    p = rp.Bernoulli(prob)
    s = p.score(p.sample(N, rng=SEED))["probs"]
    assert abs(s.mean()) < 5 * se_of_mean(s)
    f = lambda x: (x - 0.25) ** 2 + 3 * x  # exact d/dp E f = f(1) - f(0)
    exact = f(1.0) - f(0.0)
    for baseline in (None, 2.0):
        t = rp.score_function(f, p, N, rng=SEED, baseline=baseline)["probs"]
        assert t.shape == (N,)
        assert abs(t.mean() - exact) < 5 * se_of_mean(t), (baseline, t.mean(), exact)


def test_bernoulli_vector_probs():
    probs = np.array([0.2, 0.7])
    t = rp.score_function(lambda x: x @ np.array([1.0, -2.0]), rp.Bernoulli(probs), N, rng=SEED)["probs"]
    assert t.shape == (N, 2)
    assert np.all(np.abs(t.mean(0) - np.array([1.0, -2.0])) < 5 * se_of_mean(t))


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5, math.nan, math.inf, [0.5, 1.0]])
def test_bernoulli_bad_probs_raise_value_error(bad):
    with pytest.raises(ValueError, match="probs"):
        rp.Bernoulli(bad)


@pytest.mark.parametrize("bad", ["half", None])
def test_bernoulli_non_numbers_raise_type_error(bad):
    with pytest.raises(TypeError, match="probs"):
        rp.Bernoulli(bad)


def test_bernoulli_score_outside_the_support_raises():
    with pytest.raises(ValueError, match="0 and 1"):
        rp.Bernoulli(0.5).score(np.array([0.0, 2.0]))


# Categorical ----------------------------------------------------------------------------------------


def test_categorical_samples_are_indices_with_softmax_frequencies():
    p = rp.Categorical(LOGITS)
    x = p.sample(N, rng=SEED)
    assert x.shape == (N,) and x.dtype.kind == "i" and x.min() >= 0 and x.max() < 4
    freq = np.bincount(x, minlength=4) / N
    probs = softmax(LOGITS)
    assert np.all(np.abs(freq - probs) < 5 * np.sqrt(probs * (1 - probs) / N)), (freq, probs)
    np.testing.assert_array_equal(x, p.sample(N, rng=SEED))
    assert p.shape == () and p.param_names == ("logits",) and not p.has_rsample


def test_categorical_batched_logits():
    logits = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]])
    p = rp.Categorical(logits)
    x = p.sample(1000, rng=SEED)
    assert x.shape == (1000, 2)
    assert p.log_prob(x).shape == (1000, 2) and p.score(x)["logits"].shape == (1000, 2, 3)
    np.testing.assert_allclose(p.log_prob(np.array([2, 0])), [log_softmax(logits[0])[2], log_softmax(logits[1])[0]])


def test_categorical_log_prob_and_score_against_finite_differences():
    p = rp.Categorical(LOGITS)
    x = np.array([0, 1, 2, 3, 2])
    np.testing.assert_allclose(np.exp(p.log_prob(x)), softmax(LOGITS)[x])
    score = p.score(x)["logits"]
    assert score.shape == (5, 4)
    h = 1e-6
    for j in range(4):
        e = np.eye(4)[j] * h
        fd = (rp.Categorical(LOGITS + e).log_prob(x) - rp.Categorical(LOGITS - e).log_prob(x)) / (2 * h)
        np.testing.assert_allclose(score[:, j], fd, rtol=1e-7, atol=1e-9)
    assert p.log_prob(np.array([4, -1])).tolist() == [-np.inf, -np.inf]
    assert p.log_prob(np.array([1.5]))[0] == -np.inf


def test_categorical_score_has_mean_zero():
    p = rp.Categorical(LOGITS)
    s = p.score(p.sample(N, rng=SEED))["logits"]
    assert np.all(np.abs(s.mean(0)) < 5 * se_of_mean(s))


@pytest.mark.parametrize("baseline", [None, 1.0, "loo"])
def test_categorical_score_function_is_unbiased(baseline):
    probs = softmax(LOGITS)
    exact = probs * (COSTS - probs @ COSTS)  # d/dl_j sum_k p_k c_k = p_j (c_j - E c)
    t = rp.score_function(lambda x: COSTS[x], rp.Categorical(LOGITS), N, rng=SEED, baseline=baseline)["logits"]
    assert t.shape == (N, 4)
    assert np.all(np.abs(t.mean(0) - exact) < 5 * se_of_mean(t)), (t.mean(0), exact)


def test_categorical_sample_equals_argmax_of_relaxed_sample_for_the_same_seed():
    hard = rp.Categorical(LOGITS).sample(1000, rng=SEED)
    for temperature in (0.1, 1.0, 10.0):
        relaxed = rp.RelaxedCategorical(LOGITS, temperature).sample(1000, rng=SEED)
        np.testing.assert_array_equal(hard, relaxed.argmax(-1))


@pytest.mark.parametrize("dist", [rp.Bernoulli(0.3), rp.Categorical(LOGITS)], ids=repr)
def test_pathwise_refuses_discrete_families_and_points_to_the_way_out(dist):
    with pytest.raises(ValueError, match="score_function") as info:
        rp.pathwise(lambda x: np.ones_like(x, dtype=float), dist, 10, rng=SEED)
    assert "RelaxedCategorical" in str(info.value) and type(dist).__name__ in str(info.value)
    with pytest.raises(NotImplementedError):
        dist.rsample(10, rng=SEED)


@pytest.mark.parametrize("bad", [1.0, [2.0], [0.0, math.nan], [0.0, math.inf]])
def test_categorical_bad_logits_raise_value_error(bad):
    with pytest.raises(ValueError, match="logits"):
        rp.Categorical(bad)


@pytest.mark.parametrize("bad", ["abc", None, ["a", "b"]])
def test_categorical_non_numbers_raise_type_error(bad):
    with pytest.raises(TypeError, match="logits"):
        rp.Categorical(bad)


@pytest.mark.parametrize("x", [[0, 4], [-1], [0.5]])
def test_categorical_score_of_invalid_index_raises(x):
    with pytest.raises(ValueError, match="category indices"):
        rp.Categorical(LOGITS).score(np.array(x))


def test_categorical_score_of_strings_raises_type_error():
    with pytest.raises(TypeError, match="indices"):
        rp.Categorical(LOGITS).score(np.array(["a"]))
