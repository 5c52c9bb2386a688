"""`klimaatpeil analyse --items` names, per item, the answers its share counts.

On :mod:`tests.known_shares`, 62.5 % disagree at the baseline that working
green is hard on a busy day (12.5 % agree): the item rows of the CSV and the
workbook carry the statement's text and "(helemaal) oneens" next to 0.625.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.known_shares import COUNTED, RAW, WAVES, Q, greener_share, known_frame


@pytest.fixture
def responses(tmp_path):
    frame = known_frame()
    path = tmp_path / "responses.csv"
    frame.to_csv(path, index=False)
    return frame, path


@pytest.mark.parametrize("output_format", ["csv", "xlsx"])
def test_item_rows_name_the_answers_their_share_counts(runner, responses, tmp_path, output_format):
    frame, path = responses
    out = tmp_path / f"analysis.{output_format}"
    result = runner.invoke(
        args=["analyse", str(path), "--items", "--format", output_format, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    if output_format == "csv":
        text = out.read_text(encoding="utf-8")
        items = pd.read_csv(io.StringIO(text.split("\n\n", 1)[1]))
    else:
        items = pd.read_excel(out, sheet_name="items")
    items = items.set_index("item")
    for item_id in RAW:
        row = items.loc[item_id]
        assert row["item_label"] == Q.item(item_id).label["nl"]
        assert row["counted_answers"] == COUNTED["nl"][item_id]
        for wave, column in zip(WAVES, ("top2_baseline", "top2_follow_up"), strict=True):
            assert row[column] == pytest.approx(greener_share(frame, item_id, wave))
    assert items.loc["engagement_busy", "top2_baseline"] == pytest.approx(0.625)
