"""The linking code in the app: optional, stored as leave-one-out hashes, matched into pair ids.

The attacks on the stored hashes are in tests/privacy/test_linking_codes.py.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from sqlalchemy import select

from survey_app.campaign_data import campaign_frame
from survey_app.store.linking import campaign_key, codes_under_another_key, key_fingerprint
from survey_app.store.models import Campaign, LinkingCode, Wave, WaveStatus
from tests.conftest import hidden_fields
from tests.survey_app.conftest import publish_waiting
from tests.survey_app.web.test_survey import VALID, _post
from tests.tables import dump_text

CODE = {
    "link_mother": "m",
    "link_father": "J",
    "link_month": "7",
    "link_siblings": "1",
    "link_day": "3",
}


def _enable(db_session, setup) -> None:
    campaign = db_session.get(Campaign, setup.campaign.id)
    campaign.linking_enabled = True
    db_session.commit()


def _last_part(client, wave) -> str:
    """The survey's last part (where the linking questions are), as the browser reaches it."""
    url = f"/s/{wave.token}?lang=nl"
    first = client.get(url)
    data = {**hidden_fields(first.text), "freq": "4", "agree": "2", "move": "next"}
    return client.get(client.post(url, data=data).headers["Location"]).text


def test_the_code_is_optional_and_explained(client, setup, db_session):
    assert "Deel 2 van 2" in _last_part(client, setup.open_wave)
    assert "link_mother" not in _last_part(client, setup.open_wave)
    _enable(db_session, setup)
    page = _last_part(client, setup.open_wave)
    assert "link_mother" in page and "koppelcode" in page.lower()
    assert _post(client, setup.open_wave, VALID).status_code == 303  # skipped: fine
    db_session.expire_all()
    assert db_session.scalars(select(LinkingCode)).all() == []


def test_elements_are_stored_as_keyed_hashes_only(app, client, setup, db_session):
    _enable(db_session, setup)
    assert _post(client, setup.open_wave, {**VALID, **CODE}).status_code == 303
    publish_waiting(app, db_session)
    (stored,) = db_session.scalars(select(LinkingCode)).all()
    assert all(re.fullmatch(r"[0-9a-f]{16}", value) for value in stored.hashes)
    assert len(set(stored.hashes)) == 5
    campaign = db_session.get(Campaign, setup.campaign.id)
    with app.app_context():
        assert stored.key_fingerprint == key_fingerprint(campaign_key(campaign))
        assert codes_under_another_key(db_session, campaign) == 0
    dump = dump_text(db_session.get_bind())  # every stored value, on SQLite and PostgreSQL
    for element in ("'m'", "'J'", "'j'"):
        assert element not in dump


def test_a_bad_initial_is_refused(client, setup, db_session):
    _enable(db_session, setup)
    result = _post(client, setup.open_wave, {**VALID, **CODE, "link_mother": "7"})
    assert result.status_code == 422


def test_matched_waves_export_pair_ids_and_never_codes(app, client, auth, setup, db_session):
    _enable(db_session, setup)
    baseline, follow_up = setup.open_wave, setup.draft_wave
    _post(client, baseline, {**VALID, **CODE})
    _post(client, baseline, {**VALID, **CODE, "link_mother": "x", "link_month": "2"})
    wave = db_session.get(Wave, follow_up.id)
    wave.status = WaveStatus.OPEN
    db_session.commit()
    _post(client, follow_up, {**VALID, **CODE, "link_day": "4"})  # one element off: still a pair
    publish_waiting(app, db_session)  # released as closing the waves would
    for wave_id in (baseline.id, follow_up.id):
        db_session.get(Wave, wave_id).status = WaveStatus.CLOSED
    db_session.commit()
    campaign = db_session.get(Campaign, setup.campaign.id)
    with app.app_context():
        frame = campaign_frame(db_session, campaign)  # what every export and report reads
    assert "pair_id" in frame and not any(column.startswith("link") for column in frame)
    paired = frame.dropna(subset=["pair_id"])
    assert len(paired) == 2 and paired["pair_id"].nunique() == 1
    assert set(paired["wave"]) == {baseline.name, follow_up.name}
    auth.login(setup.coach_email, setup.coach_password)
    download = client.get(f"/coach/campaigns/{setup.campaign.id}/responses.csv")
    assert b"link_" not in download.data  # (with 3 responses, below k, it holds no rows)


def test_demo_impact_report_uses_the_partially_paired_tests(runner, app, db_session, tmp_path):
    from survey_app.store import demo

    with app.app_context():
        demo.create(db_session, seed=2026)  # hashed under the app's LINKING_KEY
    out = tmp_path / "impact.html"
    result = runner.invoke(
        args=["report", "--kind", "impact", "--campaign", "1", "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    linked = re.search(
        r"(\d+) staff answered both waves with the same anonymous linking code", html
    )
    assert linked and int(linked.group(1)) > 30
    analysed = runner.invoke(args=["analyse", "--campaign", "1", "--format", "csv"])
    table = pd.read_csv(io.StringIO(analysed.output))
    assert set(table["design"]) == {"partially_paired"}
    assert (table["n_pairs"] > 30).all()
