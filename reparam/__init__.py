"""reparam: Monte Carlo gradient estimation, the score function and the pathwise estimator, in numpy.

>>> import reparam as rp
>>> p = rp.Normal(loc=2.0, scale=1.0)
>>> g = rp.pathwise(lambda x: 2 * x, p, n=1000, rng=0)
>>> round(float(g["loc"].mean()), 1)
4.0
"""

from .distributions import Distribution, Exponential, Normal
from .estimators import pathwise, score_function

__all__ = ["Distribution", "Normal", "Exponential", "score_function", "pathwise"]
__version__ = "0.1.0"
