"""The forms of a member's settings page. Each says what to change in plain words; none
echoes a password."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from ..accounts.forms import NewPassword, SamePassword
from ..web.forms import clean_text

BIO_MAX_LENGTH = 500


class ChangePasswordForm(FlaskForm):
    pseudonym_in_use = ""
    """Set by the view: a new password must not contain it."""

    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), NewPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[SamePassword("new_password")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")


class BioForm(FlaskForm):
    bio = TextAreaField(
        "About you",
        filters=[clean_text],
        validators=[
            Length(
                max=BIO_MAX_LENGTH,
                message=f"Please keep this to {BIO_MAX_LENGTH} characters (it is %(length)d now).",
            )
        ],
        description="Optional, shown on your profile. Markdown works. Leave out anything that "
        "could identify you.",
        render_kw={"rows": 4},
    )
    submit = SubmitField("Save")


class PreferencesForm(FlaskForm):
    post_anonymously_by_default = BooleanField("Post anonymously unless I choose otherwise")
    unfold_content_warnings = BooleanField("Show posts with content warnings unfolded")
    show_notification_count = BooleanField(
        "Show how many notifications are unread, beside the bell"
    )
    listens_for_unanswered = BooleanField(
        "Be a listener: tell me about stories still waiting for a first reply after a few hours",
        description="You'll see each story's title, never who wrote it.",
    )
    follow_threads_joined = BooleanField("Follow the threads I start or reply to")
    submit = SubmitField("Save preferences")


class RegenerateCodesForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to make new codes.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Make new recovery codes")


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to delete your account.")],
        render_kw={"autocomplete": "current-password"},
    )
    posts = RadioField(
        "What should happen to what you posted?",
        choices=[
            SelectChoice(
                "erase", "Erase my posts: their text is removed; replies from others stay in place"
            ),
            SelectChoice(
                "keep", "Keep my posts, shown as “[deleted]” and no longer linked to any account"
            ),
        ],
        validators=[InputRequired("Choose what should happen to your posts.")],
    )
    confirm = BooleanField(
        "I understand this cannot be undone",
        validators=[InputRequired("Please tick the box to confirm.")],
    )
    submit = SubmitField("Delete my account")


class EndSignInForm(FlaskForm):
    """Sign out on one other device: the button beside it in the list."""

    sign_in = IntegerField(validators=[InputRequired()])
