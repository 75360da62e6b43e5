"""When the database is away (restarting, unreachable, locked too long): a clear "try again" page.

The app keeps no connection it cannot replace: asyncpg's pool drops a connection that broke
and opens a new one on the next request, so once the database is back the app works again
by itself. Until then a request that needed the database gets the 503 page (with Retry-After)
instead of a traceback. A page request (GET/HEAD, nothing sent yet) is tried again a few
times first: right after a database restart every pooled connection fails once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.exceptions import DBConnectionError

from elearning.web.errors import error_page
from elearning.web.responses import TrackedSend
from elearning.web.views._base import safe_next

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
PAGE_RETRIES = (0.05, 0.25)  # pauses before trying a GET again

_SQLITE_AWAY = ("database is locked", "disk i/o error", "unable to open database")


def _outage_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [ConnectionError, DBConnectionError]
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return tuple(types)
    types += [asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
              asyncpg.exceptions.ConnectionDoesNotExistError, asyncpg.exceptions.InternalClientError]
    return tuple(types)


OUTAGE = _outage_types()


def is_outage(exc: BaseException | None) -> bool:
    """True when `exc`, or what caused it, says the database cannot be reached right now."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OUTAGE):
            return True
        if isinstance(exc, sqlite3.OperationalError) and str(exc).lower().startswith(_SQLITE_AWAY):
            return True
        if type(exc).__name__ == "InterfaceError" and "connection" in str(exc).lower():
            return True  # asyncpg: "connection is closed", "cannot ... connection was closed"
        exc = exc.__cause__ or exc.__context__
    return False


class DatabaseOutageMiddleware:
    """Inside ErrorPageMiddleware: turns a database outage into the 503 page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracking = TrackedSend(send)
        retries = PAGE_RETRIES if scope["method"] in ("GET", "HEAD") else ()
        for pause in (*retries, None):
            try:
                await self.app(scope, receive, tracking)
                return
            except Exception as exc:
                if tracking.started or not is_outage(exc):
                    raise
                log.warning("The database is not reachable (%s)%s", type(exc).__name__,
                            "; trying the page again" if pause is not None else "")
                if pause is None:
                    break
                await asyncio.sleep(pause)
        request = Request(scope, receive)
        response = error_page(request, 503, detail=safe_next(request.url.path, default=""))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        await response(scope, receive, send)
