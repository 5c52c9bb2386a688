"""Benchmark of the analysis, and of the same tests in pingouin on the same data.

Each size runs in a fresh process, so that its peak memory (max RSS) is its
own. The process generates two synthetic waves, times the whole analysis
(themes and items, bootstrap intervals included; peak memory is taken right
after it) and then, on the same theme scores and answers, each test on its
own in this package and in pingouin. It prints one summary line per size::

    size=10000x2 seconds=0.81 peak_mb=190

followed by the per-test table. pingouin is a benchmark-only dependency::

    .venv/bin/python -m pip install -e '.[bench]'

Without it the comparison is skipped with a message and the summary lines
still come.

Usage: ``.venv/bin/python benchmarks/analysis_bench.py [SIZE ...]``
(default sizes 1000 10000 100000 responses per wave). ``--no-pingouin``
leaves the comparison out.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

DEFAULT_SIZES = (1_000, 10_000, 100_000)
N_RESAMPLES = 2_000
INSTALL_HINT = "pip install -e '.[bench]' (or: pip install pingouin)"
#: pingouin's BCa jackknife and Mann-Whitney U take minutes above this many responses per wave
#: (71 s and 32 s at 10,000 on a busy 2-core machine), so larger sizes run without them.
PINGOUIN_MAX_SIZE = 10_000


def _seconds(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _pingouin() -> Any | None:
    try:
        import pingouin
    except ImportError:
        return None
    return pingouin


def compare_tests(frame: Any, questionnaire: Any) -> list[dict[str, Any]]:
    """Time each test here and in pingouin on the same data; one row per test.

    Summed over the five themes (Welch t, Hedges g with a bootstrap interval
    of 2,000 resamples, Cronbach's alpha per wave) and over the 27 items
    (rank test), then Holm on the themes' and Benjamini–Hochberg on the
    items' p-values. Both bootstrap intervals are BCa (pingouin 0.7's
    ``compute_bootci(method="BCa")``). pingouin has no Brunner–Munzel test:
    its Mann–Whitney U is timed in its place, and the table says so.
    """
    import numpy as np
    import pingouin

    from analysis.scoring import greener, theme_items, theme_scores
    from analysis.stats import (
        benjamini_hochberg,
        brunner_munzel,
        cronbach_alpha,
        hedges_g,
        holm,
        welch_ttest,
    )
    from questionnaires import SCALE_KINDS

    scores = theme_scores(frame, questionnaire)
    in_baseline = (frame["wave"] == "baseline").to_numpy()
    waves = [
        (
            scores.loc[in_baseline, theme].dropna().to_numpy(),
            scores.loc[~in_baseline, theme].dropna().to_numpy(),
        )
        for theme in scores.columns
    ]
    items = [
        (values[in_baseline].dropna().to_numpy(), values[~in_baseline].dropna().to_numpy())
        for values in (
            greener(frame, item) for item in questionnaire.items if item.kind in SCALE_KINDS
        )
    ]
    item_frames = [
        (table[in_baseline], table[~in_baseline])
        for table in (theme_items(frame, questionnaire, theme) for theme in scores.columns)
    ]
    theme_p = np.linspace(0.001, 0.2, len(waves))
    item_p = np.linspace(0.001, 0.9, len(items))

    def each(function: Callable[..., Any], pairs: list[tuple[Any, Any]]) -> Callable[[], None]:
        return lambda: [function(before, after) for before, after in pairs]

    pg_bootstrap = lambda before, after: pingouin.compute_bootci(  # noqa: E731
        after, before, func="hedges", n_boot=N_RESAMPLES, method="BCa", seed=1
    )
    runs = [
        (
            "Welch t (5 themes)",
            each(welch_ttest, waves),
            each(lambda b, f: pingouin.ttest(f, b, correction=True), waves),
            "",
        ),
        (
            "Hedges g + 2,000-resample interval (5 themes)",
            each(lambda b, f: hedges_g(b, f, n_resamples=N_RESAMPLES), waves),
            each(
                lambda b, f: (pingouin.compute_effsize(f, b, eftype="hedges"), pg_bootstrap(b, f)),
                waves,
            ),
            "both BCa",
        ),
        (
            "Cronbach's alpha, pairwise (5 themes x 2 waves)",
            lambda: [cronbach_alpha(wave) for pair in item_frames for wave in pair],
            lambda: [pingouin.cronbach_alpha(data=wave) for pair in item_frames for wave in pair],
            "",
        ),
        (
            f"rank test ({len(items)} items)",
            each(brunner_munzel, items),
            each(lambda b, f: pingouin.mwu(f, b), items),
            "ours Brunner-Munzel, pingouin Mann-Whitney U",
        ),
        (
            "Holm (themes) + Benjamini-Hochberg (items)",
            lambda: (holm(theme_p), benjamini_hochberg(item_p)),
            lambda: (
                pingouin.multicomp(theme_p, method="holm"),
                pingouin.multicomp(item_p, method="fdr_bh"),
            ),
            "",
        ),
    ]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pingouin's and pandas' deprecation notes
        for label, ours, theirs, note in runs:
            rows.append(
                {"test": label, "ours": _seconds(ours), "pingouin": _seconds(theirs), "note": note}
            )
    return rows


def measure(size: int, with_pingouin: bool) -> dict[str, Any]:
    """Generate two waves of ``size`` responses, analyse them, then compare the tests."""
    import questionnaires
    from analysis.pipeline import analyse
    from analysis.synthetic import synthetic_responses

    questionnaire = questionnaires.load("klimaatteam")
    frame = synthetic_responses(questionnaire, size, size, seed=size)
    start = time.perf_counter()
    result = analyse(frame, questionnaire, items=True)
    seconds = time.perf_counter() - start
    assert len(result.themes) == 5 and result.themes["g_ci_low"].notna().all()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, Any] = {"size": size, "seconds": seconds, "peak_mb": peak_mb}
    if with_pingouin and _pingouin() is not None and size <= PINGOUIN_MAX_SIZE:
        figures["tests"] = compare_tests(frame, questionnaire)
    return figures


def _print_tests(rows: list[dict[str, Any]]) -> None:
    print(f"  {'test':<50} {'ours s':>8} {'pingouin s':>11} {'ratio':>7}")
    for row in rows:
        ratio = row["pingouin"] / row["ours"] if row["ours"] > 0 else float("nan")
        note = f"  ({row['note']})" if row["note"] else ""
        print(f"  {row['test']:<50} {row['ours']:8.3f} {row['pingouin']:11.3f} {ratio:6.1f}x{note}")


def main(argv: list[str]) -> None:
    with_pingouin = "--no-pingouin" not in argv
    argv = [arg for arg in argv if arg != "--no-pingouin"]
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]), with_pingouin)))
        return
    if with_pingouin and _pingouin() is None:
        print(f"pingouin is not installed: comparison skipped. To include it: {INSTALL_HINT}")
        with_pingouin = False
    sizes = [int(arg) for arg in argv] or list(DEFAULT_SIZES)
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size)]
        output = subprocess.run(
            command + ([] if with_pingouin else ["--no-pingouin"]),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        print(
            f"size={size}x2 seconds={figures['seconds']:.2f} peak_mb={figures['peak_mb']:.0f}",
            flush=True,
        )
        if "tests" in figures:
            _print_tests(figures["tests"])
        elif with_pingouin:
            print(f"  (pingouin left out above {PINGOUIN_MAX_SIZE:,} responses per wave)")


if __name__ == "__main__":
    main(sys.argv[1:])
