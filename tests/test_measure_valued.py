"""Tests of the coupled measure-valued estimator: unbiased, exact variances, vector parameters, bad input."""

import math

import numpy as np
import pytest

import reparam as rp
from reparam.costs import Cosine, GaussianBump, Quadratic
from reparam.measure_valued import double_sided_maxwell, measure_valued, measure_valued_variance
from tests.conftest import SEED

N = 200_000
COSTS = [Quadratic(0.5), GaussianBump(1.0), Cosine(1.5)]
SETTINGS = [(1.0, 1.0), (-0.5, 2.0)]


def se_of_mean(t):
    return t.std(axis=0) / math.sqrt(t.shape[0])


def se_of_variance(t):
    """Standard error of the sample variance: sqrt((mu_4 - var^2) / n)."""
    c = t - t.mean(axis=0)
    return np.sqrt(((c**4).mean(axis=0) - (c**2).mean(axis=0) ** 2) / t.shape[0])


@pytest.mark.parametrize("cost", COSTS, ids=repr)
@pytest.mark.parametrize("loc,scale", SETTINGS)
def test_unbiased_for_every_cost_and_parameter(cost, loc, scale):
    terms = measure_valued(cost.f, rp.Normal(loc, scale), N, rng=SEED)
    exact = cost.gradient(loc, scale)
    for name in ("loc", "scale"):
        t = terms[name]
        assert t.shape == (N,)
        assert abs(t.mean() - exact[name]) < 5 * se_of_mean(t), (name, t.mean(), exact[name])


@pytest.mark.parametrize("cost", COSTS, ids=repr)
@pytest.mark.parametrize("loc,scale", SETTINGS)
def test_per_sample_variance_matches_quadrature(cost, loc, scale):
    terms = measure_valued(cost.f, rp.Normal(loc, scale), N, rng=SEED + 1)
    exact = measure_valued_variance(cost, loc, scale)
    for name in ("loc", "scale"):
        t = terms[name]
        assert abs(t.var() - exact[name]) < 5 * se_of_variance(t), (name, t.var(), exact[name])


@pytest.mark.parametrize("cost", COSTS, ids=repr)
def test_quadrature_mean_is_the_exact_gradient(cost):
    loc, scale = np.array([1.0, -0.5, 0.3]), np.array([1.0, 2.0, 0.7])
    result = measure_valued_variance(cost, loc, scale)
    exact = cost.gradient(loc, scale)
    for name in ("loc", "scale"):
        np.testing.assert_allclose(result["mean"][name], exact[name], rtol=1e-9, atol=1e-12)
        assert result[name].shape == (3,)


def test_quadratic_variances_in_closed_form():
    # f = (x-k)^2, m = mu - k. Mean: the term is 4 m W / sqrt(2 pi), E W^2 = 2, E W = sqrt(pi/2).
    # Scale: the term is 2 m M (1-U) + sigma M^2 (1-U^2); with E M^2 = 3, E M^4 = 15, E(1-U)^2 = 1/3,
    # E(1-U^2)^2 = 8/15 and E(1-U)(1-U^2) = 5/12, the second moment is 4 m^2 + 8 sigma^2 (cross term odd in M).
    k, loc, scale = 0.5, 1.7, 1.3
    m = loc - k
    result = measure_valued_variance(Quadratic(k), loc, scale)
    assert result["loc"] == pytest.approx(16 * m**2 / (2 * math.pi) * (2 - math.pi / 2), rel=1e-10)
    assert result["scale"] == pytest.approx(4 * m**2 + 8 * scale**2 - (2 * scale) ** 2, rel=1e-10)


def test_coupled_noise_M_times_U_is_standard_normal():
    rng = np.random.default_rng(SEED)
    m = double_sided_maxwell((N,), rng)
    eps = m * rng.random(N)
    # Moments of the double-sided Maxwell (E M = 0, E M^2 = 3) and of N(0, 1) (0, 1, 0, 3).
    for sample, power, exact in [(m, 1, 0.0), (m, 2, 3.0), (eps, 1, 0.0), (eps, 2, 1.0), (eps, 3, 0.0), (eps, 4, 3.0)]:
        t = sample**power
        assert abs(t.mean() - exact) < 5 * se_of_mean(t), (power, t.mean(), exact)
    # P(eps <= 1) = Phi(1)
    inside = (eps <= 1.0).astype(float)
    phi1 = 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    assert abs(inside.mean() - phi1) < 5 * se_of_mean(inside)


def test_vector_parameters_are_per_coordinate():
    loc, scale = np.array([0.5, -1.0]), np.array([1.0, 2.0])

    def f(x):  # not separable: cos(x0) x1^2
        return np.cos(x[:, 0]) * x[:, 1] ** 2

    c0, q1 = math.exp(-0.5 * scale[0] ** 2), loc[1] ** 2 + scale[1] ** 2
    exact = {
        "loc": np.array([-math.sin(loc[0]) * c0 * q1, math.cos(loc[0]) * c0 * 2 * loc[1]]),
        "scale": np.array([-scale[0] * math.cos(loc[0]) * c0 * q1, math.cos(loc[0]) * c0 * 2 * scale[1]]),
    }
    terms = measure_valued(f, rp.Normal(loc, scale), N, rng=SEED)
    for name in ("loc", "scale"):
        t = terms[name]
        assert t.shape == (N, 2)
        assert np.all(np.abs(t.mean(axis=0) - exact[name]) < 5 * se_of_mean(t)), (name, t.mean(axis=0), exact[name])


def test_a_broadcast_parameter_receives_the_sum_of_its_coordinates():
    # Scalar loc shared by two coordinates: d/d mu E[x0^2 + x1^2] = 4 mu.
    loc, scale = 0.7, np.array([1.0, 0.5])
    terms = measure_valued(lambda x: (x**2).sum(axis=1), rp.Normal(loc, scale), N, rng=SEED)
    assert terms["loc"].shape == (N,) and terms["scale"].shape == (N, 2)
    t = terms["loc"]
    assert abs(t.mean() - 4 * loc) < 5 * se_of_mean(t)
    assert np.all(np.abs(terms["scale"].mean(axis=0) - 2 * scale) < 5 * se_of_mean(terms["scale"]))


def test_same_seed_same_terms_and_generator_accepted():
    p = rp.Normal(1.0, 1.0)
    a = measure_valued(np.cos, p, 100, rng=SEED)
    b = measure_valued(np.cos, p, 100, rng=np.random.default_rng(SEED))
    for name in ("loc", "scale"):
        np.testing.assert_array_equal(a[name], b[name])


def test_non_differentiable_cost_is_fine():
    # The step 1[x > 0]: pathwise fails (zero derivative), measure-valued is unbiased.
    from reparam.costs import Step

    cost = Step(0.0)
    terms = measure_valued(cost.f, rp.Normal(0.3, 1.2), N, rng=SEED)
    exact = cost.gradient(0.3, 1.2)
    for name in ("loc", "scale"):
        t = terms[name]
        assert abs(t.mean() - exact[name]) < 5 * se_of_mean(t)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(dist=rp.Exponential(1.0)), TypeError, "only rp.Normal"),
        (dict(dist="normal"), TypeError, "only rp.Normal"),
        (dict(f=3.0), TypeError, "f must be a callable"),
        (dict(f=lambda x: x[:5]), ValueError, "shape"),
        (dict(f=lambda x: np.stack([x, x], axis=1)), ValueError, "shape"),
        (dict(f=lambda x: np.array(["a"] * len(x))), TypeError, "real numbers"),
        (dict(n=0), ValueError, "n must be"),
        (dict(n=2.5), TypeError, "n must be"),
        (dict(rng="seed"), TypeError, "rng"),
    ],
)
def test_bad_input_fails_at_once(kwargs, error, match):
    args = dict(f=np.cos, dist=rp.Normal(0.0, 1.0), n=10, rng=SEED) | kwargs
    with pytest.raises(error, match=match):
        measure_valued(**args)


def test_variance_bad_input():
    with pytest.raises(TypeError, match="cost"):
        measure_valued_variance(3.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="scale"):
        measure_valued_variance(Quadratic(0.0), 0.0, -1.0)
