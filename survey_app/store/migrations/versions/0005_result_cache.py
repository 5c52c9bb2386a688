"""result cache: reports and dashboard charts of closed waves, computed once

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "result_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_result_cache_campaign_id", "result_cache", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_result_cache_campaign_id", table_name="result_cache")
    op.drop_table("result_cache")
