"""The Examples sections in analysis.stats must print what they promise."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "analysis.stats._common",
    "analysis.stats.effsize",
    "analysis.stats.linked_effsize",
    "analysis.stats.linked_proportions",
    "analysis.stats.multicomp",
    "analysis.stats.nonparametric",
    "analysis.stats.parametric",
    "analysis.stats.power",
    "analysis.stats.proportions",
    "analysis.stats.reliability",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False, report=True
    )
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
