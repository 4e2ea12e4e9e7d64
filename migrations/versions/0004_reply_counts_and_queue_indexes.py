"""reply counts are the replies everyone can read; indexes for the moderators' queue

Revision ID: 0004_counts_indexes
Revises: 0003_sign_ins
Create Date: 2026-12-04 10:00:00.000000

`thread.reply_count` now counts the replies everyone can read (published, neither removed nor
deleted: `Post.counts_as_reply`) and follows every change of state. Before, it counted every
reply when written, waiting ones included, and only a deletion by the author took one off:
each thread is counted again here. Partial indexes let the queue (and the count in every
moderator's header) read open reports and waiting posts without reading every row, and one
index serves the count of a member's reports of the day.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_counts_indexes"
down_revision = "0003_sign_ins"
branch_labels = None
depends_on = None

RECOUNT = """
UPDATE thread SET reply_count = (
    SELECT count(*) FROM post
    WHERE post.thread_id = thread.id
      AND post.parent_id IS NOT NULL
      AND post.awaiting_approval = :false
      AND post.removed_at IS NULL
      AND post.deleted_by_author_at IS NULL
)
"""

# Before this revision: every reply written, less those their authors deleted.
OLD_COUNT = """
UPDATE thread SET reply_count = (
    SELECT count(*) FROM post
    WHERE post.thread_id = thread.id
      AND post.parent_id IS NOT NULL
      AND post.deleted_by_author_at IS NULL
)
"""


def upgrade():
    op.get_bind().execute(sa.text(RECOUNT), {"false": False})
    op.create_index(
        "ix_report_open_post",
        "report",
        ["post_id"],
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_index("ix_report_reporter_created", "report", ["reporter_id", "created_at"])
    op.create_index(
        "ix_post_waiting",
        "post",
        ["id"],
        sqlite_where=sa.text("awaiting_approval"),
        postgresql_where=sa.text("awaiting_approval"),
    )


def downgrade():
    op.drop_index("ix_post_waiting", table_name="post")
    op.drop_index("ix_report_reporter_created", table_name="report")
    op.drop_index("ix_report_open_post", table_name="report")
    op.get_bind().execute(sa.text(OLD_COUNT))
