"""invitations, submission keys, retention

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 18:35:02.362050
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_wave_id"), ["wave_id"], unique=False)

    op.create_table(
        "submission_key",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("submission_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_key_wave_id"), ["wave_id"], unique=False)

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_until", sa.Date(), nullable=True))

    with op.batch_alter_table("wave", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "invitation_mode",
                sa.Enum("open", "tokens", name="invitationmode", native_enum=False, length=20),
                server_default="open",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("wave", schema=None) as batch_op:
        batch_op.drop_column("invitation_mode")

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("retention_until")

    with op.batch_alter_table("submission_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_key_wave_id"))

    op.drop_table("submission_key")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_wave_id"))

    op.drop_table("invitation")
