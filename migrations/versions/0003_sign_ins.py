"""each device a member is logged in on is a sign-in the cookies point to

Revision ID: 0003_sign_ins
Revises: 0002_unlinked_suspensions
Create Date: 2026-12-03 10:00:00.000000

`sign_in` holds one row per device a member is logged in on: a hash of the token its session
and remember cookies carry, the browser's family, when it was made and last used, and when it
expires. Logging out deletes the row, so a copy of the cookies opens nothing afterwards.
`user.session_token`, the one token every device of an account shared, goes: every member is
logged out once by this revision and logs in again.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003_sign_ins"
down_revision = "0002_unlinked_suspensions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=60), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sign_in_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_sign_in_token_digest")),
    )
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_expires_at"), ["expires_at"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_session_token"), type_="unique")
        batch_op.drop_column("session_token")


def downgrade():
    # Each account gets a session token of its own again; every member logs in again.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for user_id in connection.execute(sa.text('SELECT id FROM "user"')).scalars().all():
        connection.execute(
            sa.text('UPDATE "user" SET session_token = :token WHERE id = :id'),
            {"token": secrets.token_urlsafe(32), "id": user_id},
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_user_session_token"), ["session_token"])

    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_expires_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_user_id"))
    op.drop_table("sign_in")
