"""audit: who downloaded, closed, purged or changed what, and when

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 06:40:00

Staff actions only (downloads, closing a wave, purging responses, account
changes), shown to admins at /admin/audit and kept AUDIT_RETENTION_DAYS.
Nothing about respondents.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("account_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_account_id", "audit_entry", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_account_id", table_name="audit_entry")
    op.drop_index("ix_audit_entry_at", table_name="audit_entry")
    op.drop_table("audit_entry")
