"""Tests of rp.Gamma: the implicit pathwise derivative, the score, unbiasedness of both estimators, bad input."""

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

import reparam as rp
from reparam.gamma import _dgammainc_da
from tests.conftest import SEED

N = 100_000
SETTINGS = [(0.3, 1.0), (2.5, 1.5), (20.0, 0.5)]


def se_of_mean(t):
    return t.std(axis=0) / math.sqrt(t.shape[0])


def exact_gradients(alpha, beta):
    """d/d(alpha, beta) of E[x] = alpha/beta and E[x^2] = alpha(alpha+1)/beta^2."""
    return {
        "x": ({"concentration": 1 / beta, "rate": -alpha / beta**2}, lambda x: x, lambda x: np.ones_like(x)),
        "x^2": (
            {"concentration": (2 * alpha + 1) / beta**2, "rate": -2 * alpha * (alpha + 1) / beta**3},
            lambda x: x**2,
            lambda x: 2 * x,
        ),
    }


def test_shapes_and_same_seed_same_numbers():
    p = rp.Gamma([0.5, 2.0, 7.0], 2.0)
    x = p.sample(50, rng=SEED)
    assert x.shape == (50, 3) and np.all(x > 0)
    x2, dx = p.rsample(50, rng=SEED)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(x, p.transform(p.noise(50, rng=SEED)))
    np.testing.assert_array_equal(x, p.sample(50, rng=np.random.default_rng(SEED)))
    assert set(dx) == {"concentration", "rate"} and all(d.shape == (50, 3) for d in dx.values())
    assert p.log_prob(x).shape == (50, 3)
    assert all(s.shape == (50, 3) for s in p.score(x).values())
    assert p.param_names == ("concentration", "rate") and p.has_rsample


@pytest.mark.parametrize("alpha,beta", SETTINGS)
def test_moments_of_samples(alpha, beta):
    x = rp.Gamma(alpha, beta).sample(N, rng=SEED)
    assert abs(x.mean() - alpha / beta) < 5 * se_of_mean(x)
    assert abs((x**2).mean() - alpha * (alpha + 1) / beta**2) < 5 * se_of_mean(x**2)


def test_log_prob_matches_scipy():
    p = rp.Gamma([[0.3], [2.5], [20.0]], [1.0, 1.5, 0.5])
    x = np.array([0.01, 1.0, 30.0])
    np.testing.assert_allclose(p.log_prob(np.broadcast_to(x, (3, 3))),
                               stats.gamma.logpdf(x, a=p.concentration, scale=1 / p.rate), rtol=1e-12)
    assert rp.Gamma(2.0, 1.0).log_prob(np.array([-1.0]))[0] == -np.inf


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0, 2.5, 20.0, 500.0])
@pytest.mark.parametrize("q", [1e-6, 0.01, 0.5, 0.99, 1 - 1e-9])
def test_dgammainc_da_against_quadrature(alpha, q):
    z = special.gammaincinv(alpha, q)

    def integrand(t):  # d/da of the Gamma(a, 1) density
        return (np.log(t) - special.digamma(alpha)) * np.exp(special.xlogy(alpha - 1, t) - t - special.gammaln(alpha))

    if q <= 0.5 and alpha < 1:  # integrate e^{-t} against the weights t^{a-1} log t and t^{a-1}, singular at 0
        weighted = lambda weight: integrate.quad(lambda t: np.exp(-t), 0, z, weight=weight, wvar=(alpha - 1, 0))[0]
        reference = (weighted("alg-loga") - special.digamma(alpha) * weighted("alg")) / special.gamma(alpha)
    elif q <= 0.5:
        reference = integrate.quad(integrand, 0, z, epsabs=0, epsrel=1e-12, limit=200)[0]
    else:  # dP/da = -dQ/da: integrate the (small) upper tail
        reference = -integrate.quad(integrand, z, np.inf, epsabs=0, epsrel=1e-12, limit=200)[0]
    assert _dgammainc_da(alpha, z) == pytest.approx(reference, rel=1e-8)
    assert _dgammainc_da(alpha, z, cdf=q) == pytest.approx(reference, rel=1e-8)


@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.5, 20.0, 500.0])
@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_implicit_derivative_against_finite_differences_of_the_inverse_cdf(alpha, beta):
    u = np.array([0.001, 0.1, 0.5, 0.9, 0.999])
    p = rp.Gamma(alpha, beta)
    x = p.transform(u)
    dx = p._dtransform(u, x)

    def x_of(a, b):
        return special.gammaincinv(a, u) / b

    def richardson(g, h):  # central differences at h and h/2, extrapolated: O(h^4)
        d = lambda s: (g(s) - g(-s)) / (2 * s)
        return (4 * d(h / 2) - d(h)) / 3

    h = 1e-3 * min(alpha, math.sqrt(alpha))
    np.testing.assert_allclose(dx["concentration"], richardson(lambda s: x_of(alpha + s, beta), h), rtol=1e-6)
    np.testing.assert_allclose(dx["rate"], richardson(lambda s: x_of(alpha, beta + s), 1e-3 * beta), rtol=1e-8)


@pytest.mark.parametrize("alpha,beta", SETTINGS)
def test_score_against_finite_differences_of_log_prob(alpha, beta):
    x = rp.Gamma(alpha, beta).sample(7, rng=SEED)
    score = rp.Gamma(alpha, beta).score(x)
    h = 1e-6
    for name, (up, down) in {
        "concentration": (rp.Gamma(alpha + h, beta), rp.Gamma(alpha - h, beta)),
        "rate": (rp.Gamma(alpha, beta + h), rp.Gamma(alpha, beta - h)),
    }.items():
        fd = (up.log_prob(x) - down.log_prob(x)) / (2 * h)
        np.testing.assert_allclose(score[name], fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("alpha,beta", SETTINGS)
@pytest.mark.parametrize("cost", ["x", "x^2"])
@pytest.mark.parametrize("estimator", ["score_function", "pathwise"])
def test_estimators_are_unbiased(alpha, beta, cost, estimator):
    exact, f, df = exact_gradients(alpha, beta)[cost]
    p = rp.Gamma(alpha, beta)
    terms = rp.score_function(f, p, N, rng=SEED) if estimator == "score_function" else rp.pathwise(df, p, N, rng=SEED)
    for name in p.param_names:
        t = terms[name]
        assert t.shape == (N,)
        assert abs(t.mean() - exact[name]) < 5 * se_of_mean(t), (name, t.mean(), exact[name])


def test_pathwise_has_lower_variance_than_score_function_for_x_squared():
    p = rp.Gamma(2.5, 1.5)
    sf = rp.score_function(lambda x: x**2, p, N, rng=SEED)["concentration"]
    pw = rp.pathwise(lambda x: 2 * x, p, N, rng=SEED)["concentration"]
    assert pw.var() < sf.var() / 2, (pw.var(), sf.var())


def test_vector_parameters_receive_their_own_gradients():
    alpha = np.array([0.5, 3.0])
    p = rp.Gamma(alpha, 2.0)  # a shared rate receives the sum over both coordinates
    terms = rp.pathwise(lambda x: 2 * x, p, N, rng=SEED)
    assert terms["concentration"].shape == (N, 2) and terms["rate"].shape == (N,)
    exact_alpha = (2 * alpha + 1) / 4.0
    exact_rate = np.sum(-2 * alpha * (alpha + 1) / 8.0)
    assert np.all(np.abs(terms["concentration"].mean(0) - exact_alpha) < 5 * se_of_mean(terms["concentration"]))
    assert abs(terms["rate"].mean() - exact_rate) < 5 * se_of_mean(terms["rate"])


@pytest.mark.parametrize("name", ["concentration", "rate"])
@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, [1.0, -2.0]])
def test_bad_parameters_raise_value_error(name, bad):
    kwargs = {"concentration": 1.0, "rate": 1.0, name: bad}
    with pytest.raises(ValueError, match=name):
        rp.Gamma(**kwargs)


@pytest.mark.parametrize("name", ["concentration", "rate"])
@pytest.mark.parametrize("bad", ["two", None, 1 + 2j])
def test_non_numbers_raise_type_error(name, bad):
    kwargs = {"concentration": 1.0, "rate": 1.0, name: bad}
    with pytest.raises(TypeError, match=name):
        rp.Gamma(**kwargs)


def test_parameters_that_do_not_broadcast_raise():
    with pytest.raises(ValueError, match="broadcast"):
        rp.Gamma([1.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("n", [0, -3, 2.5, "10"])
def test_bad_n_raises(n):
    with pytest.raises((TypeError, ValueError), match="n must be"):
        rp.Gamma(1.0, 1.0).rsample(n, rng=SEED)
