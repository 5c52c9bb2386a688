"""questionnaire variants: an organisation's own questionnaire, kept as its variant file

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:30:00

``questionnaire_variant`` keeps each organisation's variant files
(questionnaires/variants.py) by their id. Campaigns are unchanged: a
campaign names its questionnaire by id and keeps its own resolved snapshot.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("questionnaire_variant")
