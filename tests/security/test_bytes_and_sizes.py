"""What no browser sends: bytes that are not UTF-8 and NUL, in every text field of every form and
in the addresses that name a member, a thread, a post or a page of a listing; and far more text
than any field takes. Every answer is under 500 and comes within a second.

The forms are sent as raw bodies (application/x-www-form-urlencoded), so the bytes arrive as
they were written, percent-encoded or not.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from support.clients import PARTIAL, device
from support.forms import compose_form, csrf_token, reply_form
from support.hostile import BAD_BYTES, Answers, Scene
from support.members import NEW_PASSWORD, PASSWORD
from support.moderation import AUTHOR, READER
from support.pages import form_values, page, writing_form
from support.rows import fresh

from forum.models import RemovalReason, ReportReason, User

FORM = "application/x-www-form-urlencoded"


@dataclass
class Form:
    name: str
    client: FlaskClient
    url: str
    data: dict[str, str]
    """Every field as the page's form sends it."""
    texts: tuple[str, ...]
    """The fields a person types into."""
    headers: dict[str, str] | None = None

    def body(self, value: bytes) -> bytes:
        """The form's body with `value` (percent-encoded, or raw bytes) in every text field."""
        others = urlencode({k: v for k, v in self.data.items() if k not in self.texts})
        texts = b"&".join(name.encode() + b"=" + value for name in self.texts)
        return others.encode() + b"&" + texts

    def send(self, answers: Answers, what: str, body: bytes):
        return answers.post(
            self.client, self.url, f"{self.name}: {what}", data=body, content_type=FORM,
            headers=self.headers,
        )  # fmt: skip


def every_form(scene: Scene) -> Iterator[Form]:
    """Every form with a field to type in, each on the device of someone who may send it."""
    town = scene.town
    writer, reader = scene.device(town.author), scene.device(town.reader)
    mod, admin = scene.device(town.moderator), scene.device(town.admin)
    guest = device(town.app)
    guest_token = csrf_token(guest, "/login")

    story = compose_form(writer, "story") | {"warning": "Other"}
    written = ("title", "body", "warning_detail")
    yield Form("story", writer, "/stories/new", story, written)
    discussion = compose_form(writer, "discussion") | {"warning": "Other"}
    yield Form("discussion", writer, "/discussions/new", discussion, written)
    yield Form("no-JS preview", writer, "/stories/new", story | {"preview": "1"}, written)
    yield Form("htmx preview", writer, "/preview", story, ("body",), PARTIAL)

    prefix = f"reply-{town.answer.id}-"
    answer = reply_form(writer, town.answer.id) | {prefix + "warning": "Other"}
    replied = (prefix + "body", prefix + "warning_detail")
    yield Form("reply", writer, f"/p/{town.answer.id}/reply", answer, replied)
    yield Form("htmx reply", writer, f"/p/{town.answer.id}/reply", answer, replied, PARTIAL)
    edit = f"/p/{town.story.id}/edit"
    edited = form_values(writing_form(page(writer, edit))) | {"warning": "Other"}
    yield Form("edit", writer, edit, edited, written)

    yield Form("bio", writer, "/settings/bio", {"csrf_token": writer.csrf_token}, ("bio",))
    passwords = ("current_password", "new_password", "new_password_again")
    yield Form("password", writer, "/settings/password", {"csrf_token": writer.csrf_token},
               passwords)  # fmt: skip
    yield Form("new codes", writer, "/settings/recovery-codes",
               {"csrf_token": writer.csrf_token}, ("codes-password",))  # fmt: skip
    yield Form("mute", writer, f"/u/{READER}/mute", {"csrf_token": writer.csrf_token}, ("back",))
    yield Form("codes kept", writer, "/recovery-codes/kept",
               {"csrf_token": writer.csrf_token, "kept": "y"}, ("codes-0", "then"))  # fmt: skip
    report = {"csrf_token": reader.csrf_token, "reason": ReportReason.OTHER.value}
    yield Form("report", reader, f"/p/{town.story.id}/report", report, ("note",))

    removal = {"csrf_token": mod.csrf_token, "reason": RemovalReason.OTHER.value}
    yield Form("removal", mod, f"/mod/posts/{town.harsh.id}/remove", removal, ("note",))
    suspension = {"csrf_token": mod.csrf_token, "duration": "1"}
    yield Form("suspension", mod, f"/mod/posts/{town.harsh.id}/suspend-author", suspension,
               ("reason",))  # fmt: skip
    yield Form("lock", mod, f"/mod/threads/{town.thread.id}/lock",
               {"csrf_token": mod.csrf_token}, ("reason",))  # fmt: skip
    yield Form("reveal", admin, f"/mod/posts/{scene.anonymous.id}/reveal",
               {"csrf_token": admin.csrf_token}, ("reason",))  # fmt: skip

    token = {"csrf_token": guest_token}
    yield Form("login", guest, "/login", token, ("pseudonym", "password"))
    yield Form("join", guest, "/join", token, ("pseudonym", "password", "password_again"))
    yield Form("recover", guest, "/recover", token,
               ("pseudonym", "code", "new_password", "new_password_again"))  # fmt: skip


def test_bytes_that_are_not_utf8_and_nul_in_every_field(scene: Scene, answers: Answers):
    forms = list(every_form(scene))
    for form in forms:
        for name, value in BAD_BYTES.items():
            form.send(answers, name, form.body(value.encode()))
        # Such bytes not percent-encoded, and in a field's name.
        form.send(answers, "raw bytes", form.body(b"\xff\xfe \x00 \xc0\xaf \xed\xa0\x80"))
        form.send(answers, "a name that isn't UTF-8", form.body(b"x") + b"&%FF%00=1&\xff=2")
    answers.assert_all_well(at_least=len(forms) * (len(BAD_BYTES) + 2))


@pytest.mark.parametrize("form", ["login", "recover"])
def test_nul_in_a_pseudonym_with_everything_else_right(scene: Scene, answers: Answers, form):
    """The look-up of a member by a pseudonym sent with a NUL in it (PostgreSQL refuses NUL in
    a query): the forms otherwise pass, so the look-up happens."""
    guest = device(scene.town.app)
    data = {
        "csrf_token": csrf_token(guest, "/login"),
        "password": PASSWORD,
        "code": "ABCDE-12345-FGHJK-67890",
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }
    for value in (b"%00", f"{AUTHOR}%00".encode(), f"Ha%00{AUTHOR[2:]}".encode()):
        body = urlencode(data).encode() + b"&pseudonym=" + value
        answers.post(guest, f"/{form}", f"{form} as {value!r}", data=body, content_type=FORM)
    answers.assert_all_well(at_least=3)


def test_nul_in_a_bio_is_dropped(scene: Scene, answers: Answers):
    """PostgreSQL refuses a NUL in any text: the bio drops control characters, as every other
    text field does, and the profile shows the rest."""
    writer = scene.device(scene.town.author)
    with_nul = {name: value for name, value in BAD_BYTES.items() if "%00" in value}
    for name, value in with_nul.items():
        body = f"csrf_token={writer.csrf_token}&bio=Still{value}here".encode()
        answers.post(writer, "/settings/bio", f"bio: {name}", data=body, content_type=FORM)
    answers.get(writer, f"/u/{AUTHOR}", "the profile")
    answers.assert_all_well(at_least=len(with_nul) + 1)
    assert "\x00" not in fresh(User, pseudonym=AUTHOR).bio


ADDRESSES = (
    "/u/{}",
    f"/u/{AUTHOR}?before={{}}",
    "/t/{}",
    "/t/1-{}",
    "/p/{}",
    "/p/1/take-care?{}",
    "/?after={}",
    "/stories?after={}",
    "/mod/log?before={}",
    "/login?next={}",
    "/help?country={}",
    "/static/{}",
)


def test_bytes_that_are_not_utf8_and_nul_in_addresses(scene: Scene, answers: Answers):
    town = scene.town
    writer, mod = scene.device(town.author), scene.device(town.moderator)
    for name, value in BAD_BYTES.items():
        for address in ADDRESSES:
            for client in (device(town.app), writer):
                answers.get(client, address.format(value), f"{address}: {name}")
        answers.post(writer, f"/u/{value}/mute", f"mute: {name}",
                     data={"csrf_token": writer.csrf_token})  # fmt: skip
        answers.post(mod, f"/mod/posts/{value}/remove", f"removal: {name}",
                     data={"csrf_token": mod.csrf_token, "reason": "spam"})  # fmt: skip
    answers.assert_all_well(at_least=len(BAD_BYTES) * (2 * len(ADDRESSES) + 2))


MEGABYTE = 1_000_000


@pytest.mark.parametrize("unit", [b"a", b"+"], ids=["letters", "spaces"])
def test_a_megabyte_in_every_field(scene: Scene, answers: Answers, unit: bytes):
    """Fifty times the longest post, in every field at once: refused, or (the previews, which
    take text of any length) shown, within a second."""
    forms = list(every_form(scene))
    for form in forms:
        form.send(answers, f"a megabyte of {unit!r}", form.body(unit * MEGABYTE))
    answers.assert_all_well(at_least=len(forms))


def test_a_body_far_larger_than_any_form_is_refused_unread(scene: Scene, answers: Answers):
    """16 MB, which no form of the forum ever sends, is refused (413) before it is read."""
    guest = device(scene.town.app)
    data = {"csrf_token": csrf_token(guest, "/login"), "pseudonym": "Wren", "password": "x"}
    body = urlencode(data).encode() + b"&padding=" + b"a" * 16_000_000
    response = answers.post(guest, "/login", "16 MB", data=body, content_type=FORM)
    answers.assert_all_well()
    assert response.status_code == 413
