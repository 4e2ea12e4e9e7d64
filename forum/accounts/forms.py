"""The forms for joining, logging in and getting back in. Each says what to change in plain
words; none echoes a password."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    HiddenField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from . import passwords, pseudonyms


def _normalised(text: str | None) -> str:
    return pseudonyms.normalise(text or "")


class NewPseudonym:
    """A pseudonym that keeps the rules in forum.accounts.pseudonyms (whether it is free is
    for the view to ask)."""

    def __call__(self, form, field) -> None:
        problem = pseudonyms.problem_with(field.data)
        if problem:
            raise ValidationError(problem)


class NewPassword:
    """A password that meets forum.accounts.passwords' rules."""

    def __init__(self, pseudonym_field: str | None = None) -> None:
        self.pseudonym_field = pseudonym_field

    def __call__(self, form, field) -> None:
        if self.pseudonym_field:
            pseudonym = form[self.pseudonym_field].data
        else:  # a signed-in member's own form
            pseudonym = getattr(form, "pseudonym_in_use", "")
        problem = passwords.problem_with(field.data or "", pseudonym or "")
        if problem:
            raise ValidationError(problem)


class SamePassword:
    """The repetition of a new password matches it. Said under the repetition, so a password
    that is too easy and mistyped the second time gets both messages at once."""

    def __init__(self, password_field: str) -> None:
        self.password_field = password_field

    def __call__(self, form, field) -> None:
        if (field.data or "") != (form[self.password_field].data or ""):
            raise ValidationError("The two passwords are not the same. Please type them again.")


def _pseudonym_field(label: str = "Pseudonym", **kwargs) -> StringField:
    return StringField(
        label,
        filters=[_normalised],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
        **kwargs,
    )


class JoinForm(FlaskForm):
    pseudonym = _pseudonym_field(
        validators=[DataRequired("Choose a pseudonym."), NewPseudonym()],
        description="3 to 30 letters, digits, “_” or “-”. Not your real name.",
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            NewPassword("pseudonym"),
        ],
        description=f"At least {passwords.MIN_LENGTH} characters. A few words together work well.",
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        "Password again",
        validators=[SamePassword("password")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Join")


class KeepCodesForm(FlaskForm):
    codes = FieldList(HiddenField(), min_entries=0)
    kept = BooleanField(
        "I have saved these codes somewhere safe",
        validators=[InputRequired("Please tick the box once you have saved your codes.")],
    )
    submit = SubmitField("Continue")


class LoginForm(FlaskForm):
    pseudonym = _pseudonym_field(validators=[DataRequired("Enter your pseudonym.")])
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device for 30 days")
    submit = SubmitField("Log in")


class RecoverForm(FlaskForm):
    pseudonym = _pseudonym_field(validators=[DataRequired("Enter your pseudonym.")])
    code = StringField(
        "One of your recovery codes",
        validators=[
            DataRequired("Enter one of your recovery codes."),
            Length(max=40, message="A recovery code is 20 letters and digits, like the example."),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
        description="Like ABCDE-12345-FGHJK-67890. Each code works once.",
    )
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Choose a new password."),
            NewPassword("pseudonym"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[SamePassword("new_password")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set my new password")
