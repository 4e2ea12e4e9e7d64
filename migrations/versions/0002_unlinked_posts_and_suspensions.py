"""unlinked posts keep an alias of their own; suspensions stand one by one

Revision ID: 0002_unlinked_suspensions
Revises: 0001_initial
Create Date: 2026-12-02 04:40:00.000000

`post.unlinked_at` marks a post its author took their name off, so its alias is never taken
for the author's later anonymous posts in the thread. `suspension` records each suspension with
the post it was made through; the account's `suspended_until` is the latest standing end.
Accounts suspended before this revision get one record each, through no post.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_unlinked_suspensions"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unlinked_at", sa.DateTime(), nullable=True))

    op.create_table(
        "suspension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_suspension_user_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_suspension_post_id_post")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspension")),
    )
    with op.batch_alter_table("suspension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suspension_user_id"), ["user_id"], unique=False)

    op.execute(
        'INSERT INTO suspension (user_id, until, reason, created_at) '
        'SELECT id, suspended_until, COALESCE(suspension_reason, \'\'), CURRENT_TIMESTAMP '
        'FROM "user" WHERE suspended_until IS NOT NULL'
    )


def downgrade():
    with op.batch_alter_table("suspension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suspension_user_id"))
    op.drop_table("suspension")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_column("unlinked_at")
