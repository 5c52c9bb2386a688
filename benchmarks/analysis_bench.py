"""Benchmark of the analysis: themes and items, bootstrap intervals included.

Runs each size in a fresh process so that its peak memory (max RSS) is its
own, and prints one line per size:

    size=10000x2 seconds=1.23 peak_mb=210

Usage: ``.venv/bin/python benchmarks/analysis_bench.py [SIZE ...]``
(default sizes 1000 10000 100000 responses per wave).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

DEFAULT_SIZES = (1_000, 10_000, 100_000)


def measure(size: int) -> dict[str, float]:
    """Generate two waves of ``size`` responses and analyse themes and items."""
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
    return {"size": size, "seconds": seconds, "peak_mb": peak_mb}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(arg) for arg in argv] or list(DEFAULT_SIZES)
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        print(
            f"size={size}x2 seconds={figures['seconds']:.2f} peak_mb={figures['peak_mb']:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
