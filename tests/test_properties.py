"""Property-based tests (hypothesis): for every family and estimator, random valid parameters give finite,
correctly shaped, unbiased terms; random invalid ones give an error naming the argument; and nothing a caller
can touch, before or after a call, changes what the package holds.

Hypothesis runs derandomized (the same examples every run) with a modest number of examples; the samples
are seeded from the examples and ``REPARAM_TEST_SEED`` (tests/conftest.py), and every statistical bound is
five standard errors of the same draws (``reparam.stats``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reparam as rp
from reparam.stats import mean_and_se, within
from tests.conftest import seed

PROPERTY = settings(max_examples=12, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
N = 20_000


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    return floats(math.log(low), math.log(high)).map(math.exp)


# Each family: a strategy for its parameters (moderate ranges: the 5-SE bound needs well-behaved tails),
# a cost f with its derivative df, and the exact gradient of E[f(x)] in every parameter.
COSTS = np.array([1.5, -1.0, 0.5, 2.0])


def _normal_exact(loc, scale):
    return {"loc": 2 * loc, "scale": 2 * scale}


def _categorical_exact(logits):
    p = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    mean = p @ COSTS[: len(p)]
    return {"logits": p * (COSTS[: len(p)] - mean)}


FAMILIES = {
    "Normal": dict(
        params=st.fixed_dictionaries({"loc": floats(-3, 3), "scale": log_uniform(0.2, 5)}),
        make=lambda p: rp.Normal(**p), f=lambda x: x * x, df=lambda x: 2 * x,
        exact=lambda p: _normal_exact(p["loc"], p["scale"]),
    ),
    "Exponential": dict(
        params=st.fixed_dictionaries({"rate": log_uniform(0.2, 5)}),
        make=lambda p: rp.Exponential(**p), f=lambda x: x, df=np.ones_like,
        exact=lambda p: {"rate": -1 / p["rate"] ** 2},
    ),
    "Gamma": dict(
        params=st.fixed_dictionaries({"concentration": log_uniform(0.5, 50), "rate": log_uniform(0.2, 5)}),
        make=lambda p: rp.Gamma(**p), f=lambda x: x, df=np.ones_like,
        exact=lambda p: {"concentration": 1 / p["rate"], "rate": -p["concentration"] / p["rate"] ** 2},
    ),
    "Bernoulli": dict(
        params=st.fixed_dictionaries({"probs": floats(0.05, 0.95)}),
        make=lambda p: rp.Bernoulli(**p), f=lambda x: 3 * x - 1, df=None,
        exact=lambda p: {"probs": 3.0},
    ),
    "Categorical": dict(
        params=st.fixed_dictionaries({"logits": st.lists(floats(-2, 2), min_size=2, max_size=4).map(np.array)}),
        make=lambda p: rp.Categorical(**p), f=lambda x: COSTS[x], df=None,
        exact=lambda p: _categorical_exact(p["logits"]),
    ),
    "RelaxedCategorical": dict(
        params=st.fixed_dictionaries(
            {"logits": st.lists(floats(-2, 2), min_size=2, max_size=4).map(np.array), "temperature": floats(0.5, 2)}
        ),
        make=lambda p: rp.RelaxedCategorical(**p),
        f=lambda x: x @ COSTS[: x.shape[-1]], df=lambda x: np.broadcast_to(COSTS[: x.shape[-1]], x.shape),
        exact=None,  # no closed form: the two unbiased estimators must agree instead
    ),
}


def _estimators(family: dict) -> list[str]:
    return ["score_function"] + (["pathwise"] if family["df"] is not None else [])


def _terms(estimator: str, family: dict, dist: rp.Distribution, n: int, rng: int) -> dict[str, np.ndarray]:
    if estimator == "score_function":
        return rp.score_function(family["f"], dist, n, rng=rng)
    return rp.pathwise(family["df"], dist, n, rng=rng)


@pytest.mark.parametrize("name", FAMILIES)
def test_valid_parameters_give_finite_shaped_unbiased_terms(name):
    family = FAMILIES[name]

    @PROPERTY
    @given(family["params"])
    def check(params):
        dist = family["make"](params)
        estimates = {}
        for estimator in _estimators(family):
            terms = _terms(estimator, family, dist, N, seed(name, estimator, repr(params)))
            assert set(terms) == set(dist.param_names)
            for key, term in terms.items():
                assert term.shape == (N,) + dist.params[key].shape, (estimator, key, term.shape)
                assert np.all(np.isfinite(term)), (estimator, key)
            estimates[estimator] = {key: mean_and_se(term) for key, term in terms.items()}
        if family["exact"] is not None:
            exact = family["exact"](params)
            for estimator, stats in estimates.items():
                for key, (mean, se) in stats.items():
                    assert within(mean, exact[key], se), (estimator, key, mean, exact[key], se)
        else:  # independent draws of two unbiased estimators: their difference has mean zero
            for key in dist.param_names:
                (m1, s1), (m2, s2) = estimates["score_function"][key], estimates["pathwise"][key]
                assert within(m1 - m2, 0.0, np.hypot(s1, s2)), (key, m1, m2, s1, s2)

    check()


# Invalid values, by kind, for a parameter with each constraint; every one must raise naming the parameter.
NOT_A_NUMBER = st.sampled_from(["1.0", None, True, 1j, [], [[1.0], [1.0, 2.0]], {"a": 1}, object()])
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf, 10**400, -(10**400), [1.0, math.nan]])
NON_POSITIVE = st.one_of(floats(-1e300, 0.0), st.just([1.0, 0.0]), st.just(-(10**30)))
OUTSIDE_UNIT = st.one_of(floats(1.0, 1e300), floats(-1e300, 0.0))
BAD = {
    ("Normal", "loc"): st.one_of(NOT_A_NUMBER, NON_FINITE),
    ("Normal", "scale"): st.one_of(NOT_A_NUMBER, NON_FINITE, NON_POSITIVE),
    ("Exponential", "rate"): st.one_of(NOT_A_NUMBER, NON_FINITE, NON_POSITIVE),
    ("Gamma", "concentration"): st.one_of(NOT_A_NUMBER, NON_FINITE, NON_POSITIVE, floats(1.0001e6, 1e300)),
    ("Gamma", "rate"): st.one_of(NOT_A_NUMBER, NON_FINITE, NON_POSITIVE),
    ("Bernoulli", "probs"): st.one_of(NOT_A_NUMBER, NON_FINITE, OUTSIDE_UNIT),
    ("Categorical", "logits"): st.one_of(NOT_A_NUMBER, NON_FINITE, floats(-5, 5), st.just([1.0])),
    ("RelaxedCategorical", "logits"): st.one_of(NOT_A_NUMBER, NON_FINITE, floats(-5, 5), st.just([1.0])),
    ("RelaxedCategorical", "temperature"): st.one_of(NOT_A_NUMBER, NON_FINITE, NON_POSITIVE, st.just([1.0, 2.0])),
}
GOOD = {"Normal": {"loc": 0.0, "scale": 1.0}, "Exponential": {"rate": 1.0}, "Gamma": {"concentration": 2.0, "rate": 1.0},
        "Bernoulli": {"probs": 0.3}, "Categorical": {"logits": [0.0, 1.0]},
        "RelaxedCategorical": {"logits": [0.0, 1.0], "temperature": 0.5}}


@pytest.mark.parametrize(("name", "param"), list(BAD))
def test_invalid_parameters_raise_naming_the_argument(name, param):
    @PROPERTY
    @given(BAD[(name, param)])
    def check(value):
        with pytest.raises((ValueError, TypeError), match=param):
            getattr(rp, name)(**(GOOD[name] | {param: value}))

    check()


BAD_N = st.one_of(st.integers(max_value=0), st.integers(min_value=10**8 + 1), st.floats(), st.sampled_from(["10", None, True, 2.0]))


@pytest.mark.parametrize("estimator", ["score_function", "pathwise"])
def test_invalid_n_raises_naming_n(estimator):
    call = getattr(rp, estimator)

    @PROPERTY
    @given(BAD_N)
    def check(n):
        with pytest.raises((ValueError, TypeError), match=r"\bn must be"):
            call(lambda x: x * 1.0, rp.Normal(0.0, 1.0), n, rng=0)

    check()


@pytest.mark.parametrize("name", FAMILIES)
def test_mutating_inputs_and_outputs_changes_nothing_the_package_holds(name):
    """Change every array a caller has touched (the parameters passed in, ``params``, samples, terms, what f and
    df saw); the distribution and a repeated call give exactly what they gave before."""
    family = FAMILIES[name]

    @PROPERTY
    @given(family["params"])
    def check(params):
        raw = {k: np.array(v, dtype=float) for k, v in params.items()}
        dist = family["make"](raw)
        frozen = {k: v.copy() for k, v in dist.params.items()}
        rng = seed(name, "mutate", repr(params))
        n = 50
        before = {e: {k: v.copy() for k, v in _terms(e, family, dist, n, rng).items()} for e in _estimators(family)}
        for value in raw.values():  # the caller's own arrays
            value[...] = -7.0
        for value in dist.params.values():
            with pytest.raises(ValueError, match="read-only"):
                value[...] = -7.0
        for estimator in _estimators(family):
            terms = _terms(estimator, family, dist, n, rng)
            for value in terms.values():
                value[...] = np.nan  # the caller's result: the next call must not see it
        x = dist.sample(n, rng=rng)
        x[...] = 0
        for key, value in dist.params.items():
            np.testing.assert_array_equal(value, frozen[key])

        def vandal(fn):
            """fn after wrecking its argument in place (the estimators must have kept what they need)."""
            def wrapped(x):
                out = fn(x.copy())
                x[...] = 1e6
                return out
            return wrapped

        wrecked = dict(family, f=vandal(family["f"]), df=None if family["df"] is None else vandal(family["df"]))
        for estimator in _estimators(family):
            again = _terms(estimator, wrecked, dist, n, rng)
            for key in before[estimator]:
                np.testing.assert_array_equal(again[key], before[estimator][key])

    check()


def test_an_array_returned_by_df_or_f_is_never_handed_back():
    held = np.linspace(-1.0, 1.0, 8)
    copy = held.copy()
    dist = rp.Normal(0.0, 1.0)
    for terms in (rp.pathwise(lambda x: held, dist, 8, rng=0), rp.score_function(lambda x: held, dist, 8, rng=0)):
        for term in terms.values():
            assert not np.shares_memory(term, held)
            term -= term.mean()  # the caller centres its terms
    np.testing.assert_array_equal(held, copy)
