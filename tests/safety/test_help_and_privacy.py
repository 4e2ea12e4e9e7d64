"""Help in reach on every page: crisis contacts at /help (the reader's likely country first),
a first-by-keyboard "Need help now?" link and a Quick exit on every page, and a privacy page
whose promises match the settings that keep them."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from support.clients import signed_in
from support.config import forum_config
from support.content import reply, start_thread, thread_of, thread_url
from support.forms import log_in
from support.members import make_member
from support.pages import Element, page, parse, static_address

from forum import config, create_app
from forum.accounts import limits
from forum.database import db
from forum.models import Role
from forum.safety.resources import RESOURCES_FILE, CrisisResources
from forum.web.wording import tel_href

EXIT_URL = "https://weather.example/today"


def country_sections(tree: Element) -> list[str]:
    """The country sections of the help page, by code, in page order."""
    return [
        section.get("id").removeprefix("country-")
        for section in tree.find_all("section", class_="country")
    ]


def shipped_resources() -> CrisisResources:
    return CrisisResources.read(RESOURCES_FILE)


# --- /help ----------------------------------------------------------------------------------


def test_help_says_what_quick_exit_does_with_and_without_its_script(client):
    """Back may return to the forum when the Quick exit is a plain link: the page says so,
    and the stylesheet shows it unless the Quick exit script (in js/forum.js) marks the page as
    running (the browser tests check which one shows)."""
    leaving = page(client, "/help").by_id("leaving-title").parent
    (with_script,) = leaving.find_all("span", class_="if-quick-exit-script")
    (without_script,) = leaving.find_all("span", class_="unless-quick-exit-script")

    assert "Back won't return" in with_script.text
    assert "Esc" in with_script.text
    assert "Back may bring you back to this forum" in " ".join(without_script.text.split())
    assert "Back won't" not in leaving.text.replace(with_script.text, "")


def test_help_lists_every_country_and_the_default_entry(client):
    response = client.get("/help")
    tree = parse(response.get_data(as_text=True))
    resources = shipped_resources()

    assert response.status_code == 200
    assert tree.find("h1").text == "Need help now?"
    assert resources.immediate_danger in tree.find("main").text
    sections = country_sections(tree)
    assert sections[0] == "default"
    assert sorted(sections) == sorted(["default", *(c.code.lower() for c in resources.countries)])
    for country in [resources.default, *resources.countries]:
        section = tree.by_id(f"country-{country.code.lower()}")
        for service in country.services:
            assert service.name in section.text


def test_help_shows_phone_text_and_web_contacts_as_links(client):
    tree = page(client, "/help")
    hrefs = {link.get("href") for link in tree.find("main").find_all("a")}

    assert "tel:988" in hrefs and "sms:988" in hrefs  # United States and Canada
    assert "tel:116123" in hrefs  # Samaritans
    assert "tel:131114" in hrefs  # Lifeline Australia
    assert "https://findahelpline.com" in hrefs
    shout = tree.by_id("country-gb")
    assert "Text SHOUT to 85258" in shout.text
    for link in tree.find("main").find_all("a"):
        if urlsplit(link.get("href")).scheme in ("http", "https"):
            assert "noreferrer" in link.get("rel").split()


@pytest.mark.parametrize(
    ("accept_language", "first"),
    [
        ("en-GB,en;q=0.9", "gb"),
        ("en-gb", "gb"),
        ("en-UK", "gb"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "ca"),
        ("en-US", "us"),
        ("de-DE", "de"),
        ("en-AU,en;q=0.9", "au"),
        ("en_IE", "ie"),
        ("pt-BR,en-NZ;q=0.5", "nz"),  # the first region with contacts listed
        ("en;q=0.9,en-US;q=0.8", "us"),
    ],
)
def test_the_readers_likely_country_comes_first(client, accept_language, first):
    response = client.get("/help", headers={"Accept-Language": accept_language})
    tree = parse(response.get_data(as_text=True))

    sections = country_sections(tree)
    assert sections[:2] == [first, "default"]
    assert sections.count(first) == 1, "listed once, at the top"
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("accept_language", [None, "en", "fr;q=0.9,de", "*", "xx-ZZ", "x"])
def test_without_a_known_country_the_default_comes_first(client, accept_language):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    tree = page(client, "/help", headers=headers)

    assert country_sections(tree)[0] == "default"


def test_a_region_without_contacts_is_named_with_the_directory(client):
    tree = page(client, "/help", headers={"Accept-Language": "pt-BR"})

    assert country_sections(tree)[0] == "default"
    assert "We don't list contacts for your region (Brazil) here yet" in tree.find("main").text


@pytest.mark.parametrize(
    ("number", "href"),
    [("13 11 14", "131114"), ("0800 111 0 111", "08001110111"), ("+44 116 123", "+44116123")],
)
def test_tel_href(number, href):
    assert tel_href(number) == href


# --- The resources file -----------------------------------------------------------------------


def test_the_shipped_resources_file_is_complete():
    data = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
    resources = CrisisResources.parse(data)

    assert "review" in " ".join(data["note"]).lower()
    assert resources.default.code == "default"
    assert {"US", "GB", "IE", "CA", "AU"} <= {country.code for country in resources.countries}
    for country in [resources.default, *resources.countries]:
        assert country.services, country.code
        for service in country.services:
            assert service.name
            assert service.phone or service.text or service.website, service.name
            if service.website:
                assert service.website.startswith("https://"), service.website
    us = resources.country("US")
    assert any(service.phone == "988" for service in us.services)
    assert any(service.phone == "116 123" for service in resources.country("GB").services)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda data: data["countries"].pop(0), 'the code "default"'),
        (lambda data: data["countries"].append(dict(data["countries"][1])), "appears twice"),
        (lambda data: data["countries"][1].update(code="USA"), "two-letter"),
        (lambda data: data["countries"][1]["services"][0].update(fax="1"), "unexpected"),
        (lambda data: data.pop("immediate_danger"), "missing"),
    ],
)
def test_a_broken_resources_file_says_what_is_wrong(change, problem):
    data = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValueError, match=problem):
        CrisisResources.parse(data)


# --- On every page ----------------------------------------------------------------------------


@pytest.fixture
def every_page(app) -> list[str]:
    """A page of each kind a guest may land on."""
    story = start_thread(title="My story", author=make_member("wren"))
    answer = reply(story, make_member("harbour"), "Thank you for sharing.")
    return [
        "/",
        "/stories",
        thread_url(thread_of(story)),
        f"/p/{answer.id}",
        "/help",
        "/privacy",
        "/login",
        "/join",
        "/recover",
        "/nope",
    ]


def assert_help_first_and_quick_exit(app, tree: Element, url: str) -> None:
    links = tree.find("body").find_all("a")
    assert links[0].get("href") == "/help", f"{url}: the first link is {links[0].get('href')}"
    assert links[0].text == "Need help now?"
    quick_exit = [link for link in links if "data-quick-exit" in link.attrs]
    assert len(quick_exit) == 1, url
    assert quick_exit[0].text == "Quick exit"
    assert quick_exit[0].get("href") == EXIT_URL
    assert "noreferrer" in quick_exit[0].get("rel").split()
    # Reached right after the help link, before the skip link and the site's own navigation.
    assert links[1] is quick_exit[0], url
    scripts = [script.get("src") for script in tree.find_all("script")]
    # Quick exit's script is the site's one script, on every page.
    assert static_address(app, "js/forum.js") in scripts


def test_every_page_starts_with_help_then_quick_exit(app, client, every_page):
    app.config["QUICK_EXIT_URL"] = EXIT_URL
    for url in every_page:
        tree = page(client, url, status=404 if url == "/nope" else 200)
        assert_help_first_and_quick_exit(app, tree, url)


def descriptions(tree: Element) -> list[str]:
    return [
        meta.get("content") for meta in tree.find_all("meta") if meta.get("name") == "description"
    ]


def test_every_page_describes_itself(app, client, every_page):
    """Search engines show it under the title: one on every page, in words, never empty."""
    for url in every_page:
        (description,) = descriptions(page(client, url, status=404 if url == "/nope" else 200))
        assert len(description.split()) >= 5, (url, description)
    home = descriptions(page(client, "/"))[0]
    assert app.config["SITE_NAME"] in home and "peer-support" in home


def test_a_thread_is_described_by_its_title_never_its_text(app, client):
    opening = start_thread(title="A winter of quiet", body="The words only readers see.")
    waiting = reply(opening, make_member("newcomer"), "Words waiting for a moderator.")
    waiting.awaiting_approval = True
    db.session.commit()
    staff = signed_in(app, make_member("keeper", Role.MODERATOR))
    for reader in (client, staff):
        tree = page(reader, thread_url(thread_of(opening)))
        (description,) = descriptions(tree)
        assert description.startswith("“A winter of quiet”: a story on ")
        assert "words" not in description.lower()


def test_members_pages_have_them_too(app, client):
    app.config["QUICK_EXIT_URL"] = EXIT_URL
    make_member("quiet_reader")
    assert log_in(client, "quiet_reader").status_code == 303
    for url in ["/", "/settings", "/help", "/privacy", "/u/quiet_reader"]:
        assert_help_first_and_quick_exit(app, page(client, url), url)


def test_the_quick_exit_script_is_served_from_the_site(app, client):
    with client.get(static_address(app, "js/forum.js")) as response:
        script = response.get_data(as_text=True)

    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert "location.replace" in script
    assert "Escape" in script


@pytest.mark.parametrize("url", ["/help", "/privacy"])
def test_guests_get_no_cookie_on_help_or_privacy(client, url):
    response = client.get(url, headers={"Accept-Language": "en-GB"})

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", ["/help", "/privacy"])
def test_help_and_privacy_need_nothing_the_policy_would_block_and_load_nothing_else(client, url):
    tree = page(client, url)
    for element in tree.iter():
        assert not (element.tag == "script" and not element.get("src")), "inline script"
        assert element.tag != "style", "inline <style>"
        assert "style" not in element.attrs, f"style attribute on <{element.tag}>"
        assert not any(name.startswith("on") for name in element.attrs), element
        for attribute in ("src", "action", "formaction"):
            if element.get(attribute):
                assert not urlsplit(element.get(attribute)).netloc, element.get(attribute)
        if element.tag == "link":
            assert not urlsplit(element.get("href")).netloc


# --- Configuration --------------------------------------------------------------------------


def test_quick_exit_defaults_to_an_everyday_site(app):
    url = config.DEFAULTS["QUICK_EXIT_URL"]
    assert urlsplit(url).scheme == "https" and urlsplit(url).netloc
    assert app.config["QUICK_EXIT_URL"] == url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://news.example/", "https://news.example/"),
        ("  http://127.0.0.1:8000/weather ", "http://127.0.0.1:8000/weather"),
        ("", None),
        ("javascript:alert(1)", None),
        ("//evil.example", None),
        ("https://", None),
        ("weather.example", None),
    ],
)
def test_quick_exit_url_comes_from_the_environment(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("QUICK_EXIT_URL", value)
    monkeypatch.setenv("SECRET_KEY", "k")
    settings = config.from_environment(tmp_path)
    assert settings["QUICK_EXIT_URL"] == (expected or config.DEFAULTS["QUICK_EXIT_URL"])


# --- /privacy -------------------------------------------------------------------------------


def test_privacy_states_the_retention_the_settings_decide(client):
    text = page(client, "/privacy").find("main").text

    assert limits.LOGIN_LIMIT_PER_ADDRESS.endswith("15 minutes")
    assert "from each address for 15 minutes" in text
    assert limits.JOIN_LIMIT_PER_ADDRESS.endswith("day")
    assert "joined from each address for 1 day" in text
    assert "for 30 days" in text  # the remember-me cookie, REMEMBER_COOKIE_DURATION
    assert "within 5 minutes of posting" in text  # EDIT_GRACE_SECONDS
    assert "kept for moderators for 30 days, then erased" in text  # KEPT_FOR_MODERATORS
    assert "never written to the database" in text
    assert "no cookie" in text
    assert "Argon2 hash" in text
    assert "never ask for an email address" in text


def test_privacy_follows_the_settings_when_they_change(app, client):
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=7)
    app.config["EDIT_GRACE_SECONDS"] = 120
    app.config["KEPT_FOR_MODERATORS"] = timedelta(days=14)
    text = page(client, "/privacy").find("main").text

    assert "for 7 days" in text
    assert "30 days" not in text
    assert "within 2 minutes of posting" in text
    assert "kept for moderators for 14 days, then erased" in text
    assert "erased 14 days after its removal" in text


def test_privacy_is_linked_from_every_page(client):
    footer = page(client, "/").find("footer")
    assert "/privacy" in [link.get("href") for link in footer.find_all("a")]


def test_a_mistake_in_the_resources_file_stops_the_forum_starting(tmp_path):
    """Better a clear message at start than a broken page for someone looking for help."""
    broken = tmp_path / "resources.json"
    broken.write_text('{"immediate_danger": "Call 112.", "countries": []}', encoding="utf-8")
    settings = forum_config(f"sqlite:///{tmp_path / 'forum.db'}")

    with pytest.raises(ValueError, match=r"resources\.json: the first country"):
        create_app({**settings, "CRISIS_RESOURCES_FILE": str(broken)})
    assert create_app(settings).extensions["crisis_resources"].default.code == "default"
