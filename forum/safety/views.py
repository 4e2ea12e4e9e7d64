"""Help within reach: crisis contacts by country, a kind word after posting words that suggest
the writer may be at risk, mutes, and a plain statement of what is kept."""

from datetime import timedelta
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from limits import parse as parse_limit
from sqlalchemy.exc import IntegrityError

from ..accounts.limits import (
    JOIN_LIMIT_PER_ADDRESS,
    LOGIN_LIMIT_PER_ACCOUNT,
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS,
    LOGIN_LIMIT_PER_ADDRESS,
    PASSWORD_RECHECK_LIMIT,
)
from ..accounts.members import find_member
from ..accounts.sign_ins import IDLE_LIMIT
from ..database import db
from ..models import Mute
from ..web.access import readable_post
from ..web.errors import served_in_an_outage
from ..web.forms import ConfirmForm
from ..web.urls import post_url, safe_next
from ..web.wording import duration
from . import risk_phrases
from .resources import (
    RESOURCES_FILE,
    CrisisResources,
    likely_country,
    likely_regions,
    resources,
    territory_name,
)

bp = Blueprint("safety", __name__)


@bp.record_once
def load_at_startup(state: BlueprintSetupState) -> None:
    """Read the operator's files when the app starts, so a mistake in them stops the forum
    starting, with a clear message, instead of failing someone looking for help."""
    path = Path(state.app.config.get("CRISIS_RESOURCES_FILE") or RESOURCES_FILE)
    state.app.extensions["crisis_resources"] = CrisisResources.read(path)
    risk_phrases.default_detector()


# The contacts shown depend on the language settings a browser sends.
BY_LANGUAGE = {"Vary": "Accept-Language"}


@bp.get("/help", endpoint="help")
@served_in_an_outage
def crisis_help():
    """Who to contact right now: the reader's likely country first, then everywhere."""
    everything = resources()
    yours = likely_country(everything)
    regions = likely_regions()
    unlisted = territory_name(regions[0]) if yours is None and regions else None
    page = render_template(
        "safety/help.html",
        resources=everything,
        yours=yours,
        others=[country for country in everything.countries if country is not yours],
        unlisted=unlisted,
    )
    return page, 200, BY_LANGUAGE


@bp.get("/p/<id:post_id>/take-care")
@login_required
def take_care(post_id: int):
    """After posting words that suggest the writer may be at risk: their post is published;
    this page says so, kindly, with who to contact right now."""
    post, thread = readable_post(post_id)
    if post.author_id != current_user.id:
        return redirect(post_url(post, thread), 303)
    contacts = resources()
    page = render_template(
        "safety/take_care.html",
        post=post,
        thread=thread,
        contacts=contacts,
        country=likely_country(contacts) or contacts.default,
    )
    return page, 200, BY_LANGUAGE


@bp.post("/u/<pseudonym>/mute")
@login_required
def mute(pseudonym: str):
    """Mute or unmute a member: their named posts fold away for me. They are never told."""
    user = find_member(pseudonym)
    if user is None:
        abort(404)
    if user.id == current_user.id or not ConfirmForm().validate_on_submit():
        abort(400)
    if Mute.toggle(current_user.id, user.id):
        flash(f"You muted {user.pseudonym}. Their posts fold away for you; they aren't told.")
    else:
        flash(f"You unmuted {user.pseudonym}.")
    try:
        db.session.commit()
    except IntegrityError:  # the same mute sent twice at once
        db.session.rollback()
    back = request.form.get("back") or url_for("reading.profile", pseudonym=user.pseudonym)
    return redirect(safe_next(back), 303)


def limit_window(limit: str) -> str:
    """How long a rate limit remembers a request: '5 per 15 minutes' keeps it 15 minutes."""
    return duration(timedelta(seconds=parse_limit(limit).get_expiry()))


@bp.get("/privacy")
def privacy():
    """What the forum keeps and for how long, worded from the settings that decide it."""
    config = current_app.config
    return render_template(
        "safety/privacy.html",
        login_window=limit_window(LOGIN_LIMIT_PER_ADDRESS),
        account_here_window=limit_window(LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS),
        account_window=limit_window(LOGIN_LIMIT_PER_ACCOUNT),
        recheck_window=limit_window(PASSWORD_RECHECK_LIMIT),
        join_window=limit_window(JOIN_LIMIT_PER_ADDRESS),
        search_window=limit_window(config["SEARCH_RATE_LIMIT"]),
        remember_for=duration(config["REMEMBER_COOKIE_DURATION"]),
        unused_for=duration(IDLE_LIMIT),
        edit_grace=duration(timedelta(seconds=config["EDIT_GRACE_SECONDS"])),
        # `forum purge` erases after this same setting.
        kept_for=duration(config["KEPT_FOR_MODERATORS"]),
        shared_limits=not config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory"),
    )
