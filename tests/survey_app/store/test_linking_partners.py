"""The app's pair ids (keyed hashes of linking codes) give every response at most one partner.

The analysis refuses a pair id given to two responses of one wave
(:func:`analysis.data.validate_responses`); the pair ids the app derives from
its stored codes must never be refused, however crowded the codes are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import questionnaires
from analysis.data import validate_responses
from analysis.linking import match_codes, pair_ids
from survey_app.store.linking import ELEMENTS, hash_code


@pytest.mark.parametrize("seed", range(10))
def test_stored_codes_pair_each_response_at_most_once(seed):
    rng = np.random.default_rng(seed)
    key = bytes(range(32))
    n = 150
    # two letters per element, a blank now and then: many exact repeats (ambiguous) and
    # many codes one element apart (tolerant candidates) in both waves
    answers = [
        [None if rng.random() < 0.05 else str(rng.choice(["a", "b"])) for _ in ELEMENTS]
        for _ in range(2 * n)
    ]
    frame = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(2 * n)],
            "wave": ["nulmeting"] * n + ["opvolgmeting"] * n,
            "energy_pc_off": "3",
        }
    )
    codes = pd.Series([hash_code(key, values) for values in answers], index=frame["response_id"])
    result = match_codes(codes.iloc[:n], codes.iloc[n:])
    frame["pair_id"] = pair_ids(frame, result)
    keyed = frame[frame["pair_id"].notna()]
    assert len(keyed) == 2 * len(result.pairs) > 0
    assert not keyed.duplicated(["wave", "pair_id"]).any()
    assert (keyed.groupby("pair_id")["wave"].nunique() == 2).all()
    validate_responses(frame.fillna(""), questionnaires.load("klimaatteam"))  # does not raise
