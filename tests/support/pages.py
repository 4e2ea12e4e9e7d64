"""Reading pages as a person or a browser would: a small HTML tree built with the standard
library's html.parser, and the parts of a page the tests look at (cards, forms, messages)."""

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from flask.testing import FlaskClient

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Element | None") -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def elements(self) -> list["Element"]:
        """Child elements, text left out."""
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self, tag: str | None = None) -> Iterator["Element"]:
        """Every element below this one, in document order."""
        for child in self.elements:
            if tag is None or child.tag == tag:
                yield child
            yield from child.iter(tag)

    def find_all(self, tag: str | None = None, class_: str | None = None) -> list["Element"]:
        return [
            element for element in self.iter(tag) if class_ is None or class_ in element.classes
        ]

    def find(self, tag: str | None = None, class_: str | None = None) -> "Element | None":
        return next(iter(self.find_all(tag, class_)), None)

    def by_id(self, element_id: str) -> "Element | None":
        return next((e for e in self.iter() if e.get("id") == element_id), None)

    def ancestors(self) -> Iterator["Element"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def text(self) -> str:
        """The text inside, with runs of white space made single spaces."""
        return " ".join(raw_text(self).split())

    @property
    def visible_text(self) -> str:
        """The text a sighted reader sees: `text` without what is there for screen readers only
        (class "visually-hidden")."""
        return " ".join(raw_text(self, skip_class="visually-hidden").split())

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def tree_of(page: "Element | str") -> Element:
    """A page as a tree, whether it comes as HTML or already parsed."""
    return page if isinstance(page, Element) else parse(page)


def raw_text(element: Element, skip_class: str | None = None) -> str:
    """The text inside, exactly (Element.text squeezes white space), leaving out elements of
    class `skip_class`."""
    return "".join(
        child if isinstance(child, str) else raw_text(child, skip_class)
        for child in element.children
        if isinstance(child, str) or skip_class is None or skip_class not in child.classes
    )


def visible_text(page: Element | str) -> str:
    return tree_of(page).text


# --- Responses -----------------------------------------------------------------------------


def html_of(response) -> str:
    return response.get_data(as_text=True)


def location(response) -> str:
    return response.headers["Location"]


def page(client: FlaskClient, url: str, status: int = 200, **kwargs) -> Element:
    """The page at `url` as a tree, after checking it came with `status`."""
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return parse(html_of(response))


# --- Posts ---------------------------------------------------------------------------------

# "Anonymous Heron", or "Anonymous Heron 2" once every animal is taken in a thread.
ALIAS = re.compile(r"Anonymous [A-Z][a-z]+( \d+)?")


def card(tree: Element, post_id: int) -> Element | None:
    """The <article> of a post on a page."""
    return tree.by_id(f"p{post_id}")


def prose(tree: Element, post_id: int) -> Element:
    """The rendered text of a post."""
    article = card(tree, post_id)
    assert article is not None, f"post {post_id} is not on the page"
    found = article.find("div", class_="prose")
    assert found is not None, f"post {post_id} shows no text"
    return found


def notice(page: Element | str) -> str:
    """The flashed messages on a page."""
    box = tree_of(page).find("div", class_="notice")
    return box.text if box else ""


def shown_codes(page: Element | str) -> list[str]:
    """The recovery codes listed on a codes page."""
    listing = tree_of(page).find("ol", class_="codes")
    assert listing is not None, "no list of recovery codes on the page"
    return [code.text for code in listing.find_all("code")]


# --- Forms as they stand -------------------------------------------------------------------


def writing_form(tree: Element) -> Element:
    """The form a story, a discussion, a reply or an edit is written in."""
    form = tree.find("form", class_="writing")
    assert form is not None, "no writing form on the page"
    return form


def form_posting_to(page: Element | str, path: str) -> Element:
    """The form on a page whose action is `path` (a query or an #anchor after it doesn't
    matter)."""
    return next(
        form
        for form in tree_of(page).iter("form")
        if re.split(r"[?#]", form.get("action") or "")[0] == path
    )


def form_inputs(page: Element | str) -> dict[str, Element]:
    """The <input> elements of a page (or a form), by name."""
    return {element.get("name"): element for element in tree_of(page).iter("input")}


def input_named(tree: Element, name: str) -> Element:
    element = next((e for e in tree.iter("input") if e.get("name") == name), None)
    assert element is not None, f"no input {name}"
    return element


def textarea_text(tree: Element, name: str) -> str:
    area = next((e for e in tree.iter("textarea") if e.get("name") == name), None)
    assert area is not None, f"no textarea {name}"
    # An HTML parser drops the newline that starts a textarea; this small one doesn't.
    return raw_text(area).removeprefix("\r\n").removeprefix("\n")


def selected(tree: Element, name: str) -> str:
    select_element = next(e for e in tree.iter("select") if e.get("name") == name)
    chosen = [o for o in select_element.iter("option") if "selected" in o.attrs]
    return chosen[0].get("value") if chosen else ""


def is_checked(tree: Element, name: str) -> bool:
    return "checked" in input_named(tree, name).attrs


def form_values(form: Element) -> dict[str, str]:
    """What a browser sends for `form` as it stands (buttons left out)."""
    values: dict[str, str] = {}
    for element in form.iter():
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in element.attrs:
                    values[name] = element.get("value", "on")
            elif kind not in ("submit", "button"):
                values[name] = element.get("value", "")
        elif element.tag == "textarea":
            values[name] = raw_text(element).removeprefix("\r\n").removeprefix("\n")
        elif element.tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            values[name] = chosen[0].get("value", "") if chosen else ""
    return values


# A signed CSRF token (payload.timestamp.signature): it changes from one second to the next.
SIGNED_TOKEN = re.compile(r"[\w-]{16,}\.[\w-]{4,}\.[\w-]{16,}")


def without_tokens(html: str) -> str:
    """The page with its signed tokens taken out, for comparing two pages word for word."""
    return SIGNED_TOKEN.sub("TOKEN", html)


def csrf_token_in(page: Element | str) -> str:
    """The CSRF token a page hands out: its forms' hidden field, or, on a member's page
    without a form, the header htmx sends (set on <body>)."""
    tree = tree_of(page)
    field = next((e for e in tree.iter("input") if e.get("name") == "csrf_token"), None)
    if field is not None and field.get("value"):
        return field.get("value")
    body = tree.find("body")
    headers = body.get("data-hx-headers:inherited") if body is not None else None
    match = re.search(r'"X-CSRFToken": "([^"]+)"', headers or "")
    assert match, "the page gives no CSRF token"
    return match.group(1)


# --- Messages ------------------------------------------------------------------------------


def field_error(page: Element | str, field_id: str) -> str:
    """The message under one field ("" when there is none)."""
    error = tree_of(page).by_id(f"{field_id}-error")
    return error.text if error else ""


def form_problem(page: Element | str) -> str:
    """The message for the whole form ("" when there is none)."""
    box = tree_of(page).find("div", class_="form-problem")
    return box.text if box else ""


def errors_in_form(page: Element | str, action: str) -> str:
    """Every message in the form that posts to `action` (several forms share a page)."""
    return " ".join(p.text for p in form_posting_to(page, action).find_all(class_="error"))


def reaction_forms(article: Element) -> list[Element]:
    """The reaction buttons' forms inside a post's card."""
    return [f for f in article.iter("form") if "/react" in (f.get("action") or "")]


def static_address(app, filename: str) -> str:
    """The address pages give static/`filename`: with its content's fingerprint."""
    with app.test_request_context():
        return app.jinja_env.globals["static_url"](filename)
