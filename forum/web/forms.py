"""Form pieces every feature uses: text cleaning, a not-blank check, the bare confirmation
form, the removal form on every post card, ids for forms repeated on one page, and the status
of a page that shows a form."""

import re

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..models import RemovalReason

# Control characters other than tab and newline can't be typed on purpose, and PostgreSQL
# refuses NUL outright: they are dropped before anything else looks at the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str:
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()


class NotBlank:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if not (field.data or "").strip():
            raise ValidationError(self.message)


class ConfirmForm(FlaskForm):
    """A button that only does something with a valid CSRF token."""


class RemoveForm(FlaskForm):
    """A moderator's removal, with its reason. Here, not with the other moderation forms,
    because every post card shows it to moderators, on the pages of every feature."""

    reason = SelectField(
        "Reason",
        choices=[SelectChoice(reason.value, reason.label) for reason in RemovalReason],
        validators=[InputRequired("Choose a reason.")],
        # A reason is always chosen (the first is selected), so the browser's check would add
        # nothing; and HTML allows `required` on a select only if its first option is empty.
        render_kw={"required": False},
    )
    note = StringField(
        "Note for “Other”",
        filters=[clean_text],
        validators=[Length(max=200, message="Please keep this under 200 characters.")],
    )

    def validate_note(self, field) -> None:
        if self.reason.data == RemovalReason.OTHER and not field.data:
            raise ValidationError("Please say in a few words why, for the reason “Other”.")


def with_ids(form: FlaskForm, scope: str) -> FlaskForm:
    """`form` with its fields' ids (and their labels) starting with `scope`, so that copies of
    one form for several posts can share a page; the names the server reads stay the same."""
    for field in form:
        field.id = f"{scope}-{field.short_name}"
        field.label.field_id = field.id
    return form


def form_status(*forms: FlaskForm, refused: int | None = None) -> int:
    """The status of a page showing `forms`: a refusal's own status (403, 429) when the request
    was refused; 422 when something sent needs changing (the form says what, and keeps it);
    200 otherwise."""
    if refused:
        return refused
    return 422 if any(form.errors for form in forms) else 200


def remove_form(post_id: int, scope: str | None = None) -> RemoveForm:
    """The removal form for one post's card (its fields' ids starting with `scope`, when the
    post has a card in the moderation queue)."""
    return with_ids(RemoveForm(formdata=None), scope or f"remove-{post_id}")
