"""Question lognormal_pathwise_terms: pathwise terms for x = exp(mu + sigma * eps)."""

from otter.test_files import test_case

OK_FORMAT = False

name = "lognormal_pathwise_terms"
points = None


@test_case(points=1, hidden=False)
def test_self_check(lognormal_pathwise_terms):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_lognormal_pathwise, lognormal_pathwise_terms, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_parameters(lognormal_pathwise_terms):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    forbidden = (reparam.pathwise, reparam.Normal.rsample)
    for seed, (mu, sigma) in enumerate([(0.0, 0.1), (1.2, 0.5), (-0.7, 1.3)]):
        eps = np.random.default_rng(40 + seed).standard_normal(80)
        x = np.exp(mu + sigma * eps)
        for text, df in [("f' = 1/x (f = log)", lambda x: 1 / x), ("f'(x) = 3x^2", lambda x: 3 * x**2)]:
            got = checks.call_student(lognormal_pathwise_terms, df, eps, mu, sigma, time_limit=3, forbidden=forbidden)
            checks.expect_close(got, {"mu": df(x) * x, "sigma": df(x) * x * eps}, f"{text}, mu={mu}, sigma={sigma}")


@test_case(points=1, hidden=True)
def test_the_means_estimate_the_exact_gradient(lognormal_pathwise_terms):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    mu, sigma = 0.3, 0.7  # f(x) = x: E[x] = exp(mu + sigma^2 / 2)
    eps = np.random.default_rng(50).standard_normal(200_000)
    got = checks.call_student(lognormal_pathwise_terms, np.ones_like, eps, mu, sigma, time_limit=5, forbidden=(reparam.pathwise, reparam.Normal.rsample))
    assert isinstance(got, dict) and set(got) == {"mu", "sigma"}, "expected a dict with the keys 'mu' and 'sigma'"
    mean = np.exp(mu + sigma**2 / 2)
    for key, exact in [("mu", mean), ("sigma", sigma * mean)]:
        terms = np.asarray(got[key], dtype=float)
        assert terms.shape == eps.shape, f"result[{key!r}] should have shape {eps.shape}, has {terms.shape}"
        z = (terms.mean() - exact) / (terms.std() / np.sqrt(eps.size))
        assert abs(z) < 5, f"the mean of result[{key!r}] is {z:.1f} standard errors from the exact gradient"
