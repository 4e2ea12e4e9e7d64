"""The search index, behind one small interface: SQLite's FTS5 on one machine, PostgreSQL's
full text at scale, chosen by the database the forum runs on.

Both index the same thing, defined once in each database by the view `post_search_source`
(migration 0009_search): for every post standing (neither removed nor deleted by its author),
its Markdown text, and for an opening post its thread's title too. Removed and deleted text is
never in the index, so no query can find it, whoever asks; what a reader may see of what is
found (waiting posts, removed threads) is `forum.policy`'s to say, at query time.

The index is kept current by the database itself, with triggers on `post` and `thread`: every
write of a post's text or state (writing, editing, removal, restoring, deletion by its author,
erasure with an account, a bulk UPDATE, a command run by hand) and every new title reaches it
in the same transaction, whichever code made it. Nothing in Python has to remember to call
anything, and nothing written by another path (raw SQL, a future purge) can leave it stale.
The triggers read the view, so what is indexed is written in one place.

- SQLite: an external-content FTS5 table `post_search` (title, body) over the view, with the
  Porter stemmer; triggers remove a post's old entry before a change and add the new one after.
- PostgreSQL: a table `post_search` (post_id, document tsvector) with a GIN index; a trigger
  after each change recomputes the post's document (title weighted above body, English
  stemming and stop words). Deleting a post deletes its document (a foreign key).
"""

from typing import Protocol

from sqlalchemy import Connection, Select, column, func, literal_column, select, table, text

from .terms import SearchQuery

INDEX_TABLE = "post_search"

# A word in a thread's title says more than the same word in a reply.
TITLE_WEIGHT = 2.0

# The text-search configuration PostgreSQL indexes with (the migration's `post_search_document`
# uses the same; a query in another would stem differently and find nothing).
POSTGRESQL_CONFIG = "english"

# The triggers that keep each database's index current (made by migration 0009_search). On
# SQLite, a migration that rebuilds `post` or `thread` (Alembic's batch mode copies the table
# and drops the old one) drops their triggers with it: migrations/env.py refuses to finish one
# that leaves any of these missing.
TRIGGERS = {
    "sqlite": frozenset(
        {
            "post_search_after_insert",
            "post_search_before_update",
            "post_search_after_update",
            "post_search_before_delete",
            "post_search_before_retitle",
            "post_search_after_retitle",
        }
    ),
    "postgresql": frozenset({"post_search_follow_post", "post_search_follow_thread"}),
}


class SearchIndex(Protocol):
    stemmer: str
    """The Snowball algorithm this index stems words with: results highlight the words it
    matched (forum/search/snippets.py)."""

    def hits(self, query: SearchQuery) -> Select:
        """The posts whose title or text holds every term of `query`: columns `post_id` and
        `score`, higher for a better match. (`query.asks`: it has terms.)"""
        ...


class Fts5Index:
    """SQLite's FTS5 (its query language never sees what was typed: each term is quoted)."""

    stemmer = "porter"
    _table = table(INDEX_TABLE, column("rowid"))

    def hits(self, query: SearchQuery) -> Select:
        phrases = [f'"{term}"' for term in query.terms]
        if query.prefix:
            phrases[-1] += "*"
        index = literal_column(INDEX_TABLE)
        # bm25 is lower for a better match.
        score = -func.bm25(index, TITLE_WEIGHT, 1.0)
        return select(self._table.c.rowid.label("post_id"), score.label("score")).where(
            index.op("MATCH")(" ".join(phrases))
        )


class PostgresIndex:
    """PostgreSQL's full text (each term quoted as a lexeme; a common word among them is left
    out by the configuration's stop words)."""

    stemmer = "english"
    _table = table(INDEX_TABLE, column("post_id"), column("document"))

    def hits(self, query: SearchQuery) -> Select:
        lexemes = [f"'{term}'" for term in query.terms]
        if query.prefix:
            lexemes[-1] += ":*"
        tsquery = func.to_tsquery(
            literal_column(f"'{POSTGRESQL_CONFIG}'::regconfig"), " & ".join(lexemes)
        )
        document = self._table.c.document
        # Normalisation 1: a long post doesn't outrank a short one by its length alone.
        score = func.ts_rank(document, tsquery, 1)
        return select(self._table.c.post_id, score.label("score")).where(document.op("@@")(tsquery))


_INDEXES: dict[str, SearchIndex] = {"sqlite": Fts5Index(), "postgresql": PostgresIndex()}


def search_index(dialect: str) -> SearchIndex:
    """The index of a database of this dialect ("sqlite", "postgresql")."""
    return _INDEXES[dialect]


# --- Beside the models ---------------------------------------------------------------------


def described_by_the_models(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: the index's tables (on SQLite the FTS5 table and the shadow
    tables it keeps, `post_search_data` and the like) are made by migration 0008 alone, and
    are no model's: autogenerate must not offer to drop them."""
    indexed = name is not None and (name == INDEX_TABLE or name.startswith(INDEX_TABLE + "_"))
    return not (type_ == "table" and reflected and compare_to is None and indexed)


def missing_triggers(connection: Connection) -> set[str]:
    """The index's triggers this database lacks (none before migration 0008 made the index)."""
    if connection.dialect.name == "sqlite":
        names = "SELECT name FROM sqlite_master WHERE type = :type"
        if INDEX_TABLE not in connection.scalars(text(names), {"type": "table"}).all():
            return set()
        found = connection.scalars(text(names), {"type": "trigger"}).all()
        return set(TRIGGERS["sqlite"]) - set(found)
    if not connection.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": INDEX_TABLE}):
        return set()
    found = connection.scalars(
        text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid IN ('post'::regclass, 'thread'::regclass)"
        )
    ).all()
    return set(TRIGGERS["postgresql"]) - set(found)
