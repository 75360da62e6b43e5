"""Friendly error pages (403, 404, 405, 500, ...) in the site's style; a traceback only in DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from elearning.web.logging import route_template
from elearning.web.responses import TrackedSend
from elearning.web.security import UPLOAD_PATHS

log = logging.getLogger(__name__)


def error_page(request: Request, status: int, *, detail: str | None = None) -> Response:
    pages = request.app.state.pages
    try:
        return pages.render(request, "error.html", {"status": status, "detail": detail}, status_code=status)
    except Exception:  # the error page itself must never fail
        log.exception("Could not render the error page")
        return Response(f"Error {status}", status_code=status, media_type="text/plain")


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for HTTPException only
    headers = getattr(exc, "headers", None)
    response = error_page(request, exc.status_code)
    if headers:
        response.headers.update(headers)
    return response


def handlers() -> dict[Any, Callable[..., Any]]:
    return {HTTPException: _http_exception}


async def csrf_failure(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope, receive)
    if scope.get("csrf_failure") == "too-large":
        response = error_page(request, 413, detail="upload" if scope.get("path") in UPLOAD_PATHS else None)
    else:
        response = error_page(request, 403, detail="csrf")
    await response(scope, receive, send)


class ErrorPageMiddleware:
    """Turns an unhandled exception into the friendly 500 page (inside the security headers)."""

    def __init__(self, app: ASGIApp, *, debug: bool) -> None:
        self.app = app
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracking = TrackedSend(send)
        try:
            await self.app(scope, receive, tracking)
        except Exception:
            if self.debug or tracking.started:
                raise
            # The route template, not the path: paths hold reset tokens and verification codes.
            routes = getattr(getattr(scope.get("app"), "router", None), "routes", None)
            log.exception("Unhandled error on %s %s", scope.get("method"), route_template(scope, routes))
            await error_page(Request(scope, receive), 500)(scope, receive, send)
