"""action plan, workshops, local impact factors

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:10:57.112478
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "behaviour",
                "infrastructure",
                "organisation",
                name="actiontype",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "horizon",
            sa.Enum("short", "long", name="horizon", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "idea",
                "planned",
                "running",
                "done",
                "dropped",
                name="actionstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "diagnose",
                "planning",
                "actie",
                "verankering",
                name="phase",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("impact_factors", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("impact_factors")

    op.drop_table("workshop")
    op.drop_table("action")
