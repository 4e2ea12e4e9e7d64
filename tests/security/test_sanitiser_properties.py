"""Properties of the Markdown sanitiser (forum.markdown.render_markdown) for any text at all,
found by hypothesis: it never raises; what it gives back has only the allowed elements and
attributes, no event handler, no htmx attribute and no link to script; and rendering its own
output again is just as safe.

The examples are few and each is given a second (the promise every answer keeps), so this
stays quick; no example database is written (nothing to clean up or commit).
"""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from support.hostile import unsafe_in_markup
from support.pages import parse

from forum.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

quick = settings(max_examples=200, deadline=timedelta(seconds=1), database=None)

# Pieces of HTML, Markdown, htmx and URLs that an attack is made of, to be put together in any
# order: hypothesis finds the combinations that plain random text never would.
FRAGMENTS = (
    "<", ">", "</", "/>", "<!--", "-->", "<![CDATA[", "]]>", "&", "&#", "&#x", ";", "x3A", "58",
    "script", "SCRIPT", "img", "svg", "iframe", "style", "a", "div", "math", "template",
    "noscript", "textarea", "title", "hx-partial",
    " ", "\t", "\n", "\n\n", "\x00", "\u200b", "\ufeff", '"', "'", "`", "=", "/", "\\",
    "on", "onerror", "onload", "onclick", "src", "href", "style", "srcdoc", "formaction",
    "hx-get", "hx-post", "hx-on", "hx-on::load", "hx-on:click", "hx-trigger", "load",
    "data-hx-get", "data-hx-on", "hx-vals", "js:", ":inherited",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "vbscript:", "data:", "http://", "https:",
    "//pwned.invalid", "/__pwned__", "alert(1)", "window.__pwned=1",
    "[", "]", "(", ")", "![", "](", "<http", "*", "_", "**", "~~", "#", "> ", "- ", "1. ",
    "|", "|-|", "    ", "```", "\\[", "{", "}", "{{", "}}",
)  # fmt: skip

html_ish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=60).map(
    "".join
)
any_text = st.one_of(st.text(max_size=400), html_ish)
offsets = st.sampled_from([0, 2])


def assert_safe(html: str) -> None:
    assert isinstance(html, str)
    assert "<script" not in html.lower()
    assert unsafe_in_markup(html) == []
    for element in parse(html).iter():
        assert element.tag in ALLOWED_TAGS, element
        allowed = ALLOWED_ATTRIBUTES.get(element.tag, set()) | {"rel"}
        assert set(element.attrs) <= allowed, element


@quick
@given(any_text, offsets)
def test_any_text_renders_safe(text: str, offset: int):
    assert_safe(render_markdown(text, offset))


@quick
@given(any_text, offsets)
def test_rendering_the_output_again_is_safe_too(text: str, offset: int):
    """The sanitiser's output, taken as a member's text, is no way around it."""
    once = render_markdown(text, offset)
    assert_safe(render_markdown(once, offset))


@quick
@given(st.sampled_from(FRAGMENTS), st.text(max_size=40), st.text(max_size=40))
def test_any_link_goes_nowhere_but_the_web_or_mail(scheme: str, label: str, rest: str):
    """A Markdown link, an autolink and an image with any address."""
    for text in (f"[{label}]({scheme}{rest})", f"<{scheme}{rest}>", f"![{label}]({scheme}{rest})"):
        html = render_markdown(text)
        assert_safe(html)
        for link in parse(html).iter("a"):
            href = "".join(char for char in link.get("href", "") if char > " ").lower()
            assert not href.startswith(("javascript:", "vbscript:", "data:")), text
