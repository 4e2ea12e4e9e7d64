"""Help within reach: crisis contacts by country, and a plain statement of what is kept."""

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from babel import Locale
from flask import Blueprint, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from limits import parse as parse_limit

from . import accounts, crisis
from .wording import plural

RESOURCES_FILE = Path(__file__).parent / "content" / "crisis_resources.json"
DEFAULT_CODE = "default"

bp = Blueprint("safety", __name__)


@dataclass(frozen=True)
class Service:
    name: str
    description: str = ""
    phone: str = ""
    text: str = ""
    text_keyword: str = ""
    website: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    services: tuple[Service, ...]
    emergency: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrisisResources:
    immediate_danger: str
    default: Country
    countries: tuple[Country, ...] = field(default=())
    """Every country but the default, in the file's order."""

    @classmethod
    def parse(cls, data: dict, source: str = "crisis resources") -> "CrisisResources":
        """Read the operator's file, saying exactly what is wrong with it if anything is."""
        try:
            countries = [
                Country(
                    code=entry["code"],
                    name=entry["name"],
                    emergency=tuple(entry.get("emergency", ())),
                    services=tuple(Service(**service) for service in entry["services"]),
                )
                for entry in data["countries"]
            ]
            immediate_danger = data["immediate_danger"]
        except (KeyError, TypeError) as error:
            raise ValueError(f"{source}: missing or unexpected field: {error}") from error
        if not countries or countries[0].code != DEFAULT_CODE:
            raise ValueError(f'{source}: the first country must have the code "{DEFAULT_CODE}"')
        codes = [country.code.upper() for country in countries]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{source}: a country code appears twice")
        for country in countries[1:]:
            if not re.fullmatch(r"[A-Z]{2}", country.code):
                raise ValueError(f"{source}: {country.code!r} is not a two-letter country code")
        return cls(immediate_danger, countries[0], tuple(countries[1:]))

    @classmethod
    def read(cls, path: Path) -> "CrisisResources":
        return cls.parse(json.loads(path.read_text(encoding="utf-8")), str(path))

    def country(self, code: str | None) -> Country | None:
        return next((country for country in self.countries if country.code == code), None)


# Region subtags that browsers send but ISO 3166 spells differently.
_REGION_ALIASES = {"UK": "GB"}


def likely_regions() -> list[str]:
    """Country codes named by the reader's Accept-Language, most preferred first: "en-GB" and
    "cy-GB" say GB, "zh-Hant-TW" says TW. A language alone ("en") names no country."""
    regions: list[str] = []
    for language, _quality in request.accept_languages:
        for subtag in re.split(r"[-_]", language)[1:]:
            if len(subtag) == 2 and subtag.isalpha():
                region = _REGION_ALIASES.get(subtag.upper(), subtag.upper())
                if region not in regions:
                    regions.append(region)
                break
    return regions


def likely_country(everything: CrisisResources) -> Country | None:
    """The first country named by the reader's Accept-Language that has contacts listed."""
    return next(filter(None, map(everything.country, likely_regions())), None)


def territory_name(code: str) -> str | None:
    return Locale("en").territories.get(code)


def tel_href(number: str) -> str:
    """A `tel:`/`sms:` address: digits only, and a leading + kept."""
    digits = re.sub(r"\D", "", number)
    return ("+" if number.strip().startswith("+") else "") + digits


def resources() -> CrisisResources:
    return current_app.extensions["crisis_resources"]


@bp.record_once
def load_at_startup(state: BlueprintSetupState) -> None:
    """Read the operator's files when the app starts, so a mistake in them stops the forum
    starting, with a clear message, instead of failing someone looking for help."""
    path = Path(state.app.config.get("CRISIS_RESOURCES_FILE") or RESOURCES_FILE)
    state.app.extensions["crisis_resources"] = CrisisResources.read(path)
    crisis.default_detector()
    state.app.add_template_global(tel_href)


@bp.get("/help", endpoint="help")
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
    # The page depends on the language settings a browser sends.
    return page, 200, {"Vary": "Accept-Language"}


def duration(span: timedelta) -> str:
    """'15 minutes', '1 day', '30 days': in the largest unit that says it exactly."""
    seconds = int(span.total_seconds())
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % length == 0:
            return plural(seconds // length, unit)
    return plural(seconds, "second")


def limit_window(limit: str) -> str:
    """How long a rate limit remembers a request: '5 per 15 minutes' keeps it 15 minutes."""
    return duration(timedelta(seconds=parse_limit(limit).get_expiry()))


@bp.get("/privacy")
def privacy():
    """What the forum keeps and for how long, worded from the settings that decide it."""
    config = current_app.config
    return render_template(
        "safety/privacy.html",
        login_window=limit_window(accounts.LOGIN_LIMIT_PER_ADDRESS),
        account_window=limit_window(accounts.LOGIN_LIMIT_PER_ACCOUNT),
        join_window=limit_window(accounts.JOIN_LIMIT_PER_ADDRESS),
        remember_for=duration(config["REMEMBER_COOKIE_DURATION"]),
        edit_grace=duration(timedelta(seconds=config["EDIT_GRACE_SECONDS"])),
        shared_limits=not config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory"),
    )
