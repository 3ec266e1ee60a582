"""Tests of the optimal constant baseline: closed forms, its estimate from draws, and that it never hurts."""

import math

import numpy as np
import pytest

import reparam as rp
from reparam.baselines import optimal_baseline, optimal_baseline_normal
from reparam.costs import Cosine, GaussianBump, Quadratic
from tests.conftest import SEED

N = 200_000
COSTS = [Quadratic(0.5), GaussianBump(1.0), Cosine(1.5)]
SETTINGS = [(1.0, 1.0), (-0.5, 2.0)]


def ratio_se(f, s):
    """Standard error of sum(f s^2) / sum(s^2) by the delta method: residuals s^2 (f - b)."""
    s2 = s * s
    b = (f[:, None] * s2).sum(0) / s2.sum(0) if s.ndim == 2 else (f * s2).sum() / s2.sum()
    r = s2 * ((f[:, None] if s.ndim == 2 else f) - b)
    return r.std(axis=0) / (math.sqrt(len(f)) * s2.mean(axis=0))


def draws(f, p, n, rng):
    """The same draws optimal_baseline uses for this rng: f(x) and the scores."""
    x = p.sample(n, np.random.default_rng(rng))
    return f(x), p.score(x)


@pytest.mark.parametrize("loc,scale,k", [(1.0, 1.0, 0.0), (1.0, 1.0, 2.5), (-0.5, 2.0, 1.0)])
def test_quadratic_estimate_matches_closed_form(loc, scale, k):
    # b*_loc = E[f eps^2] = m^2 + 3 sigma^2, b*_scale = E[f (eps^2-1)^2] / 2 = m^2 + 5 sigma^2, m = mu - k.
    cost, p = Quadratic(k), rp.Normal(loc, scale)
    m = loc - k
    exact = {"loc": m**2 + 3 * scale**2, "scale": m**2 + 5 * scale**2}
    b = optimal_baseline(cost.f, p, N, rng=SEED)
    fx, score = draws(cost.f, p, N, SEED)
    for name in ("loc", "scale"):
        assert b[name].shape == ()
        assert abs(b[name] - exact[name]) < 5 * ratio_se(fx, score[name]), (name, b[name], exact[name])
    np.testing.assert_allclose(
        [optimal_baseline_normal(cost, loc, scale)[name] for name in ("loc", "scale")],
        [exact["loc"], exact["scale"]],
        rtol=1e-10,
    )


@pytest.mark.parametrize("cost", COSTS, ids=repr)
@pytest.mark.parametrize("loc,scale", SETTINGS)
def test_estimate_matches_quadrature_for_every_cost(cost, loc, scale):
    p = rp.Normal(loc, scale)
    b = optimal_baseline(cost.f, p, N, rng=SEED)
    exact = optimal_baseline_normal(cost, loc, scale)
    fx, score = draws(cost.f, p, N, SEED)
    for name in ("loc", "scale"):
        assert abs(b[name] - exact[name]) < 5 * ratio_se(fx, score[name]), (name, b[name], exact[name])


@pytest.mark.parametrize("cost", COSTS + [Quadratic(-2.0)], ids=repr)
@pytest.mark.parametrize("loc,scale", SETTINGS)
def test_optimal_baseline_never_increases_the_variance(cost, loc, scale):
    # Exactly: V(b) = V(b*) + E[s^2] (b - b*)^2, with E[s^2] = 1/sigma^2 (loc) and 2/sigma^2 (scale).
    b = optimal_baseline_normal(cost, loc, scale)
    e_s2 = {"loc": 1 / scale**2, "scale": 2 / scale**2}
    plain = cost.variance("score_function", loc, scale)
    for name in ("loc", "scale"):
        best = cost.variance("score_function", loc, scale, baseline=float(b[name]))[name]
        assert best <= plain[name]
        np.testing.assert_allclose(plain[name] - best, e_s2[name] * b[name] ** 2, rtol=1e-6)
        for other in (float(b[name]) - 0.5, float(b[name]) + 0.5):
            assert cost.variance("score_function", loc, scale, baseline=other)[name] > best


@pytest.mark.parametrize("cost", COSTS, ids=repr)
def test_estimated_baseline_used_in_the_estimator_lowers_the_variance(cost):
    # The baseline comes from its own draws (seed SEED), the estimator from fresh ones (SEED + 1):
    # unbiased, and its per-sample variance is within 5 SE of the exact V(b_hat) <= V(0).
    loc, scale = 1.0, 1.0
    p = rp.Normal(loc, scale)
    b = optimal_baseline(cost.f, p, N, rng=SEED)
    exact_grad = cost.gradient(loc, scale)
    for name in ("loc", "scale"):
        t = rp.score_function(cost.f, p, N, rng=SEED + 1, baseline=float(b[name]))[name]
        assert abs(t.mean() - exact_grad[name]) < 5 * t.std() / math.sqrt(N)
        c = t - t.mean()
        se_var = math.sqrt(((c**4).mean() - t.var() ** 2) / N)
        v_b = cost.variance("score_function", loc, scale, baseline=float(b[name]))[name]
        assert abs(t.var() - v_b) < 5 * se_var, (name, t.var(), v_b)
        assert v_b <= cost.variance("score_function", loc, scale)[name]


def test_vector_parameters_have_one_baseline_per_coordinate():
    # f = x0^2 + x1^2: b*_j = (mu_j^2 + 3 sigma_j^2) + sum_{i != j} (mu_i^2 + sigma_i^2) for loc, 5 for scale.
    loc, scale = np.array([0.0, 1.0]), np.array([1.0, 2.0])
    p = rp.Normal(loc, scale)
    f = lambda x: (x**2).sum(axis=1)  # noqa: E731
    b = optimal_baseline(f, p, N, rng=SEED)
    second = loc**2 + scale**2
    exact = {"loc": second.sum() + 2 * scale**2, "scale": second.sum() + 4 * scale**2}
    fx, score = draws(f, p, N, SEED)
    for name in ("loc", "scale"):
        assert b[name].shape == (2,)
        assert np.all(np.abs(b[name] - exact[name]) < 5 * ratio_se(fx, score[name])), (name, b[name], exact[name])


def test_other_families_work_exponential():
    # f = x, x ~ Exp(rate): s = 1/rate - x, E[x s^2] = 3/rate^3, E[s^2] = 1/rate^2, so b* = 3/rate.
    rate = 2.0
    p = rp.Exponential(rate)
    b = optimal_baseline(lambda x: x, p, N, rng=SEED)
    fx, score = draws(lambda x: x, p, N, SEED)
    assert abs(b["rate"] - 3 / rate) < 5 * ratio_se(fx, score["rate"])


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(dist="normal"), TypeError, "dist"),
        (dict(f=None), TypeError, "f must be a callable"),
        (dict(f=lambda x: x[:3]), ValueError, "shape"),
        (dict(n=0), ValueError, "n must be"),
        (dict(n=1.0), TypeError, "n must be"),
        (dict(rng=-1), ValueError, "rng"),
    ],
)
def test_bad_input_fails_at_once(kwargs, error, match):
    args = dict(f=np.cos, dist=rp.Normal(0.0, 1.0), n=10, rng=SEED) | kwargs
    with pytest.raises(error, match=match):
        optimal_baseline(**args)


def test_exact_baseline_bad_input():
    with pytest.raises(TypeError, match="cost"):
        optimal_baseline_normal("cos", 0.0, 1.0)
    with pytest.raises(ValueError, match="scale"):
        optimal_baseline_normal(Cosine(1.0), 0.0, 0.0)
