"""Reading the coach's CSV downloads as a Belgian spreadsheet program would."""

from __future__ import annotations

import io

import pandas as pd


def read_spreadsheet_csv(data: bytes, **options) -> pd.DataFrame:
    """A CSV download in the form Excel opens in nl-BE and fr-BE (BOM, ``;``, decimal commas)."""
    assert data.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble accents"
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", **options)
