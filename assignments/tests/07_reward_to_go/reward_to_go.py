"""Question reward_to_go: the (discounted) reward-to-go of every episode of a zero-padded batch at every step."""

from otter.test_files import test_case

OK_FORMAT = False

name = "reward_to_go"
points = None


@test_case(points=1, hidden=False)
def test_self_check(reward_to_go):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_reward_to_go, reward_to_go, time_limit=3)


@test_case(points=1, hidden=True)
def test_padded_episodes_against_a_double_loop(reward_to_go):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    rng = np.random.default_rng(5)
    n, steps = 7, 6
    lengths = rng.integers(1, steps + 1, size=n)
    rewards = np.where(np.arange(steps) < lengths[:, None], rng.normal(size=(n, steps)), 0.0)
    for gamma in [0.9, 0.0, 0.5, 1.0]:  # a formula right at gamma = 1 only fails here
        expected = np.zeros((n, steps))
        for i in range(n):
            for t in range(steps):
                expected[i, t] = sum(gamma ** (k - t) * rewards[i, k] for k in range(t, steps))
        got = checks.call_student(reward_to_go, rewards, gamma, time_limit=3)
        checks.expect_close(got, expected, f"{n} episodes of lengths {lengths.tolist()}, gamma={gamma}")
    got = checks.call_student(reward_to_go, [[0.0, 0.0, 4.0]], 0.5, time_limit=3)  # a list, and a reward only at the end
    checks.expect_close(got, [[1.0, 2.0, 4.0]], "rewards = [[0, 0, 4]] (a list), gamma = 0.5")
    got = checks.call_student(reward_to_go, np.arange(1.0, 5.0)[:, None], 0.3, time_limit=3)
    checks.expect_close(got, np.arange(1.0, 5.0)[:, None], "four one-step episodes, shape (4, 1)")


@test_case(points=1, hidden=True)
def test_bad_input_is_refused(reward_to_go):
    import importlib

    import numpy as np

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.expect_error(reward_to_go, np.ones((2, 3, 1)), word="rewards", what="rewards of shape (2, 3, 1)", time_limit=3)
    checks.expect_error(reward_to_go, np.array(1.0), word="rewards", what="a 0-d rewards", time_limit=3)
    checks.expect_error(reward_to_go, np.ones((2, 3)), 1.0001, word="gamma", what="gamma = 1.0001", time_limit=3)
    checks.expect_error(reward_to_go, np.ones((2, 3)), -0.5, word="gamma", what="gamma = -0.5", time_limit=3)
    checks.expect_error(reward_to_go, [1.0, 2.0], 0.5, word="rewards", what="rewards = [1, 2], a 1-D list", time_limit=3)
    for gamma in [0.0, 1.0]:  # the ends of [0, 1] are allowed
        got = checks.call_student(reward_to_go, np.array([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]]), gamma, time_limit=3)
        expected = [[6.0, 5.0, 3.0], [4.0, 0.0, 0.0]] if gamma == 1.0 else [[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]]
        checks.expect_close(got, expected, f"two episodes, one ended after a step, gamma = {gamma}")
