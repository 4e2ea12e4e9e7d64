"""indexes for a big forum: a member's posts newest first; waiting posts found on SQLite

Revision ID: 0006_scale_indexes
Revises: 0005_changed_at
Create Date: 2026-12-05 10:00:00.000000

Measured on 1,000,000 posts (bench/explain.py): a member's profile read back through every
post by id to find a page of theirs (105-408 ms on PostgreSQL); (author_id, id) finds the page
directly and serves whatever the index on author_id alone served. SQLite never used the
partial index of waiting posts (written "awaiting_approval", asked "awaiting_approval = 1"),
and counted them by reading every thread's posts: it is written as it is asked.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_scale_indexes"
down_revision = "0005_changed_at"
branch_labels = None
depends_on = None


def _waiting_index(sqlite_where: str) -> None:
    op.create_index(
        "ix_post_waiting",
        "post",
        ["id"],
        sqlite_where=sa.text(sqlite_where),
        postgresql_where=sa.text("awaiting_approval"),
    )


def upgrade():
    op.create_index("ix_post_author_newest", "post", ["author_id", "id"])
    op.drop_index("ix_post_author_id", table_name="post")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_post_waiting", table_name="post")
        _waiting_index("awaiting_approval = 1")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_post_waiting", table_name="post")
        _waiting_index("awaiting_approval")
    op.create_index("ix_post_author_id", "post", ["author_id"])
    op.drop_index("ix_post_author_newest", table_name="post")
