"""The app → analysis boundary (survey_app/campaign_data.py)."""

from __future__ import annotations

import io

import pandas as pd

from analysis.data import read_responses
from survey_app.campaign_data import campaign_frame, export_csv, waves_frame
from survey_app.store import demo
from survey_app.store.campaigns import campaign_questionnaire


def _demo(app, db_session):
    return demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])


def test_the_boundary_reads_exactly_what_a_csv_export_reads_back(app, db_session):
    """No CSV round trip any more, and the frame is the same to the last cell and dtype."""
    campaign = _demo(app, db_session)
    direct = campaign_frame(db_session, campaign)
    text = export_csv(db_session, campaign)
    via_csv = read_responses(io.BytesIO(text.encode("utf-8")), campaign_questionnaire(campaign))
    assert len(direct) > 200 and direct["pair_id"].notna().sum() > 20
    pd.testing.assert_frame_equal(direct.drop(columns="pair_id"), via_csv.drop(columns="pair_id"))

    # Pair ids are drawn anew for every read; who is paired with whom is not.
    def groups(frame: pd.DataFrame) -> set[frozenset[str]]:
        linked = frame.dropna(subset=["pair_id"])
        return {frozenset(ids) for _, ids in linked.groupby("pair_id")["response_id"]}

    assert groups(direct) == groups(via_csv)
    assert all(len(group) == 2 for group in groups(direct))


def test_waves_frame_reads_only_those_waves_without_pairs(app, db_session):
    campaign = _demo(app, db_session)
    baseline = campaign.waves[0]
    frame = waves_frame(db_session, campaign, [baseline])
    assert set(frame["wave"]) == {baseline.name}
    assert "pair_id" not in frame


def test_the_notebook_api_reads_an_export_of_the_app(app, db_session, tmp_path):
    """The three lines of the public API on a real export file of a campaign."""
    import analysis as kp

    campaign = _demo(app, db_session)
    path = tmp_path / "export.csv"
    path.write_text(export_csv(db_session, campaign), encoding="utf-8")
    df = kp.read_responses(path, questionnaire=campaign_questionnaire(campaign))
    themes = kp.compare_themes(df)
    items = kp.compare_items(df)
    questionnaire = campaign_questionnaire(campaign)
    assert list(themes["theme"]) == [theme.id for theme in questionnaire.themes]
    assert set(themes["design"]) == {"partially_paired"}  # the demo's linking codes count
    assert len(items) > 10 and items["p_value"].between(0, 1).all()
