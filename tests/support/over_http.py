"""Talking to real servers over the network, as a browser does: nginx over HTTPS under the
site's name, or an app server directly over plain HTTP; cookies kept, forms sent with their
CSRF token and the Referer a browser adds. (tests/deploy; the Flask test client does the rest.)"""

import socket
import ssl
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPMessage, HTTPSConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .pages import Element, csrf_token_in, form_values, tree_of, writing_form

LOOPBACK = "127.0.0.1"
# Long enough for a busy machine; a request that takes this long has failed anyway.
TIMEOUT = 30


class NamedConnection(HTTPSConnection):
    """HTTPS to a site by its name (sent in the handshake, its certificate checked against
    it), found at 127.0.0.1 whatever the name says."""

    def __init__(self, name: str, port: int, context: ssl.SSLContext) -> None:
        super().__init__(name, port, timeout=TIMEOUT, context=context)
        self.tls = context

    def connect(self) -> None:
        connection = socket.create_connection((LOOPBACK, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(connection, server_hostname=self.host)


@dataclass(frozen=True)
class Server:
    """Where requests go: an app server's port (plain HTTP), or nginx's HTTPS port for the
    site `name`, whose certificate `tls` trusts."""

    port: int
    name: str = LOOPBACK
    tls: ssl.SSLContext | None = None

    @property
    def authority(self) -> str:
        return f"{self.name}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.authority}"

    def connection(self) -> HTTPConnection:
        if self.tls is None:
            return HTTPConnection(LOOPBACK, self.port, timeout=TIMEOUT)
        return NamedConnection(self.name, self.port, self.tls)


@dataclass
class Answer:
    status: int
    headers: HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def page(self) -> Element:
        return tree_of(self.text)


@dataclass
class Browser:
    """One person's browser. Its cookies go to whichever server it asks, so a member logged
    in through one server can be seen asking another."""

    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, server: Server, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request(server, "GET", path, headers=headers)

    def post(
        self, server: Server, path: str, form: dict[str, str], headers: dict[str, str] | None = None
    ) -> Answer:
        """Send `form` as a browser sends a form on `path`'s page: the Referer says where from
        (over HTTPS, the CSRF check compares it with the site's name)."""
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": server.origin + path,
            **(headers or {}),
        }
        return self.request(server, "POST", path, urlencode(form).encode(), sent)

    def request(
        self,
        server: Server,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"Host": server.authority, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = server.connection()
        try:
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()
        self.keep_cookies(answer.headers)
        return answer

    def keep_cookies(self, headers: HTTPMessage) -> None:
        for line in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def log_in(
        self, server: Server, pseudonym: str, password: str, headers: dict[str, str] | None = None
    ) -> Answer:
        token = csrf_token_in(self.get(server, "/login").text)
        form = {"pseudonym": pseudonym, "password": password, "csrf_token": token}
        return self.post(server, "/login", form, headers)

    def reply_form(self, server: Server, post_id: int, body: str) -> dict[str, str]:
        """The reply form of post `post_id`, from its page, with `body` written in."""
        answer = self.get(server, f"/p/{post_id}/reply")
        assert answer.status == 200, answer.status
        values = form_values(writing_form(answer.page))
        values[f"reply-{post_id}-body"] = body
        return values
