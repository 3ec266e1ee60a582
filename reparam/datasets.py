"""Small real data sets that ship inside an installed package, so that nothing is downloaded.

The "In practice" chapters train on scikit-learn's copy of the UCI optical digits. Importing scikit-learn
takes over a second (scipy comes with it), which is a tenth of a chapter's budget in JupyterLab; the file
itself is read here directly, and gives exactly the arrays of ``sklearn.datasets.load_digits()``.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np

__all__ = ["digits"]


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten digits: 8 x 8 grey levels in 0..16, and their labels 0..9.

    Returns
    -------
    images : ndarray of float, shape (1797, 64)
        One image per row, pixels in row-major order: the same array as ``load_digits().data``.
    labels : ndarray of int, shape (1797,)
        The digit each image shows: ``load_digits().target``.

    Raises
    ------
    ImportError
        If scikit-learn is not installed (``pip install scikit-learn``).
    """
    spec = find_spec("sklearn")  # where the package lies, without importing it
    if spec is None or spec.origin is None:
        raise ImportError("digits() reads the data file that ships with scikit-learn: pip install scikit-learn")
    table = np.loadtxt(Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz", delimiter=",")
    return table[:, :-1], table[:, -1].astype(int)
