"""The language switch, course media files, the privacy and accessibility statements, and a health check."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from elearning.web import i18n
from elearning.web.views._base import library, redirect, render, safe_next, settings

# Course media may be SVG written by anyone: never let it run script or load anything.
MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


async def language(request: Request) -> Response:
    lang = request.path_params["lang"]
    if lang not in i18n.LANGUAGES:
        raise HTTPException(404)
    response = redirect(safe_next(request.query_params.get("next")))
    response.set_cookie(
        i18n.LANG_COOKIE, lang, max_age=365 * 24 * 60 * 60, httponly=True, samesite="lax",
        secure=settings(request).https,
    )
    return response


async def media(request: Request) -> Response:
    path = library(request).media_file(request.path_params["course_id"], request.path_params["path"])
    if path is None:
        raise HTTPException(404)
    headers = {"Content-Security-Policy": MEDIA_CSP, "Cache-Control": "public, max-age=3600"}
    if path.suffix.lower() == ".pdf":  # a handout: downloaded, not shown in a sandboxed viewer
        return FileResponse(path, headers=headers, filename=path.name)
    return FileResponse(path, headers=headers)


_STATEMENTS = Path(__file__).resolve().parent.parent / "statements"


@lru_cache(maxsize=8)
def _statement_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


async def statement(request: Request) -> Response:
    """The privacy or accessibility statement: the provider's text (a setting), else the default."""
    kind = request.scope["route"].name  # "privacy" | "accessibility"
    _ = i18n.translator(i18n.language(request))
    conf = settings(request)
    chosen = conf.privacy_statement_file if kind == "privacy" else conf.accessibility_statement_file
    path = chosen or _STATEMENTS / f"{kind}.md"
    text = await anyio.to_thread.run_sync(_statement_text, path)
    title = _("Privacy statement") if kind == "privacy" else _("Accessibility statement")
    return render(request, "statement.html", {"title": title, "text": text, "text_lang": "nl"})


async def provider_logo(request: Request) -> Response:
    """The provider's logo (the setting PROVIDER_LOGO_FILE) for the page header."""
    path = settings(request).provider_logo_file
    if path is None or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, headers={"Content-Security-Policy": MEDIA_CSP, "Cache-Control": "public, max-age=3600"})


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")
