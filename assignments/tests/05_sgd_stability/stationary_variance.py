"""Question stationary_variance: the long-run variance of the SGD iterate, or inf for an unstable step."""

from otter.test_files import test_case

OK_FORMAT = False

name = "stationary_variance"
points = None


@test_case(points=1, hidden=False)
def test_self_check(stationary_variance):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_stationary_variance, stationary_variance, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_settings_and_the_stability_limit(stationary_variance):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for step, c, sigma in [(0.05, 3.0, 2.0), (0.7, 1.0, 0.1), (1.9, 1.0, 1.0), (0.02, 90.0, 0.5)]:
        a = step * c
        got = checks.call_student(stationary_variance, step, c, sigma, time_limit=3)
        checks.expect_close(got, a * sigma**2 / (2 - a), f"step_size={step}, curvature={c}, sigma={sigma}")
    for step, c in [(2.0, 1.0), (0.5, 5.0), (3.0, 3.0)]:
        got = checks.call_student(stationary_variance, step, c, 1.0, time_limit=3)
        assert np.ndim(got) == 0 and float(got) == np.inf, f"step_size={step}, curvature={c} is unstable: expected inf, got {got!r}"


@test_case(points=1, hidden=True)
def test_agrees_with_a_simulation(stationary_variance):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    step, c, sigma, runs, steps = 0.3, 2.0, 1.5, 20_000, 200
    rng, theta = np.random.default_rng(110), np.zeros(runs)
    for _ in range(steps):  # many independent chains at once; after 200 steps the start is forgotten (0.4^400)
        theta = theta - step * c * (theta + sigma * rng.standard_normal(runs))
    simulated, standard_error = theta.var(), theta.var() * np.sqrt(2 / (runs - 1))
    got = float(checks.call_student(stationary_variance, step, c, sigma, time_limit=3))
    assert abs(got - simulated) < 5 * standard_error, f"the simulated variance is {simulated:.4f} ± {standard_error:.4f}, yours {got:.4f}"
