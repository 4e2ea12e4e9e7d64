"""stories waiting for a first reply, found without reading every post

Revision ID: 0008_notification_extras
Revises: 0007_notifications
Create Date: 2026-12-06 10:00:00.000000

A listener's bell counts the stories waiting for a first reply on every page they open
(forum.notifications.entries). Without an index for them, SQLite found them by reading every
post of the forum (the opening posts) and then each one's thread; (kind, reply_count,
created_at) finds the few stories with no reply, past the threshold, directly, and serves the
unanswered list too. With it, SQLite chose it for the stories' feed too (on `kind`) and then
sorted every story by id; (kind, id) gives one kind's threads newest first as they are read.
"""

from alembic import op

revision = "0008_notification_extras"
down_revision = "0007_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_thread_waiting", "thread", ["kind", "reply_count", "created_at"])
    op.create_index("ix_thread_kind_newest", "thread", ["kind", "id"])


def downgrade():
    op.drop_index("ix_thread_kind_newest", table_name="thread")
    op.drop_index("ix_thread_waiting", table_name="thread")
