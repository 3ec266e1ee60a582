"""reparam.datasets reads the data files that packages ship, and gives exactly what the package's loader gives."""

import numpy as np

from reparam.datasets import digits


def test_digits_are_scikit_learns_digits():
    from sklearn.datasets import load_digits

    images, labels = digits()
    expected = load_digits()
    assert images.shape == (1797, 64) and labels.shape == (1797,)
    np.testing.assert_array_equal(images, expected.data)
    np.testing.assert_array_equal(labels, expected.target)
    assert images.min() == 0 and images.max() == 16 and set(labels.tolist()) == set(range(10))
