"""Question sgd_iterates: SGD on E[c/2 x^2], x ~ N(theta, sigma^2), with one-sample pathwise gradients."""

from otter.test_files import test_case

OK_FORMAT = False

name = "sgd_iterates"
points = None


@test_case(points=1, hidden=False)
def test_self_check(sgd_iterates):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_sgd_iterates, sgd_iterates, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_settings(sgd_iterates):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, (theta0, step, c, sigma, steps) in enumerate([(5.0, 0.02, 3.0, 2.0, 100), (-1.0, 1.5, 1.0, 0.3, 40), (0.0, 0.4, 0.5, 1.0, 25)]):
        eps = np.random.default_rng(100 + seed).standard_normal(steps)
        expected = [theta0]
        for e in eps:
            expected.append(expected[-1] - step * c * (expected[-1] + sigma * e))
        got = checks.call_student(sgd_iterates, theta0, step, c, sigma, eps, time_limit=3, forbidden=(reparam.experiments.sgd, reparam.pathwise))
        checks.expect_close(got, expected, f"theta0={theta0}, step_size={step}, curvature={c}, sigma={sigma}, T={steps}")


@test_case(points=1, hidden=True)
def test_edge_cases(sgd_iterates):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.expect_close(checks.call_student(sgd_iterates, 2.5, 0.1, 1.0, 1.0, np.zeros(0), time_limit=3), [2.5], "no steps (eps empty)")
    checks.expect_close(checks.call_student(sgd_iterates, 1.0, 0.5, 2.0, 0.0, np.ones(3), time_limit=3), [1.0, 0.0, 0.0, 0.0], "step_size * curvature = 1, no noise")
