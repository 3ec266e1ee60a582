"""Question score_function_terms: the n per-sample terms of the score-function estimator for the exponential's rate."""

from otter.test_files import test_case

OK_FORMAT = False

name = "score_function_terms"
points = None


@test_case(points=1, hidden=False)
def test_self_check(score_function_terms):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_score_function_terms, score_function_terms, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_rates_and_costs(score_function_terms):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, rate in enumerate([0.2, 1.0, 3.5]):
        x = np.random.default_rng(20 + seed).exponential(1 / rate, size=64)
        for text, f in [("f = cos", np.cos), ("f(x) = x**3", lambda x: x**3), ("f(x) = 1 + x", lambda x: 1 + x)]:
            got = checks.call_student(score_function_terms, f, x, rate, time_limit=3, forbidden=(reparam.score_function,))
            checks.expect_close(got, f(x) * (1 / rate - x), f"{text}, rate={rate}, 64 samples")


@test_case(points=1, hidden=True)
def test_the_mean_estimates_the_exact_gradient(score_function_terms):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, rate in enumerate([0.5, 2.0]):  # E[x^2] = 2 / rate^2, so the gradient is -4 / rate^3
        x = np.random.default_rng(30 + seed).exponential(1 / rate, size=200_000)
        terms = np.asarray(checks.call_student(score_function_terms, lambda x: x**2, x, rate, time_limit=5, forbidden=(reparam.score_function,)), dtype=float)
        assert terms.shape == x.shape, f"expected {x.shape[0]} terms (one per sample), got shape {terms.shape}"
        error, standard_error = terms.mean() + 4 / rate**3, terms.std() / np.sqrt(x.size)
        assert abs(error) < 5 * standard_error, f"rate={rate}: the mean {terms.mean():.4g} is {error / standard_error:.1f} standard errors from the exact gradient"
    one = checks.call_student(score_function_terms, lambda x: x, np.array([2.0]), 1.0, time_limit=3)
    checks.expect_close(one, [-2.0], "a single sample, f(x) = x, rate = 1")
