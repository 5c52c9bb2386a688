"""names per language: waves and departments, and the organisation's main language

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 02:10:00

Wave and department ``name`` stay the stable keys; ``names`` adds the name
per language ({"fr": ..., "en": ...}), empty for existing rows, so every
page shows exactly what it showed before until a coach adds names.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, never a batch "move and copy": on SQLite that drops and
# recreates the table, and with foreign keys on, dropping organisation or wave
# would cascade into every response (SQLite has DROP COLUMN since 3.35).


def upgrade() -> None:
    op.add_column(
        "organisation",
        sa.Column("main_language", sa.String(length=5), server_default="nl", nullable=False),
    )
    for table in ("department", "wave"):
        op.add_column(table, sa.Column("names", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    for table in ("wave", "department"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN names")
    op.execute("ALTER TABLE organisation DROP COLUMN main_language")
