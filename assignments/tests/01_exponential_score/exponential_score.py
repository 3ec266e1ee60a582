"""Question exponential_score: the score d/d rate log p(x | rate) of the exponential, elementwise."""

from otter.test_files import test_case

OK_FORMAT = False

name = "exponential_score"
points = None


@test_case(points=1, hidden=False)
def test_self_check(exponential_score):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_exponential_score, exponential_score, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_rates(exponential_score):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, rate in enumerate([0.3, 1.0, 1.7, 12.0]):  # a formula right at rate = 1 only fails here
        x = np.random.default_rng(seed).exponential(1 / rate, size=50)
        got = checks.call_student(exponential_score, x, rate, time_limit=3, forbidden=(reparam.Exponential.score,))
        checks.expect_close(got, 1 / rate - x, f"rate={rate}, 50 samples")


@test_case(points=1, hidden=True)
def test_shapes_and_edge_cases(exponential_score):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    forbidden = (reparam.Exponential.score,)
    x = np.random.default_rng(9).exponential(0.5, size=(3, 4))
    checks.expect_close(checks.call_student(exponential_score, x, 2.0, time_limit=3, forbidden=forbidden), 0.5 - x, "x of shape (3, 4)")
    checks.expect_close(checks.call_student(exponential_score, np.array(0.0), 4.0, time_limit=3, forbidden=forbidden), 0.25, "x = 0 (a 0-d array)")
    checks.expect_close(checks.call_student(exponential_score, np.array([1.0, 2.0]), 2, time_limit=3, forbidden=forbidden), [-0.5, -1.5], "an integer rate, 2")
