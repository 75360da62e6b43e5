"""The language switch, course media files, and a health check."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from elearning.web import i18n
from elearning.web.views._base import library, redirect, safe_next, settings

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
    return FileResponse(path, headers={
        "Content-Security-Policy": MEDIA_CSP, "Cache-Control": "public, max-age=3600",
    })


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")
