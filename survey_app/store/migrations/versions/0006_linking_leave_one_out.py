"""linking codes: leave-one-out hashes under LINKING_KEY, with a key fingerprint

The per-element hashes of 0003 could be decoded by whoever held the key
(each element's domain is tiny) and grouped people without it. They are
one-way, so they cannot be converted: this migration drops them. Codes
given before the upgrade can no longer be linked with later waves
(docs/deployment.md, "Linking key").

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _table(*columns: sa.Column) -> None:
    op.create_table(
        "linking_code",
        sa.Column("response_id", sa.String(length=32), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["response_id"], ["response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    op.drop_table("linking_code")  # every per-element hash goes (they could be decoded)
    _table(
        *(sa.Column(f"without_{i}", sa.String(length=16), nullable=True) for i in range(1, 6)),
        sa.Column("key_fingerprint", sa.String(length=16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("linking_code")  # leave-one-out hashes cannot become per-element ones
    _table(*(sa.Column(f"element_{i}", sa.String(length=16), nullable=True) for i in range(1, 6)))
