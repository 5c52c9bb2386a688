"""Cells a spreadsheet program shows as text and never runs as a formula.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and LibreOffice (``=HYPERLINK(...)`` in a
free-text answer or a department name becomes a live link). Every CSV and
XLSX the app and the command line write passes its cells through
:func:`as_text` (OWASP's rule for CSV injection: prefix a single quote).
Numbers are not text and stay numbers, negative ones too.
"""

from __future__ import annotations

import pandas as pd

#: A text cell starting with one of these is a formula to a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: object) -> object:
    """A cell value that a spreadsheet shows as text, never runs as a formula.

    Parameters
    ----------
    value
        Any cell value; only text (``str``) is changed.

    Returns
    -------
    object
        ``value`` with a single quote in front when it is text starting with
        a formula character; anything else unchanged.

    Examples
    --------
    >>> as_text("=1+1"), as_text("Financiën"), as_text(-3)
    ("'=1+1", 'Financiën', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names pass :func:`as_text`.

    Numeric columns keep their dtype (a CSV writes them as numbers, with
    decimal commas where asked).

    Parameters
    ----------
    frame
        The table about to be written as CSV or XLSX.

    Returns
    -------
    pandas.DataFrame
        The same table, safe to open in a spreadsheet program.
    """
    safe = frame.copy()
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(values):
            safe.isetitem(position, values.astype(object).map(as_text))
    safe.columns = [as_text(column) for column in frame.columns]
    return safe
