"""Question gumbel_max: categorical samples by the Gumbel-max trick, one per row of u."""

from otter.test_files import test_case

OK_FORMAT = False

name = "gumbel_max"
points = None


@test_case(points=1, hidden=False)
def test_self_check(gumbel_max):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_gumbel_max, gumbel_max, time_limit=3)


@test_case(points=1, hidden=True)
def test_many_logits(gumbel_max):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    for seed, logits in enumerate([np.array([0.0, 3.0]), np.array([5.0, -2.0, 0.0, 1.0, 4.5]), np.linspace(-3, 3, 10) + 100.0]):
        u = np.random.default_rng(80 + seed).uniform(1e-12, 1 - 1e-12, size=(300, logits.size))
        got = checks.call_student(gumbel_max, logits, u, time_limit=3, forbidden=(reparam.Categorical.sample,))
        assert np.issubdtype(np.asarray(got).dtype, np.integer), f"expected integer indices, got dtype {np.asarray(got).dtype}"
        checks.expect_close(got, np.argmax(logits - np.log(-np.log(u)), axis=1), f"logits of size {logits.size}")


@test_case(points=1, hidden=True)
def test_frequencies_match_softmax(gumbel_max):
    import importlib

    import numpy as np
    import reparam

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    logits, n = np.array([-1.0, 0.5, 2.0]), 100_000
    u = np.random.default_rng(90).random((n, logits.size))
    k = np.asarray(checks.call_student(gumbel_max, logits, u, time_limit=5, forbidden=(reparam.Categorical.sample,)))
    assert k.shape == (n,), f"expected shape {(n,)}, got {k.shape}"
    pi = np.exp(logits) / np.exp(logits).sum()
    z = (np.bincount(k.astype(int), minlength=3)[:3] / n - pi) / np.sqrt(pi * (1 - pi) / n)
    assert np.all(np.abs(z) < 5), f"frequencies are {np.round(z, 1)} standard errors from softmax(logits)"
