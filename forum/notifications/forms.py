"""The two forms of the notifications page: mark one entry read, or every one shown."""

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Regexp

from .marking import EntryKey

_ID = NumberRange(min=0, max=2**31 - 1)


class MarkReadForm(FlaskForm):
    entry = HiddenField(validators=[InputRequired(), Regexp(r"[a-z-]{1,30}-\d{1,10}")])
    upto = IntegerField(default=0, validators=[_ID])

    @property
    def key(self) -> EntryKey | None:
        return EntryKey.parse(self.entry.data or "")


class MarkAllReadForm(FlaskForm):
    upto = IntegerField(default=0, validators=[_ID])
    waiting = HiddenField(default="", validators=[Regexp(r"(\d{1,10}( \d{1,10}){0,49})?")])
    """The waiting stories shown, their thread ids separated by spaces."""

    @property
    def waiting_ids(self) -> list[int]:
        return [int(number) for number in re.findall(r"\d+", self.waiting.data or "")]
