"""Which comparison a pair of waves allows: independent, paired, or partially paired.

Without linking codes the two waves are independent samples. With a
``pair_id`` column (from :mod:`analysis.linking`), the respondents who were
matched and answered in both waves form pairs; the others stay unpaired.
A theme score or item answer missing in one wave of a pair makes the other
one unpaired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

INDEPENDENT, PAIRED, PARTIALLY_PAIRED = "independent", "paired", "partially_paired"
#: Fewer pairs than this and the comparison stays independent (the tests need two).
MIN_PAIRS = 2


@dataclass(frozen=True)
class Samples:
    """One outcome's values in both waves, split into pairs and the rest."""

    baseline: np.ndarray
    follow_up: np.ndarray
    baseline_paired: np.ndarray
    follow_up_paired: np.ndarray
    baseline_unpaired: np.ndarray
    follow_up_unpaired: np.ndarray

    @property
    def n_pairs(self) -> int:
        return len(self.baseline_paired)

    @property
    def design(self) -> str:
        if self.n_pairs < MIN_PAIRS:
            return INDEPENDENT
        if len(self.baseline_unpaired) == 0 and len(self.follow_up_unpaired) == 0:
            return PAIRED
        return PARTIALLY_PAIRED


def wave_rows(frame: pd.DataFrame, baseline: str, follow_up: str) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``frame`` in the baseline and in the follow-up wave, as boolean arrays."""
    return (frame["wave"] == baseline).to_numpy(), (frame["wave"] == follow_up).to_numpy()


def samples(
    values: pd.Series,
    frame: pd.DataFrame,
    baseline: str,
    follow_up: str,
    *,
    in_waves: tuple[np.ndarray, np.ndarray] | None = None,
) -> Samples:
    """Split ``values`` (aligned with ``frame``) into pairs and unpaired answers.

    ``in_waves``, the rows of the baseline and of the follow-up as boolean
    arrays, saves comparing the wave column again for every theme and item.

    Examples
    --------
    >>> frame = pd.DataFrame({"wave": ["b", "b", "f", "f"], "pair_id": ["p", None, "p", None]})
    >>> split = samples(pd.Series([3.0, 4.0, 5.0, 2.0]), frame, "b", "f")
    >>> split.design, split.n_pairs, split.baseline_unpaired.tolist()
    ('independent', 0, [3.0, 4.0])
    """
    values = pd.Series(np.asarray(values, dtype=float), index=frame.index)
    in_b, in_f = in_waves if in_waves is not None else wave_rows(frame, baseline, follow_up)
    b_values, f_values = values[in_b], values[in_f]
    if "pair_id" not in frame:
        empty = np.array([], dtype=float)
        b, f = b_values.dropna().to_numpy(), f_values.dropna().to_numpy()
        return Samples(b, f, empty, empty, b, f)
    pair = frame["pair_id"]
    b_pairs = pd.Series(b_values.to_numpy(), index=pair[in_b].to_numpy())
    f_pairs = pd.Series(f_values.to_numpy(), index=pair[in_f].to_numpy())
    b_keyed = b_pairs[b_pairs.index.notna() & b_pairs.notna()]
    f_keyed = f_pairs[f_pairs.index.notna() & f_pairs.notna()]
    both = b_keyed.index.intersection(f_keyed.index)
    b_paired = b_keyed.loc[both].to_numpy()
    f_paired = f_keyed.loc[both].to_numpy()
    b_rest = b_pairs[~(b_pairs.index.isin(both) & b_pairs.index.notna())].dropna().to_numpy()
    f_rest = f_pairs[~(f_pairs.index.isin(both) & f_pairs.index.notna())].dropna().to_numpy()
    if len(both) < MIN_PAIRS:
        # too few pairs to use: every answer counts as independent
        b_all, f_all = b_values.dropna().to_numpy(), f_values.dropna().to_numpy()
        empty = np.array([], dtype=float)
        return Samples(b_all, f_all, empty, empty, b_all, f_all)
    return Samples(
        np.concatenate([b_paired, b_rest]),
        np.concatenate([f_paired, f_rest]),
        b_paired,
        f_paired,
        b_rest,
        f_rest,
    )
