"""search: a full-text index of posts and titles, kept current by the database itself

Revision ID: 0009_search
Revises: 0008_notification_extras
Create Date: 2026-12-06 10:00:00.000000

What may be indexed is written once, as the view `post_search_source`: every post standing
(neither removed nor deleted by its author), its Markdown text, and for an opening post its
thread's title. Removed text is never in the index: restoring a post puts it back.

SQLite: an external-content FTS5 table over the view (no second copy of the text), with the
Porter stemmer and accents folded. Triggers take a post's entry out before a change to its
text or state (or its thread's title) and put the new one in after, read from the view: FTS5
must be told the exact text it indexed to take an entry out, and the view, read before the
change, is that text.

PostgreSQL: a table of `tsvector` documents with a GIN index (the title weighted A, the text
B, in the English configuration that forum/search/index.py queries with), recomputed by a
trigger after each change; a post deleted takes its document with it (a foreign key).

Both are filled from the posts already here. And an index of threads' opening posts: a result
names its thread's opening post (for its byline), which SQLite otherwise found by reading every
post of the thread. The app never writes the index itself: see
forum/search/index.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_search"
down_revision = "0008_notification_extras"
branch_labels = None
depends_on = None

SOURCE_VIEW = """
CREATE VIEW post_search_source AS
SELECT post.id AS id,
       CASE WHEN post.parent_id IS NULL THEN thread.title ELSE '' END AS title,
       post.body AS body
FROM post JOIN thread ON thread.id = post.thread_id
WHERE post.removed_at IS NULL AND post.deleted_by_author_at IS NULL
"""

# What a post's entry is, read from the view: `{row}` names the post (old.id, new.id...).
_SQLITE_ENTRY = "SELECT id, title, body FROM post_search_source WHERE id = {row}"
_SQLITE_OUT = "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', "
_SQLITE_IN = "INSERT INTO post_search(rowid, title, body) "
_SQLITE_OPENING = (
    "SELECT source.id, source.title, source.body FROM post_search_source AS source"
    " JOIN post ON post.id = source.id"
    " WHERE post.thread_id = {row} AND post.parent_id IS NULL"
)
_SQLITE_STATE = "body, removed_at, deleted_by_author_at"

SQLITE_UPGRADE = [
    SOURCE_VIEW,
    "CREATE VIRTUAL TABLE post_search USING fts5(title, body, content='post_search_source',"
    " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER post_search_after_insert AFTER INSERT ON post BEGIN
        {_SQLITE_IN}{_SQLITE_ENTRY.format(row="new.id")}; END""",
    f"""CREATE TRIGGER post_search_before_update BEFORE UPDATE OF {_SQLITE_STATE} ON post BEGIN
        {_SQLITE_OUT}id, title, body FROM ({_SQLITE_ENTRY.format(row="old.id")}); END""",
    f"""CREATE TRIGGER post_search_after_update AFTER UPDATE OF {_SQLITE_STATE} ON post BEGIN
        {_SQLITE_IN}{_SQLITE_ENTRY.format(row="new.id")}; END""",
    f"""CREATE TRIGGER post_search_before_delete BEFORE DELETE ON post BEGIN
        {_SQLITE_OUT}id, title, body FROM ({_SQLITE_ENTRY.format(row="old.id")}); END""",
    f"""CREATE TRIGGER post_search_before_retitle BEFORE UPDATE OF title ON thread BEGIN
        {_SQLITE_OUT}id, title, body FROM ({_SQLITE_OPENING.format(row="old.id")}); END""",
    f"""CREATE TRIGGER post_search_after_retitle AFTER UPDATE OF title ON thread BEGIN
        {_SQLITE_IN}{_SQLITE_OPENING.format(row="new.id")}; END""",
    # Every post standing now, read through the view.
    "INSERT INTO post_search(post_search) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER post_search_after_retitle",
    "DROP TRIGGER post_search_before_retitle",
    "DROP TRIGGER post_search_before_delete",
    "DROP TRIGGER post_search_after_update",
    "DROP TRIGGER post_search_before_update",
    "DROP TRIGGER post_search_after_insert",
    "DROP TABLE post_search",
    "DROP VIEW post_search_source",
]

POSTGRESQL_UPGRADE = [
    SOURCE_VIEW,
    """CREATE FUNCTION post_search_document(title text, body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, body), 'B')
    $$""",
    """CREATE TABLE post_search (
        post_id integer PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )""",
    """CREATE FUNCTION post_search_refresh(refreshed integer) RETURNS void
        LANGUAGE sql AS $$
        DELETE FROM post_search WHERE post_id = refreshed;
        INSERT INTO post_search (post_id, document)
        SELECT id, post_search_document(title, body) FROM post_search_source
        WHERE id = refreshed;
    $$""",
    """CREATE FUNCTION post_search_follow_post() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM post_search_refresh(NEW.id);
            RETURN NULL;
        END
    $$""",
    """CREATE FUNCTION post_search_follow_thread() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM post_search_refresh(post.id) FROM post
            WHERE post.thread_id = NEW.id AND post.parent_id IS NULL;
            RETURN NULL;
        END
    $$""",
    """CREATE TRIGGER post_search_follow_post
        AFTER INSERT OR UPDATE OF body, removed_at, deleted_by_author_at ON post
        FOR EACH ROW EXECUTE FUNCTION post_search_follow_post()""",
    """CREATE TRIGGER post_search_follow_thread AFTER UPDATE OF title ON thread
        FOR EACH ROW EXECUTE FUNCTION post_search_follow_thread()""",
    # Filled first, indexed after: building a GIN index at once is far quicker than adding
    # every document to it in turn.
    """INSERT INTO post_search (post_id, document)
        SELECT id, post_search_document(title, body) FROM post_search_source""",
    "CREATE INDEX ix_post_search_document ON post_search USING gin (document)",
]

POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER post_search_follow_thread ON thread",
    "DROP TRIGGER post_search_follow_post ON post",
    "DROP FUNCTION post_search_follow_thread()",
    "DROP FUNCTION post_search_follow_post()",
    "DROP FUNCTION post_search_refresh(integer)",
    "DROP TABLE post_search",
    "DROP FUNCTION post_search_document(text, text)",
    "DROP VIEW post_search_source",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade():
    # Each result's opening post in one look-up (forum.models.Post: ix_post_opening).
    op.create_index(
        "ix_post_opening",
        "post",
        ["thread_id"],
        sqlite_where=sa.text("parent_id IS NULL"),
        postgresql_where=sa.text("parent_id IS NULL"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    _run(SQLITE_UPGRADE if sqlite else POSTGRESQL_UPGRADE)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    _run(SQLITE_DOWNGRADE if sqlite else POSTGRESQL_DOWNGRADE)
    op.drop_index("ix_post_opening", table_name="post")
