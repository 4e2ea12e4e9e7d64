"""What the database holds now, not what the test's session remembers: the requests of an
isolated client write in sessions of their own."""

from sqlalchemy import func, select

from forum.database import db


def fresh(model, ident=None, /, **columns):
    """A row as the database has it now: by primary key, or the one whose `columns` have these
    values (None when there is no such row)."""
    db.session.expire_all()
    if ident is not None:
        return db.session.get(model, ident)
    return db.session.scalar(select(model).filter_by(**columns))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def all_stored_text() -> str:
    """Every value of every row of every table, as one string, to search for leaks."""
    db.session.expire_all()
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)
