"""What members type becomes safe HTML: formatting survives, nothing can run or track."""

import pytest
from support.pages import Element, parse

from forum.markdown import MAX_FILLED_TABLE_CELLS, render_markdown

HOSTILE = [
    "<script>alert('hi')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<a href="https://example.org" onclick="steal()">click</a>',
    '<img src="x" onerror="steal()">',
    '<div onmouseover="steal()">hover</div>',
    '<p hx-get="/logout" hx-trigger="load">hi</p>',
    '<form hx-post="/delete"><button>go</button></form>',
    '<a href="/" hx-on:click="steal()">x</a>',
    # htmx reads its attributes with a data- prefix too.
    '<p data-hx-get="/logout" data-hx-trigger="load">hi</p>',
    '<a href="/" data-hx-on:click="steal()">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body { display: none }</style>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](java&#x73;cript:alert(1))",
    "[click me](vbscript:msgbox(1))",
    "[click me](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    '[x](https://example.org "title" onmouseover="steal()")',
]


def html(text: str) -> Element:
    return parse(render_markdown(text))


def links(text: str) -> list[Element]:
    return html(text).find_all("a")


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_typed_can_run_script_or_drive_htmx(text):
    """A post can't run code in a reader's browser or make htmx act on their behalf."""
    page = html(text)

    for element in page.iter():
        assert element.tag not in {"script", "iframe", "style", "form", "img", "object"}
        for name, value in element.attrs.items():
            assert not name.startswith("on"), element
            assert not name.startswith(("hx-", "data-")), element
            assert name != "style", element
            if name in ("href", "src"):
                assert value.lower().startswith(("https:", "http:", "mailto:", "/", "#")), value


def test_typed_html_is_shown_as_text_not_dropped():
    """Someone writing about '<script>' sees what they typed, harmlessly."""
    page = html("I typed <script>alert(1)</script> here")

    assert page.find("script") is None
    assert "<script>alert(1)</script>" in page.text


def test_javascript_links_are_not_links():
    assert links("[click me](javascript:alert(1))") == []
    assert "click me" in html("[click me](javascript:alert(1))").text


def test_links_are_marked_as_user_content_and_open_nothing_back():
    """Search engines give spam links no credit; a linked page can't reach back to this one."""
    (link,) = links("See [this guide](https://example.org/guide).")

    assert link.get("href") == "https://example.org/guide"
    assert {"nofollow", "ugc", "noopener"} <= set(link.get("rel").split())
    assert link.text == "this guide"


def test_autolinks_get_the_same_rel():
    (link,) = links("<https://example.org>")

    assert {"nofollow", "ugc", "noopener"} <= set(link.get("rel").split())


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("![a chart](https://example.org/chart.png)", "https://example.org/chart.png"),
        ('![](https://example.org/pixel.gif "t")', "https://example.org/pixel.gif"),
    ],
)
def test_images_become_links_not_embedded_pictures(text, href):
    """A remote image is a tracking pixel: readers get a link they may choose to follow."""
    page = html(text)

    assert page.find("img") is None
    (link,) = page.find_all("a")
    assert link.get("href") == href
    assert link.text
    assert {"nofollow", "ugc", "noopener"} <= set(link.get("rel").split())


def test_formatting_survives():
    """Headings, lists, emphasis, quotes and code look as the writer meant."""
    page = html(
        "## What helped\n\n"
        "1. **Talking:** to my sister\n"
        "2. *Walking* every day\n\n"
        "- one\n- two\n\n"
        "> a quote\n\n"
        "`code` and ~~struck~~\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )

    assert page.find("h2").text == "What helped"
    ordered = page.find("ol")
    assert [li.text for li in ordered.elements] == ["Talking: to my sister", "Walking every day"]
    assert ordered.elements[0].find("strong").text == "Talking:"
    assert ordered.elements[1].find("em").text == "Walking"
    assert [li.text for li in page.find("ul").elements] == ["one", "two"]
    assert page.find("blockquote").text == "a quote"
    assert page.find("code").text == "code"
    assert page.find("s").text == "struck"
    assert [td.text for td in page.find_all("td")] == ["1", "2"]


def test_single_line_breaks_are_kept():
    """A poem or a list of feelings keeps its lines."""
    assert html("first line\nsecond line").find("br") is not None


def test_numbered_list_can_start_elsewhere():
    assert html("3. three\n4. four").find("ol").get("start") == "3"


def test_rows_shorter_than_their_header_are_filled_out_only_so_far():
    """A table header followed by thousands of empty rows asks markdown-it to fill out every
    row to the header's width: uncapped, 20,000 characters become 65,000 cells and over a second
    of CPU for one preview. Past the cap, the rest is read as text."""
    text = ("|a" * 30 + "\n" + "|-" * 30 + "\n" + "|\n" * 10_000)[:20_000]
    cells = html(text).find_all("td")
    assert 0 < len(cells) <= MAX_FILLED_TABLE_CELLS + 30


def test_a_full_table_is_left_whole():
    rows = "\n".join(f"| {n} | line {n} |" for n in range(200))
    assert len(html("| n | text |\n|---|---|\n" + rows).find_all("tr")) == 201
