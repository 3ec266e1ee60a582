"""Question policy_gradient_terms: one REINFORCE term per episode, with reward-to-go and an optional per-step baseline."""

from otter.test_files import test_case

OK_FORMAT = False

name = "policy_gradient_terms"
points = None

# The hidden tests use a two-step problem with one parameter theta: a_t ~ Bernoulli(s), s = logistic(theta),
# independently; rewards r0 = a0 and r1 = 2 a0 a1; the score of a_t is a_t - s. Then J = s + 2 s^2,
# grad J = s (1 - s) (1 + 4 s); the values are V0 = s + 2 s^2 and V1(a0) = 2 a0 s; with discount gamma the
# estimator's mean is s (1 - s) (1 + 2 gamma s + 2 s). Each Monte Carlo mean is within 5 standard errors.


@test_case(points=1, hidden=False)
def test_self_check(policy_gradient_terms):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_policy_gradient_terms, policy_gradient_terms, time_limit=3)


@test_case(points=1, hidden=True)
def test_unbiased_and_the_value_baseline_lowers_the_variance(policy_gradient_terms):
    import importlib

    import numpy as np
    from reparam.stats import mean_and_se

    checks = importlib.reload(importlib.import_module("reparam.checks"))

    def episodes(theta, n, seed):
        s = 1 / (1 + np.exp(-theta))
        a = (np.random.default_rng(seed).random((n, 2)) < s).astype(float)
        return s, a, (a - s)[..., None], np.column_stack([a[:, 0], 2 * a[:, 0] * a[:, 1]])

    def terms_of(*args, what):
        got = np.asarray(checks.call_student(policy_gradient_terms, *args, time_limit=5), dtype=float)
        assert got.shape == (args[0].shape[0], 1), f"{what}: expected shape {(args[0].shape[0], 1)}, got {got.shape}"
        return got[:, 0]

    def z_score(terms, exact):
        mean, standard_error = mean_and_se(terms)
        return abs(mean - exact) / standard_error

    s, a, scores, rewards = episodes(0.3, 20_000, 1)
    plain = terms_of(scores, rewards, what="theta = 0.3")
    z = z_score(plain, s * (1 - s) * (1 + 4 * s))
    assert z < 5, f"theta = 0.3, 20,000 episodes: the mean of the terms is {z:.1f} standard errors from the exact gradient"

    s, a, scores, rewards = episodes(-0.5, 20_000, 2)
    values = np.column_stack([np.full(len(a), s + 2 * s**2), 2 * a[:, 0] * s])
    with_values = terms_of(scores, rewards, values, 1.0, what="theta = -0.5 with the values as baselines")
    without = terms_of(scores, rewards, None, 1.0, what="theta = -0.5 without baselines")
    z = z_score(with_values, s * (1 - s) * (1 + 4 * s))
    assert z < 5, f"theta = -0.5, value baselines: the mean of the terms is {z:.1f} standard errors from the exact gradient"
    drop, standard_error = mean_and_se(without**2 - with_values**2)  # the same episodes, both unbiased: the variance drop
    assert drop > 5 * standard_error, "the value baselines should lower the variance clearly"

    for theta in [-1.0, 0.0, 0.8]:  # the exact mean over the four outcomes, weighted by their probabilities
        s = 1 / (1 + np.exp(-theta))
        a = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        p = np.prod(np.where(a == 1, s, 1 - s), axis=1)
        got = terms_of((a - s)[..., None], np.column_stack([a[:, 0], 2 * a[:, 0] * a[:, 1]]), what=f"theta = {theta}, the four outcomes")
        checks.expect_close(p @ got, s * (1 - s) * (1 + 4 * s), f"theta = {theta}: the exact mean over the four outcomes")


@test_case(points=1, hidden=True)
def test_variance_discounting_padding_and_shapes(policy_gradient_terms):
    import importlib

    import numpy as np
    from reparam.stats import mean_and_se, variance_and_se

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    outcomes = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

    def problem(theta, a):
        s = 1 / (1 + np.exp(-theta))
        return s, (a - s)[..., None], np.column_stack([a[:, 0], 2 * a[:, 0] * a[:, 1]])

    def terms_of(*args, what):
        got = np.asarray(checks.call_student(policy_gradient_terms, *args, time_limit=5), dtype=float)
        assert got.shape == (args[0].shape[0], 1), f"{what}: expected shape {(args[0].shape[0], 1)}, got {got.shape}"
        return got[:, 0]

    # the variance, against its exact value enumerated over the four outcomes (5 standard errors of a variance)
    theta, n = 0.3, 50_000
    s, scores, rewards = problem(theta, (np.random.default_rng(3).random((n, 2)) < 1 / (1 + np.exp(-theta))).astype(float))
    terms = terms_of(scores, rewards, what="theta = 0.3, 50,000 episodes")
    _, exact_scores, exact_rewards = problem(theta, outcomes)
    p = np.prod(np.where(outcomes == 1, s, 1 - s), axis=1)
    exact_terms = np.einsum("ntd,nt->n", exact_scores, exact_rewards[:, ::-1].cumsum(axis=1)[:, ::-1])
    exact_variance = p @ exact_terms**2 - (p @ exact_terms) ** 2
    whole_return = exact_rewards.sum(axis=1) * exact_scores.sum(axis=(1, 2))
    assert exact_variance < p @ whole_return**2 - (p @ whole_return) ** 2  # reward-to-go beats the whole return
    variance, standard_error = variance_and_se(terms)
    assert abs(variance - exact_variance) < 5 * standard_error, (
        f"theta = 0.3: the variance of the terms, {variance:.4f}, is not within 5 standard errors of the exact {exact_variance:.4f}")

    # discounting: gamma = 0.5 changes the mean to s (1 - s) (1 + 2 gamma s + 2 s)
    theta, gamma, n = 0.2, 0.5, 50_000
    s, scores, rewards = problem(theta, (np.random.default_rng(4).random((n, 2)) < 1 / (1 + np.exp(-theta))).astype(float))
    expected_mean = s * (1 - s) * (1 + 2 * gamma * s + 2 * s)
    terms = terms_of(scores, rewards, None, gamma, what="theta = 0.2, gamma = 0.5")
    mean, standard_error = mean_and_se(terms)
    z = abs(mean - expected_mean) / standard_error
    assert z < 5, f"theta = 0.2, gamma = 0.5: the mean is {z:.1f} standard errors from the discounted estimator's mean"
    _, exact_scores, exact_rewards = problem(theta, outcomes)
    p = np.prod(np.where(outcomes == 1, s, 1 - s), axis=1)
    got = terms_of(exact_scores, exact_rewards, None, gamma, what="gamma = 0.5, the four outcomes")
    checks.expect_close(p @ got, expected_mean, "theta = 0.2, gamma = 0.5: the exact mean over the four outcomes")

    # random padded episodes, several parameters, random baselines: against a double loop
    rng = np.random.default_rng(5)
    n, steps, d, gamma = 7, 6, 3, 0.9
    lengths = rng.integers(1, steps + 1, size=n)
    alive = np.arange(steps) < lengths[:, None]
    rewards = np.where(alive, rng.normal(size=(n, steps)), 0.0)
    scores = rng.normal(size=(n, steps, d)) * alive[..., None]
    baselines = rng.normal(size=(n, steps))
    expected = np.zeros((n, d))
    for i in range(n):
        for t in range(steps):
            to_go = sum(gamma ** (k - t) * rewards[i, k] for k in range(t, steps))
            expected[i] += scores[i, t] * (to_go - baselines[i, t])
    got = checks.call_student(policy_gradient_terms, scores, rewards, baselines, gamma, time_limit=3)
    checks.expect_close(got, expected, f"{n} padded episodes, d = {d}, gamma = {gamma}, random baselines")
    checks.expect_error(policy_gradient_terms, scores, rewards, baselines[:, :-1], gamma, word="baselines",
                        what=f"baselines of shape {baselines[:, :-1].shape} with rewards of shape {rewards.shape}", time_limit=3)
    checks.expect_error(policy_gradient_terms, scores[..., 0], rewards, word="scores", what="scores of shape (7, 6), without d", time_limit=3)
