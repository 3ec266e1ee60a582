"""reparam: Monte Carlo gradient estimation, the score function and the pathwise estimator, in numpy.

>>> import reparam as rp
>>> p = rp.Normal(loc=2.0, scale=1.0)
>>> g = rp.pathwise(lambda x: 2 * x, p, n=1000, rng=0)
>>> round(float(g["loc"].mean()), 1)
4.0
"""

from .distributions import Distribution, Exponential, Normal
from .discrete import Bernoulli, Categorical
from .relaxed import RelaxedCategorical
from .estimators import pathwise, score_function
from .baselines import optimal_baseline
from .measure_valued import measure_valued
from . import costs, exact, experiments, stats  # numpy only; the figure modules (interactive, plotting) load on demand

__all__ = [
    "Distribution", "Normal", "Exponential", "Gamma", "Beta", "Dirichlet", "Bernoulli", "Categorical",
    "RelaxedCategorical", "score_function", "pathwise", "measure_valued", "optimal_baseline", "costs", "exact",
    "experiments", "stats",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    """Load ``Gamma``, ``Beta`` and ``Dirichlet`` on first use: they need scipy.special, which would double the
    time of ``import reparam``."""
    if name == "Gamma":
        from .gamma import Gamma

        return Gamma
    if name in ("Beta", "Dirichlet"):
        from . import beta

        return getattr(beta, name)
    raise AttributeError(f"module 'reparam' has no attribute {name!r}")
