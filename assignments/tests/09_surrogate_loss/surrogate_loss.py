"""Question surrogate_loss: a loss whose jax.grad is the score-function estimate, direct term and baseline included."""

from otter.test_files import test_case

OK_FORMAT = False

name = "surrogate_loss"
points = None


@test_case(points=1, hidden=False)
def test_self_check(surrogate_loss):
    import importlib

    checks = importlib.reload(importlib.import_module("reparam.checks"))
    checks.assert_check(checks.check_surrogate_loss, surrogate_loss, time_limit=5)


@test_case(points=1, hidden=True)
def test_equals_the_score_function_estimate_on_the_same_draws(surrogate_loss):
    import importlib

    import jax
    import numpy as np
    import reparam as rp

    jax.config.update("jax_enable_x64", True)
    checks = importlib.reload(importlib.import_module("reparam.checks"))
    forbidden = (rp.score_function, rp.Normal.score)

    def gradient(loss_of_theta, theta):
        return np.asarray(jax.jit(jax.grad(loss_of_theta))(theta))  # compiled whole: quicker than op by op

    gradient.__name__ = "surrogate_loss"  # how the feedback names it

    def reference(cost, dist, n, seed, baseline=None):
        terms = rp.score_function(cost, dist, n, rng=seed, baseline=baseline)
        return np.array([terms["loc"].mean(), terms["scale"].mean()])

    square = lambda x, theta: x**2  # noqa: E731
    # another theta, other draws
    theta, dist = jax.numpy.array([-1.0, 0.5]), rp.Normal(-1.0, 0.5)
    x = dist.sample(20_000, rng=11)
    got = checks.call_student(gradient, lambda t: surrogate_loss(t, x, square), theta, time_limit=5, forbidden=forbidden)
    checks.expect_close(got, reference(lambda x: x**2, dist, 20_000, 11), "cost x**2, theta = (-1, 0.5), 20,000 draws", rtol=0, atol=1e-10)
    # draws that carry a path to theta: the estimate is still the score function's on these draws
    theta, dist = jax.numpy.array([2.0, 1.0]), rp.Normal(2.0, 1.0)
    eps = rp.Normal(0.0, 1.0).noise(10_000, rng=14)
    got = checks.call_student(gradient, lambda t: surrogate_loss(t, t[0] + t[1] * eps, square), theta, time_limit=5, forbidden=forbidden)
    checks.expect_close(got, reference(lambda x: x**2, dist, 10_000, 14), "cost x**2, theta = (2, 1), draws x = mu + sigma * eps computed from theta", rtol=0, atol=1e-10)
    # the leave-one-out baseline
    x = dist.sample(5_000, rng=15)
    got = checks.call_student(gradient, lambda t: surrogate_loss(t, x, square, "loo"), theta, time_limit=5, forbidden=forbidden)
    checks.expect_close(got, reference(lambda x: x**2, dist, 5_000, 15, "loo"), 'cost x**2, theta = (2, 1), baseline="loo"', rtol=0, atol=1e-10)
    # any other string is refused at once
    try:
        checks.call_student(surrogate_loss, theta, x, square, "mean", time_limit=5)
    except AssertionError as error:
        assert "raised ValueError" in str(error), f'baseline="mean" should raise ValueError; {error}'
    else:
        raise AssertionError('baseline="mean" should raise ValueError, but surrogate_loss returned a value')


@test_case(points=1, hidden=True)
def test_unbiased_for_a_step_and_for_an_elbo(surrogate_loss):
    import importlib

    import jax
    import numpy as np
    import reparam as rp
    from reparam.costs import Step

    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    checks = importlib.reload(importlib.import_module("reparam.checks"))
    forbidden = (rp.score_function, rp.Normal.score)

    def gradient(theta, x, cost):
        return np.asarray(jax.jit(jax.grad(surrogate_loss), static_argnums=2)(theta, x, cost))

    gradient.__name__ = "surrogate_loss"  # how the feedback names it

    def within_5_standard_errors(got, exact, per_sample, what):
        standard_error = per_sample.std(axis=0) / np.sqrt(len(per_sample))
        checks.expect_close(got, exact, f"{what}, within 5 standard errors {np.round(standard_error, 4)} of the exact gradient", rtol=0, atol=5 * standard_error)

    # a cost with a jump: only the score function is unbiased
    n, dist = 200_000, rp.Normal(2.0, 1.0)
    x = dist.sample(n, rng=12)
    got = checks.call_student(gradient, jnp.array([2.0, 1.0]), x, lambda x, theta: (x > 2.5).astype(float), time_limit=5, forbidden=forbidden)
    terms = rp.score_function(Step(k=2.5).f, dist, n, rng=12)
    exact = Step(k=2.5).gradient(2.0, 1.0)
    within_5_standard_errors(got, np.array([exact["loc"], exact["scale"]], dtype=float), np.stack([terms["loc"], terms["scale"]], axis=1), "cost 1[x > 2.5], theta = (2, 1)")

    # an ELBO: the cost log p~(z) - log q_theta(z) depends on theta; exact gradient at (0, 1) with m = 1, tau = 0.5
    m, tau, n, dist = 1.0, 0.5, 100_000, rp.Normal(0.0, 1.0)

    def elbo_cost(z, theta):
        log_q = -0.5 * ((z - theta[0]) / theta[1]) ** 2 - jnp.log(theta[1]) - 0.5 * jnp.log(2 * jnp.pi)
        return -0.5 * ((z - m) / tau) ** 2 - log_q

    z = dist.sample(n, rng=13)
    got = checks.call_student(gradient, jnp.array([0.0, 1.0]), z, elbo_cost, time_limit=5, forbidden=forbidden)
    terms = rp.score_function(lambda z: np.asarray(elbo_cost(z, (0.0, 1.0))), dist, n, rng=13)
    score = dist.score(z)  # the direct term: d/dtheta of -log q_theta(z) at fixed z is minus the score
    per_sample = np.stack([terms["loc"] - score["loc"], terms["scale"] - score["scale"]], axis=1)
    what = "cost log p~(z) - log q_theta(z) (m = 1, tau = 0.5), theta = (0, 1)"
    within_5_standard_errors(got, np.array([-(0.0 - m) / tau**2, -1.0 / tau**2 + 1.0]), per_sample, what)
    checks.expect_close(got, per_sample.mean(axis=0), what + ", against the score-function terms plus the direct term", rtol=0, atol=1e-10)
