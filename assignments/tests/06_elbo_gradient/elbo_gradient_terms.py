"""Question elbo_gradient_terms: pathwise ELBO gradient terms for z ~ N(0, 1), x_i | z ~ N(z, 1), q = N(m, s^2)."""

from otter.test_files import test_case

OK_FORMAT = False

name = "elbo_gradient_terms"
points = None


@test_case(points=1, hidden=False)
def test_self_check(elbo_gradient_terms):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_elbo_gradient_terms, elbo_gradient_terms, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_data_sets(elbo_gradient_terms):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, (size, m, s) in enumerate([(0, 0.5, 2.0), (3, -2.0, 0.7), (50, 0.1, 0.05)]):
        rng = np.random.default_rng(120 + seed)
        x, eps = rng.normal(-1.0, 1.0, size=size), rng.standard_normal(64)
        dlogjoint = np.sum(x) - (size + 1) * (m + s * eps)
        got = checks.call_student(elbo_gradient_terms, x, m, s, eps, time_limit=3, forbidden=(reparam.pathwise, reparam.Normal.rsample))
        checks.expect_close(got, {"m": dlogjoint, "s": dlogjoint * eps + 1 / s}, f"N = {size}, m={m}, s={s}")


@test_case(points=1, hidden=True)
def test_the_means_estimate_the_exact_gradient(elbo_gradient_terms):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    rng = np.random.default_rng(130)
    x, m, s = rng.normal(2.0, 1.0, size=7), 0.4, 0.8
    eps = rng.standard_normal(100_000)
    got = checks.call_student(elbo_gradient_terms, x, m, s, eps, time_limit=5, forbidden=(reparam.pathwise, reparam.Normal.rsample))
    assert isinstance(got, dict) and set(got) == {"m", "s"}, "expected a dict with the keys 'm' and 's'"
    exact = {"m": np.sum(x) - 8 * m, "s": -8 * s + 1 / s}  # ELBO = E_q[log p(x, z)] + log s + const
    for key in ("m", "s"):
        terms = np.asarray(got[key], dtype=float)
        assert terms.shape == eps.shape, f"result[{key!r}] should have shape {eps.shape}, has {terms.shape}"
        z = (terms.mean() - exact[key]) / (terms.std() / np.sqrt(eps.size) + 1e-12)
        assert abs(z) < 5, f"the mean of result[{key!r}] is {z:.1f} standard errors from the exact gradient"
