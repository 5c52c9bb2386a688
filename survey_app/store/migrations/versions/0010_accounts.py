"""accounts: revocable sessions, login lockout, reset links, TOTP second factor

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 06:45:00

A random session token per user is part of the login cookie, so that a new
token (logout, password change, admin reset) refuses every copied cookie.
Failed logins lock an account for a while; a password reset link is stored
as a hash with its expiry; a TOTP secret turns on the second factor.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("session_token", sa.String(length=43), nullable=True))
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reset_token_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reset_expires_on", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("totp_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    user = sa.table("app_user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(
            user.update()
            .where(user.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(16))
        )
    with op.batch_alter_table("app_user") as batch:
        batch.alter_column("session_token", existing_type=sa.String(length=43), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        for column in (
            "totp_last_step",
            "totp_enabled",
            "totp_secret",
            "reset_expires_on",
            "reset_token_hash",
            "locked_until",
            "failed_logins",
            "session_token",
        ):
            batch.drop_column(column)
