"""The klimaatpeil command: questionnaires, users, demo, database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from sqlalchemy import func, select

from survey_app.store.models import Organisation, Response, Role, User, Wave, WaveStatus

KLIMAATPEIL = [sys.executable, "-m", "survey_app.cli"]


def test_questionnaire_check_ok(runner):
    result = runner.invoke(args=["questionnaire", "check", "klimaatteam"])
    assert result.exit_code == 0
    assert result.output.startswith("OK")


def test_questionnaire_check_lists_every_problem(runner, tmp_path: Path):
    data = yaml.safe_load(Path("questionnaires/data/klimaatteam.yaml").read_text(encoding="utf-8"))
    first, second = data["items"][0], data["items"][1]
    del first["label"]["fr"]
    second["id"] = first["id"]
    data["items"][2]["theme"] = "no_such_theme"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "check", str(broken)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3, result.output
    text = result.output
    assert first["id"] in text and "fr" in text
    assert "no_such_theme" in text and data["items"][2]["id"] in text
    assert "duplicate" in text.lower()


def test_questionnaire_show_json(runner):
    result = runner.invoke(args=["questionnaire", "show", "klimaatteam", "--format", "json"])
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert [t["id"] for t in shown["themes"]] == [
        "energy_water",
        "waste",
        "paper_purchasing",
        "mobility",
        "engagement",
    ]
    item = next(i for i in shown["items"] if i["id"] == "energy_window_heating")
    assert (
        item["reverse"] is True and item["kind"] == "frequency" and item["theme"] == "energy_water"
    )
    mode = next(i for i in shown["items"] if i["id"] == "mobility_mode")
    assert [c["code"] for c in mode["choices"]] == [1, 2, 3, 4, 5, 6, 7]


def test_users_create(runner, db_session, setup):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Viewer@Testdorp.be",
            "--role",
            "viewer",
            "--organisation",
            "testdorp",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    user = db_session.scalar(select(User).where(User.email == "viewer@testdorp.be"))
    assert user.role is Role.VIEWER and [o.slug for o in user.organisations] == ["testdorp"]
    assert not user.password_hash.startswith("pbkdf2")  # scrypt, memory-hard


def test_users_create_with_password_on_stdin(runner, db_session, setup, client, auth):
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--role", "admin", "--password-stdin"],
        input="a-long-secret-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "a-long-secret-1" not in result.output
    assert auth.login("admin@example.org", "a-long-secret-1").status_code == 302


def test_users_create_refuses_bad_input(runner, setup):
    for args in (
        ["not-an-email", "--role", "coach"],
        ["v@x.be", "--role", "viewer"],
        ["c@x.be", "--role", "coach", "--organisation", "nowhere"],
        [setup.coach_email, "--role", "coach"],
    ):
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code == 1, args
        assert "Error:" in result.output and "Traceback" not in result.output


def test_demo_creates_demodorp(runner, db_session):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "coach@demodorp.be" in result.output and "Password:" in result.output
    organisation = db_session.scalar(select(Organisation))
    assert organisation.name == "Gemeente Demodorp"
    assert 300 <= organisation.headcount <= 340
    waves = organisation.campaigns[0].waves
    assert [w.status for w in waves] == [WaveStatus.CLOSED, WaveStatus.CLOSED, WaveStatus.OPEN]
    counts = [
        db_session.scalar(
            select(func.count()).select_from(Response).where(Response.wave_id == w.id)
        )
        for w in waves
    ]
    assert 130 <= counts[0] <= 150 and 115 <= counts[1] <= 135 and counts[2] == 0
    assert f"/s/{waves[2].token}" in result.output

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0
    assert "new password" in again.output
    assert db_session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_demo_password_is_generated(runner):
    first = runner.invoke(args=["demo", "--if-empty"]).output
    second = runner.invoke(args=["demo", "--if-empty"]).output
    password = [line.split()[-1] for line in first.splitlines() if "Password:" in line]
    assert password and password[0] not in second


def test_demo_prints_a_working_admin_login(runner, auth, client):
    output = runner.invoke(args=["demo", "--if-empty"]).output
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if "admin@demodorp.be" in line)
    password = lines[at + 1].split()[-1]
    assert auth.login("admin@demodorp.be", password).status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_demo_survey_link_works(runner, client, db_session):
    runner.invoke(args=["demo"])
    wave = db_session.scalar(select(Wave).where(Wave.status == WaveStatus.OPEN))
    for lang in ("nl", "fr", "en"):
        assert client.get(f"/s/{wave.token}?lang={lang}").status_code == 200


def test_console_script_runs_without_traceback(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "PATH": ""}
    result = subprocess.run(
        [*KLIMAATPEIL, "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_questionnaire_check_refuses_reserved_item_ids(runner, tmp_path: Path):
    """Each item that takes a name of the survey form or the CSV format is named, exit 2."""
    import yaml

    from tests.survey_app.conftest import EVERY_KIND

    colliding = ["submission_key", "invitation", "pair_id", "link_x", "department", "wave"]
    data = {**EVERY_KIND, "items": list(EVERY_KIND["items"])}
    for item_id in colliding:
        data["items"].append(
            {
                "id": item_id,
                "theme": "energy",
                "kind": "frequency",
                "label": {"nl": "Vraag", "fr": "Question", "en": "Question"},
            }
        )
    path = tmp_path / "reserved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "check", str(path)])
    assert result.exit_code == 2, result.output
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(problems) == len(colliding)
    for item_id, problem in zip(colliding, problems, strict=True):
        assert f"item '{item_id}'" in problem and "reserved" in problem
    assert "a field of the survey form" in result.output
    assert "a column of the CSV exchange format" in result.output
    assert "linking-code questions" in result.output
