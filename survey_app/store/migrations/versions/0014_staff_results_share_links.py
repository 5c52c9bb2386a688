"""staff results and share links: a published results page per campaign, report share links

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:40:00

``campaign.results_published_at`` says since when the coach published the
results page for staff (NULL: not published, the default for every existing
campaign). ``share_link`` keeps the hash of each report share link's token,
never the token, with its report, expiry and revocation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("results_published_at", sa.DateTime(), nullable=True))
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("fmt", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_share_link_campaign_id", "share_link", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_share_link_campaign_id", table_name="share_link")
    op.drop_table("share_link")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("results_published_at")
