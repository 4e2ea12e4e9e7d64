"""Response headers that keep every page self-contained and private."""

from flask import Flask, Response, request
from flask_login import current_user

# Everything comes from this origin: no CDN, no fonts or images from elsewhere, no inline script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # A thread's address never leaves the site, even when a member's link is followed.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


# By the lower-case name, as header names compare.
_BY_KEY = [(name.lower(), name, value) for name, value in HEADERS.items()]


def add_security_headers(response: Response) -> Response:
    # A view may set one of its own (search's Referrer-Policy): that one stands. The names
    # present are read once, rather than searched for one header at a time.
    present = set(response.headers.keys(lower=True))
    for key, name, value in _BY_KEY:
        if key not in present:
            response.headers.add(name, value)
    if response.mimetype == "text/html" and current_user.is_authenticated:
        # A member's pages can show their own name, drafts and anonymous posts: never kept
        # by a browser cache or a proxy, on a shared device or anywhere else.
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
