"""The bootstrap draws SciPy's resamples: the same seed gives SciPy's distribution, bit for bit.

:func:`analysis.stats._bootstrap.bootstrap_distribution` replaced
``scipy.stats.bootstrap`` to make the analysis faster (issue 21). It must
draw the same integers in the same order — across batches, with samples of
odd size, with several samples of different sizes, with a worker thread
drawing ahead — and compute each resample's statistic to the same bits.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.stats._bootstrap import batch_size, bootstrap_distribution
from analysis.stats.effsize import _mean_and_squares


def _statistic(*samples: np.ndarray, axis: int = -1) -> np.ndarray:
    """A statistic that every value of every sample moves: weighted means and spreads."""
    total = 0.0
    for position, sample in enumerate(samples, start=1):
        mean, squares = _mean_and_squares(sample, axis)
        total = total + position * mean + squares / sample.shape[axis]
    return total


@pytest.mark.parametrize(
    ("sizes", "n_resamples"),
    [
        ((30, 31), 999),  # one batch
        ((301,), 2000),  # one sample of odd size
        ((2001, 1999, 7), 1000),  # two batches of three samples
        ((120_001, 3), 25),  # four batches, the next drawn while this one is computed
    ],
)
def test_distribution_is_scipys_bit_for_bit(sizes: tuple[int, ...], n_resamples: int) -> None:
    rng = np.random.default_rng(sum(sizes))
    samples = [np.sort(rng.integers(1, 6, size=(n, 4)).mean(axis=1)) for n in sizes]
    # scipy.stats.bootstrap(samples, statistic, batch=<the analysis's batch>, rng=seed 7)
    reference = stats.bootstrap(
        samples,
        _statistic,
        n_resamples=n_resamples,
        batch=batch_size(n_resamples, max(sizes)),
        vectorized=True,
        method="percentile",
        rng=np.random.default_rng(7),
    ).bootstrap_distribution
    ours = bootstrap_distribution(
        sizes,
        lambda *drawn: _statistic(*(sample[d] for sample, d in zip(samples, drawn, strict=True))),
        n_resamples=n_resamples,
        random_state=7,
    )
    np.testing.assert_array_equal(ours, reference)


def test_a_generator_given_is_used_and_advanced_as_scipy_would() -> None:
    values = np.linspace(1.0, 5.0, 41)
    ours_rng, scipy_rng = np.random.default_rng(3), np.random.default_rng(3)
    bootstrap_distribution(
        [values.size],
        lambda drawn: values[drawn].mean(axis=-1),
        n_resamples=50,
        random_state=ours_rng,
    )
    stats.bootstrap(
        (values,), np.mean, n_resamples=50, batch=50, method="percentile", rng=scipy_rng
    )
    assert ours_rng.integers(0, 2**62) == scipy_rng.integers(0, 2**62)
