"""Small helpers every view uses."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from elearning.settings import Settings
from elearning.web.courses import CourseLibrary
from elearning.web.templating import Pages


def library(request: Request) -> CourseLibrary:
    return request.app.state.library  # type: ignore[no-any-return]


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    pages: Pages = request.app.state.pages
    return pages.render(request, name, context, status_code=status_code, headers=headers)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(value: Any, default: str = "/") -> str:
    """A local path to go to after a form; anything else (another site, a scheme) becomes `default`."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in value):
        return default
    return value


def client_address(request: Request) -> str:
    """The client's address as rate limits count it: an IPv4 address, or the /64 network of an IPv6
    address (one household or phone gets a whole /64 and can rotate within it at will)."""
    return network_key(request.client.host if request.client else "unknown")


def network_key(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:80]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
