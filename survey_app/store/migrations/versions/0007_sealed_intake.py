"""sealed intake: accepted responses wait, encrypted, until a batch of k is released

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_intake_wave_id", "intake", ["wave_id"])


def downgrade() -> None:
    op.drop_index("ix_intake_wave_id", table_name="intake")
    op.drop_table("intake")
