"""Question optimal_baseline: the constant b minimizing mean((fx - b)**2 * s**2)."""

from otter.test_files import test_case

OK_FORMAT = False

name = "optimal_baseline"
points = None


@test_case(points=1, hidden=False)
def test_self_check(optimal_baseline):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_optimal_baseline, optimal_baseline, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_samples(optimal_baseline):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, n in enumerate([2, 17, 3000]):
        rng = np.random.default_rng(60 + seed)
        fx, s = rng.gamma(2.0, 3.0, size=n), rng.standard_normal(n) * 2.5
        got = checks.call_student(optimal_baseline, fx, s, time_limit=3)
        checks.expect_close(got, np.sum(fx * s**2) / np.sum(s**2), f"n = {n}, seed {60 + seed}")


@test_case(points=1, hidden=True)
def test_it_is_the_minimizer(optimal_baseline):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    rng = np.random.default_rng(70)
    fx, s = rng.normal(5.0, 2.0, size=200), rng.standard_normal(200)
    b = checks.call_student(optimal_baseline, fx, s, time_limit=3)
    assert np.ndim(b) == 0, f"expected one number, got shape {np.shape(b)}"
    b = float(b)
    mean_square = lambda c: np.mean((fx - c) ** 2 * s**2)
    assert mean_square(b) <= min(mean_square(b - 1e-3), mean_square(b + 1e-3)), "moving b a little lowers the mean square"
    shifted = float(checks.call_student(optimal_baseline, fx + 10.0, s, time_limit=3))
    assert abs(shifted - (b + 10.0)) < 1e-9 * max(1.0, abs(b)), "adding 10 to every cost must add 10 to b"
    scaled = float(checks.call_student(optimal_baseline, fx, 10.0 * s, time_limit=3))
    assert abs(scaled - b) < 1e-9 * max(1.0, abs(b)), "scaling the scores must not change b"
