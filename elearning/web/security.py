"""Security middleware: CSRF on every unsafe request, and the security headers on every response.

CSRF: a random token per session, put in every form as `csrf`, checked here, in one place,
for every POST/PUT/PATCH/DELETE before any view runs. The body is read here and replayed to
the view, so views read their form as usual. Bodies are at most MAX_FORM_BYTES, except on the
UPLOAD_PATHS (a certificate sent to /verify/upload), whose multipart form may be larger and
carries its token as an ordinary field.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_FORM_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 5 * 1024 * 1024 + 64 * 1024  # the file (certificates.embedded.MAX_UPLOAD_BYTES) and the form
UPLOAD_PATHS = frozenset({"/verify/upload"})
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

_STATIC_CACHE = b"public, max-age=31536000, immutable"
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def csrf_token(session: dict[str, Any]) -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


class CSRFError(Exception):
    """The request carries no valid CSRF token."""


class CSRFMiddleware:
    def __init__(self, app: ASGIApp, on_failure: ASGIApp) -> None:
        self.app = app
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        upload = scope.get("path") in UPLOAD_PATHS
        body, too_large = await _read_body(receive, MAX_UPLOAD_BYTES if upload else MAX_FORM_BYTES)
        if too_large:
            scope["csrf_failure"] = "too-large"
            await self.on_failure(scope, _replay(b""), send)
            return
        expected = scope.get("session", {}).get("csrf")
        given = HTTPConnection(scope).headers.get(CSRF_HEADER) or _form_token(scope, body)
        if not given and upload:
            given = await _multipart_token(scope, body)
        # As bytes: compare_digest raises on str with non-ASCII characters (a tampered token).
        if not expected or not given or not hmac.compare_digest(str(expected).encode(), given.encode()):
            scope["csrf_failure"] = "token"
            await self.on_failure(scope, _replay(b""), send)
            return
        await self.app(scope, _replay(body), send)


def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = HTTPConnection(scope).headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return None
    try:
        values = parse_qs(body.decode("utf-8"), max_num_fields=200).get(CSRF_FIELD)
    except (UnicodeDecodeError, ValueError):
        return None
    return values[0] if values else None


async def _multipart_token(scope: Scope, body: bytes) -> str | None:
    """The csrf field of a multipart form (an upload), read with starlette's bounded parser."""
    if not HTTPConnection(scope).headers.get("content-type", "").startswith("multipart/form-data"):
        return None
    try:
        async with Request(scope, _replay(body)).form(max_files=1, max_fields=5) as form:
            value = form.get(CSRF_FIELD)
    except (HTTPException, MultiPartException, ValueError, KeyError):
        return None
    return value if isinstance(value, str) else None


async def _read_body(receive: Receive, limit: int = MAX_FORM_BYTES) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = [
            ("Content-Security-Policy", CSP),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        if https:
            self.headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        self._raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A view's own value of a header wins; ours are added after the view's, in this order.
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}
                headers += [(name, value) for name, value in self._raw if name not in present]
                if b"cache-control" not in present:
                    # Pages are personal: never kept by a shared computer's browser or a proxy.
                    # Static files carry a content hash in their URL, so they may be kept long.
                    headers.append((b"cache-control", _STATIC_CACHE if static else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
