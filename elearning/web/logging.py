"""Structured logs: one JSON object per line, without personal data or secrets.

The access log writes one line per request when its response is complete:

    {"time": "2025-01-31T12:00:00.123Z", "level": "INFO", "logger": "elearning.access",
     "message": "POST /play/{attempt_id} 303", "method": "POST", "route": "/play/{attempt_id}",
     "status": 303, "ms": 2.1, "bytes": 0, "request": "5f2c1a9e0b7d", "pid": 4242}

It names the route template, never the path itself (paths hold attempt ids, verification
codes, reset tokens), and leaves out the query string, the client's address, cookies and
user agents. Every other line logged while a request runs carries its `request` id, so an
error's traceback (logged here, on the server, never shown to the visitor) can be found
from its access line. E-mail addresses are masked in every message as a second line of defence.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from elearning.web.responses import TrackedSend

ACCESS = logging.getLogger("elearning.access")
UNMATCHED = "(no route)"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}
_NUMBER = (int, float, bool)


def mask(text: str) -> str:
    # Most lines hold no "@": the regex would try every word in them.
    return _EMAIL.sub("[email]", text) if "@" in text else text


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON; `extra={...}` fields become keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in out or key.startswith("_"):
                continue
            out[key] = value if value is None or isinstance(value, _NUMBER) else mask(str(value))
        rid = request_id.get()
        if rid and "request" not in out:
            out["request"] = rid
        out["pid"] = record.process
        if record.exc_info:
            out["traceback"] = mask(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For people at a terminal (LOG_FORMAT=text): the same data, masked, on one readable line."""

    def __init__(self) -> None:
        super().__init__(fmt="%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def config(level: str = "INFO", fmt: str = "json") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the app and uvicorn (also used in uvicorn's workers)."""
    formatter = {"()": f"{__name__}.{'JsonFormatter' if fmt == 'json' else 'TextFormatter'}"}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "root": {"handlers": ["main"], "level": level},
        "loggers": {
            # Our access log replaces uvicorn's, which writes the raw path with its query string.
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            # Tortoise logs every statement with its values at DEBUG: personal data. Never above WARNING.
            "tortoise": {"level": "WARNING"},
            "aiosqlite": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


def configure(level: str = "INFO", fmt: str = "json") -> None:
    import logging.config

    logging.config.dictConfig(config(level, fmt))


def route_template(scope: Scope, routes: list[BaseRoute] | None = None) -> str:
    """The matched route's path template ("/play/{attempt_id}"), never the requested path."""
    route = scope.get("route")
    if route is None and routes is not None:
        for candidate in routes:
            match, _ = candidate.matches(scope)
            if match is not Match.NONE:
                route = candidate
                break
    if isinstance(route, Mount | Route):
        return _template(route.path, isinstance(route, Mount))
    return UNMATCHED


@lru_cache(maxsize=512)
def _template(path: str, mount: bool) -> str:
    template = _CONVERTOR.sub(r"{\1}", path)
    return template + "/{path}" if mount else template


class AccessLogMiddleware:
    """Outermost: times every request and logs one line when its response is complete."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = secrets.token_hex(6)
        token = request_id.set(rid)
        sending = TrackedSend(send, headers=[(b"x-request-id", rid.encode())])
        try:
            await self.app(scope, receive, sending)
        finally:
            request_id.reset(token)
            if ACCESS.isEnabledFor(logging.INFO):
                app = scope.get("app")
                route = route_template(scope, getattr(getattr(app, "router", None), "routes", None))
                method = scope["method"]
                # As ACCESS.info(...), without its search of the stack for the calling file and
                # line: no formatter of ours prints them, and this line is written for every request.
                ACCESS.handle(ACCESS.makeRecord(
                    ACCESS.name, logging.INFO, __file__, 0, "%s %s %d", (method, route, sending.status), None,
                    extra={"method": method, "route": route, "status": sending.status,
                           "ms": round((time.perf_counter() - started) * 1000, 2), "bytes": sending.size,
                           "request": rid},
                ))
