"""Crisis contacts by country, from the operator's file, and the reader's likely country."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from flask import current_app, request

from ..paths import CONTENT

RESOURCES_FILE = CONTENT / "crisis_resources.json"
DEFAULT_CODE = "default"


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


def resources() -> CrisisResources:
    return current_app.extensions["crisis_resources"]
