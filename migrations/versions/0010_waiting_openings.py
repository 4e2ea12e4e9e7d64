"""the few opening posts waiting for a moderator, found without reading every thread's

Revision ID: 0010_waiting_openings
Revises: 0009_search
Create Date: 2026-12-02 14:30:00.000000

Lists of posts standing in public (a member's profile, the feeds) leave out threads whose
opening post is waiting (`forum.policy.public_posts`). Measured on 1,000,000 posts: with the
index of opening posts (0009_search) there, PostgreSQL read every opening post (44,766) to find
the waiting ones for each profile page, 37-53 ms; with this index, 0.15 ms. Its condition is
written as the query asks it ("IS TRUE"; SQLite: "IS 1"): a partial index serves only a
condition it can see implies its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_waiting_openings"
down_revision = "0009_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_post_opening_waiting",
        "post",
        ["thread_id"],
        sqlite_where=sa.text("parent_id IS NULL AND awaiting_approval IS 1"),
        postgresql_where=sa.text("parent_id IS NULL AND awaiting_approval IS TRUE"),
    )


def downgrade():
    op.drop_index("ix_post_opening_waiting", table_name="post")
