"""Every bad input in the contract fails at once with a ValueError or TypeError naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

import reparam as rp
from reparam.costs import Cosine, GaussianBump, Quadratic, Square, Step
from reparam.distributions import Distribution
from reparam.experiments import sgd, variance_sweep


class NoPathwise(Distribution):
    """A family without a pathwise sampler: x = 1[u < p] (a Bernoulli), score only."""

    param_names = ("probs",)

    def __init__(self, probs: float) -> None:
        super().__init__(probs=np.asarray(probs, dtype=float))
        self.probs = self._params["probs"]

    def sample(self, n, rng=None):
        from reparam._validate import as_rng

        return (as_rng(rng).random(self._size(n)) < self.probs).astype(float)

    def score(self, x):
        return {"probs": x / self.probs - (1 - x) / (1 - self.probs)}


N = 5
normal = rp.Normal(0.0, 1.0)
normal3 = rp.Normal(np.zeros(3), 1.0)
square = Square()


def f1(x):
    return x**2


def df1(x):
    return 2 * x


# (id, thunk, exception type, regex the message must match: the argument's name and what was expected)
CASES = [
    # distribution parameters
    ("scale zero", lambda: rp.Normal(0.0, 0.0), ValueError, r"scale must be .*> 0; got 0\.0"),
    ("scale negative", lambda: rp.Normal(0.0, -1.0), ValueError, r"scale must be .*> 0; got -1\.0"),
    ("scale array with zero", lambda: rp.Normal(0.0, [1.0, 0.0]), ValueError, r"scale must be .*> 0"),
    ("scale inf", lambda: rp.Normal(0.0, np.inf), ValueError, r"scale must be .*finite.*; got inf"),
    ("loc nan", lambda: rp.Normal(np.nan, 1.0), ValueError, r"loc must be .*finite.*; got nan"),
    ("loc array with nan", lambda: rp.Normal([0.0, np.nan], 1.0), ValueError, r"loc must be .*finite"),
    ("loc string", lambda: rp.Normal("0", 1.0), TypeError, r"loc must be .*got '0'"),
    ("loc None", lambda: rp.Normal(None, 1.0), TypeError, r"loc must be .*got None"),
    ("loc bool", lambda: rp.Normal(True, 1.0), TypeError, r"loc must be .*got True"),
    ("loc complex", lambda: rp.Normal(1j, 1.0), TypeError, r"loc must be .*got 1j"),
    ("loc empty", lambda: rp.Normal([], 1.0), ValueError, r"loc must be .*non-empty.*empty array"),
    ("loc ragged", lambda: rp.Normal([[0.0, 1.0], [2.0]], 1.0), (TypeError, ValueError), r"loc must be"),
    ("params do not broadcast", lambda: rp.Normal(np.zeros(2), np.ones(3)), ValueError, r"broadcast.*\(2,\).*\(3,\)"),
    ("rate zero", lambda: rp.Exponential(0.0), ValueError, r"rate must be .*> 0; got 0\.0"),
    ("rate negative", lambda: rp.Exponential(-2.0), ValueError, r"rate must be .*> 0; got -2\.0"),
    ("rate nan", lambda: rp.Exponential(np.nan), ValueError, r"rate must be .*finite.*; got nan"),
    # n
    ("n zero", lambda: rp.score_function(f1, normal, 0), ValueError, r"n must be an integer >= 1; got 0"),
    ("n negative", lambda: rp.pathwise(df1, normal, -3), ValueError, r"n must be an integer >= 1; got -3"),
    ("n float", lambda: rp.pathwise(df1, normal, 10.0), TypeError, r"n must be an integer >= 1; got 10\.0 of type float"),
    ("n numpy float", lambda: normal.sample(np.float64(3)), TypeError, r"n must be an integer >= 1"),
    ("n string", lambda: normal.sample("10"), TypeError, r"n must be an integer >= 1; got '10'"),
    ("n bool", lambda: rp.score_function(f1, normal, True), TypeError, r"n must be an integer >= 1; got True"),
    ("n None", lambda: normal.noise(None), TypeError, r"n must be an integer >= 1; got None"),
    # rng
    ("rng negative", lambda: normal.sample(3, rng=-1), ValueError, r"rng must be .*got -1"),
    ("rng float", lambda: normal.sample(3, rng=0.5), TypeError, r"rng must be .*got 0\.5 of type float"),
    ("rng string", lambda: rp.score_function(f1, normal, 3, rng="0"), TypeError, r"rng must be .*got '0'"),
    ("rng bool", lambda: rp.pathwise(df1, normal, 3, rng=True), TypeError, r"rng must be .*got True"),
    ("rng RandomState", lambda: normal.sample(3, rng=np.random.RandomState(0)), TypeError, r"rng must be .*RandomState"),
    # dist
    ("dist not a distribution", lambda: rp.score_function(f1, "normal", 3), TypeError, r"dist must be a reparam distribution"),
    ("dist scipy-like", lambda: rp.pathwise(df1, object(), 3), TypeError, r"dist must be a reparam distribution"),
    ("pathwise without sampler", lambda: rp.pathwise(df1, NoPathwise(0.3), 3), ValueError,
     r"dist must have a pathwise sampler.*NoPathwise.*has_rsample is False"),
    ("rsample without sampler", lambda: NoPathwise(0.3).rsample(3), ValueError, r"no pathwise sampler"),
    ("noise without sampler", lambda: NoPathwise(0.3).noise(3), ValueError, r"no pathwise sampler"),
    # f
    ("f not callable", lambda: rp.score_function(3.0, normal, N), TypeError, r"f must be a callable; got 3\.0"),
    ("f shape (n, 1)", lambda: rp.score_function(lambda x: x[:, None], normal, N), ValueError,
     r"f must return an array of shape \(5,\).*got shape \(5, 1\)"),
    ("f shape (1,)", lambda: rp.score_function(lambda x: x[:1], normal, N), ValueError,
     r"f must return an array of shape \(5,\).*got shape \(1,\)"),
    ("f scalar", lambda: rp.score_function(lambda x: x.sum(), normal, N), ValueError,
     r"f must return an array of shape \(5,\).*got shape \(\)"),
    ("f elementwise on vectors", lambda: rp.score_function(f1, normal3, N), ValueError,
     r"f must return an array of shape \(5,\).*got shape \(5, 3\)"),
    ("f strings", lambda: rp.score_function(lambda x: np.array(["a"] * len(x)), normal, N), TypeError,
     r"f must return real numbers"),
    ("f complex", lambda: rp.score_function(lambda x: x + 1j, normal, N), TypeError, r"f must return real numbers.*complex"),
    ("f None", lambda: rp.score_function(lambda x: None, normal, N), TypeError, r"f must return real numbers.*None"),
    ("f nan", lambda: rp.score_function(lambda x: np.full(len(x), np.nan), normal, N), ValueError,
     r"f must return finite numbers.*nan at index \(0,\)"),
    ("f inf", lambda: rp.score_function(lambda x: np.full(len(x), -np.inf), normal, N), ValueError, r"f must return finite numbers.*-inf"),
    # df
    ("df not callable", lambda: rp.pathwise(None, normal, N), TypeError, r"df must be a callable; got None"),
    ("df shape (n, 1)", lambda: rp.pathwise(lambda x: x[:, None], normal, N), ValueError,
     r"df must return an array of shape \(5,\).*got shape \(5, 1\)"),
    ("df summed", lambda: rp.pathwise(lambda x: x.sum(-1), normal3, N), ValueError,
     r"df must return an array of shape \(5, 3\).*got shape \(5,\)"),
    ("df broadcastable (3,)", lambda: rp.pathwise(lambda x: np.ones(3), normal3, N), ValueError,
     r"df must return an array of shape \(5, 3\).*got shape \(3,\)"),
    ("df nan", lambda: rp.pathwise(lambda x: np.full_like(x, np.nan), normal, N), ValueError, r"df must return finite numbers"),
    # baseline
    ("baseline unknown string", lambda: rp.score_function(f1, normal, N, baseline="mean"), ValueError,
     r"baseline must be .*\"loo\".*got the string 'mean'"),
    ("baseline list", lambda: rp.score_function(f1, normal, N, baseline=[1.0, 2.0]), TypeError, r"baseline must be .*got \[1\.0, 2\.0\]"),
    ("baseline array", lambda: rp.score_function(f1, normal, N, baseline=np.ones(5)), TypeError, r"baseline must be"),
    ("baseline bool", lambda: rp.score_function(f1, normal, N, baseline=True), TypeError, r"baseline must be .*got True"),
    ("baseline nan", lambda: rp.score_function(f1, normal, N, baseline=np.nan), ValueError, r"baseline must be a finite real number; got nan"),
    ("baseline inf", lambda: rp.score_function(f1, normal, N, baseline=float("inf")), ValueError, r"baseline must be a finite"),
    ("baseline complex", lambda: rp.score_function(f1, normal, N, baseline=1 + 2j), TypeError, r"baseline must be"),
    ("baseline loo n=1", lambda: rp.score_function(f1, normal, 1, baseline="loo"), ValueError, r'baseline="loo" needs n >= 2.*got n=1'),
    ("baseline dict missing", lambda: rp.score_function(f1, normal, N, baseline={"loc": 1.0}), ValueError,
     r"baseline dict must have exactly the keys \('loc', 'scale'\).*missing \['scale'\]"),
    ("baseline dict unknown", lambda: rp.score_function(f1, normal, N, baseline={"loc": 1.0, "scale": 1.0, "rate": 2.0}),
     ValueError, r"baseline dict must have exactly the keys.*unknown \['rate'\]"),
    ("baseline dict wrong shape", lambda: rp.score_function(f1, normal, N, baseline={"loc": np.ones(3), "scale": 0.0}),
     ValueError, r"baseline\['loc'\] must broadcast to the shape \(\) of parameter 'loc'; got shape \(3,\)"),
    ("baseline dict too many axes", lambda: rp.score_function(lambda x: x.sum(-1), normal3, N, baseline={"loc": np.ones((1, 3)), "scale": 0.0}),
     ValueError, r"baseline\['loc'\] must broadcast to the shape \(3,\).*got shape \(1, 3\)"),
    ("baseline dict nan", lambda: rp.score_function(f1, normal, N, baseline={"loc": np.nan, "scale": 0.0}),
     ValueError, r"baseline\['loc'\] must be .*finite"),
    # samples passed to densities
    ("log_prob x wrong shape", lambda: normal3.log_prob(np.zeros((4, 2))), ValueError, r"x must have shape \(\.\.\., 3\).*got shape \(4, 2\)"),
    ("score x wrong shape", lambda: normal3.score(np.zeros(3 + 1)), ValueError, r"x must have shape"),
    # costs
    ("cost estimator", lambda: square.variance("reinforce", 0.0, 1.0), ValueError, r"estimator must be one of .*'reinforce'"),
    ("cost scale", lambda: square.variance("pathwise", 0.0, 0.0), ValueError, r"scale must be .*> 0"),
    ("cost loc", lambda: Cosine(1.0).expectation(np.nan, 1.0), ValueError, r"loc must be .*finite"),
    ("cost baseline", lambda: GaussianBump(1.0).variance("score_function", 0.0, 1.0, baseline=np.nan), ValueError, r"baseline must be a finite"),
    ("cost baseline string", lambda: Step(0.0).variance("score_function", 0.0, 1.0, baseline="loo"), TypeError, r"baseline must be a finite"),
    ("cost shapes", lambda: square.gradient(np.zeros(2), np.ones(3)), ValueError, r"loc and scale must broadcast together"),
    ("GaussianBump k zero", lambda: GaussianBump(0.0), ValueError, r"k must be a finite number > 0; got 0\.0"),
    ("Quadratic k nan", lambda: Quadratic(np.nan), ValueError, r"k must be a finite real number; got nan"),
    ("Step k string", lambda: Step("1"), TypeError, r"k must be a finite real number; got '1'"),
    # experiments
    ("sweep repetitions 1", lambda: variance_sweep(f1, df1, normal, (10,), 1, 0), ValueError, r"repetitions must be an integer >= 2; got 1"),
    ("sweep sizes int", lambda: variance_sweep(f1, df1, normal, 10, 5, 0), TypeError, r"sizes must be a non-empty sequence"),
    ("sweep sizes empty", lambda: variance_sweep(f1, df1, normal, (), 5, 0), TypeError, r"sizes must be a non-empty sequence"),
    ("sweep size zero", lambda: variance_sweep(f1, df1, normal, (10, 0), 5, 0), ValueError, r"each of sizes must be an integer >= 1; got 0"),
    ("sweep no estimator", lambda: variance_sweep(None, None, normal, (10,), 5, 0), ValueError, r"f and df must not both be None"),
    ("sweep f not callable", lambda: variance_sweep("x**2", df1, normal, (10,), 5, 0), TypeError, r"f must be a callable"),
    ("sgd estimator", lambda: sgd("newton", df1, 0.0, 0.1, 10), ValueError, r"estimator must be 'score_function' or 'pathwise'; got 'newton'"),
    ("sgd cost", lambda: sgd("pathwise", None, 0.0, 0.1, 10), TypeError, r"cost must be a callable; got None"),
    ("sgd step zero", lambda: sgd("pathwise", df1, 0.0, 0.0, 10), ValueError, r"step_size must be a finite float > 0; got 0\.0"),
    ("sgd step nan", lambda: sgd("pathwise", df1, 0.0, np.nan, 10), ValueError, r"step_size must be a finite real number; got nan"),
    ("sgd step matrix", lambda: sgd("pathwise", df1, 0.0, [[0.1]], 10), ValueError, r"step_size must be a float or a 1-D array"),
    ("sgd step array with zero", lambda: sgd("pathwise", df1, 0.0, [0.1, 0.0], 10), ValueError, r"step_size must be .*> 0"),
    ("sgd record_every", lambda: sgd("pathwise", df1, 0.0, 0.1, 10, record_every=0), ValueError, r"record_every must be an integer >= 1"),
    ("sgd diverged", lambda: sgd("pathwise", df1, 0.0, [0.1, 0.2], 10, diverged=lambda t: True), ValueError, r"diverged must return 2 booleans"),
    ("sgd iterations", lambda: sgd("pathwise", df1, 0.0, 0.1, 0), ValueError, r"iterations must be an integer >= 1; got 0"),
    ("sgd iterations float", lambda: sgd("pathwise", df1, 0.0, 0.1, 10.0), TypeError, r"iterations must be an integer"),
    ("sgd n", lambda: sgd("pathwise", df1, 0.0, 0.1, 10, n=0), ValueError, r"n must be an integer >= 1; got 0"),
    ("sgd scale", lambda: sgd("pathwise", df1, 0.0, 0.1, 10, scale=-1.0), ValueError, r"scale must be .*> 0"),
    ("sgd loc0", lambda: sgd("pathwise", df1, np.inf, 0.1, 10), ValueError, r"loc0 must be .*finite"),
    ("sgd rng", lambda: sgd("pathwise", df1, 0.0, 0.1, 10, rng="seed"), TypeError, r"rng must be"),
]


@pytest.mark.parametrize(("thunk", "error", "match"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_at_once_naming_argument(thunk, error, match):
    with pytest.raises(error, match=match):
        thunk()


def test_bad_f_fails_before_sampling():
    """A non-callable f is reported before any sampling: the Generator's state does not move."""
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    with pytest.raises(TypeError):
        rp.score_function("x", rp.Normal(0.0, 1.0), 10, rng=rng)
    with pytest.raises(TypeError):
        rp.pathwise(1.0, rp.Normal(0.0, 1.0), 10, rng=rng)
    with pytest.raises(ValueError):
        rp.score_function(f1, rp.Normal(0.0, 1.0), 10, rng=rng, baseline="average")
    assert rng.bit_generator.state == state


def test_good_inputs_of_other_types_are_accepted():
    """Integer seeds of numpy type, numpy integers for n, ints for parameters, a 0-d baseline, a bool cost."""
    p = rp.Normal(np.int64(1), 2)
    assert p.params["loc"].dtype == np.float64
    x = p.sample(np.int32(4), rng=np.uint8(3))
    assert x.shape == (4,)
    g = rp.score_function(lambda x: x > 1, p, 6, rng=0, baseline=np.float32(0.5))
    assert g["loc"].dtype == np.float64 and g["loc"].shape == (6,)
    g = rp.score_function(lambda x: np.ones(len(x), dtype=int), p, 6, rng=0, baseline=np.array(1.0))
    assert np.all(g["loc"] == 0.0)
