"""Question exact_gradient: the exact gradient of E f(b) in the logits of independent Bernoulli bits, by enumeration."""

from otter.test_files import test_case

OK_FORMAT = False

name = "exact_gradient"
points = None


@test_case(points=1, hidden=False)
def test_self_check(exact_gradient):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_exact_gradient, exact_gradient, time_limit=3)


@test_case(points=1, hidden=True)
def test_closed_forms_for_many_logits_and_sizes(exact_gradient):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    rng = np.random.default_rng(40)
    for size in [1, 2, 3, 5]:
        for logits in [rng.normal(scale=2.0, size=size), np.full(size, 0.0)]:  # a formula right at logits 0 only fails at the others
            theta = 1 / (1 + np.exp(-logits))
            weights = rng.normal(size=size)
            # linear: d/dl_d E[w @ b] = w_d theta_d (1 - theta_d)
            got = checks.call_student(exact_gradient, logits, lambda b: b @ weights, time_limit=3)
            checks.expect_close(got, weights * theta * (1 - theta), f"f(b) = w @ b, D = {size}, logits = {np.round(logits, 3).tolist()}")
            # product of all bits: E = prod theta, so the gradient is (1 - theta_d) prod theta
            got = checks.call_student(exact_gradient, logits, lambda b: np.prod(b, axis=1), time_limit=3)
            checks.expect_close(got, (1 - theta) * np.prod(theta), f"f(b) = b_0 b_1 ... b_(D-1), D = {size}, logits = {np.round(logits, 3).tolist()}")
    logits = np.array([0.4, -1.1])
    theta = 1 / (1 + np.exp(-logits))
    got = checks.call_student(exact_gradient, logits, lambda b: b[:, 0] + 2 * b[:, 0] * b[:, 1], time_limit=3)
    checks.expect_close(got, [theta[0] * (1 - theta[0]) * (1 + 2 * theta[1]), 2 * theta[0] * theta[1] * (1 - theta[1])], "f(b) = b_0 + 2 b_0 b_1")
    got = checks.call_student(exact_gradient, np.array([3.0, -2.0, 0.5]), lambda b: np.full(len(b), 7.0), time_limit=3)
    checks.expect_close(got, np.zeros(3), "a constant cost, f(b) = 7: its expectation does not depend on the logits")


@test_case(points=1, hidden=True)
def test_bad_logits_are_refused_and_extreme_ones_are_fine(exact_gradient):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))

    def f(b):
        return np.sum(b, axis=1) ** 2

    for bad, what in [(np.zeros((1, 2)), "logits of shape (1, 2)"), (np.array(0.5), "0-d logits"), (np.zeros(0), "empty logits"),
                      (np.array([0.0, np.inf]), "logits = [0, inf]"), (np.array([np.nan]), "logits = [nan]")]:
        checks.expect_error(exact_gradient, bad, f, word="logits", what=what, time_limit=3)
    got = np.asarray(checks.call_student(exact_gradient, [30.0, -30.0, 0.0], f, time_limit=3), dtype=float)  # a list, nearly certain bits
    theta = 1 / (1 + np.exp(-np.array([30.0, -30.0, 0.0])))
    # E f = sum_d theta_d (1 - theta_d) + (sum theta)^2, so d/dl_d = theta_d (1 - theta_d) (1 - 2 theta_d + 2 sum theta)
    checks.expect_close(got, theta * (1 - theta) * (1 - 2 * theta + 2 * theta.sum()), "logits = [30, -30, 0] (a list), f(b) = (sum b)^2")
