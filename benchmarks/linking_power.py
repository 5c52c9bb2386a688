"""How often the independent and the partially paired tests find the same real change.

Synthetic waves of 120 respondents each on the default questionnaire; half
of the follow-up respondents answered the baseline too and gave their
linking code (one in ten with a typo). The energy-and-water theme moves by a
fixed latent shift; every other theme stays put. For each replication the
same data are analysed twice: once ignoring the codes (Welch t on
independent waves) and once with them (partially overlapping samples t).
Prints the share of replications in which each design finds the change
(Holm-adjusted p < 0.05), and the false-positive rate on the unchanged themes.
With a third argument N, waves of N respondents each (default 120).

It also prints the share of wrong pairs among all pairs of the tolerant rule
(exact plus one element differing) as the synthetic truth knows it, next to
the estimate the analysis makes from the codes alone
(:func:`analysis.linking.estimate_false_tolerant`), and how often that
estimate exceeded ``Settings.max_false_match_share`` so that only exact
matches were used. The power figures use the pairs the analysis uses.

Usage: ``.venv/bin/python benchmarks/linking_power.py [REPLICATIONS] [SHIFT] [N]``
"""

from __future__ import annotations

import sys

import questionnaires
from analysis.compare import compare_themes
from analysis.linking import match_codes, pair_ids, split_codes
from analysis.progress import progress
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses


def _linked(frame, n: int, max_false_share: float):
    """The frame with pair ids, the match counts, and the true share of wrong pairs.

    synthetic_responses puts baseline respondent i at row i and, when they answer
    again (i below half of n, as linked_share=0.5), at row n + i; the response ids
    are random, so the rows give the truth.
    """
    returning = round(0.5 * n)
    codes = split_codes(frame["linking_code"])
    codes.index = frame["response_id"].to_numpy()
    row = {rid: position for position, rid in enumerate(frame["response_id"])}
    waves = frame["wave"].to_numpy()
    result = match_codes(codes[waves == "baseline"], codes[waves == "follow_up"])
    found = result.pairs  # the tolerant rule, before any fallback
    right = sum(row[f] - n == row[b] < returning for b, f in found.items())
    truth = (len(found) - right) / max(len(found), 1)
    used = match_codes(
        codes[waves == "baseline"], codes[waves == "follow_up"], max_false_share=max_false_share
    )
    ids = pair_ids(frame, used)
    return frame.assign(pair_id=ids), used.counts, truth


def main(replications: int = 300, shift: float = 0.3, n: int = 120) -> None:
    questionnaire = questionnaires.load("klimaatteam")
    settings = Settings(n_resamples=50)
    found = {"independent": 0, "partially_paired": 0}
    false_positive = {"independent": 0, "partially_paired": 0}
    pairs = wrong = estimated = exact_only = 0
    for seed in progress(range(replications), label="replications"):
        frame = synthetic_responses(questionnaire, n, n, shifts={"energy_water": shift},
                                    linked_share=0.5, seed=seed)  # fmt: skip
        linked, counts, truth = _linked(frame, n, settings.max_false_match_share)
        pairs += counts["n_pairs"]
        wrong += truth
        estimated += counts["estimated_false_share"]
        exact_only += counts["exact_only"]
        for design, data in (("independent", frame.drop(columns=["linking_code"])),
                             ("partially_paired", linked)):  # fmt: skip
            table = compare_themes(data, questionnaire, "baseline", "follow_up", settings)
            table = table.set_index("theme")
            found[design] += bool(table.loc["energy_water", "p_holm"] < 0.05)
            others = table.drop(index="energy_water")
            false_positive[design] += int((others["p_holm"] < 0.05).sum())
    print(f"replications={replications} n_per_wave={n} shift={shift} "
          f"mean_pairs={pairs / replications:.1f}")  # fmt: skip
    print(
        f"tolerant rule: wrong_pairs_true={wrong / replications:.4f} "
        f"wrong_pairs_estimated={estimated / replications:.4f} "
        f"exact_only={exact_only / replications:.3f}"
    )
    for design in found:
        print(
            f"{design}: power={found[design] / replications:.3f} "
            f"false_positive_per_theme={false_positive[design] / (4 * replications):.3f}"
        )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(
        int(arguments[0]) if arguments else 300,
        float(arguments[1]) if len(arguments) > 1 else 0.3,
        int(arguments[2]) if len(arguments) > 2 else 120,
    )
