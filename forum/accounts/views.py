"""Joining, logging in and out, and getting back in with a recovery code."""

from flask import (
    Blueprint,
    Response,
    current_app,
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
from flask_login.config import COOKIE_NAME
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import TooManyRequests

from ..database import db, end_transaction
from ..extensions import limiter, login_manager
from ..models import User
from ..web.forms import form_status
from ..web.urls import safe_next
from ..web.wording import plural
from . import members, passwords, recovery, sign_ins
from .codes_page import NO_STORE, codes_file, render_codes, show_codes, take_waiting_codes
from .forms import JoinForm, KeepCodesForm, LoginForm, RecoverForm
from .limits import JOIN_LIMIT_PER_ADDRESS, failures_limited, record_failure, wait_notice

bp = Blueprint("accounts", __name__)


def load_user(token: str) -> User | None:
    """The member whose live sign-in the session or remember cookie names. A token that names
    none (logged out, ended, expired) is forgotten, with the remember cookie that carried it:
    kept, it would be looked up again on every request."""
    user = sign_ins.signed_in_member(token)
    if user is None:
        for key in ("_user_id", "_fresh", "_id"):
            session.pop(key, None)
        if current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies:
            session["_remember"] = "clear"  # Flask-Login deletes the cookie on the way out
    return user


def _sign_in(user: User, remember: bool = False) -> None:
    """Sign `user` in on this device with a sign-in of its own, and commit."""
    if current_user.is_authenticated:  # recovering an account while logged in
        sign_ins.end_here(current_user)
    session.clear()  # a fresh session at every login: nothing from before carries over
    g.pop("csrf_token", None)  # and a fresh CSRF token for the forms on the next page
    sign_ins.begin(user, request.user_agent.string, remember)
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/join", methods=["GET", "POST"])
# Only accounts made count (a join that succeeds is a 303 to the codes).
@limiter.limit(JOIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=lambda r: r.status_code == 303)
def join():
    """A pseudonym and a password, nothing else; then the recovery codes, once."""
    if current_user.is_authenticated:
        return redirect(url_for("reading.home"))
    form = JoinForm()
    valid = form.validate_on_submit()
    # A name that is taken is said along with every other problem, not only once they are fixed.
    pseudonym_free = (
        not form.is_submitted()
        or bool(form.pseudonym.errors)
        or members.pseudonym_available(form.pseudonym.data)
    )
    if valid:
        if pseudonym_free:
            # The password is hashed next, with no transaction open: argon2 is slow, and on
            # SQLite the transaction would hold the write lock through it. A name taken in the
            # meantime is refused by the database, and the form says so.
            end_transaction()
            try:
                user = members.add_member(form.pseudonym.data, form.password.data)
            except IntegrityError:
                db.session.rollback()
            else:
                codes = recovery.issue_codes(user)
                _sign_in(user)
                return show_codes(codes, welcome=True, then=request.args.get("next"))
        pseudonym_free = False  # taken since, or in the meantime
    if not pseudonym_free:
        form.pseudonym.errors.append(members.PSEUDONYM_TAKEN)
    return render_template("accounts/join.html", form=form), form_status(form)


NOT_SHOWN_AGAIN = (
    "Your recovery codes are shown only once, and are kept only in a form nobody can read. If "
    "you didn't save them, you can make a new set here."
)
NOT_CURRENT = "Those codes are no longer current. You can make a new set in your settings."


@bp.get("/recovery-codes")
@login_required
def codes():
    """The codes the last form made (joining, or a new set in settings), shown this once."""
    waiting = take_waiting_codes()
    if waiting is None or not recovery.are_current(current_user, waiting["codes"]):
        flash(NOT_SHOWN_AGAIN)
        return redirect(url_for("settings.index", _anchor="recovery"), 303)
    return render_codes(waiting["codes"], welcome=waiting["welcome"], then=waiting["then"])


def _codes_sent(form: KeepCodesForm) -> list[str]:
    return [code for code in form.codes.data if code][: recovery.CODES_PER_SET]


@bp.post("/recovery-codes/download")
@login_required
def download_codes():
    """The codes on the page, as a text file (the page's form sends them: nothing to store)."""
    codes = _codes_sent(KeepCodesForm())
    if not recovery.are_current(current_user, codes):
        flash(NOT_CURRENT)
        return redirect(url_for("settings.index", _anchor="recovery"), 303)
    text = codes_file(current_user.pseudonym, codes, current_app.config["SITE_NAME"])
    filename = f"recovery-codes-{current_user.pseudonym}.txt"  # letters, digits, _ and - only
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE}
    return Response(text, mimetype="text/plain", headers=headers)


@bp.post("/recovery-codes/kept")
@login_required
def codes_kept():
    """The member confirms they saved the codes they were shown."""
    form = KeepCodesForm()
    codes = _codes_sent(form)
    if not recovery.are_current(current_user, codes):
        flash(NOT_CURRENT)
        return redirect(url_for("settings.index"))
    then = request.form.get("then")
    if not form.validate_on_submit():
        welcome = request.form.get("welcome") == "1"
        return render_codes(codes, welcome=welcome, form=form, then=then)
    current_user.recovery_codes_confirmed = True
    db.session.commit()
    flash("Thank you. Keep those codes safe: they are your only way back in.")
    return redirect(safe_next(then), 303)


@bp.route("/login", methods=["GET", "POST"])
@failures_limited
def login():
    """Log in with a pseudonym and a password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = members.find_member(form.pseudonym.data)
        if members.check_password(user, form.password.data):
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")), 303)
        record_failure()
        # One message for both: it must not tell anyone which pseudonyms exist.
        form.form_errors.append("That pseudonym and password don't match. Please try again.")
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout():
    """Log out (a form POST, so no link or prefetch can do it by accident): this device's
    sign-in ends on the server, so a copy of its cookies opens nothing any more."""
    if current_user.is_authenticated:
        sign_ins.end_here(current_user)
        db.session.commit()
    # Clear first: logout_user() leaves a note in the session that deletes the remember cookie.
    session.clear()
    logout_user()
    response = redirect(url_for("reading.home"), 303)
    # Nothing of the session stays behind on a shared device.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.route("/recover", methods=["GET", "POST"])
@failures_limited
def recover():
    """Back in with one recovery code and a new password; every other sign-in ends."""
    form = RecoverForm()
    if form.validate_on_submit():
        # Hashed before the first query, as at joining: slow work holds no lock.
        password_hash = passwords.hash_password(form.new_password.data)
        user = members.find_member(form.pseudonym.data)
        if user is not None and recovery.spend_code(user, form.code.data):
            members.set_password(user, password_hash)
            left = recovery.codes_left(user)
            _sign_in(user)
            flash(
                "Your new password is set and you are logged in. You have "
                f"{plural(left, 'recovery code')} left"
                + (": consider making a new set in your settings." if left <= 3 else ".")
            )
            return redirect(url_for("reading.home"), 303)
        record_failure()
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
    message, headers = wait_notice("Too many attempts in a short time.")
    form.form_errors.append(message)
    return render_template(template, form=form), 429, headers


@bp.record_once
def sign_in_here(state: BlueprintSetupState) -> None:
    """Flask-Login finds members by the sign-in token their cookie carries, and sends guests
    here to log in."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    # No flashed message: it would travel in a session cookie, and reading promises none. The
    # login page says why the guest is there when it has somewhere to send them back to.
    login_manager.login_message = None
