"""Migrations: they create exactly the models' schema, and upgrading keeps every row."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from survey_app.store.db import alembic_config
from survey_app.store.models import Base
from tests.conftest import fresh_database_url


def test_migrations_match_the_models(app):
    from survey_app.store.db import get_engine

    with get_engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_from_the_first_schema_keeps_the_data(tmp_path):
    from alembic import command

    url = fresh_database_url(tmp_path)  # SQLite, or PostgreSQL with TEST_DATABASE_URL
    engine = create_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO organisation (id, slug, name, anonymity_threshold) "
                "VALUES (1, 'o', 'O', 5)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO campaign (id, organisation_id, name, questionnaire_id, "
                "questionnaire_version, questionnaire_snapshot) VALUES (1, 1, 'C', 'q', 1, '{}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO wave (id, campaign_id, name, kind, status, position, token) "
                "VALUES (1, 1, 'nulmeting', 'baseline', 'closed', 0, 'tok')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO response (id, wave_id, department_id, language) "
                "VALUES ('r1', 1, NULL, 'nl')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO answer (response_id, item_id, number, text, not_applicable) "
                "VALUES ('r1', 'x', 4, NULL, false)"
            )
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answer")).scalar() == 1
        mode = connection.execute(text("SELECT invitation_mode FROM wave")).scalar()
        assert mode == "open"
    engine.dispose()


def _count(connection, table: str) -> int:
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_names_per_language_migrate_up_and_down_with_nothing_lost(tmp_path):
    """0008 adds names per language (empty for existing rows) and the main language (nl);
    its downgrade removes them again and keeps every wave, department, response and answer."""
    from alembic import command

    url = fresh_database_url(tmp_path)
    engine = create_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        for statement in (
            "INSERT INTO organisation (id, slug, name, anonymity_threshold, impact_factors) "
            "VALUES (1, 'o', 'O', 5, '{}')",
            "INSERT INTO department (id, organisation_id, name, headcount, position) "
            "VALUES (1, 1, 'Financiën', 12, 0)",
            "INSERT INTO campaign (id, organisation_id, name, questionnaire_id, "
            "questionnaire_version, questionnaire_snapshot, linking_enabled, linking_salt) "
            "VALUES (1, 1, 'C', 'q', 1, '{}', false, 's')",
            "INSERT INTO wave (id, campaign_id, name, kind, status, position, token, "
            "invitation_mode) VALUES (1, 1, 'nulmeting', 'baseline', 'closed', 0, 'tok', 'open')",
            "INSERT INTO response (id, wave_id, department_id, language) VALUES ('r1', 1, 1, 'nl')",
            "INSERT INTO answer (response_id, item_id, number, text, not_applicable) "
            "VALUES ('r1', 'x', 4, NULL, false)",
        ):
            connection.execute(text(statement))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        assert connection.execute(text("SELECT main_language FROM organisation")).scalar() == "nl"
        for table in ("wave", "department"):
            names = connection.execute(text(f"SELECT names FROM {table}")).scalar()
            assert names in ({}, "{}")
        connection.execute(text("""UPDATE wave SET names = '{"fr": "mesure initiale"}'"""))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    with engine.connect() as connection:
        assert [_count(connection, t) for t in ("wave", "department", "response", "answer")] == [
            1,
            1,
            1,
            1,
        ]
        row = connection.execute(text("SELECT department_id, wave_id FROM response")).one()
        assert tuple(row) == (1, 1)
        columns = connection.execute(text("SELECT * FROM wave")).keys()
        assert "names" not in columns
    engine.dispose()


def test_accounts_migration_gives_each_existing_user_a_session_token(tmp_path):
    from alembic import command

    url = fresh_database_url(tmp_path)
    engine = create_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
        for number in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO app_user (id, email, password_hash, role) "
                    f"VALUES ({number}, 'u{number}@x.be', 'h', 'coach')"
                )
            )
        command.upgrade(config, "0010")
        rows = connection.execute(
            text("SELECT session_token, failed_logins, totp_enabled FROM app_user")
        ).all()
        tokens = {row[0] for row in rows}
        assert len(tokens) == 2 and all(len(token) >= 20 for token in tokens)
        assert {(row[1], bool(row[2])) for row in rows} == {(0, False)}
        command.downgrade(config, "0009")
        assert connection.execute(text("SELECT count(*) FROM app_user")).scalar() == 2
    engine.dispose()  # a pooled connection left to the garbage collector fails a later test


def _shape(url: str) -> dict:
    """What an inspector sees of a database: every table's columns, keys, indexes, checks."""
    from sqlalchemy import inspect

    engine = create_engine(url)
    try:
        found = inspect(engine)
        shape = {}
        for table in found.get_table_names():
            shape[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in found.get_columns(table)
                ],
                "primary": found.get_pk_constraint(table)["constrained_columns"],
                "foreign": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                    for f in found.get_foreign_keys(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in found.get_unique_constraints(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in found.get_indexes(table)
                ),
                "checks": sorted(str(c["sqltext"]) for c in found.get_check_constraints(table)),
            }
        with engine.connect() as connection:
            shape["version"] = connection.execute(
                text("SELECT version_num FROM alembic_version")
            ).all()
        return shape
    finally:
        engine.dispose()


def test_a_fresh_test_database_is_the_migrated_schema(tmp_path):
    """Test databases are copies of a template (tests/conftest.py, tests/pgtest.py); one
    migrated in place has the same tables, columns, keys, indexes, checks and version."""
    from tests.conftest import _migrate, make_app

    (tmp_path / "copied").mkdir()
    copied = make_app(tmp_path / "copied").config["DATABASE_URL"]
    (tmp_path / "migrated").mkdir()
    migrated = fresh_database_url(tmp_path / "migrated")
    _migrate(migrated)
    assert _shape(copied) == _shape(migrated)
    assert len(_shape(copied)) > 15
