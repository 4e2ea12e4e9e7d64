"""Searching as a reader does, reading what a search found, and what the index holds."""

from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import select, text

from forum.database import db
from forum.search.index import search_index
from forum.search.terms import read_query

from .pages import Element, parse


def search_url(words: str, **params) -> str:
    return "/search?" + urlencode({"q": words, **params})


def search(client: FlaskClient, words: str, status: int = 200, **params) -> Element:
    """The results page for `words`, as a tree, after checking its status."""
    response = client.get(search_url(words, **params))
    assert response.status_code == status, (words, response.status_code)
    return parse(response.get_data(as_text=True))


def results(page: Element) -> list[Element]:
    """The results on a page, best first: each an <article> with the post's id."""
    return page.find_all("article", class_="search-result")


def found_ids(page: Element) -> list[int]:
    """The ids of the posts found, best first."""
    return [int(article.get("id").removeprefix("p")) for article in results(page)]


def status_text(page: Element) -> str:
    """What the page says about the search (how many found, a notice, a refusal)."""
    status = page.by_id("search-status")
    return status.text if status is not None else ""


# --- The index --------------------------------------------------------------------------


def search_hits(typed: str) -> set[int]:
    """The posts the index holds every word of `typed` for (whoever may see them); a last
    word still being typed matches the words it begins."""
    db.session.expire_all()
    hits = search_index(db.engine.dialect.name).hits(read_query(typed)).subquery()
    return set(db.session.scalars(select(hits.c.post_id)))


def indexed(words: str) -> set[int]:
    """As `search_hits`, for whole words."""
    return search_hits(words + " ")


def assert_index_consistent() -> None:
    """The index holds exactly what the view `post_search_source` says may be indexed: FTS5's
    own check against its content (SQLite), or every document recomputed (PostgreSQL)."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            text("INSERT INTO post_search(post_search, rank) VALUES ('integrity-check', 1)")
        )
    else:
        wrong = db.session.scalar(
            text(
                "SELECT count(*) FROM post_search FULL JOIN ("
                " SELECT id, post_search_document(title, body) AS document"
                " FROM post_search_source) AS source ON source.id = post_search.post_id"
                " WHERE post_search.document IS DISTINCT FROM source.document"
            )
        )
        assert wrong == 0
    db.session.rollback()
