"""Chapter 10 draws its noise flat and reshapes it (a flat draw compiles several times faster): with the pinned
JAX that must give exactly the numbers of ``jax.random.normal(key, shape)``, for every shape the chapter uses."""

import math

import numpy as np
import pytest

jax = pytest.importorskip("jax")


@pytest.mark.parametrize("shape", [(10, 2), (2, 100, 2), (32, 2, 100, 2), (3, 7, 11, 2)])
def test_a_flat_draw_reshaped_is_jax_random_normal(shape):
    key = jax.random.key(sum(shape))
    flat = jax.random.normal(key, (math.prod(shape),)).reshape(shape)
    np.testing.assert_array_equal(np.asarray(flat), np.asarray(jax.random.normal(key, shape)))
