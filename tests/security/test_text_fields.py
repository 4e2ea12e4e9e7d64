"""The hostile corpus (the Big List of Naughty Strings, script payloads, htmx attributes) through
every field a person can type into, each sent as the page's own form with a valid CSRF token by
someone allowed to send it; then the pages that show what was stored. Every answer is under 500
and comes within a second.

The whole corpus goes through every field, many strings to a request (as many as the field
keeps, so that they are stored and shown) to keep the number of requests down. Where forms share
a field (the content warning of stories, replies and edits; a title, written and edited), the
whole corpus goes through one of them and the payloads through the others. Each string alone
goes through the cheapest ways in: the htmx preview and a profile's address.
"""

import uuid
from itertools import zip_longest

import pytest
from support.apps import forget_rate_limits
from support.clients import PARTIAL, device
from support.content import reply, start_thread
from support.forms import compose_form, csrf_token, reply_form
from support.hostile import BLNS, CORPUS, PAYLOADS, Answers, Scene, in_path, packed
from support.members import PASSWORD
from support.moderation import ADMIN, AUTHOR, MODERATOR
from support.pages import form_posting_to, form_values, html_of, page, parse, writing_form

from forum.accounts import pseudonyms
from forum.database import db
from forum.models import RemovalReason, ReplyIntent, ReportReason, ThreadKind

# The longest text each field keeps (longer ones are refused, and sent all the same).
TITLE = 150
BODY = 20_000
WARNING = 100
BIO = 500
REPORT_NOTE = 500
REMOVAL_NOTE = 200
SUSPENSION_REASON = 300
LOCK_REASON = 200
REVEAL_REASON = 1_000
PASSWORD_MAX = 200

# Texts for the fields a request needs but that aren't the one under test.
PLAIN_TITLE = "A plain title"
PLAIN_BODY = "A plain body."
REPLIES_A_THREAD = 25

# Each alone through the account forms and as where a form sends a member back to: every other
# payload and every twentieth string of the list; through the fields that offer choices, fewer.
SAMPLE = PAYLOADS[::2] + BLNS[::20]
CHOICES = PAYLOADS[::4] + BLNS[::50]


def fresh_token() -> str:
    """A new one-time token, as a newly opened writing form carries."""
    return uuid.uuid4().hex


def followed(answers: Answers, client, response, what: str) -> None:
    """Open the page a form's redirect leads to: where what was stored is shown."""
    if response.status_code in (301, 302, 303) and response.headers["Location"].startswith("/"):
        answers.get(client, response.headers["Location"], f"the page after {what}")


# --- Writing: stories, discussions, replies, edits, previews -------------------------------


def test_sharing_stories_and_discussions(scene: Scene, answers: Answers):
    """Titles, bodies and content-warning texts of stories and discussions, then the listings
    that show every title, and the threads."""
    phone = scene.device(scene.town.author)
    form = compose_form(phone, "story")
    fields = list(
        zip_longest(
            packed(CORPUS, TITLE), packed(CORPUS, BODY), packed(CORPUS, WARNING), fillvalue=None
        )
    )
    threads = []
    for number, (title, body, warning) in enumerate(fields):
        data = {
            **form,
            "title": title or PLAIN_TITLE,
            "body": body or PLAIN_BODY,
            "warning": "Other" if warning else "",
            "warning_detail": warning or "",
            "intent": list(ReplyIntent)[number % len(ReplyIntent)].value,
            "token": fresh_token(),
        }
        response = answers.post(phone, "/stories/new", f"story {number}", data=data)
        if response.status_code == 303:
            threads.append(response.headers["Location"])

    discussion = compose_form(phone, "discussion")
    for number, title in enumerate(packed(PAYLOADS, TITLE)):
        data = {**discussion, "title": title, "body": title, "token": fresh_token()}
        response = answers.post(phone, "/discussions/new", f"discussion {number}", data=data)
        followed(answers, phone, response, f"discussion {number}")

    # Every title is listed on one of the pages of stories; every tenth thread is opened.
    listing = "/stories"
    while listing:
        response = answers.get(phone, listing, f"the stories listed at {listing}")
        listing = next_page(html_of(response), "/stories")
    for url in threads[::10]:
        answers.get(phone, url, f"the thread at {url}")
    for url in ("/", "/stories/unanswered", "/settings/export"):
        answers.get(phone, url)
    answers.get(device(scene.town.app), "/", "the home page, for a guest")
    answers.assert_all_well(at_least=len(fields) + len(threads) // 10)


def next_page(html: str, path: str) -> str | None:
    """The link to the next page of a listing at `path`, if there is one."""
    return next(
        (
            link.get("href")
            for link in parse(html).iter("a")
            if (link.get("href") or "").startswith(path + "?after=")
        ),
        None,
    )


def test_previews_in_both_shapes(scene: Scene, answers: Answers):
    """Preview without JavaScript (the whole form sent with its Preview button) and with htmx
    (the form sent to /preview); each string alone through the htmx one."""
    phone = scene.device(scene.town.author)
    form = compose_form(phone, "story")
    for number, body in enumerate(packed(CORPUS, BODY)):
        data = {**form, "title": body[:TITLE], "body": body, "preview": "1"}
        answers.post(phone, "/stories/new", f"no-JS preview {number}", data=data)
        answers.post(phone, "/preview", f"htmx preview {number}", data=data, headers=PARTIAL)
    for number, text in enumerate(CORPUS):
        data = {"csrf_token": form["csrf_token"], "body": text}
        answers.post(phone, "/preview", f"htmx preview of string {number}", data=data,
                     headers=PARTIAL)  # fmt: skip
    answers.assert_all_well(at_least=len(CORPUS))


def test_replies_in_both_shapes(scene: Scene, answers: Answers):
    """Reply bodies (the whole corpus) and content warnings (the payloads: stories take the
    whole corpus), sent without JavaScript and with htmx, spread over a few stories, then each
    thread as a guest, its writer and a moderator see it."""
    town = scene.town
    phone = scene.device(town.another)
    fields = list(zip_longest(packed(CORPUS, BODY), packed(PAYLOADS, WARNING), fillvalue=None))
    stories = [
        start_thread(ThreadKind.STORY, f"Story {n}", PLAIN_BODY, town.author)
        for n in range(len(fields) // REPLIES_A_THREAD + 1)
    ]
    forms = {story.id: reply_form(phone, story.id) for story in stories}
    for number, (body, warning) in enumerate(fields):
        parent = stories[number // REPLIES_A_THREAD].id
        prefix = f"reply-{parent}-"
        data = {
            **forms[parent],
            prefix + "body": body or PLAIN_BODY,
            prefix + "warning": "Other" if warning else "",
            prefix + "warning_detail": warning or "",
            prefix + "token": fresh_token(),
        }
        htmx = number % 2 == 1
        answers.post(
            phone, f"/p/{parent}/reply", f"reply {number} (htmx: {htmx})",
            data=data, headers=PARTIAL if htmx else None,
        )  # fmt: skip
    guest, mod = device(town.app), scene.device(town.moderator)
    for story in stories:
        url = f"/t/{story.thread_id}"
        for reader, who in ((guest, "a guest"), (phone, "its writer"), (mod, "a moderator")):
            answers.get(reader, url, f"thread {story.thread_id}, for {who}", follow_redirects=True)
    answers.assert_all_well(at_least=len(fields) + 3 * len(stories))


def test_editing_an_opening_post_and_a_reply(scene: Scene, answers: Answers):
    """The whole corpus as the body of edits (the payloads as titles and warnings, which the
    forms for writing take whole), then the edit form and the thread as stored."""
    town = scene.town
    for user, post in ((town.author, town.story), (town.reader, town.harsh)):
        phone = scene.device(user)
        url = f"/p/{post.id}/edit"
        form = form_values(writing_form(page(phone, url)))
        opening = "title" in form
        fields = zip_longest(
            packed(PAYLOADS, TITLE) if opening else [],
            packed(CORPUS, BODY),
            packed(PAYLOADS, WARNING),
            fillvalue=None,
        )
        for number, (title, body, warning) in enumerate(fields):
            data = {
                **form,
                "body": body or PLAIN_BODY,
                "warning": "Other" if warning else "",
                "warning_detail": warning or "",
            }
            if opening:
                data["title"] = title or PLAIN_TITLE
            answers.post(phone, url, f"edit {number} of post {post.id}", data=data)
        answers.get(phone, url, "the edit form, filled from what was stored")
        answers.get(phone, town.thread_url, "the edited thread")
    answers.assert_all_well(at_least=2 * len(packed(PAYLOADS, WARNING)))


# --- A member's bio ------------------------------------------------------------------------


def test_bios(scene: Scene, answers: Answers):
    """The bio, then the profile that shows it and the settings page that edits it."""
    town = scene.town
    phone = scene.device(town.author)
    form = form_values(form_posting_to(html_of(phone.get("/settings")), "/settings/bio"))
    for number, bio in enumerate(packed(CORPUS, BIO)):
        answers.post(phone, "/settings/bio", f"bio {number}", data={**form, "bio": bio})
        answers.get(device(town.app), f"/u/{AUTHOR}", f"the profile with bio {number}")
        if number % 5 == 0:
            answers.get(phone, "/settings", f"the settings page with bio {number}")
    answers.assert_all_well(at_least=2 * len(packed(CORPUS, BIO)))


# --- Reports and moderation ----------------------------------------------------------------


def test_report_notes(scene: Scene, answers: Answers):
    """Members' report notes, one report per post so each is kept, then the queue."""
    town = scene.town
    notes = packed(CORPUS, REPORT_NOTE)
    posts = [reply(town.story, town.author, f"Post {n}", commit=False) for n in range(len(notes))]
    db.session.commit()
    phone = scene.device(town.reader)
    reasons = list(ReportReason)
    for number, (post, note) in enumerate(zip(posts, notes, strict=True)):
        data = {
            "csrf_token": phone.csrf_token,
            "reason": reasons[number % len(reasons)].value,
            "note": note,
        }
        answers.post(phone, f"/p/{post.id}/report", f"report note {number}", data=data)
    answers.get(scene.device(town.moderator), "/mod", "the queue with every report")
    answers.assert_all_well(at_least=len(notes))


def test_removal_notes(scene: Scene, answers: Answers):
    """A moderator's note for the reason "Other", with and without htmx."""
    town = scene.town
    mod = scene.device(town.moderator)
    for number, note in enumerate(packed(CORPUS, REMOVAL_NOTE)):
        data = {"csrf_token": mod.csrf_token, "reason": RemovalReason.OTHER.value, "note": note}
        htmx = number % 2 == 1
        answers.post(
            mod, f"/mod/posts/{town.harsh.id}/remove", f"removal note {number} (htmx: {htmx})",
            data=data, headers=PARTIAL if htmx else None,
        )  # fmt: skip
        if number % 10 == 0:
            answers.get(mod, town.thread_url, f"the thread after removal {number}")
    answers.get(mod, "/mod/log", "the public log")
    answers.assert_all_well(at_least=len(packed(CORPUS, REMOVAL_NOTE)))


def test_suspension_reasons(scene: Scene, answers: Answers):
    """The reason a suspended member is shown, then where they are shown it."""
    town = scene.town
    mod = scene.device(town.moderator)
    member = scene.device(town.reader)
    for number, reason in enumerate(packed(CORPUS, SUSPENSION_REASON)):
        data = {"csrf_token": mod.csrf_token, "duration": "1", "reason": reason}
        htmx = number % 2 == 1
        answers.post(
            mod, f"/mod/posts/{town.harsh.id}/suspend-author",
            f"suspension reason {number} (htmx: {htmx})",
            data=data, headers=PARTIAL if htmx else None,
        )  # fmt: skip
        if number % 5 == 0:
            answers.get(member, "/stories/new", f"the suspended member's notice {number}")
    answers.get(mod, "/mod", "the queue with every suspension")
    answers.get(member, "/settings", "the suspended member's settings")
    answers.assert_all_well(at_least=len(packed(CORPUS, SUSPENSION_REASON)))


def test_lock_reasons(scene: Scene, answers: Answers):
    """A lock's reason, shown on the thread (each request locks or unlocks)."""
    town = scene.town
    mod = scene.device(town.moderator)
    for number, reason in enumerate(packed(CORPUS, LOCK_REASON)):
        data = {"csrf_token": mod.csrf_token, "reason": reason}
        answers.post(mod, f"/mod/threads/{town.thread.id}/lock", f"lock {number}", data=data)
        if number % 4 == 0:  # locked, with the reason shown
            answers.get(device(town.app), town.thread_url, f"the thread after lock {number}")
    answers.get(mod, "/mod/log", "the public log")
    answers.assert_all_well(at_least=len(packed(CORPUS, LOCK_REASON)))


def test_reveal_reasons(scene: Scene, answers: Answers):
    """An admin's reason for asking who wrote an anonymous post, then the request's page."""
    town = scene.town
    admin = scene.device(town.admin)
    url = f"/mod/posts/{scene.anonymous.id}/reveal"
    for number, reason in enumerate(packed(CORPUS, REVEAL_REASON)):
        data = {"csrf_token": admin.csrf_token, "reason": reason}
        response = answers.post(admin, url, f"reveal reason {number}", data=data)
        followed(answers, admin, response, f"reveal request {number}")
    answers.get(scene.device(town.moderator), "/mod", "the queue with every request")
    answers.assert_all_well(at_least=len(packed(CORPUS, REVEAL_REASON)))


# --- Accounts: pseudonyms and passwords, each string alone ---------------------------------


def account_form(form: str, token: str, text: str) -> dict[str, str]:
    """The form `form` ("login", "join" or "recover") with `text` as its pseudonym and every
    password, and as the recovery code."""
    data = {"csrf_token": token, "pseudonym": text}
    if form == "login":
        return data | {"password": text}
    if form == "join":
        return data | {"password": text, "password_again": text}
    return data | {"code": text, "new_password": text, "new_password_again": text}


@pytest.mark.parametrize("form", ["login", "join", "recover"])
def test_account_forms(scene: Scene, answers: Answers, form: str):
    """The sample, each string alone, as the pseudonym and every password of the form; then the
    whole corpus, packed as long as a password may be. (Each string alone reaches the same
    look-up of a pseudonym through a profile's address, below.) The attempts' limits are
    forgotten before each: they would answer 429 without reading the form."""
    guest = device(scene.town.app)
    token = csrf_token(guest, "/login")
    strings = SAMPLE + tuple(packed(CORPUS, PASSWORD_MAX))
    for number, text in enumerate(strings):
        forget_rate_limits()
        data = account_form(form, token, text)
        answers.post(guest, f"/{form}", f"{form} with string {number}", data=data)
    answers.assert_all_well(at_least=len(strings))


def test_joining_with_every_pseudonym_the_rules_allow(scene: Scene, answers: Answers):
    """The strings that make a valid pseudonym once normalised (full-width letters become plain
    ones) really join, each on a new device, and their profile opens."""
    allowed = [text for text in CORPUS if not pseudonyms.problem_with(pseudonyms.normalise(text))]
    assert len(allowed) >= 5, f"only {len(allowed)} strings are pseudonyms: the test tests little"
    for text in allowed:
        forget_rate_limits()
        guest = device(scene.town.app)
        data = {
            "csrf_token": csrf_token(guest, "/join"),
            "pseudonym": text,
            "password": PASSWORD,
            "password_again": PASSWORD,
        }
        answers.post(guest, "/join", f"join as {text!r}", data=data)
        answers.get(guest, f"/u/{in_path(text)}", f"the profile of {text!r}")
    answers.assert_all_well(at_least=2 * len(allowed))


def test_pseudonyms_in_member_urls(scene: Scene, answers: Answers):
    """Each string alone as the pseudonym in a profile's URL; the payloads and a sample of the
    list in the mute form's, and as where it sends the member back to."""
    town = scene.town
    phone = scene.device(town.author)
    guest = device(town.app)
    for number, text in enumerate(CORPUS):
        answers.get(guest, f"/u/{in_path(text)}", f"profile of string {number}")
    for number, text in enumerate(SAMPLE):
        data = {"csrf_token": phone.csrf_token, "back": text}
        answers.post(phone, f"/u/{in_path(text)}/mute", f"mute string {number}", data=data)
        data = {"csrf_token": phone.csrf_token, "back": text}
        answers.post(phone, f"/u/{MODERATOR}/mute", f"mute, back to string {number}", data=data)
    answers.assert_all_well(at_least=len(CORPUS) + 2 * len(SAMPLE))


# --- Choices: what a form offers as options, replaced by hostile values --------------------


def test_choices_replaced_by_hostile_values(scene: Scene, answers: Answers):
    """Select, radio and hidden fields carrying hostile values instead of the choices offered:
    content warnings, story intents, report and removal reasons, suspension lengths, reaction
    kinds, the one-time token and the "where to go back" fields."""
    town = scene.town
    writer = scene.device(town.author)
    reader = scene.device(town.reader)
    mod = scene.device(town.moderator)
    story = compose_form(writer, "story")
    for number, text in enumerate(CHOICES):
        what = f"string {number}"
        answers.post(writer, "/stories/new", f"warning {what}",
                     data={**story, "warning": text, "token": fresh_token()})  # fmt: skip
        answers.post(writer, "/stories/new", f"intent {what}",
                     data={**story, "intent": text, "token": fresh_token()})  # fmt: skip
        answers.post(writer, "/stories/new", f"token {what}", data={**story, "token": text})
        answers.post(reader, f"/p/{town.story.id}/report", f"report reason {what}",
                     data={"csrf_token": reader.csrf_token, "reason": text})  # fmt: skip
        answers.post(reader, f"/p/{town.story.id}/react", f"reaction {what}",
                     data={"csrf_token": reader.csrf_token, "kind": text})  # fmt: skip
        answers.post(mod, f"/mod/posts/{town.answer.id}/remove", f"removal reason {what}",
                     data={"csrf_token": mod.csrf_token, "reason": text, "from": text})  # fmt: skip
        answers.post(mod, f"/mod/posts/{town.answer.id}/suspend-author", f"duration {what}",
                     data={"csrf_token": mod.csrf_token, "duration": text,
                           "reason": "Please be kind."})  # fmt: skip
        answers.get(writer, f"/login?next={in_path(text)}", f"next {what}")
        answers.get(writer, f"/?after={in_path(text)}", f"home page cursor {what}")
        answers.get(writer, f"/mod/log?before={in_path(text)}", f"log cursor {what}")
    answers.get(scene.device(town.admin), f"/u/{MODERATOR}")
    answers.get(scene.device(town.admin), f"/u/{ADMIN}")
    answers.assert_all_well(at_least=len(CHOICES) * 10)
