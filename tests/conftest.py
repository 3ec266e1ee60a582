"""Shared test set-up: the seeds.

Every random test is seeded from ``BASE_SEED`` (the environment variable ``REPARAM_TEST_SEED``, default 0),
so that ``for s in $(seq 0 19); do REPARAM_TEST_SEED=$s pytest tests; done`` runs the suite under twenty
independent seeds: a bound that fails for one of them is a bound that is too tight, not bad luck.
"""

from __future__ import annotations

import os
import zlib

import numpy as np

BASE_SEED = int(os.environ.get("REPARAM_TEST_SEED", "0"))
SEED = BASE_SEED


def seed(*labels: object) -> int:
    """A seed derived from the base seed (env REPARAM_TEST_SEED) and the test's labels."""
    return int(np.random.SeedSequence([BASE_SEED, zlib.crc32(repr(labels).encode())]).generate_state(1)[0])
