"""Question optimal_gaussian: the (m, s) that maximize the ELBO."""

from otter.test_files import test_case

OK_FORMAT = False

name = "optimal_gaussian"
points = None


@test_case(points=1, hidden=False)
def test_self_check(optimal_gaussian):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_optimal_gaussian, optimal_gaussian, time_limit=3)


@test_case(points=1, hidden=True)
def test_it_is_the_exact_posterior(optimal_gaussian):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, size in enumerate([2, 9, 400]):
        x = np.random.default_rng(140 + seed).normal(3.0, 1.0, size=size)
        got = checks.call_student(optimal_gaussian, x, time_limit=3)
        # conjugate normal model: posterior precision 1 + N, posterior mean sum(x) / (1 + N)
        checks.expect_close(got, {"m": np.sum(x) / (size + 1), "s": (size + 1) ** -0.5}, f"N = {size}")


@test_case(points=1, hidden=True)
def test_no_data_gives_the_prior(optimal_gaussian):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.expect_close(checks.call_student(optimal_gaussian, np.zeros(0), time_limit=3), {"m": 0.0, "s": 1.0}, "no data (x empty)")
