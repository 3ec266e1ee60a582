"""Question rebar_terms: the per-sample REBAR terms for independent Bernoulli bits."""

from otter.test_files import test_case

OK_FORMAT = False

name = "rebar_terms"
points = None

# The exact gradients come from reparam.checks' own enumeration (not the student's exact_gradient), and every
# Monte Carlo mean is within 5 standard errors of them, coordinate by coordinate.


@test_case(points=1, hidden=False)
def test_self_check(rebar_terms):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_rebar_terms, rebar_terms, time_limit=3)


@test_case(points=1, hidden=True)
def test_unbiased_at_low_and_high_temperatures(rebar_terms):
    import importlib

    import numpy as np
    from reparam.stats import mean_and_se

    checks = importlib.reload(importlib.import_module("reparam.checks"))

    def within_5_standard_errors(logits, f, grad_f, n, seed, temperature, what):
        terms = np.asarray(checks.call_student(rebar_terms, logits, f, grad_f, n, seed, temperature, 1.0, time_limit=10), dtype=float)
        assert terms.shape == (n, logits.size), f"{what}: expected shape {(n, logits.size)}, got {terms.shape}"
        exact = checks._gradient_by_conditioning(logits, f)
        mean, standard_error = mean_and_se(terms)
        z = (mean - exact) / standard_error
        assert np.all(np.abs(z) < 5), f"{what}: the mean is {np.round(z, 1).tolist()} standard errors from the exact gradient"

    targets = np.array([0.2, 0.9, 0.4])
    within_5_standard_errors(np.array([0.3, -0.8, 1.1]), lambda z: np.sum((z - targets) ** 2, -1), lambda z: 2 * (z - targets),
                             200_000, 0, 0.5, "a quadratic cost, temperature 0.5")
    w = np.array([1.0, -2.0, 0.5])
    within_5_standard_errors(np.array([-1.5, 0.2, 2.0]), lambda z: np.sin(3 * z @ w) + z[:, 0] * z[:, 2],
                             lambda z: 3 * np.cos(3 * z @ w)[:, None] * w + np.stack([z[:, 2], 0 * z[:, 0], z[:, 0]], 1),
                             400_000, 11, 0.3, "sin(3 z @ w) + z_0 z_2 (not separable), temperature 0.3")
    a = np.array([1.0, -1.0, 2.0, 0.5])
    within_5_standard_errors(np.array([0.5, -0.5, 1.0, -2.0]), lambda z: (z @ a) ** 2, lambda z: 2 * (z @ a)[:, None] * a,
                             400_000, 12, 3.0, "(z @ a)^2 on four bits, temperature 3")


@test_case(points=1, hidden=True)
def test_variance_reduction_bad_input_and_determinism(rebar_terms):
    import importlib

    import numpy as np
    from reparam.stats import variance_and_se

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    logits = np.array([0.3, -0.8, 1.1])

    def f(z):
        return 10 * np.sum((z - 0.45) ** 2, -1) + 100

    def grad_f(z):
        return 20 * (z - 0.45)

    def total_variance(terms):  # the summed variance of the coordinates and its standard error
        variance, standard_error = variance_and_se(terms)
        return variance.sum(), np.sqrt(np.sum(standard_error**2))

    n = 100_000
    with_cv = np.asarray(checks.call_student(rebar_terms, logits, f, grad_f, n, 13, 0.5, 1.0, time_limit=5), dtype=float)
    without = np.asarray(checks.call_student(rebar_terms, logits, f, grad_f, n, 13, 0.5, 0.0, time_limit=5), dtype=float)
    assert with_cv.shape == without.shape == (n, 3), f"expected shape {(n, 3)}, got {with_cv.shape} and {without.shape}"
    (v1, s1), (v0, s0) = total_variance(with_cv), total_variance(without)
    assert v1 + 5 * s1 < 0.01 * (v0 - 5 * s0), (
        f"f = 10 |z - 0.45|^2 + 100: the control variate should cut the variance more than a hundredfold; got {v1:.4g} against {v0:.4g}")

    def q(z):
        return np.sum((z - 0.5) ** 2, -1)

    def dq(z):
        return 2 * (z - 0.5)

    for args, word in [((np.zeros(3), q, dq, 10, 0, 0.0), "temperature"), ((np.zeros(3), q, dq, 10, 0, -1.0), "temperature"),
                       ((np.zeros(3), q, dq, 10, 0, np.inf), "temperature"), ((np.zeros(3), q, dq, 0, 0), "n"),
                       ((np.zeros(3), q, dq, 2.5, 0), "n"), ((np.array([np.nan, 0.0, 0.0]), q, dq, 10, 0), "logits"),
                       ((np.zeros((2, 3)), q, dq, 10, 0), "logits"), ((np.zeros(0), q, dq, 10, 0), "logits")]:
        checks.expect_error(rebar_terms, *args, word=word, what=f"{word} = {args[5] if word == 'temperature' else args[3] if word == 'n' else args[0].tolist()}", time_limit=3)
    a = checks.call_student(rebar_terms, logits, q, dq, 50, 14, time_limit=3)
    b = checks.call_student(rebar_terms, logits, q, dq, 50, np.random.default_rng(14), time_limit=3)
    checks.expect_close(b, a, "the same terms from the seed 14 and from np.random.default_rng(14)")
    checks.expect_close(a, checks._rebar_reference(logits, q, dq, 50, 14, 0.5, 1.0), "n = 50, seed 14, the default temperature and eta")
    one = checks.call_student(rebar_terms, np.array([-0.4, 0.9]), q, dq, np.int64(3), 15, 1.5, 2.0, time_limit=3)  # a numpy integer n, eta = 2
    checks.expect_close(one, checks._rebar_reference(np.array([-0.4, 0.9]), q, dq, 3, 15, 1.5, 2.0), "n = np.int64(3), temperature 1.5, eta = 2")
