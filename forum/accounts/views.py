"""Joining, logging in and out, and getting back in with a recovery code."""

import math
import time
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from ..database import db
from ..extensions import limiter, login_manager
from ..models import User
from ..web.forms import form_status
from ..web.urls import safe_next
from ..web.wording import plural
from . import members, pseudonyms, recovery
from .codes_page import show_codes
from .forms import JoinForm, KeepCodesForm, LoginForm, RecoverForm
from .limits import JOIN_LIMIT_PER_ADDRESS, LOGIN_LIMIT_PER_ACCOUNT, LOGIN_LIMIT_PER_ADDRESS

bp = Blueprint("accounts", __name__)


def load_user(session_token: str) -> User | None:
    """The member whose current session token the cookie carries; an old token finds nobody."""
    return db.session.scalar(select(User).where(User.session_token == session_token))


def _named_account() -> str:
    name = pseudonyms.normalise(request.form.get("pseudonym", ""))[:60]
    return "account:" + pseudonyms.likeness_key(name)


def _refused(response: Response) -> bool:
    return response.status_code >= 400


def _guarded(view: Callable) -> Callable:
    """Limit failed attempts per named account and per client address (POSTs only)."""
    per_account = limiter.limit(
        LOGIN_LIMIT_PER_ACCOUNT, key_func=_named_account, methods=["POST"], deduct_when=_refused
    )
    per_address = limiter.limit(LOGIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=_refused)
    return per_account(per_address(view))


def _sign_in(user: User, remember: bool = False) -> None:
    session.clear()  # a fresh session at every login: nothing from before carries over
    g.pop("csrf_token", None)  # and a fresh CSRF token for the forms on the next page
    login_user(user, remember=remember)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=lambda r: r.status_code == 200)
def join():
    """A pseudonym and a password, nothing else; then the recovery codes, once."""
    if current_user.is_authenticated:
        return redirect(url_for("reading.home"))
    form = JoinForm()
    if form.validate_on_submit():
        if not members.pseudonym_available(form.pseudonym.data):
            form.pseudonym.errors.append(members.PSEUDONYM_TAKEN)
        else:
            user = members.add_member(form.pseudonym.data, form.password.data)
            codes = recovery.issue_codes(user)
            db.session.commit()
            _sign_in(user)
            return show_codes(codes, welcome=True, then=request.args.get("next"))
    return render_template("accounts/join.html", form=form), form_status(form)


@bp.post("/recovery-codes/kept")
@login_required
def codes_kept():
    """The member confirms they saved the codes they were shown."""
    form = KeepCodesForm()
    codes = [code for code in form.codes.data if code][: recovery.CODES_PER_SET]
    if not recovery.are_current(current_user, codes):
        flash("Those codes are no longer current. You can make a new set in your settings.")
        return redirect(url_for("settings.index"))
    then = request.form.get("then")
    if not form.validate_on_submit():
        welcome = request.form.get("welcome") == "1"
        return show_codes(codes, welcome=welcome, form=form, then=then)
    current_user.recovery_codes_confirmed = True
    db.session.commit()
    flash("Thank you. Keep those codes safe: they are your only way back in.")
    return redirect(safe_next(then), 303)


@bp.route("/login", methods=["GET", "POST"])
@_guarded
def login():
    """Log in with a pseudonym and a password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = members.find_member(form.pseudonym.data)
        if members.check_password(user, form.password.data):
            db.session.commit()  # a rehashed password, if its hash was out of date
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")), 303)
        # One message for both: it must not tell anyone which pseudonyms exist.
        form.form_errors.append("That pseudonym and password don't match. Please try again.")
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout():
    """Log out (a form POST, so no link or prefetch can do it by accident)."""
    # Clear first: logout_user() leaves a note in the session that deletes the remember cookie.
    session.clear()
    logout_user()
    response = redirect(url_for("reading.home"), 303)
    # Nothing of the session stays behind on a shared device.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.route("/recover", methods=["GET", "POST"])
@_guarded
def recover():
    """Back in with one recovery code and a new password; every other session ends."""
    form = RecoverForm()
    if form.validate_on_submit():
        user = members.find_member(form.pseudonym.data)
        if user is not None and recovery.spend_code(user, form.code.data):
            members.set_password(user, form.new_password.data)
            left = recovery.codes_left(user)
            db.session.commit()
            _sign_in(user)
            flash(
                "Your new password is set and you are logged in. You have "
                f"{plural(left, 'recovery code')} left"
                + (": consider making a new set in your settings." if left <= 3 else ".")
            )
            return redirect(url_for("reading.home"), 303)
        form.form_errors.append(
            "That pseudonym and recovery code don't match, or the code was used already."
        )
    return render_template("accounts/recover.html", form=form), form_status(form)


_FORM_PAGES = {
    "accounts.login": ("accounts/login.html", LoginForm),
    "accounts.recover": ("accounts/recover.html", RecoverForm),
    "accounts.join": ("accounts/join.html", JoinForm),
}


@bp.errorhandler(TooManyRequests)
def too_many_attempts(error: TooManyRequests):
    """The same form again, with what was typed (never a password) and when to try again."""
    template, form_class = _FORM_PAGES[request.endpoint]
    form = form_class()  # refilled from the request; not validated
    limit = limiter.current_limit
    # reset_at is the second after the window closes.
    wait = max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60)) if limit else 15
    form.form_errors.append(
        f"Too many attempts in a short time. Please try again in {plural(wait, 'minute')}."
    )
    headers = {"Retry-After": str(wait * 60)}
    return render_template(template, form=form), 429, headers


@bp.record_once
def sign_in_here(state: BlueprintSetupState) -> None:
    """Flask-Login finds members by the session token their cookie carries, and sends guests
    here to log in."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in, or join with just a pseudonym, to do that."
