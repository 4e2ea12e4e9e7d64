"""initial schema: members, threads and posts, moderation, safety

Revision ID: 0001_initial
Revises:
Create Date: 2026-12-01 21:15:00.000000

The five revisions written while the forum was first built, squashed into one before any
deployment: the same tables, columns, constraints and indexes, under the same names.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # --- Members ---------------------------------------------------------------------------

    # A member's account: pseudonym, password, role, profile, suspension and preferences.
    # The boolean preferences default to false in the database too.
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=30), nullable=False),
        sa.Column("pseudonym_key", sa.String(length=30), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("bio_html", sa.Text(), nullable=False),
        sa.Column("suspended_until", sa.DateTime(), nullable=True),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column(
            "post_anonymously_by_default", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
        sa.Column(
            "recovery_codes_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
        sa.Column(
            "unfold_content_warnings", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
        sa.Column("suspension_reason", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("pseudonym_key", name=op.f("uq_user_pseudonym_key")),
        sa.UniqueConstraint("session_token", name=op.f("uq_user_session_token")),
    )

    # Single-use recovery codes, stored as hashes only.
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_recovery_code_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)

    # Pseudonyms of deleted accounts, as keyed hashes, so nobody can take them.
    op.create_table(
        "retired_pseudonym",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key_digest", name=op.f("pk_retired_pseudonym")),
    )

    # --- Threads and posts -----------------------------------------------------------------

    # A thread (the article, a story or a discussion), listed on the home page.
    op.create_table(
        "thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("content_warning", sa.String(length=150), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("locked_reason", sa.String(length=200), nullable=True),
        sa.Column("intent", sa.String(length=30), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread")),
    )
    with op.batch_alter_table("thread", schema=None) as batch_op:
        # The home page: pinned threads, then the rest by last activity.
        batch_op.create_index(
            "ix_thread_listing", ["pinned", "last_activity_at", "id"], unique=False
        )

    # A post: a thread's opening post or a reply, placed in the thread's tree by its path.
    # Moderation and safety flags default to false in the database too.
    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removal_reason", sa.String(length=200), nullable=True),
        sa.Column("deleted_by_author_at", sa.DateTime(), nullable=True),
        sa.Column("anon_alias", sa.String(length=40), nullable=True),
        sa.Column("content_warning", sa.String(length=150), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("removal_note", sa.String(length=200), nullable=True),
        sa.Column("awaiting_approval", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("may_be_at_risk", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_post_author_id_user")),
        sa.ForeignKeyConstraint(["parent_id"], ["post.id"], name=op.f("fk_post_parent_id_post")),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["user.id"], name=op.f("fk_post_removed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_post_thread_id_thread")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_post_idempotency_key")),
    )
    with op.batch_alter_table("post", schema=None) as batch_op:
        # A thread page reads one thread's posts in path order.
        batch_op.create_index("ix_post_thread_path", ["thread_id", "path"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_author_id"), ["author_id"], unique=False)

    # Earlier versions of edited or deleted posts, kept for moderators.
    op.create_table(
        "post_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_warning", sa.String(length=150), nullable=True),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_revision_post_id_post")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_revision")),
    )
    with op.batch_alter_table("post_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_revision_post_id"), ["post_id"], unique=False)

    # Supportive reactions: one of each kind per member and post.
    op.create_table(
        "reaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_reaction_post_id_post")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_reaction_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction")),
        sa.UniqueConstraint("post_id", "user_id", "kind", name=op.f("uq_reaction_post_id")),
    )
    with op.batch_alter_table("reaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reaction_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reaction_user_id"), ["user_id"], unique=False)

    # --- Moderation ------------------------------------------------------------------------

    # Members asking moderators to look at a post.
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_report_post_id_post")),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user.id"],
            name=op.f("fk_report_reporter_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_post_id"), ["post_id"], unique=False)

    # The moderation log: one row per moderator action (the public log shows part of it).
    op.create_table(
        "moderation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_moderation_action_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_moderation_action_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["user.id"],
            name=op.f("fk_moderation_action_subject_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_moderation_action_thread_id_thread")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_action")),
    )
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_action_created_at"), ["created_at"], unique=False
        )

    # Break-glass requests to see who wrote an anonymous post, with their second approver.
    op.create_table(
        "reveal_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user.id"],
            name=op.f("fk_reveal_request_approved_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_reveal_request_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_reveal_request_requested_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_request")),
    )

    # --- Safety ----------------------------------------------------------------------------

    # One member no longer seeing another's posts (the muted member is never told).
    op.create_table(
        "mute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("muter_id", sa.Integer(), nullable=False),
        sa.Column("muted_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["muted_id"], ["user.id"], name=op.f("fk_mute_muted_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["muter_id"], ["user.id"], name=op.f("fk_mute_muter_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mute")),
        sa.UniqueConstraint("muter_id", "muted_id", name=op.f("uq_mute_muter_id")),
    )
    with op.batch_alter_table("mute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mute_muter_id"), ["muter_id"], unique=False)


def downgrade():
    # Everything upgrade() created, in reverse order.

    # Safety
    with op.batch_alter_table("mute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mute_muter_id"))
    op.drop_table("mute")

    # Moderation
    op.drop_table("reveal_request")
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_action_created_at"))
    op.drop_table("moderation_action")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_post_id"))
    op.drop_table("report")

    # Threads and posts
    with op.batch_alter_table("reaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reaction_user_id"))
        batch_op.drop_index(batch_op.f("ix_reaction_post_id"))
    op.drop_table("reaction")
    with op.batch_alter_table("post_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_revision_post_id"))
    op.drop_table("post_revision")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_author_id"))
        batch_op.drop_index("ix_post_thread_path")
    op.drop_table("post")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_listing")
    op.drop_table("thread")

    # Members
    op.drop_table("retired_pseudonym")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))
    op.drop_table("recovery_code")
    op.drop_table("user")
