"""Forms for writing: a story or discussion, a reply, an edit. Limits say what to change and
keep everything typed."""

import re
import uuid

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..models import ReplyIntent
from ..web.forms import NotBlank, clean_text

OUT_OF_DATE = "This form was out of date. Everything you wrote is still here: please send it again."

TITLE_MAX = 150
BODY_MAX = 20_000
WARNING_DETAIL_MAX = 100

# Gentle prompts beside the story editor, drawn from the article's steps.
STORY_PROMPTS = [
    "What held you back from asking for help, or what still does?",
    "What helped, even a little? A person, a place, a small first step?",
    "What would you tell someone in your shoes today?",
]

# How to shape text (Markdown), in words for someone who has never heard of Markdown.
FORMATTING_HINT = (
    "Put *stars* around words to make them slanted, **two stars** to make them bold. "
    "Leave an empty line between paragraphs. Start a line with - for a list, or > to quote."
)

CONTENT_WARNINGS = [
    SelectChoice("", "No content warning"),
    *(
        SelectChoice(topic, topic)
        for topic in ("Self-harm", "Suicide", "Abuse", "Eating disorders", "Substance use", "Grief")
    ),
    SelectChoice("Other", "Something else (describe it below)"),
]


def _body_field(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        filters=[clean_text],
        validators=[
            NotBlank("Please write something before sending."),
            Length(
                max=BODY_MAX,
                message=f"Please keep this under {BODY_MAX:,} characters "
                "(it is %(length)d now). You could continue in a reply.",
            ),
        ],
        description=description,
        # No maxlength: the browser would cut a long paste short without a word. The server
        # says what is too long and keeps all of it.
        render_kw={"rows": 10, "maxlength": False},
    )


class WritingForm(FlaskForm):
    """What every post has: a body, an optional content warning, and a one-time token."""

    body = _body_field("Your message", FORMATTING_HINT)
    warning = SelectField("Content warning", choices=CONTENT_WARNINGS, default="")
    warning_detail = StringField(
        "Describe the content warning (optional)",
        filters=[clean_text],
        validators=[
            Length(max=WARNING_DETAIL_MAX, message=f"Please keep this under {WARNING_DETAIL_MAX} "
                   "characters."),
        ],
        render_kw={"maxlength": False},
    )  # fmt: skip
    token = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.token.data:
            self.token.data = uuid.uuid4().hex

    def validate_warning_detail(self, field) -> None:
        if self.warning.data == "Other" and not field.data:
            raise ValidationError("Please say in a few words what the warning is about.")

    def validate_token(self, field) -> None:
        if not re.fullmatch(r"[0-9a-f]{32}", field.data or ""):
            raise ValidationError(OUT_OF_DATE)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.token.errors:
            self.renew_token()
        return valid

    def renew_token(self) -> None:
        """A fresh one-time token, and a word on the form about why (the text is all kept)."""
        self.token.data = uuid.uuid4().hex
        self.token.errors = []
        self.form_errors.append(OUT_OF_DATE)

    def show_warning(self, warning: str | None) -> None:
        """Fill the category and detail fields from a warning as readers see it."""
        known = {choice.value for choice in CONTENT_WARNINGS if choice.value}
        category, _, detail = (warning or "").partition(": ")
        if warning and category not in known:
            category, detail = "Other", warning
        self.warning.data, self.warning_detail.data = category, detail

    @property
    def content_warning(self) -> str | None:
        """The warning as readers will see it, or None (also for a category that isn't one of
        the choices: a preview asks before the form is validated)."""
        category, detail = self.warning.data, self.warning_detail.data
        if not category or category not in {choice.value for choice in CONTENT_WARNINGS}:
            return None
        if category == "Other":
            return detail
        return f"{category}: {detail}" if detail else category


class ComposeForm(WritingForm):
    title = StringField(
        "Title",
        filters=[clean_text],
        validators=[
            DataRequired("Please give it a title."),
            Length(max=TITLE_MAX, message=f"Please keep the title under {TITLE_MAX} characters "
                   "(it is %(length)d now)."),
        ],
        render_kw={"maxlength": False},
    )  # fmt: skip
    anonymous = BooleanField("Post anonymously (a name like “Anonymous Heron” is shown instead)")


class StoryForm(ComposeForm):
    body = _body_field("Your story", f"Take your time. {FORMATTING_HINT}")
    intent = RadioField(
        "What kind of replies would help?",
        choices=[SelectChoice(intent.value, intent.label) for intent in ReplyIntent],
        default=ReplyIntent.LISTENING.value,
        validators=[InputRequired("Please choose what kind of replies would help.")],
    )


class DiscussionForm(ComposeForm):
    pass


class ReplyForm(WritingForm):
    body = _body_field("Your reply")
    anonymous = BooleanField("Reply anonymously")

    @classmethod
    def answering(cls, post_id: int) -> "ReplyForm":
        """The form for a reply to `post_id`. A prefix per post: several reply forms can be
        open on one page without sharing ids."""
        return cls(prefix=f"reply-{post_id}")


class EditForm(WritingForm):
    title = StringField(
        "Title",
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=TITLE_MAX, message=f"Please keep the title under {TITLE_MAX} characters."),
        ],
        render_kw={"maxlength": False},
    )
