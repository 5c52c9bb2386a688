"""jobs: reports made off the request, their state shared by every app server

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 05:40:00

A report takes seconds to make; the request starts a job and shows a
progress page. The job's state lives here, not in a process, so that a
second click or a second gunicorn worker finds the job instead of starting
the same work again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column(
            "state",
            sa.Enum("running", "done", "failed", name="jobstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("started_on", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_job_campaign_id", "job", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_job_campaign_id", table_name="job")
    op.drop_table("job")
