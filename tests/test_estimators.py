"""Estimators: shapes, exact formulas, baselines, unbiasedness (5 standard errors), per-sample variances.

Normal costs with closed forms are tested in test_costs.py; here: the Exponential (exact moments
E[x^k] = k!/rate^k), the baselines, families whose score or derivative has an extra axis, and aliasing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import polynomial as P

import reparam as rp
from reparam._validate import as_rng
from tests.test_distributions import Jacobian
from tests.conftest import seed



def within(estimate, exact, se, k: float = 5.0) -> bool:
    return bool(np.all(np.abs(np.asarray(estimate) - exact) <= k * np.asarray(se)))


# shapes ---------------------------------------------------------------------------------------------

SHAPE_CASES = [
    ("scalar", rp.Normal(1.0, 2.0), {"loc": (), "scale": ()}),
    ("vector", rp.Normal([0.0, 1.0, 2.0], [1.0, 2.0, 3.0]), {"loc": (3,), "scale": (3,)}),
    ("vector loc, scalar scale", rp.Normal([0.0, 1.0, 2.0], 2.0), {"loc": (3,), "scale": ()}),
    ("scalar loc, vector scale", rp.Normal(0.0, [1.0, 2.0]), {"loc": (), "scale": (2,)}),
    ("2-d broadcast", rp.Normal(np.zeros((2, 1)), [1.0, 2.0, 3.0]), {"loc": (2, 1), "scale": (3,)}),
    ("exponential", rp.Exponential([1.0, 2.0]), {"rate": (2,)}),
]


def cost(x):
    return np.sum(x**2, axis=tuple(range(1, x.ndim)))


def dcost(x):
    return 2 * x


@pytest.mark.parametrize(("dist", "shapes"), [c[1:] for c in SHAPE_CASES], ids=[c[0] for c in SHAPE_CASES])
@pytest.mark.parametrize("baseline", [None, 1.5, "loo"])
def test_terms_have_shape_n_plus_parameter_shape(dist, shapes, baseline):
    n = 6
    for terms in (rp.score_function(cost, dist, n, rng=0, baseline=baseline), rp.pathwise(dcost, dist, n, rng=0)):
        assert tuple(terms) == dist.param_names
        assert {name: t.shape for name, t in terms.items()} == {name: (n,) + s for name, s in shapes.items()}
        assert all(t.dtype == np.float64 for t in terms.values())


def test_contract_example():
    p = rp.Normal(loc=2.0, scale=1.0)
    g = rp.score_function(lambda x: x**2, p, n=1000, rng=0)
    assert {k: v.shape for k, v in g.items()} == {"loc": (1000,), "scale": (1000,)}
    g = rp.pathwise(lambda x: 2 * x, p, n=1000, rng=0)
    assert {k: v.shape for k, v in g.items()} == {"loc": (1000,), "scale": (1000,)}


# exact formulas on the same draws -----------------------------------------------------------------------


@pytest.mark.parametrize("dist", [c[1] for c in SHAPE_CASES], ids=[c[0] for c in SHAPE_CASES])
def test_terms_are_the_formulas_on_the_same_draws(dist):
    """score_function = (f(x) - b) * score(x) and pathwise = f'(x) * dx, summed over broadcast coordinates."""
    n, s = 8, seed("formula", repr(dist))
    x = dist.sample(n, rng=s)
    score = dist.score(x)
    _, dx = dist.rsample(n, rng=s)
    f = cost(x)
    sf = rp.score_function(cost, dist, n, rng=s, baseline=0.25)
    pw = rp.pathwise(dcost, dist, n, rng=s)
    for name, param in dist.params.items():
        lead = x.ndim - 1 - param.ndim  # sample axes that the parameter does not have at all
        axes = tuple(range(1, 1 + lead)) + tuple(1 + lead + i for i, size in enumerate(param.shape) if size == 1)
        expect_sf = ((f - 0.25).reshape((n,) + (1,) * (x.ndim - 1)) * score[name]).sum(axis=axes, keepdims=True)
        expect_pw = (dcost(x) * dx[name]).sum(axis=axes, keepdims=True)
        np.testing.assert_allclose(sf[name], expect_sf.reshape((n,) + param.shape), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(pw[name], expect_pw.reshape((n,) + param.shape), rtol=1e-12, atol=1e-12)


def test_a_parameter_broadcast_over_coordinates_receives_their_sum():
    """Normal(0, [1, 2, 3]): the loc term is the sum of the three coordinates' loc terms."""
    s = seed("broadcast sum")
    shared = rp.Normal(0.0, [1.0, 2.0, 3.0])
    separate = rp.Normal(np.zeros(3), [1.0, 2.0, 3.0])
    for estimator, func in ((rp.score_function, cost), (rp.pathwise, dcost)):
        a, b = estimator(func, shared, 10, rng=s), estimator(func, separate, 10, rng=s)
        np.testing.assert_allclose(a["loc"], b["loc"].sum(axis=1), rtol=1e-12)
        np.testing.assert_array_equal(a["scale"], b["scale"])


# aliasing: the in-place passes must never corrupt a result ------------------------------------------------


class SharedScore(rp.Normal):
    """Returns one array for both parameters, and a read-only broadcast view (misuse the estimators must survive)."""

    def score(self, x):
        d = np.asarray(x, dtype=float) - self.loc
        return {"loc": d, "scale": d}

    def _dtransform(self, eps, x):
        return {"loc": eps, "scale": eps}


class ReadOnly(rp.Normal):
    def score(self, x):
        return {name: np.broadcast_to(s, s.shape) for name, s in super().score(x).items()}

    def _dtransform(self, eps, x):
        return {"loc": np.broadcast_to(1.0, x.shape), "scale": np.broadcast_to(eps, eps.shape)}


def test_shared_and_read_only_arrays_are_not_overwritten_wrongly():
    n, s = 9, seed("aliasing")
    p = SharedScore(0.5, 2.0)
    x = p.sample(n, rng=s)
    sf = rp.score_function(lambda x: x, p, n, rng=s)  # f returns x itself, too
    np.testing.assert_allclose(sf["loc"], x * (x - 0.5), rtol=1e-12)
    np.testing.assert_allclose(sf["scale"], x * (x - 0.5), rtol=1e-12)
    eps = p.noise(n, rng=s)
    pw = rp.pathwise(lambda x: x, p, n, rng=s)  # df returns x itself
    np.testing.assert_allclose(pw["loc"], x * eps, rtol=1e-12)
    np.testing.assert_allclose(pw["scale"], x * eps, rtol=1e-12)
    r = ReadOnly(0.5, 2.0)
    np.testing.assert_allclose(rp.score_function(np.cos, r, n, rng=s)["scale"],
                               rp.score_function(np.cos, rp.Normal(0.5, 2.0), n, rng=s)["scale"], rtol=1e-12)
    a, b = rp.pathwise(np.sin, r, n, rng=s), rp.pathwise(np.sin, rp.Normal(0.5, 2.0), n, rng=s)
    for name in ("loc", "scale"):
        np.testing.assert_allclose(a[name], b[name], rtol=1e-12)


def test_location_term_does_not_alias_another_term():
    """Two parameters with dx = 1 each get their own array."""

    class TwoLocations(rp.Normal):
        def _dtransform(self, eps, x):
            return {"loc": np.ones(()), "scale": np.ones(())}

    g = rp.pathwise(lambda x: 2 * x, TwoLocations(0.0, 1.0), 5, rng=0)
    assert not np.may_share_memory(g["loc"], g["scale"])
    np.testing.assert_array_equal(g["loc"], g["scale"])


# the Exponential: unbiasedness and per-sample variance from exact moments -----------------------------------


def exponential_moment(poly: np.ndarray, rate: float) -> float:
    """E[q(x)] for a polynomial q (coefficients, lowest first) and x ~ Exp(rate): sum_k q_k k! / rate^k."""
    return float(sum(c * math.factorial(k) / rate**k for k, c in enumerate(poly)))


@pytest.mark.parametrize(("estimator", "baseline"), [("score_function", 0.0), ("score_function", 0.6), ("pathwise", 0.0)])
def test_exponential_unbiased_and_per_sample_variance(estimator, baseline):
    """f(x) = x^2 under Exp(rate): both estimators' terms are polynomials in x, so every moment is exact."""
    rate, n = 1.5, 400_000
    f = np.array([0.0, 0.0, 1.0])  # x^2
    if estimator == "score_function":  # (f(x) - b)(1/rate - x)
        term = P.polymul(P.polysub(f, [baseline]), [1 / rate, -1.0])
        g = rp.score_function(lambda x: x**2, rp.Exponential(rate), n, rng=seed("exp", estimator, baseline),
                              baseline=baseline or None)["rate"]
    else:  # f'(x) dx/drate = 2x * (-x/rate)
        term = np.array([0.0, 0.0, -2.0 / rate])
        g = rp.pathwise(lambda x: 2 * x, rp.Exponential(rate), n, rng=seed("exp", estimator))["rate"]
    mean = exponential_moment(term, rate)
    assert math.isclose(mean, -4 / rate**3, rel_tol=1e-12)  # d/drate E[x^2] = d/drate 2/rate^2
    centred = P.polysub(term, [mean])
    var = exponential_moment(P.polypow(centred, 2), rate)
    m4 = exponential_moment(P.polypow(centred, 4), rate)
    assert within(g.mean(), mean, math.sqrt(var / n))
    assert within(g.var(), var, math.sqrt((m4 - var**2) / n))


# baselines ----------------------------------------------------------------------------------------------------


def test_dict_baseline_is_per_parameter_and_per_coordinate():
    n, s = 7, seed("dict baseline")
    p = rp.Normal(np.zeros(3), 1.0)
    b = {"loc": np.array([1.0, 2.0, 3.0]), "scale": 0.5}
    x = p.sample(n, rng=s)
    score, f = p.score(x), cost(x)
    g = rp.score_function(cost, p, n, rng=s, baseline=b)
    np.testing.assert_allclose(g["loc"], (f[:, None] - b["loc"]) * score["loc"], rtol=1e-12)
    np.testing.assert_allclose(g["scale"], ((f - 0.5)[:, None] * score["scale"]).sum(1), rtol=1e-12)
    same = rp.score_function(cost, p, n, rng=s, baseline={"loc": 0.5, "scale": 0.5})
    plain = rp.score_function(cost, p, n, rng=s, baseline=0.5)
    for name in ("loc", "scale"):
        np.testing.assert_allclose(same[name], plain[name], rtol=1e-12)


def test_loo_baseline_is_the_mean_of_the_other_samples():
    n, s = 6, seed("loo formula")
    p = rp.Normal(2.0, 1.0)
    x = p.sample(n, rng=s)
    f = x**2
    others = (f.sum() - f) / (n - 1)
    g = rp.score_function(lambda x: x**2, p, n, rng=s, baseline="loo")
    for name, sc in p.score(x).items():
        np.testing.assert_allclose(g[name], (f - others) * sc, rtol=1e-10)


def test_loo_baseline_is_unbiased_and_has_the_variance_of_the_best_constant():
    """x ~ N(2, 1), f = x^2: with b_i -> E f = 5, the loc variance falls from 87 to 42 (quadrature)."""
    from reparam.costs import Square

    n = 400_000
    p = rp.Normal(2.0, 1.0)
    g = rp.score_function(lambda x: x**2, p, n, rng=seed("loo stats"), baseline="loo")
    exact_var = Square().variance("score_function", 2.0, 1.0, baseline=5.0)
    assert abs(exact_var["loc"] - 42.0) < 1e-9
    for name, exact_grad in (("loc", 4.0), ("scale", 2.0)):
        t = g[name]
        assert within(t.mean(), exact_grad, t.std() / math.sqrt(n))
        m4 = np.mean((t - t.mean()) ** 4)
        assert within(t.var(), exact_var[name], math.sqrt((m4 - t.var() ** 2) / n))


# families whose score or derivative has an extra axis --------------------------------------------------------------


class Categorical(rp.Distribution):
    """Integer samples of shape (n,), score for the K logits of shape (n, K) (a synthetic test family)."""

    param_names = ("logits",)

    def __init__(self, logits):
        super().__init__(logits=np.asarray(logits, dtype=float))
        self.logits = self._params["logits"]
        self.shape = ()
        self.probs = np.exp(self.logits - self.logits.max())
        self.probs /= self.probs.sum()

    def sample(self, n, rng=None):
        u = as_rng(rng).random(self._size(n))
        return np.minimum(np.searchsorted(np.cumsum(self.probs), u), len(self.probs) - 1)

    def score(self, x):
        return {"logits": np.eye(len(self.probs))[x] - self.probs}


@pytest.mark.parametrize("baseline", [None, 2.0, "loo", {"logits": np.array([0.0, 1.0, 2.0, 3.0])}],
                         ids=["none", "float", "loo", "dict"])
def test_score_with_one_more_axis_than_the_samples(baseline):
    """d/dlogit_j E[v_x] = p_j (v_j - sum_k p_k v_k); the weight multiplies the (n, K) score along axis 0."""
    v = np.array([3.0, -1.0, 0.5, 2.0])
    p = Categorical([0.2, -0.3, 1.0, 0.0])
    n = 100_000
    g = rp.score_function(lambda x: v[x], p, n, rng=seed("categorical", repr(baseline)), baseline=baseline)["logits"]
    assert g.shape == (n, 4)
    exact = p.probs * (v - p.probs @ v)
    assert within(g.mean(0), exact, g.std(0) / math.sqrt(n))
    x = p.sample(5, rng=1)
    small = rp.score_function(lambda x: v[x], p, 5, rng=1, baseline=2.0)["logits"]
    np.testing.assert_allclose(small, (v[x] - 2.0)[:, None] * p.score(x)["logits"], rtol=1e-12)


def test_pathwise_contracts_a_jacobian():
    """With the noise held fixed, the mean pathwise term is exactly the gradient of the sample mean of f."""
    a = np.array([1.0, -2.0, 0.5])
    p = Jacobian([0.1, -0.4, 0.9], [1.0, 2.0, 3.0])
    n, s = 50, seed("jacobian")
    eps = p.noise(n, rng=s)
    g = rp.pathwise(lambda x: 2 * a * x, p, n, rng=s)["logits"]
    assert g.shape == (n, 3)
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        up = np.sum(a * Jacobian(p.logits + e, p.c).transform(eps) ** 2, axis=-1)
        down = np.sum(a * Jacobian(p.logits - e, p.c).transform(eps) ** 2, axis=-1)
        np.testing.assert_allclose(g[:, j], (up - down) / (2 * h), rtol=1e-6, atol=1e-8)
