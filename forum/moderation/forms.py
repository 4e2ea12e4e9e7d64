"""Forms for moderators and for members' reports."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..models import ReportReason
from ..web.forms import clean_text

SUSPENSIONS = [
    SelectChoice("1", "1 day"),
    SelectChoice("3", "3 days"),
    SelectChoice("7", "1 week"),
    SelectChoice("30", "30 days"),
    SelectChoice("indefinitely", "Until further notice"),
]


class SuspendForm(FlaskForm):
    duration = SelectField("For how long", choices=SUSPENSIONS, default="7")
    reason = TextAreaField(
        "Reason (the member will see this)",
        filters=[clean_text],
        validators=[
            DataRequired("Please write the reason the member will see."),
            Length(max=300, message="Please keep this under 300 characters."),
        ],
        render_kw={"rows": 2},
    )


class LockForm(FlaskForm):
    reason = StringField(
        "Why (shown on the thread)",
        filters=[clean_text],
        validators=[Length(max=200, message="Please keep this under 200 characters.")],
    )


class ReportForm(FlaskForm):
    reason = RadioField(
        "What's wrong?",
        choices=[SelectChoice(reason.value, reason.label) for reason in ReportReason],
        validators=[InputRequired("Please choose what is wrong.")],
    )
    note = TextAreaField(
        "Anything the moderators should know (optional)",
        filters=[clean_text],
        validators=[Length(max=500, message="Please keep this under 500 characters.")],
        render_kw={"rows": 3},
    )


class RevealForm(FlaskForm):
    reason = TextAreaField(
        "Why this must be known (recorded in the log as a request, without your words)",
        filters=[clean_text],
        validators=[
            DataRequired("A written reason is required."),
            Length(min=20, max=1000, message="Please explain in 20 to 1,000 characters."),
        ],
        render_kw={"rows": 3},
    )
