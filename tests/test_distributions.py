"""Distributions: shapes, seeding, and log_prob / score / transform against independent references."""

from __future__ import annotations


import numpy as np
import pytest
from scipy import stats

import reparam as rp
from tests.conftest import seed



# (id, distribution, expected shape)
FAMILIES = [
    ("normal scalar", rp.Normal(0.5, 2.0), ()),
    ("normal vector loc", rp.Normal([0.0, 1.0, -2.0], 2.0), (3,)),
    ("normal vector scale", rp.Normal(0.3, [0.5, 1.0, 3.0]), (3,)),
    ("normal both vectors", rp.Normal([0.0, 1.0], [1.0, 2.0]), (2,)),
    ("normal 2-d broadcast", rp.Normal(np.zeros((2, 1)), [1.0, 2.0, 3.0]), (2, 3)),
    ("exponential scalar", rp.Exponential(1.5), ()),
    ("exponential vector", rp.Exponential([0.5, 4.0]), (2,)),
]
IDS = [f[0] for f in FAMILIES]
DISTS = [f[1] for f in FAMILIES]


def rebuild(dist: rp.Distribution, **params: np.ndarray) -> rp.Distribution:
    """The same family with some parameters replaced."""
    return type(dist)(**{**dist.params, **params})


@pytest.mark.parametrize(("dist", "shape"), [f[1:] for f in FAMILIES], ids=IDS)
def test_shapes(dist, shape):
    n = 7
    assert dist.shape == shape
    assert tuple(dist.params) == dist.param_names
    assert all(v.dtype == np.float64 for v in dist.params.values())
    x = dist.sample(n, rng=0)
    assert x.shape == (n,) + shape and x.dtype == np.float64
    assert dist.noise(n, rng=0).shape == (n,) + shape
    assert dist.log_prob(x).shape == x.shape
    score = dist.score(x)
    assert tuple(score) == dist.param_names
    assert all(s.shape == x.shape for s in score.values())
    x2, dx = dist.rsample(n, rng=0)
    assert x2.shape == x.shape
    assert tuple(dx) == dist.param_names and all(d.shape == x.shape for d in dx.values())


def test_normal_contract_example():
    p = rp.Normal(loc=2.0, scale=1.0)
    assert p.param_names == ("loc", "scale")
    assert p.params == {"loc": 2.0, "scale": 1.0}
    assert p.has_rsample and rp.Exponential(1.0).has_rsample
    assert rp.Exponential(2.0).param_names == ("rate",)


@pytest.mark.parametrize("dist", DISTS, ids=IDS)
def test_sample_rsample_and_transform_of_noise_agree_for_the_same_seed(dist):
    s = seed("agree", repr(dist))
    x = dist.sample(50, rng=s)
    x_r, _ = dist.rsample(50, rng=s)
    x_t = dist.transform(dist.noise(50, rng=s))
    np.testing.assert_array_equal(x, x_r)
    np.testing.assert_array_equal(x, x_t)


@pytest.mark.parametrize("dist", DISTS, ids=IDS)
def test_same_seed_same_numbers_and_a_generator_continues(dist):
    s = seed("same", repr(dist))
    np.testing.assert_array_equal(dist.sample(20, rng=s), dist.sample(20, rng=s))
    rng_a, rng_b = np.random.default_rng(s), np.random.default_rng(s)
    first = dist.sample(20, rng=rng_a)
    np.testing.assert_array_equal(first, dist.sample(20, rng=rng_b))
    second = dist.sample(20, rng=rng_a)
    assert not np.array_equal(first, second)  # a Generator is used, not re-seeded
    g1 = rp.pathwise(lambda x: np.cos(x), dist, 30, rng=s)
    g2 = rp.pathwise(lambda x: np.cos(x), dist, 30, rng=s)
    for name in dist.param_names:
        np.testing.assert_array_equal(g1[name], g2[name])


def test_log_prob_against_scipy():
    x = np.linspace(-3.0, 4.0, 29)
    np.testing.assert_allclose(rp.Normal(0.5, 1.7).log_prob(x), stats.norm(0.5, 1.7).logpdf(x), rtol=1e-12)
    xe = np.linspace(0.0, 6.0, 13)
    np.testing.assert_allclose(rp.Exponential(1.3).log_prob(xe), stats.expon(scale=1 / 1.3).logpdf(xe), rtol=1e-12)
    assert rp.Exponential(1.3).log_prob(np.array([-0.1]))[0] == -np.inf
    # vector parameters: coordinates are independent, each with its own parameters
    p = rp.Normal([0.0, 1.0], [1.0, 3.0])
    xv = np.array([[0.3, -1.0], [2.0, 5.0]])
    np.testing.assert_allclose(p.log_prob(xv), stats.norm([0.0, 1.0], [1.0, 3.0]).logpdf(xv), rtol=1e-12)


@pytest.mark.parametrize(("dist", "grid"), [
    (rp.Normal(-0.7, 0.4), np.linspace(-0.7 - 12 * 0.4, -0.7 + 12 * 0.4, 20001)),
    (rp.Exponential(2.5), np.linspace(0.0, 40.0 / 2.5, 200001)),
], ids=["normal", "exponential"])
def test_density_integrates_to_one(dist, grid):
    assert abs(np.trapezoid(np.exp(dist.log_prob(grid)), grid) - 1.0) < 1e-6


def central_differences(dist, evaluate):
    """Yield ``(name, moved, fd)``: the derivative of ``evaluate(dist)`` by central differences with respect to
    one parameter coordinate at a time, and ``moved``, that coordinate's one-hot broadcast to ``dist.shape``
    (a broadcast parameter moves every coordinate it feeds)."""
    for name, value in dist.params.items():
        for index in np.ndindex(value.shape):
            h = 1e-6 * max(1.0, abs(float(value[index])))
            up, down = value.copy(), value.copy()
            up[index] += h
            down[index] -= h
            fd = (evaluate(rebuild(dist, **{name: up})) - evaluate(rebuild(dist, **{name: down}))) / (2 * h)
            moved = np.zeros(value.shape)
            moved[index] = 1.0
            yield name, np.broadcast_to(moved, dist.shape), fd


@pytest.mark.parametrize("dist", DISTS, ids=IDS)
def test_score_against_finite_differences_of_log_prob(dist):
    x = dist.sample(9, rng=seed("fd score", repr(dist)))
    score = dist.score(x)
    for name, moved, fd in central_differences(dist, lambda d: d.log_prob(x)):
        np.testing.assert_allclose(fd, score[name] * moved, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dist", DISTS, ids=IDS)
def test_dx_against_finite_differences_of_transform(dist):
    eps = dist.noise(11, rng=seed("fd dx", repr(dist)))
    _, dx = dist.rsample(11, rng=seed("fd dx", repr(dist)))
    for name, moved, fd in central_differences(dist, lambda d: d.transform(eps)):
        np.testing.assert_allclose(fd, dx[name] * moved, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dist", DISTS, ids=IDS)
def test_samples_have_the_right_moments(dist):
    """Mean and variance of 200 000 draws within 5 standard errors of the family's exact moments."""
    n = 200_000
    x = dist.sample(n, rng=seed("moments", repr(dist)))
    if isinstance(dist, rp.Normal):
        mean, var = np.broadcast_to(dist.loc, dist.shape), np.broadcast_to(dist.scale**2, dist.shape)
        m4 = 3 * var**2
    else:
        mean, var = 1 / dist.rate, 1 / dist.rate**2
        m4 = 9 / dist.rate**4  # fourth central moment of an exponential
    assert np.all(np.abs(x.mean(0) - mean) < 5 * np.sqrt(var / n))
    assert np.all(np.abs(x.var(0) - var) < 5 * np.sqrt((m4 - var**2) / n))


@pytest.mark.parametrize("dist", DISTS, ids=IDS)
def test_score_has_mean_zero(dist):
    """E[score] = 0, the identity behind the score function's unbiasedness (5 standard errors)."""
    n = 100_000
    score = dist.score(dist.sample(n, rng=seed("score mean", repr(dist))))
    for s in score.values():
        assert np.all(np.abs(s.mean(0)) < 5 * s.std(0) / np.sqrt(n))


class Jacobian(rp.Distribution):
    """x = c * softmax(logits + eps): every coordinate of x depends on every logit (a synthetic test family)."""

    param_names = ("logits",)
    has_rsample = True

    def __init__(self, logits, c):
        super().__init__(logits=np.asarray(logits, dtype=float))
        self.logits, self.c = self._params["logits"], np.asarray(c, dtype=float)

    def noise(self, n, rng=None):
        from reparam._validate import as_rng

        return as_rng(rng).standard_normal(self._size(n))

    def transform(self, eps):
        z = np.exp(self.logits + eps)
        return self.c * z / z.sum(-1, keepdims=True)

    def _dtransform(self, eps, x):
        s = x / self.c
        jacobian = self.c[:, None] * (np.eye(len(self.c)) * s[..., None] - s[..., :, None] * s[..., None, :])
        return {"logits": jacobian}


def test_rsample_keeps_a_jacobian_with_its_extra_axis():
    p = Jacobian([0.1, -0.4, 0.9], [1.0, 2.0, 3.0])
    x, dx = p.rsample(5, rng=0)
    assert x.shape == (5, 3) and dx["logits"].shape == (5, 3, 3)
    eps = p.noise(5, rng=0)
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        fd = (Jacobian(p.logits + e, p.c).transform(eps) - Jacobian(p.logits - e, p.c).transform(eps)) / (2 * h)
        np.testing.assert_allclose(dx["logits"][:, :, j], fd, rtol=1e-6, atol=1e-9)
