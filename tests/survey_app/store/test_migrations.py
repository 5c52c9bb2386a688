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
