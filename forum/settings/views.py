"""A member's own settings: password, profile, preferences, recovery codes, their data."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..accounts import members, recovery
from ..accounts.codes_page import show_codes
from ..database import db, utcnow
from ..models import Mute, User
from ..web.access import members_only
from ..web.forms import form_status
from .forms import (
    BioForm,
    ChangePasswordForm,
    DeleteAccountForm,
    PreferencesForm,
    RegenerateCodesForm,
)

bp = Blueprint("settings", __name__, url_prefix="/settings")
# Every page here is a member's own.
bp.before_request(members_only)


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def muted_members(user: User) -> list[User]:
    """The members `user` has muted, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Mute, Mute.muted_id == User.id)
            .where(Mute.muter_id == user.id)
            .order_by(User.pseudonym_key)
        )
    )


def _page(**failed: FlaskForm):
    """The settings page; a form that failed keeps what was typed and says what to change."""
    forms = {
        "password_form": ChangePasswordForm(formdata=None),
        "bio_form": BioForm(formdata=None, data={"bio": current_user.bio}),
        "preferences_form": PreferencesForm(formdata=None, obj=current_user),
        "codes_form": RegenerateCodesForm(formdata=None, prefix="codes"),
        "delete_form": DeleteAccountForm(formdata=None, prefix="delete"),
        **failed,
    }
    page = render_template(
        "settings/index.html",
        codes_left=recovery.codes_left(current_user),
        muted=muted_members(current_user),
        **forms,
    )
    return page, form_status(*failed.values())


@bp.get("")
def index():
    """All of a member's settings on one page."""
    return _page()


def _wrong_password(form: FlaskForm, field_name: str) -> bool:
    if members.check_password(current_user, form[field_name].data):
        return False
    form[field_name].errors.append("That isn't your current password.")
    return True


@bp.post("/password")
def change_password():
    form = ChangePasswordForm()
    form.pseudonym_in_use = current_user.pseudonym
    if not form.validate_on_submit() or _wrong_password(form, "current_password"):
        return _page(password_form=form)
    members.set_password(current_user, form.new_password.data)
    db.session.commit()
    # The token changed: sign this session in again under the new one.
    login_user(current_user._get_current_object())
    flash("Your password is changed. Any other device you were logged in on is logged out.")
    return redirect(url_for(".index"), 303)


@bp.post("/bio")
def edit_bio():
    form = BioForm()
    if not form.validate_on_submit():
        return _page(bio_form=form)
    current_user.set_bio(form.bio.data)
    db.session.commit()
    flash("Your profile is saved.")
    return redirect(url_for(".index"), 303)


@bp.post("/preferences")
def preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(preferences_form=form)
    current_user.post_anonymously_by_default = form.post_anonymously_by_default.data
    current_user.unfold_content_warnings = form.unfold_content_warnings.data
    db.session.commit()
    flash("Your preferences are saved.")
    return redirect(url_for(".index"), 303)


@bp.post("/recovery-codes")
def regenerate_codes():
    """A new set of codes; the old set stops working."""
    form = RegenerateCodesForm(prefix="codes")
    if not form.validate_on_submit() or _wrong_password(form, "password"):
        return _page(codes_form=form)
    codes = recovery.issue_codes(current_user)
    db.session.commit()
    return show_codes(codes)


@bp.get("/export")
def export():
    """Everything the forum holds about me, as a JSON file."""
    data = members.export_data(current_user)
    filename = f"forum-data-{current_user.pseudonym}-{utcnow():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/delete")
def delete_account():
    """Delete the account for good, erasing or keeping its posts as the member chose."""
    form = DeleteAccountForm(prefix="delete")
    if not form.validate_on_submit() or _wrong_password(form, "password"):
        return _page(delete_form=form)
    user = current_user._get_current_object()
    logout_user()
    members.delete_account(user, erase_posts=form.posts.data == "erase")
    db.session.commit()
    # A page, not a redirect with a message: the message would live in the cookie being cleared.
    page = render_template("settings/deleted.html", erased=form.posts.data == "erase")
    return page, 200, {"Clear-Site-Data": '"cookies", "storage"'}
