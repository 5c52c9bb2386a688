"""linking codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 19:02:17.206919
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "linking_code",
        sa.Column("response_id", sa.String(length=32), nullable=False),
        sa.Column("element_1", sa.String(length=16), nullable=True),
        sa.Column("element_2", sa.String(length=16), nullable=True),
        sa.Column("element_3", sa.String(length=16), nullable=True),
        sa.Column("element_4", sa.String(length=16), nullable=True),
        sa.Column("element_5", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("linking_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("linking_salt", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("linking_salt")
        batch_op.drop_column("linking_enabled")

    op.drop_table("linking_code")
