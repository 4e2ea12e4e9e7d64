"""A member's own settings: password, profile, preferences, recovery codes, the devices
they are signed in on, their data."""

import json
from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from ..accounts import members, passwords, recovery, sign_ins
from ..accounts.codes_page import show_codes
from ..accounts.limits import rechecks_limited, record_failure, wait_notice
from ..database import db, utcnow
from ..models import Mute, User
from ..web.access import members_only
from ..web.forms import form_status
from ..web.wording import suspension_notice
from .forms import (
    BioForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EndSignInForm,
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


def _page(refused: int | None = None, **failed: FlaskForm):
    """The settings page; a form that failed keeps what was typed and says what to change
    (`refused`: the status when the request was refused, 429)."""
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
        devices=sign_ins.devices(current_user),
        **forms,
    )
    return page, form_status(*failed.values(), refused=refused)


@bp.get("")
def index():
    """All of a member's settings on one page."""
    return _page()


def _wrong_password(form: FlaskForm, field_name: str) -> bool:
    """Whether the password typed in `field_name` is wrong, which the form then says. The
    request's transaction ends before the check (`members.check_password`); a wrong password
    counts towards `rechecks_limited`."""
    if members.check_password(current_user, form[field_name].data):
        return False
    record_failure()
    form[field_name].errors.append("That isn't your current password.")
    return True


@bp.post("/password")
@rechecks_limited
def change_password():
    form = ChangePasswordForm()
    form.pseudonym_in_use = current_user.pseudonym
    if not form.validate_on_submit() or _wrong_password(form, "current_password"):
        return _page(password_form=form)
    # Hashed while no transaction is open (the check ended it): argon2 is slow.
    password_hash = passwords.hash_password(form.new_password.data)
    user = current_user._get_current_object()
    members.set_password(user, password_hash)
    # This device stays signed in, under a new token: a copy of its cookies is worthless too.
    remember = sign_ins.renew_here(user)
    db.session.commit()
    login_user(user, remember=remember)  # the cookies, written again with the new token
    flash("Your password is changed. Any other device you were logged in on is logged out.")
    return redirect(url_for(".index"), 303)


@bp.post("/bio")
def edit_bio():
    form = BioForm()
    if not form.validate_on_submit():
        return _page(bio_form=form)
    if current_user.is_suspended:  # a bio is public: a suspension stops it as it stops posts
        form.form_errors.append(suspension_notice(current_user))
        return _page(refused=403, bio_form=form)
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
    current_user.show_notification_count = form.show_notification_count.data
    current_user.listens_for_unanswered = form.listens_for_unanswered.data
    current_user.follow_threads_joined = form.follow_threads_joined.data
    db.session.commit()
    flash("Your preferences are saved.")
    return redirect(url_for(".index"), 303)


@bp.post("/recovery-codes")
@rechecks_limited
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
@rechecks_limited
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


@bp.post("/devices/end")
def end_sign_in():
    """Sign out on one other device, from the list of devices."""
    form = EndSignInForm()
    if not form.validate_on_submit():
        abort(400)
    if sign_ins.end_one(current_user, form.sign_in.data):
        flash("That device is signed out.")
    else:  # a second press, or a list older than the last change
        flash("That device was signed out already.")
    db.session.commit()
    return redirect(url_for(".index", _anchor="devices"), 303)


@bp.post("/devices/end-others")
def end_other_sign_ins():
    """Sign out everywhere but here (the button has only its CSRF token to send)."""
    if sign_ins.end_elsewhere(current_user):
        flash("You are signed out on every other device.")
    else:
        flash("You weren't signed in on any other device.")
    db.session.commit()
    return redirect(url_for(".index", _anchor="devices"), 303)


# The forms that ask for the member's password again, by the endpoint that receives them.
_RECHECKING_FORMS: dict[str, tuple[str, Callable[[], FlaskForm]]] = {
    "settings.change_password": ("password_form", ChangePasswordForm),
    "settings.regenerate_codes": ("codes_form", lambda: RegenerateCodesForm(prefix="codes")),
    "settings.delete_account": ("delete_form", lambda: DeleteAccountForm(prefix="delete")),
}


@bp.errorhandler(TooManyRequests)
def too_many_wrong_passwords(error: TooManyRequests):
    """The page again, the form sent keeping what was typed (never a password), saying when
    to try again."""
    name, make_form = _RECHECKING_FORMS[request.endpoint]
    form = make_form()  # refilled from the request; not validated
    message, headers = wait_notice("Too many wrong passwords in a short time.")
    form.form_errors.append(message)
    page, status = _page(refused=429, **{name: form})
    return page, status, headers
