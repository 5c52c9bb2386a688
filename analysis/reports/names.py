"""Names readers see for waves and departments, given per language by the caller.

The analysis frames key waves and departments by a stable name (``wave``,
``department`` columns). The app hands over what each is called in each
language (``{key: {language: name}}``, already resolved with its own
fallback rule); data from a CSV file has none, and its keys are shown as
they are. Relabel a tidy frame only after every computation, just before it
is drawn or printed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["Names", "relabel", "shown"]

#: Key → language → name.
Names = Mapping[str, Mapping[str, str]]


def shown(names: Names | None, key: str, language: str) -> str:
    """The name of ``key`` in ``language``; the key itself when none is given.

    Examples
    --------
    >>> shown({"nulmeting": {"fr": "mesure initiale"}}, "nulmeting", "fr")
    'mesure initiale'
    >>> shown(None, "nulmeting", "fr")
    'nulmeting'
    """
    return ((names or {}).get(key) or {}).get(language) or key


def relabel(frame: pd.DataFrame, column: str, names: Names | None, language: str) -> pd.DataFrame:
    """A copy of ``frame`` with the keys in ``column`` replaced by their names in ``language``.

    Examples
    --------
    >>> frame = pd.DataFrame({"wave": ["nulmeting", "opvolgmeting"]})
    >>> list(relabel(frame, "wave", {"nulmeting": {"fr": "mesure initiale"}}, "fr")["wave"])
    ['mesure initiale', 'opvolgmeting']
    """
    if not names or column not in frame.columns:
        return frame
    labels = [shown(names, key, language) if isinstance(key, str) else key for key in frame[column]]
    return frame.assign(**{column: labels})
