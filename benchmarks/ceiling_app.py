"""The ceiling: a minimal Flask app whose one endpoint inserts one row and commits.

It runs under the same gunicorn configuration, on the same database, with
the same engine settings as Klimaatpeil (``survey_app.store.db.make_engine``), so
what separates the survey submit from it is the app's own work.

    DATABASE_URL=sqlite:///x.sqlite gunicorn -c deploy/gunicorn.conf.py \\
        'benchmarks.ceiling_app:create_app()'
"""

from __future__ import annotations

import os
import secrets

from flask import Flask
from sqlalchemy import Column, Engine, MetaData, String, Table

from survey_app.store.db import make_engine

METADATA = MetaData()
ROWS = Table(
    "bench_ceiling",
    METADATA,
    Column("id", String(32), primary_key=True),
    Column("payload", String(64), nullable=False),
)


def create_table(engine: Engine) -> None:
    """Create the ceiling's table (before the workers start)."""
    METADATA.create_all(engine)


def create_app() -> Flask:
    engine = make_engine(os.environ["DATABASE_URL"])
    app = Flask(__name__)

    @app.post("/insert")
    def insert() -> tuple[str, int]:
        with engine.begin() as connection:
            connection.execute(ROWS.insert().values(id=secrets.token_hex(16), payload="x" * 64))
        return "", 204

    @app.get("/privacy")  # what tests.deploy.servers polls until the server answers
    def ready() -> str:
        return "ok"

    return app
