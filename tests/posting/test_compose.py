"""Sharing a story and starting a discussion: who may write, what the form keeps, what the
thread shows, how Markdown is made safe, and where new threads are listed."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from support.clients import PARTIAL, device, signed_in
from support.content import opening_of, thread_url
from support.forms import (
    compose,
    compose_form,
    csrf_token,
    join,
    log_in,
    reply_through_form,
    reply_url,
    share_story,
)
from support.members import PASSWORD, make_member
from support.pages import (
    ALIAS,
    Element,
    card,
    form_values,
    html_of,
    input_named,
    is_checked,
    location,
    page,
    parse,
    prose,
    selected,
    shown_codes,
    textarea_text,
    visible_text,
    writing_form,
)
from support.rows import count

from forum.database import db
from forum.models import Post, ReplyIntent, Thread

# These tests post quickly and often; the pace has tests of its own (test_posting_limits.py).
pytestmark = pytest.mark.usefixtures("unpaced")


# --- Who may write -------------------------------------------------------------------------


def destination(url: str) -> tuple[str, str | None]:
    """A link's path, and where it says to go next."""
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


def keep_codes_form(html: str) -> dict[str, str]:
    """What the recovery codes page's "I kept them" form sends."""
    form = next(f for f in parse(html).iter("form") if f.get("action") == "/recovery-codes/kept")
    return form_values(form)


@pytest.mark.parametrize("url", ["/stories/new", "/discussions/new"])
def test_a_guest_is_asked_to_log_in_and_the_form_is_remembered(app, url):
    """A guest who presses "Share your story" lands on the login page, which knows where they
    were going."""
    response = device(app).get(url)

    assert response.status_code == 302
    assert destination(location(response)) == ("/login", url)


@pytest.mark.parametrize("url", ["/stories/new", "/discussions/new"])
def test_after_logging_in_a_guest_comes_back_to_the_form(app, url):
    """Logging in from there leads straight back to the form."""
    make_member("Wren")
    phone = device(app)
    login_url = location(phone.get(url))

    response = log_in(phone, "Wren", url=login_url)

    assert response.status_code == 303
    assert location(response) == url
    assert writing_form(page(phone, url)) is not None


def test_after_joining_a_guest_comes_back_to_the_story_form(app):
    """Join link, join form and the recovery codes page all carry where the guest was going,
    so keeping the codes leads to the story form."""
    phone = device(app)
    login_url = location(phone.get("/stories/new"))
    join_link = next(
        a.get("href") for a in page(phone, login_url).iter("a") if a.text.startswith("Join with")
    )
    assert destination(join_link) == ("/join", "/stories/new")
    join_form = next(f for f in page(phone, join_link).iter("form") if "next=" in f.get("action"))
    assert destination(join_form.get("action")) == ("/join", "/stories/new")

    token = csrf_token(phone, join_link)
    codes_page = phone.post(
        join_link,
        data={
            "pseudonym": "newcomer",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert codes_page.status_code == 200
    assert len(shown_codes(html_of(codes_page))) > 0
    values = keep_codes_form(html_of(codes_page))
    assert values["then"] == "/stories/new"

    kept = phone.post("/recovery-codes/kept", data={**values, "kept": "y"})

    assert kept.status_code == 303
    assert location(kept) == "/stories/new"
    assert writing_form(page(phone, "/stories/new")) is not None


def test_joining_without_a_destination_still_leads_home(app):
    """The plain Join link keeps working: no destination means the home page."""
    phone = device(app)
    values = keep_codes_form(html_of(join(phone, "newcomer")))

    kept = phone.post("/recovery-codes/kept", data={**values, "kept": "y"})

    assert location(kept) == "/"


# --- Sharing a story -----------------------------------------------------------------------


def test_sharing_a_story_creates_a_story_and_opens_it(phone, wren):
    """A member shares a story and lands on it, with everything they chose."""
    response = compose(
        phone,
        title="What finally helped",
        body="I called the helpline.\n\nIt was *hard*.",
        warning="Grief",
        warning_detail="my father",
        intent="advice",
    )

    thread = db.session.scalar(select(Thread))
    assert response.status_code == 303
    assert location(response) == thread_url(thread)
    assert (thread.kind, thread.title) == ("story", "What finally helped")
    assert thread.content_warning == "Grief: my father"
    assert thread.intent == "advice"
    opening = opening_of(thread)
    assert opening.author_id == wren.id
    assert opening.anonymous is False
    assert opening.body == "I called the helpline.\n\nIt was *hard*."

    tree = page(phone, thread_url(thread))
    assert tree.find("h1").text == "What finally helped"
    assert "<em>hard</em>" in html_of(phone.get(thread_url(thread)))
    warning = tree.find("details", class_="content-warning")
    assert warning.find("summary").text == "Content warning (Grief: my father) Show"
    assert "I called the helpline." in warning.text, "the story is folded behind its warning"


def test_starting_a_discussion_creates_a_discussion_without_an_intent(phone):
    """A discussion has no "what kind of replies" question, even if one is sent."""
    response = compose(
        phone, "discussion", title="Therapists in Leeds?", body="Any tips?", intent="advice"
    )

    thread = db.session.scalar(select(Thread))
    assert response.status_code == 303
    assert location(response) == thread_url(thread)
    assert thread.kind == "discussion"
    assert thread.intent is None
    tree = page(phone, thread_url(thread))
    assert tree.find("p", class_="intent") is None
    assert "intent" not in form_values(writing_form(page(phone, "/discussions/new")))


@pytest.mark.parametrize(
    ("warning", "detail", "stored"),
    [
        ("", "", None),
        ("Self-harm", "", "Self-harm"),
        ("Abuse", "in childhood", "Abuse: in childhood"),
        ("Other", "a car accident", "a car accident"),
    ],
)
def test_a_content_warning_is_a_category_with_an_optional_detail(phone, warning, detail, stored):
    """The warning readers see is the category chosen, with the detail typed if any."""
    compose(phone, warning=warning, warning_detail=detail)

    thread = db.session.scalar(select(Thread))
    assert thread.content_warning == stored
    tree = page(phone, thread_url(thread))
    folded = tree.find("details", class_="content-warning")
    if stored is None:
        assert folded is None
        assert "I finally talked to someone." in prose(tree, opening_of(thread).id).text
    else:
        assert folded.find("summary").text == f"Content warning ({stored}) Show"


def test_something_else_needs_a_description(phone):
    """Choosing "Something else" without saying what gets a message beside the description,
    and nothing typed is lost."""
    response = compose(
        phone, title="My title", body="My story.", warning="Other", warning_detail="  "
    )

    assert response.status_code == 422
    tree = parse(html_of(response))
    error = tree.by_id("warning_detail-error")
    assert error is not None and "what the warning is about" in error.text
    assert input_named(tree, "title").get("value") == "My title"
    assert textarea_text(tree, "body") == "My story."
    assert selected(tree, "warning") == "Other"
    assert "open" in tree.find("details", class_="warning-fields").attrs
    assert count(Thread) == 0


def test_a_member_who_posts_anonymously_by_default_finds_the_box_ticked(app):
    """The anonymous box starts as the member's setting says."""
    shy = make_member("Shy", post_anonymously_by_default=True)
    bold = make_member("Bold")

    for who, expected in ((shy, True), (bold, False)):
        client = signed_in(app, who)
        for url in ("/stories/new", "/discussions/new"):
            assert is_checked(writing_form(page(client, url)), "anonymous") is expected, (who, url)


def test_the_default_can_be_changed_for_one_story(app):
    """A member who usually posts anonymously can untick the box and post under their name."""
    shy = make_member("Shy", post_anonymously_by_default=True)
    client = signed_in(app, shy)

    thread = share_story(client, anonymous=False)

    assert opening_of(thread).anonymous is False


def test_an_anonymous_story_shows_an_alias_and_never_the_pseudonym(app, phone, wren):
    """Nobody else, on any page or partial, learns who wrote an anonymous story."""
    thread = share_story(phone, title="Nobody knew", anonymous=True)
    opening = opening_of(thread)
    assert opening.anonymous and ALIAS.fullmatch(opening.anon_alias)
    reader = signed_in(app, make_member("Reader"))

    for client in (device(app), reader):
        for url in (thread_url(thread), "/", "/stories", reply_url(opening.id)):
            for headers in ({}, PARTIAL):
                html = html_of(client.get(url, headers=headers))
                assert "Wren" not in html, (url, headers)
                assert "/u/Wren" not in html
        byline = (
            page(client, thread_url(thread))
            .find("article", class_="opening")
            .find("p", class_="byline")
        )
        assert byline.find("span", class_="author-anonymous").text == opening.anon_alias
    profile = html_of(device(app).get("/u/Wren"))
    assert "Nobody knew" not in profile


@pytest.mark.parametrize("intent", list(ReplyIntent))
def test_the_intent_is_shown_on_the_story_and_above_every_reply_form(app, phone, intent):
    """What the author asked for is at the top of the story and above every reply form."""
    thread = share_story(phone, intent=intent.value)
    opening = opening_of(thread)
    answer = opening.reply(make_member("Harbour"), "Thank you for writing this.")
    db.session.commit()
    reader = signed_in(app, make_member("Reader"))

    header = page(reader, thread_url(thread)).find("article", class_="opening").find("header")
    assert header.find("p", class_="intent").text == f"{intent.label}. {intent.etiquette}"
    # (The reply page without JavaScript shows the same block: see test_replies.py.)
    for post in (opening, answer):
        form = writing_form(page(reader, reply_url(post.id), headers=PARTIAL))
        shown = form.find("p", class_="intent")
        assert shown is not None, post
        assert shown.text == f"{intent.label}. {intent.etiquette}"


def test_the_story_form_offers_the_three_intents_and_gentle_prompts(phone):
    """The story form asks what kind of replies would help and offers prompts to start."""
    tree = page(phone, "/stories/new")

    offered = [e.get("value") for e in tree.iter("input") if e.get("name") == "intent"]
    assert offered == [intent.value for intent in ReplyIntent]
    prompts = tree.find("aside", class_="prompts")
    assert prompts is not None
    assert any("held you back" in li.text for li in prompts.iter("li"))


# --- Preview -------------------------------------------------------------------------------


def test_preview_without_javascript_shows_the_text_and_keeps_every_field(phone):
    """Without JavaScript, Preview shows the rendered text and loses nothing; nothing is posted."""
    values = {
        **compose_form(phone),
        "title": "Draft title",
        "body": "Some **strong** words\n\n- one\n- two",
        "warning": "Other",
        "warning_detail": "hospital stays",
        "intent": "shared-experience",
        "anonymous": "y",
        "preview": "1",
    }

    response = phone.post("/stories/new", data=values)

    assert response.status_code == 200
    tree = parse(html_of(response))
    shown = tree.by_id("preview")
    assert "<strong>strong</strong>" in html_of(response)
    assert [li.text for li in shown.iter("li")] == ["one", "two"]
    assert input_named(tree, "title").get("value") == "Draft title"
    assert textarea_text(tree, "body") == "Some **strong** words\n\n- one\n- two"
    assert selected(tree, "warning") == "Other"
    assert input_named(tree, "warning_detail").get("value") == "hospital stays"
    assert (
        next(
            e for e in tree.iter("input") if e.get("name") == "intent" and "checked" in e.attrs
        ).get("value")
        == "shared-experience"
    )
    assert is_checked(tree, "anonymous")
    assert count(Thread) == 0 and count(Post) == 0


@pytest.mark.parametrize("how", ["no-JS", "htmx"])
@pytest.mark.parametrize(
    ("warning", "detail", "shown"),
    [
        ("Self-harm", "", "Self-harm"),
        ("Grief", "my father", "Grief: my father"),
        ("Other", "hospital stays", "hospital stays"),
    ],
)
def test_a_preview_folds_behind_the_chosen_warning_as_the_post_will(
    phone, how, warning, detail, shown
):
    values = {
        **compose_form(phone),
        "title": "Draft",
        "body": "Some **strong** words",
        "warning": warning,
        "warning_detail": detail,
        "preview": "1",
    }
    if how == "htmx":
        tree = parse(html_of(phone.post("/preview", data=values, headers=PARTIAL)))
    else:
        tree = parse(html_of(phone.post("/stories/new", data=values))).by_id("preview")

    fold = tree.find("details", class_="content-warning")
    assert fold is not None, "the preview is not folded"
    assert fold.find("summary").text == f"Content warning ({shown}) Show"
    assert fold.find("strong").text == "strong"
    assert "open" not in fold.attrs


@pytest.mark.parametrize("warning", ["", "Not a choice"])
def test_a_preview_without_a_real_warning_is_not_folded(phone, warning):
    values = {**compose_form(phone), "body": "Plain words", "warning": warning}

    tree = parse(html_of(phone.post("/preview", data=values, headers=PARTIAL)))

    assert tree.find("details") is None
    assert tree.find("div", class_="prose").text == "Plain words"


def test_before_any_preview_the_preview_box_is_empty(phone):
    """Empty (no white space either), so that no dashed box shows before there is a preview."""
    tree = page(phone, "/stories/new")

    assert tree.by_id("preview").children == []


def test_a_preview_without_javascript_opens_at_the_preview(phone):
    """The Preview button sends the form to the page's own address, at its preview."""
    tree = page(phone, "/stories/new")
    form = writing_form(tree)
    button = next(b for b in form.iter("button") if b.get("name") == "preview")

    assert form.get("action") == "/stories/new"
    assert button.get("formaction") == "/stories/new#preview"


@pytest.mark.parametrize("url", ["/stories/new", "/discussions/new"])
def test_the_writing_options_come_before_preview_and_send(phone, url):
    form = writing_form(page(phone, url))
    order = [
        e.get("name") or e.get("type")
        for e in form.iter()
        if e.tag in ("select", "input", "button") and e.get("type") != "hidden"
    ]

    buttons = [i for i, name in enumerate(order) if name in ("preview", "submit")]
    options = [i for i, name in enumerate(order) if name in ("warning", "intent", "anonymous")]
    assert len(buttons) == 2 and options
    assert max(options) < min(buttons), order


@pytest.mark.parametrize("url", ["/stories/new", "/discussions/new"])
def test_the_formatting_hint_is_in_plain_words(phone, url):
    hint = page(phone, url).by_id("body-hint").text

    assert "Markdown" not in hint
    assert "*stars*" in hint and "empty line between paragraphs" in hint


def test_preview_then_send_creates_the_story_once(phone):
    """After previewing, the same form still sends the story."""
    values = {**compose_form(phone), "title": "Draft", "body": "Words.", "preview": "1"}
    previewed = parse(html_of(phone.post("/stories/new", data=values)))

    response = phone.post("/stories/new", data=form_values(writing_form(previewed)))

    assert response.status_code == 303
    assert count(Thread) == 1


def test_the_htmx_preview_returns_only_the_rendered_text(phone):
    """With htmx, Preview puts only the rendered text under the editor."""
    token = compose_form(phone)["csrf_token"]

    response = phone.post(
        "/preview", data={"body": "# Hello\n\n*there*", "csrf_token": token}, headers=PARTIAL
    )

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html and "site-header" not in html
    tree = parse(html)
    assert tree.find("h2").text == "Preview"
    assert tree.find("h3").text == "Hello"
    assert tree.find("em").text == "there"
    assert count(Post) == 0


def test_the_htmx_preview_of_nothing_says_so(phone):
    """Previewing an empty editor says there is nothing to preview."""
    token = compose_form(phone)["csrf_token"]

    response = phone.post("/preview", data={"body": "  ", "csrf_token": token}, headers=PARTIAL)

    assert "Nothing to preview yet." in visible_text(html_of(response))


# --- Markdown made safe --------------------------------------------------------------------

DANGEROUS = """Hello <script>alert("hi")</script>

[click me](javascript:alert(1)) and [safe](https://example.org/help)

<a href="https://example.org" onclick="steal()">typed link</a>

<img src="https://tracker.example/pixel.gif" onerror="alert(2)">

![a cat](https://example.org/cat.png)

<div hx-get="/logout" hx-trigger="load" hx-post="/settings/delete">htmx</div>

<https://example.org/auto>
"""


def assert_safe(element: Element) -> None:
    """Nothing in `element` can run script, drive htmx, or load from another host."""
    for inside in element.iter():
        assert inside.tag not in ("script", "img", "iframe", "style", "object"), inside
        for name, value in inside.attrs.items():
            assert not name.startswith("on"), inside
            assert not name.startswith(("hx-", "data-hx")), inside
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith("javascript:"), inside
    for link in element.iter("a"):
        if link.get("href"):
            assert {"nofollow", "ugc", "noopener"} <= set(link.get("rel", "").split()), link


def test_a_story_cannot_carry_script_htmx_or_images(phone):
    """Whatever is typed, the story can't run script, drive htmx or embed an image."""
    thread = share_story(phone, body=DANGEROUS)

    text = prose(page(phone, thread_url(thread)), opening_of(thread).id)

    assert_safe(text)
    links = {a.text: a.get("href") for a in text.iter("a")}
    assert links["safe"] == "https://example.org/help"
    assert links["a cat"] == "https://example.org/cat.png", "an image is shown as a link"
    assert "https://example.org/auto" in links.values()
    assert links.get("click me") in (None, "")
    assert all("alert" not in (href or "") for href in links.values())
    assert "hx-get" in text.text, "typed HTML is shown as text, not dropped"


@pytest.mark.parametrize("how", ["htmx", "no-js"])
def test_the_preview_is_as_safe_as_the_post(phone, how):
    """The preview is sanitised like the post itself."""
    values = {**compose_form(phone), "title": "T", "body": DANGEROUS, "preview": "1"}
    if how == "htmx":
        response = phone.post("/preview", data=values, headers=PARTIAL)
        shown = parse(html_of(response))
    else:
        response = phone.post("/stories/new", data=values)
        shown = parse(html_of(response)).by_id("preview")

    assert response.status_code == 200
    text = shown.find("div", class_="prose")
    assert text.find("a") is not None
    assert_safe(text)


def headings(element: Element) -> list[tuple[str, str]]:
    return [(e.tag, e.text) for e in element.iter() if re.fullmatch(r"h[1-6]", e.tag)]


def test_a_members_headings_never_compete_with_the_page_title(phone):
    """ "# Heading" in a story becomes an h3: the page keeps one h1 (the title) and its h2s."""
    thread = share_story(phone, title="My year", body="# Big\n\n## Smaller\n\n###### Tiny")

    tree = page(phone, thread_url(thread))

    assert headings(prose(tree, opening_of(thread).id)) == [
        ("h3", "Big"),
        ("h4", "Smaller"),
        ("h6", "Tiny"),
    ]
    assert [h.text for h in tree.iter("h1")] == ["My year"]


def test_headings_are_demoted_in_replies_and_previews_too(phone):
    """Replies and both previews demote headings as the post does."""
    thread = share_story(phone)
    values = {**compose_form(phone), "title": "T", "body": "# Big", "preview": "1"}
    token = values["csrf_token"]

    answer = reply_through_form(phone, opening_of(thread).id, "# Big")
    htmx = parse(html_of(phone.post("/preview", data={"body": "# Big", "csrf_token": token})))
    no_js = parse(html_of(phone.post("/stories/new", data=values))).by_id("preview")

    assert headings(prose(page(phone, thread_url(thread)), answer.id)) == [("h3", "Big")]
    assert ("h3", "Big") in headings(htmx)
    assert ("h3", "Big") in headings(no_js)
    assert not any(tag in ("h1", "h2") for tag, text in headings(htmx) if text == "Big")


# --- Where new threads are listed ----------------------------------------------------------


def test_stories_are_listed_on_stories_and_home_and_discussions_only_at_home(app, phone):
    """Stories list only stories, home lists both; a warning is a tag and no text is shown."""
    story = share_story(phone, title="A story of mine", body="Story body text", warning="Grief")
    compose(phone, "discussion", title="A question for all", body="Discussion body text")
    visitor = device(app)

    stories = visible_text(html_of(visitor.get("/stories")))
    home = visible_text(html_of(visitor.get("/")))

    assert "A story of mine" in stories and "A question for all" not in stories
    assert "A story of mine" in home and "A question for all" in home
    for text in (stories, home):
        assert "Story body text" not in text and "Discussion body text" not in text
    item = next(
        li
        for li in page(visitor, "/").find_all("li", class_="thread-item")
        if "A story of mine" in li.text
    )
    tags = [tag.text for tag in item.find_all("span", class_="tag")]
    assert "Content warning (Grief)" in tags
    assert "Story" in tags
    assert card(page(visitor, thread_url(story)), opening_of(story).id) is not None


# --- Sending twice -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["story", "discussion"])
def test_sending_the_same_form_twice_creates_one_thread(phone, kind):
    """A double click or a resent form: one thread, and both answers lead to it."""
    values = {**compose_form(phone, kind), "title": "Only once", "body": "Once."}

    first = compose(phone, kind, values=values)
    second = compose(phone, kind, values=values)

    assert count(Thread) == 1 and count(Post) == 1
    thread = db.session.scalar(select(Thread))
    assert first.status_code == second.status_code == 303
    for response in (first, second):
        assert location(response).split("#")[0] == thread_url(thread)


def test_a_resent_form_is_not_refused_by_the_posting_pace(app, phone):
    """The second send of one form is the same story, not a second one to slow down."""
    app.config["THREAD_INTERVAL_SECONDS"] = 600
    values = {**compose_form(phone), "title": "Only once", "body": "Once."}

    first = compose(phone, values=values)
    second = compose(phone, values=values)

    assert (first.status_code, second.status_code) == (303, 303)
    assert count(Thread) == 1


def test_a_new_form_creates_a_new_thread(phone):
    """Two stories sent from two forms are two threads."""
    compose(phone, title="First", body="One.")
    compose(phone, title="Second", body="Two.")

    assert count(Thread) == 2
