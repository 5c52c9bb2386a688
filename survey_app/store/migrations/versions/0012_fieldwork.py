"""fieldwork: scheduled waves, a grace period, archiving, planned workshops, reminder addresses

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:40:00

Waves get their scheduled opening and closing (``opens_at``, ``closes_at``),
the moment they stopped taking new respondents (``closed_at``), a target
response rate and an archive flag; campaigns an archive flag; workshops an
agenda and a number of participants. ``invitation_address`` keeps the
e-mail address a code was sent to, apart from everything else, until the
wave closes. Existing rows keep what they showed: nothing scheduled,
nothing archived, no agenda.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_WAVE_COLUMNS = ("opens_at", "closes_at", "closed_at", "target_rate", "archived")

# Plain ADD/DROP COLUMN, never a batch "move and copy" (see 0008): on SQLite
# that recreates the table, and dropping wave would cascade into every response.


def upgrade() -> None:
    op.add_column("wave", sa.Column("opens_at", sa.DateTime(), nullable=True))
    op.add_column("wave", sa.Column("closes_at", sa.DateTime(), nullable=True))
    op.add_column("wave", sa.Column("closed_at", sa.DateTime(), nullable=True))
    op.add_column("wave", sa.Column("target_rate", sa.Float(), nullable=True))
    for table in ("wave", "campaign"):
        op.add_column(
            table, sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.add_column("workshop", sa.Column("agenda", sa.Text(), server_default="", nullable=False))
    op.add_column("workshop", sa.Column("participants", sa.Integer(), nullable=True))
    op.create_table(
        "invitation_address",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(["code"], ["invitation.code"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_invitation_address_wave_id", "invitation_address", ["wave_id"])


def downgrade() -> None:
    op.drop_index("ix_invitation_address_wave_id", table_name="invitation_address")
    op.drop_table("invitation_address")
    for column in ("participants", "agenda"):
        op.execute(f"ALTER TABLE workshop DROP COLUMN {column}")
    op.execute("ALTER TABLE campaign DROP COLUMN archived")
    # a wave still closing goes back to open: the older code knows no "closing"
    op.execute("UPDATE wave SET status = 'open' WHERE status = 'closing'")
    for column in _WAVE_COLUMNS:
        op.execute(f"ALTER TABLE wave DROP COLUMN {column}")
