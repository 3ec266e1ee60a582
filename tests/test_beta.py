"""Tests of rp.Beta and rp.Dirichlet: implicit derivatives of normalised Gammas against finite differences of the
same noise, scores, unbiasedness of both estimators against exact gradients, shapes, bad input."""

import math
import os

import numpy as np
import pytest
from scipy import special, stats

import reparam as rp
from reparam.beta import _log_standard_gamma

SEED = int(os.environ.get("REPARAM_TEST_SEED", "0"))
N = 20_000
BETA_SETTINGS = [(0.4, 2.0), (2.5, 1.5), (12.0, 30.0)]
DIRICHLET_SETTINGS = [np.array([0.4, 1.0, 3.0]), np.array([5.0, 2.0, 0.7, 10.0])]


def se_of_mean(t):
    return t.std(axis=0) / math.sqrt(t.shape[0])


def richardson(g, h):
    """Central differences of g at steps h and h/2, extrapolated: error O(h^4)."""
    d = lambda s: (g(s) - g(-s)) / (2 * s)
    return (4 * d(h / 2) - d(h)) / 3


def beta_gradients(a, b):
    """d/d(a, b) of E[x] = a/s and E[x^2] = a(a+1)/(s(s+1)), s = a + b, with f and f'."""
    s = a + b
    m2, dm2_ds = a * (a + 1) / (s * (s + 1)), -a * (a + 1) * (2 * s + 1) / (s * (s + 1)) ** 2
    return {
        "x": ({"concentration1": b / s**2, "concentration0": -a / s**2}, lambda x: x, lambda x: np.ones_like(x)),
        "x^2": ({"concentration1": (2 * a + 1) / (s * (s + 1)) + dm2_ds, "concentration0": dm2_ds},
                lambda x: x**2, lambda x: 2 * x),
    }


def dirichlet_gradients(alpha, w):
    """d/d alpha of E[w.x] = w.alpha/s and E[sum_i w_i x_i^2] = sum_i w_i alpha_i(alpha_i+1)/(s(s+1)), s = sum alpha."""
    s = alpha.sum()
    linear = w / s - (w @ alpha) / s**2
    m2 = w @ (alpha * (alpha + 1))
    square = w * (2 * alpha + 1) / (s * (s + 1)) - m2 * (2 * s + 1) / (s * (s + 1)) ** 2
    return {
        "linear": (linear, lambda x: x @ w, lambda x: np.broadcast_to(w, x.shape).copy()),
        "square": (square, lambda x: (x**2) @ w, lambda x: 2 * x * w),
    }


# shapes, same numbers, the Gammas underneath ----------------------------------------------------------


def test_beta_shapes_and_same_seed_same_numbers():
    p = rp.Beta([0.5, 2.0, 7.0], 2.0)
    assert p.param_names == ("concentration1", "concentration0") and p.has_rsample and p.shape == (3,)
    x = p.sample(50, rng=SEED)
    assert x.shape == (50, 3) and np.all((x > 0) & (x < 1))
    x2, dx = p.rsample(50, rng=SEED)
    np.testing.assert_array_equal(x, x2)
    u = p.noise(50, rng=SEED)
    assert u.shape == (50, 3, 2)
    np.testing.assert_array_equal(x, p.transform(u))
    assert set(dx) == set(p.param_names) and all(d.shape == (50, 3) for d in dx.values())
    assert p.log_prob(x).shape == (50, 3) and all(s.shape == (50, 3) for s in p.score(x).values())
    # the sample is G1 / (G1 + G0) with G1, G0 the samples of rp.Gamma at u[..., 0] and u[..., 1]
    g1, g0 = rp.Gamma([0.5, 2.0, 7.0], 1.0).transform(u[..., 0]), rp.Gamma(2.0, 1.0).transform(u[..., 1])
    np.testing.assert_allclose(x, g1 / (g1 + g0), rtol=1e-13)


def test_dirichlet_shapes_and_same_seed_same_numbers():
    alpha = [[0.5, 2.0, 7.0], [1.0, 1.0, 1.0]]
    p = rp.Dirichlet(alpha)
    assert p.param_names == ("concentration",) and p.has_rsample and p.shape == (2, 3)
    x = p.sample(40, rng=SEED)
    assert x.shape == (40, 2, 3) and np.all(x > 0)
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-14)
    x2, dx = p.rsample(40, rng=SEED)
    np.testing.assert_array_equal(x, x2)
    assert dx["concentration"].shape == (40, 2, 3, 3)
    assert p.log_prob(x).shape == (40, 2) and p.score(x)["concentration"].shape == (40, 2, 3)
    u = p.noise(40, rng=SEED)
    g = rp.Gamma(alpha, 1.0).transform(u)
    np.testing.assert_allclose(x, g / g.sum(-1, keepdims=True), rtol=1e-13)
    # each row of the Jacobian's columns sums to 0: the coordinates stay on the simplex
    np.testing.assert_allclose(dx["concentration"].sum(-2), 0.0, atol=1e-14)
    terms = rp.pathwise(lambda x: 2 * x, p, 40, rng=SEED)["concentration"]
    assert terms.shape == (40, 2, 3)


def test_beta_with_equal_concentrations_of_one_is_uniform():
    x = rp.Beta(1.0, 1.0).sample(N, rng=SEED)
    assert stats.kstest(x, "uniform").pvalue > 1e-6


# densities and scores --------------------------------------------------------------------------------


def test_log_prob_matches_scipy():
    a, b = np.array([[0.4], [2.5], [12.0]]), np.array([2.0, 1.5, 30.0])
    x = np.array([0.01, 0.5, 0.97])
    np.testing.assert_allclose(rp.Beta(a, b).log_prob(np.broadcast_to(x, (3, 3))), stats.beta.logpdf(x, a, b),
                               rtol=1e-12)
    assert rp.Beta(2.0, 2.0).log_prob(np.array([-0.1, 1.1])).tolist() == [-np.inf, -np.inf]
    alpha = np.array([0.4, 1.0, 3.0])
    x = rp.Dirichlet(alpha).sample(5, rng=SEED)
    np.testing.assert_allclose(rp.Dirichlet(alpha).log_prob(x), [stats.dirichlet.logpdf(v, alpha) for v in x],
                               rtol=1e-12)
    assert rp.Dirichlet(alpha).log_prob(np.array([0.5, 0.6, 0.1])) == -np.inf


@pytest.mark.parametrize("a,b", BETA_SETTINGS)
def test_beta_score_against_finite_differences_of_log_prob(a, b):
    x = rp.Beta(a, b).sample(7, rng=SEED)
    score = rp.Beta(a, b).score(x)
    fd = {"concentration1": richardson(lambda h: rp.Beta(a + h, b).log_prob(x), 1e-4),
          "concentration0": richardson(lambda h: rp.Beta(a, b + h).log_prob(x), 1e-4)}
    for name in score:
        np.testing.assert_allclose(score[name], fd[name], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("alpha", DIRICHLET_SETTINGS)
def test_dirichlet_score_against_finite_differences_of_log_prob(alpha):
    x = rp.Dirichlet(alpha).sample(7, rng=SEED)
    score = rp.Dirichlet(alpha).score(x)["concentration"]
    for j, e in enumerate(np.eye(alpha.size)):
        fd = richardson(lambda h: rp.Dirichlet(alpha + h * e).log_prob(x), 1e-4)
        np.testing.assert_allclose(score[:, j], fd, rtol=1e-8, atol=1e-10)


# the implicit derivatives against finite differences of the same noise ------------------------------------


@pytest.mark.parametrize("a,b", BETA_SETTINGS + [(0.05, 0.08)])
def test_beta_derivatives_against_finite_differences_of_the_same_noise(a, b):
    u = np.stack(np.meshgrid([0.001, 0.1, 0.5, 0.9, 0.999], [0.002, 0.3, 0.7, 0.998]), axis=-1).reshape(-1, 2)
    p = rp.Beta(a, b)
    x = p.transform(u)
    dx = p._dtransform(u, x)
    h = {"concentration1": 1e-3 * min(a, math.sqrt(a)), "concentration0": 1e-3 * min(b, math.sqrt(b))}
    fd = {"concentration1": richardson(lambda s: rp.Beta(a + s, b).transform(u), h["concentration1"]),
          "concentration0": richardson(lambda s: rp.Beta(a, b + s).transform(u), h["concentration0"])}
    for name in dx:  # x <= 1 is known to about 1e-16, so a difference quotient at step h only to ~1e-16 / h
        np.testing.assert_allclose(dx[name], fd[name], rtol=1e-6, atol=50 * np.finfo(float).eps / h[name])


@pytest.mark.parametrize("alpha", [0.003, 0.05, 0.3, 4.0, 200.0])
def test_log_gamma_derivative_against_finite_differences(alpha):
    """dL/d alpha, L = log G, which x depends on through x = softmax(L), also where G is below 1e-300."""
    u = np.array([1e-12, 0.001, 0.1, 0.5, 0.9, 0.999])
    log_g, dlog_g = _log_standard_gamma(np.full(u.shape, alpha), u)
    h = 1e-3 * min(alpha, math.sqrt(alpha))
    fd = richardson(lambda s: _log_standard_gamma(np.full(u.shape, alpha + s), u)[0], h)
    np.testing.assert_allclose(dlog_g, fd, rtol=1e-7)
    normal = log_g > math.log(np.finfo(float).tiny)
    # exp of L ~ -550 carries a relative rounding error of about 550 * 2e-16
    np.testing.assert_allclose(np.exp(log_g[normal]), special.gammaincinv(alpha, u[normal]), rtol=1e-12)


@pytest.mark.parametrize("alpha", DIRICHLET_SETTINGS)
def test_dirichlet_jacobian_against_finite_differences_of_the_same_noise(alpha):
    p = rp.Dirichlet(alpha)
    u = p.noise(6, rng=SEED)
    x = p.transform(u)
    jacobian = p._dtransform(u, x)["concentration"]
    for j, e in enumerate(np.eye(alpha.size)):
        h = 1e-3 * min(alpha[j], math.sqrt(alpha[j]))
        fd = richardson(lambda s: rp.Dirichlet(alpha + s * e).transform(u), h)
        np.testing.assert_allclose(jacobian[..., j], fd, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.003, 0.02, 0.1])
def test_log_gamma_below_the_smallest_float_continues_the_exact_branch(alpha):
    """Where G underflows, L = (log u + log Gamma(alpha+1))/alpha; it must join the exact branch where G is normal."""
    u_edge = special.gammainc(alpha, 1e-290)  # G = 1e-290 is a normal float, computed by the exact branch
    log_g, dlog_g = _log_standard_gamma(np.array(alpha), np.array(u_edge))
    log_small = (math.log(u_edge) + special.gammaln(alpha + 1)) / alpha
    assert log_g == pytest.approx(math.log(1e-290), rel=1e-12)
    assert log_g == pytest.approx(log_small, rel=1e-12)
    assert dlog_g == pytest.approx((special.digamma(alpha + 1) - log_small) / alpha, rel=1e-7)
    tiny_u = u_edge * 1e-30  # G far below the smallest float: only the asymptotic branch can represent it
    log_g, dlog_g = _log_standard_gamma(np.array(alpha), np.array(tiny_u))
    assert np.isfinite(log_g) and log_g < math.log(1e-290) and np.isfinite(dlog_g)


def test_tiny_concentrations_give_finite_samples_and_derivatives():
    x, dx = rp.Beta(0.01, 0.02).rsample(1000, rng=SEED)
    assert np.all(np.isfinite(x)) and np.all((x >= 0) & (x <= 1))
    assert all(np.all(np.isfinite(d)) for d in dx.values())
    x, dx = rp.Dirichlet([0.01, 0.02, 0.03]).rsample(1000, rng=SEED)
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-14)
    assert np.all(np.isfinite(dx["concentration"]))


# unbiasedness ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("a,b", BETA_SETTINGS)
@pytest.mark.parametrize("cost", ["x", "x^2"])
@pytest.mark.parametrize("estimator", ["score_function", "pathwise"])
def test_beta_estimators_are_unbiased(a, b, cost, estimator):
    exact, f, df = beta_gradients(a, b)[cost]
    p = rp.Beta(a, b)
    terms = rp.score_function(f, p, N, rng=SEED) if estimator == "score_function" else rp.pathwise(df, p, N, rng=SEED)
    for name in p.param_names:
        t = terms[name]
        assert t.shape == (N,)
        assert abs(t.mean() - exact[name]) < 5 * se_of_mean(t), (name, t.mean(), exact[name], se_of_mean(t))


@pytest.mark.parametrize("alpha", DIRICHLET_SETTINGS)
@pytest.mark.parametrize("cost", ["linear", "square"])
@pytest.mark.parametrize("estimator", ["score_function", "pathwise"])
def test_dirichlet_estimators_are_unbiased(alpha, cost, estimator):
    w = np.linspace(-1.0, 2.0, alpha.size)
    exact, f, df = dirichlet_gradients(alpha, w)[cost]
    p = rp.Dirichlet(alpha)
    terms = rp.score_function(f, p, N, rng=SEED) if estimator == "score_function" else rp.pathwise(df, p, N, rng=SEED)
    t = terms["concentration"]
    assert t.shape == (N, alpha.size)
    assert np.all(np.abs(t.mean(0) - exact) < 5 * se_of_mean(t)), (t.mean(0), exact, se_of_mean(t))


def test_two_coordinate_dirichlet_is_the_beta():
    """Dirichlet((a, b)) has first coordinate Beta(a, b) with the same noise: the same x and the same gradients."""
    a, b = 1.7, 0.6
    x, dx = rp.Beta(a, b).rsample(200, rng=SEED)
    y, dy = rp.Dirichlet([a, b]).transform(rp.Beta(a, b).noise(200, rng=SEED)), None
    np.testing.assert_allclose(y[:, 0], x, rtol=1e-13)
    p = rp.Dirichlet([a, b])
    u = rp.Beta(a, b).noise(200, rng=SEED)
    dy = p._dtransform(u, p.transform(u))["concentration"]
    np.testing.assert_allclose(dy[:, 0, 0], dx["concentration1"], rtol=1e-12)
    np.testing.assert_allclose(dy[:, 0, 1], dx["concentration0"], rtol=1e-12)


# the contract: copies, fresh noise, bad input -------------------------------------------------------------


def test_parameters_are_copied_and_results_do_not_alias():
    a, alpha = np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    beta, dirichlet = rp.Beta(a, 1.0), rp.Dirichlet(alpha)
    a[0], alpha[0] = 50.0, 50.0
    assert beta.params["concentration1"][0] == 1.0 and dirichlet.params["concentration"][0] == 1.0
    u = beta.noise(5, rng=SEED)
    x = beta.transform(u)
    u[...] = 0.5  # the same array, changed: the next transform must see the new numbers, not a stale cache
    np.testing.assert_array_equal(beta.transform(u), rp.Beta([1.0, 2.0], 1.0).transform(u))
    assert not np.array_equal(beta.transform(u), x)


@pytest.mark.parametrize("family,name", [(rp.Beta, "concentration1"), (rp.Beta, "concentration0"),
                                         (rp.Dirichlet, "concentration")])
@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, [1.0, -2.0]])
def test_bad_parameters_raise_value_error(family, name, bad):
    if family is rp.Beta:
        kwargs = {"concentration1": 1.0, "concentration0": 1.0, name: bad}
    else:
        kwargs = {name: [1.0, bad] if np.ndim(bad) == 0 else bad}
    with pytest.raises(ValueError, match=name):
        family(**kwargs)


@pytest.mark.parametrize("bad", ["two", None, 1 + 2j])
def test_non_numbers_raise_type_error(bad):
    with pytest.raises(TypeError, match="concentration1"):
        rp.Beta(bad, 1.0)
    with pytest.raises(TypeError, match="concentration"):
        rp.Dirichlet([1.0, bad])


@pytest.mark.parametrize("bad", [2.0, [3.0]])
def test_dirichlet_needs_two_categories(bad):
    with pytest.raises(ValueError, match="K >= 2"):
        rp.Dirichlet(bad)


def test_beta_parameters_that_do_not_broadcast_raise():
    with pytest.raises(ValueError, match="broadcast"):
        rp.Beta([1.0, 2.0], [1.0, 2.0, 3.0])


def test_scores_outside_the_support_raise():
    with pytest.raises(ValueError, match="open interval"):
        rp.Beta(0.5, 0.5).score(np.array([0.2, 1.0]))
    with pytest.raises(ValueError, match="open simplex"):
        rp.Dirichlet([1.0, 2.0]).score(np.array([[0.2, 0.9]]))
    with pytest.raises(ValueError, match="open simplex"):
        rp.Dirichlet([1.0, 2.0]).score(np.array([[0.0, 1.0]]))


def test_noise_of_the_wrong_shape_raises():
    with pytest.raises(ValueError, match="eps must have shape"):
        rp.Beta([1.0, 2.0], 1.0).transform(np.full((5, 2), 0.5))
    with pytest.raises(ValueError, match="eps must have shape"):
        rp.Dirichlet([1.0, 2.0, 3.0]).transform(np.full((5, 2), 0.5))


@pytest.mark.parametrize("n", [0, -3, 2.5, "10"])
def test_bad_n_raises(n):
    for p in (rp.Beta(1.0, 1.0), rp.Dirichlet([1.0, 1.0])):
        with pytest.raises((TypeError, ValueError), match="n must be"):
            p.rsample(n, rng=SEED)
