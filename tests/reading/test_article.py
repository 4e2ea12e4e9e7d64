"""The article: imported from Markdown as the pinned thread, safe to import again."""

from pathlib import Path

from sqlalchemy import func, select
from support.content import reply, thread_url
from support.members import make_member
from support.pages import parse

from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
from forum.database import db
from forum.markdown import render_markdown
from forum.models import Post, Thread, ThreadKind

SECTION_HEADINGS = [
    "Why Is There Stigma Around Seeking Help?",
    "Understanding Your Hesitation",
    "How to Break Free from the Stigma",
    "Imagine the Possibilities",
    "Embrace the Journey",
]

STEPS = [
    "Acknowledge Your Human Needs:",
    "Recognize the Strength in Vulnerability:",
    "Start Small and Safe:",
    "Use Reputable Resources:",
    "Educate Yourself and Others:",
    "Find Your Community:",
]


def thread_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Thread))


def write_article(path: Path, title: str, body: str) -> Path:
    path.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    return path


def import_file(cli, path: Path):
    return cli.invoke(args=["import-article", str(path)])


def test_importing_twice_makes_one_pinned_article(app):
    """Re-running the import (as `make run` does) never shows the article twice."""
    source = ArticleSource.read(DEFAULT_ARTICLE)
    first, created = import_article(source)
    db.session.commit()
    again, unchanged = import_article(source)
    db.session.commit()

    assert (created, unchanged) == ("created", "unchanged")
    assert again.id == first.id
    assert thread_count() == 1
    thread = db.session.get(Thread, first.id)
    assert thread.kind == ThreadKind.ARTICLE
    assert thread.pinned
    assert thread.title == "Seeking help is a sign of strength, not weakness"


def test_cli_imports_the_shipped_article_once(cli):
    """`forum import-article` with no argument imports the shipped article, and says so."""
    first = cli.invoke(args=["import-article"])
    second = cli.invoke(args=["import-article"])

    assert first.exit_code == 0, first.output
    assert "Article created" in first.output
    assert second.exit_code == 0, second.output
    assert "Article unchanged" in second.output
    assert thread_count() == 1


def test_importing_an_edited_article_updates_it_and_keeps_every_reply(client, cli, tmp_path):
    """Fixing a typo in the article must not lose the conversation under it."""
    path = write_article(tmp_path / "article.md", "First title", "The first version.")
    assert import_file(cli, path).exit_code == 0
    thread = db.session.scalars(select(Thread)).one()
    thread_id, slug = thread.id, thread.slug
    opening = db.session.scalars(select(Post).where(Post.parent_id.is_(None))).one()
    member = make_member("river")
    answer = reply(opening, member, "This helped me.")
    nested = reply(answer, member, "And a second thought.")
    replies_before = {post.id: post.path for post in (answer, nested)}

    path = write_article(path, "A better title", "The second version, **clearer**.")
    result = import_file(cli, path)

    assert result.exit_code == 0, result.output
    assert "Article updated" in result.output
    assert thread_count() == 1
    db.session.expire_all()
    thread = db.session.get(Thread, thread_id)
    assert thread.title == "A better title"
    assert thread.reply_count == 2
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread_id)).all()
    assert {p.id: p.path for p in posts if p.parent_id is not None} == replies_before
    opening = next(p for p in posts if p.parent_id is None)
    assert opening.body == "The second version, **clearer**.\n"
    assert "<strong>clearer</strong>" in opening.body_html

    page = client.get(f"/t/{thread_id}-{slug}", follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "A better title" in html
    assert "The first version" not in html
    assert "This helped me." in html
    assert "And a second thought." in html


def test_cli_refuses_a_file_without_a_title_line(cli, tmp_path):
    """A mistake in the file gets a one-line explanation, not a traceback or a broken thread."""
    path = tmp_path / "article.md"
    path.write_text("Seeking help\n\nNo title line here.\n", encoding="utf-8")

    result = import_file(cli, path)

    assert result.exit_code != 0
    assert "the first line must be the title, as '# Title'" in result.output
    assert "Traceback" not in result.output
    assert thread_count() == 0


def test_cli_refuses_an_empty_title(cli, tmp_path):
    """'# ' alone is not a title: the article would be an empty, unclickable link."""
    path = tmp_path / "article.md"
    path.write_text("# \n\nA body without a title.\n", encoding="utf-8")

    result = import_file(cli, path)

    assert result.exit_code != 0
    assert thread_count() == 0


def test_cli_reports_a_missing_file(cli, tmp_path):
    result = import_file(cli, tmp_path / "missing.md")

    assert result.exit_code != 0
    assert "does not exist" in result.output
    assert thread_count() == 0


def test_shipped_article_has_its_sections_as_headings():
    """Readers can scan the article by its section headings."""
    source = ArticleSource.read(DEFAULT_ARTICLE)
    headings = [
        line.removeprefix("## ").strip()
        for line in source.body.splitlines()
        if line.startswith("## ")
    ]

    assert source.title == "Seeking help is a sign of strength, not weakness"
    assert headings == SECTION_HEADINGS


def test_shipped_article_has_the_six_steps_as_a_numbered_list_with_bold_lead_ins():
    """The six steps read as a numbered list, each starting with its bold phrase."""
    page = parse(render_markdown(ArticleSource.read(DEFAULT_ARTICLE).body))

    lists = page.find_all("ol")
    assert len(lists) == 1
    items = lists[0].elements
    assert [item.tag for item in items] == ["li"] * 6
    lead_ins = []
    for item in items:
        first = item.children[0]
        assert not isinstance(first, str) and first.tag == "strong", item.text
        lead_ins.append(first.text)
    assert lead_ins == STEPS


def test_shipped_article_does_not_end_with_the_scraped_comments_label():
    """The word 'Comments' from the page it was copied from is not part of the article."""
    text = DEFAULT_ARTICLE.read_text(encoding="utf-8").rstrip()

    assert not text.endswith("Comments")
    assert text.endswith("the ultimate mark of strength.")


def test_thread_page_shows_the_article_section_headings(client, cli):
    cli.invoke(args=["import-article"])
    thread = db.session.scalars(select(Thread)).one()

    page = parse(client.get(thread_url(thread)).get_data(as_text=True))

    opening = page.find("article", class_="opening")
    assert opening.find("h1").text == "Seeking help is a sign of strength, not weakness"
    assert [h2.text for h2 in opening.find_all("h2")] == SECTION_HEADINGS


def test_the_pinned_article_shows_activity_only_once_someone_answers(client, cli):
    """Its own time is when it was imported: nothing anyone did, so the listing says nothing
    until the first reply."""
    cli.invoke(args=["import-article"])
    article_item = parse(client.get("/").get_data(as_text=True)).find("li", class_="thread-item")
    assert "active" not in article_item.text and article_item.find("time") is None

    opening = db.session.scalar(select(Post).where(Post.parent_id.is_(None)))
    reply(opening, make_member("Hazel", days_old=30), "This helped me today.")
    article_item = parse(client.get("/").get_data(as_text=True)).find("li", class_="thread-item")
    assert "active" in article_item.text and article_item.find("time") is not None
