"""Whatever a stored snapshot or an edited file contains, loading never crashes.

The shipped questionnaire's data is mutated at random (keys deleted, values
replaced by values of random types); ``from_dict`` must either return a
Questionnaire or raise QuestionnaireError, never anything else.
"""

from __future__ import annotations

import copy
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import Questionnaire, QuestionnaireError, from_dict, load

SHIPPED = resources.files("questionnaires").joinpath("data", "klimaatteam.yaml")
BASE: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))

# Plausible values reach the deeper checks; random ones test the type handling.
_PLAUSIBLE = st.sampled_from(
    [
        *("frequency", "choice", "number", "text", "yes_no", "intention", "nl", "fr", "de"),
        *("FR", "energy_water", "waste", "greaves_2013", "energy_pc_off", "", "x" * 50),
    ]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
    | _PLAUSIBLE
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) | st.integers() | _PLAUSIBLE, inner, max_size=3)
    ),
    max_leaves=6,
)


def _places(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in the data, outermost first."""
    found: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            found += _places(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((node, index))
            found += _places(value)
    return found


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = _places(data)
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        if draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(_VALUES)
    return data


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_from_dict_returns_or_raises_questionnaire_error(data: dict[str, Any]) -> None:
    try:
        result = from_dict(data)
    except QuestionnaireError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.where and problem.message
            assert str(problem)
    else:
        assert isinstance(result, Questionnaire)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_load_of_any_bytes_returns_or_raises_questionnaire_error(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yaml"
        path.write_bytes(content)
        try:
            load(path)
        except QuestionnaireError as error:
            assert error.problems
            assert str(error)
