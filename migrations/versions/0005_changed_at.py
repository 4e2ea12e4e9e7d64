"""when what guests see last changed: a thread's `changed_at`, and the site's change counters

Revision ID: 0005_changed_at
Revises: 0004_counts_indexes
Create Date: 2026-12-05 10:00:00.000000

Guests' pages answer conditional requests (304, no body) with a validator read from these,
without rendering the page (forum/changes.py keeps them, forum/web/conditional.py reads them).
Every thread starts as changed now, so no copy made before can pass for current.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_changed_at"
down_revision = "0004_counts_indexes"
branch_labels = None
depends_on = None


def upgrade():
    # Naive UTC, as forum.database.UTCDateTime stores every moment.
    now = datetime.now(UTC).replace(tzinfo=None)
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
    op.execute(sa.text("UPDATE thread SET changed_at = :now").bindparams(now=now))
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.alter_column("changed_at", existing_type=sa.DateTime(), nullable=False)

    site_change = op.create_table(
        "site_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("everywhere", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_change")),
    )
    op.bulk_insert(site_change, [{"id": 1, "revision": 0, "everywhere": 0, "changed_at": now}])


def downgrade():
    op.drop_table("site_change")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
