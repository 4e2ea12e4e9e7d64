"""The two ceilings the forum's speed is measured against, served with the same settings:

- `hello`: Flask answering "Hello, World!": the most any Flask page can do on this machine;
- `rows`: Flask and Jinja listing 200 rows read by one SQLite query: the most a page of 200
  things from a database can do with this stack.

    gunicorn --chdir bench 'ceilings:hello()'
    CEILING_DATABASE=/tmp/rows.db gunicorn --chdir bench 'ceilings:rows()'
"""

import os
import sqlite3
from pathlib import Path

from flask import Flask, render_template_string

ROWS = 200

ROWS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rows</title></head>
<body><main><h1>{{ title }}</h1><ol>
{% for row in rows %}<li id="r{{ row[0] }}"><a href="/r/{{ row[0] }}">{{ row[1] }}</a>
  <p>{{ row[2] }}</p><time datetime="{{ row[3] }}">{{ row[3] }}</time></li>
{% endfor %}</ol></main></body></html>"""


def hello() -> Flask:
    app = Flask("hello")

    @app.get("/")
    def index() -> str:
        return "Hello, World!"

    return app


def make_rows_database(path: Path) -> None:
    """A table of 10,000 rows of forum-like size (a title, a paragraph, a time)."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, title TEXT, body TEXT,"
            " created TEXT)"
        )
        connection.executemany(
            "INSERT INTO item (title, body, created) VALUES (?, ?, ?)",
            [
                (f"Row {n}", "Some words of a reply, about as long as one. " * 4, "2026-12-01")
                for n in range(10_000)
            ],
        )
    connection.close()


def rows() -> Flask:
    app = Flask("rows")
    database = os.environ["CEILING_DATABASE"]

    @app.get("/")
    def index() -> str:
        connection = sqlite3.connect(database)
        try:
            found = connection.execute(
                "SELECT id, title, body, created FROM item ORDER BY id LIMIT ?", (ROWS,)
            ).fetchall()
        finally:
            connection.close()
        return render_template_string(ROWS_PAGE, title="Rows", rows=found)

    return app
