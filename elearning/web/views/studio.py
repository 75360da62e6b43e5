"""The author studio: courses with their problems, modules and scenario maps.

Preview lives in studio_preview.py, analytics in studio_analytics.py. Every studio page is
for authors and administrators only (see `author_only`).
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from elearning.analytics import Scope
from elearning.authoring.graph import GraphvizError, module_dot, render_svg
from elearning.course import Course
from elearning.storage import analytics
from elearning.web import i18n
from elearning.web.courses import FolderStatus
from elearning.web.views._base import library, settings
from elearning.web.views._studio import (
    author_only,
    current_course,
    live,
    problem_views,
    render_studio,
    scene_problems,
)


def preview_url(course_id: str, scene_id: str | None = None) -> str:
    url = f"/studio/courses/{quote(course_id, safe='')}/preview"
    return f"{url}?scene={quote(scene_id, safe='')}" if scene_id else url


def _problems_context(request: Request, status: FolderStatus | None) -> dict[str, Any]:
    problems = problem_views(library(request).courses_dir, status.problems, i18n.language(request)) if status else []
    return {"status": status, "problems": problems}


@author_only
async def index(request: Request) -> Response:
    lib = library(request)
    rows = []
    for status in lib.statuses():
        course = lib.current(status.course_id) if status.course_id else None
        rows.append((status, course))
    return render_studio(request, "studio/index.html", {"rows": rows, "dev": settings(request).dev})


@author_only
async def folder(request: Request) -> Response:
    """The problems of a course folder that has never compiled (a served course has its own page)."""
    status = library(request).status(request.path_params["folder"])
    if status is None:
        raise HTTPException(404)
    return render_studio(request, "studio/folder.html", {**_problems_context(request, status), **live(request, status)})


@author_only
async def course(request: Request) -> Response:
    shown = current_course(request)
    status = library(request).status_of(shown.id)
    modules = [(m, len(m.scenes), shown.max_scores.get(m.id, 0)) for m in shown.modules]
    return render_studio(request, "studio/course.html", {
        "course": shown, "modules": modules, "active": "course", "preview_url": preview_url,
        **_problems_context(request, status), **live(request, status),
    })


@author_only
async def version(request: Request) -> Response:
    """The stamp of a course's newest compile: an open studio page reloads itself when it changes."""
    key = request.query_params.get("course", "")
    lib = library(request)
    status = lib.status_of(key) or lib.status(key)
    if status is None:
        raise HTTPException(404)
    return JSONResponse({
        "course": status.course_id, "stamp": status.stamp, "ok": status.ok,
        "errors": status.errors, "warnings": status.warnings,
    }, headers={"Cache-Control": "no-store"})


# -- the scenario map ---------------------------------------------------------------------
async def _overlay(course: Course, course_hash: str | None) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Learners per scene and times per choice (answers of a question count as its way on)."""
    scope = Scope(course.id, course_hash=course_hash)
    funnel, choices = await asyncio.gather(analytics.funnel(scope), analytics.choice_distribution(scope))
    reached = {r.scene: r.attempts for r in funnel if r.attempts}
    taken: dict[tuple[str, str], int] = defaultdict(int)
    for c in choices:
        taken[c.scene, "answer" if c.kind == "answer" else c.choice] += c.times
    return reached, dict(taken)


@lru_cache(maxsize=64)
def _svg(dot: str) -> str:
    return render_svg(dot)


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def inline_svg(svg: str, label_id: str) -> Markup:
    """Graphviz's SVG document as an element inside the page, named by the element `label_id`."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    body = body.replace("<svg ", f'<svg class="scenario-svg" aria-labelledby="{label_id}" ', 1)
    return Markup(body)  # noqa: S704 - Graphviz output; every label in the DOT text was quoted by graph.py


async def _map(request: Request) -> tuple[Course, Any, str, dict[str, Any]]:
    shown = current_course(request)
    try:
        module = shown.module(request.path_params["module_id"])
    except KeyError:
        raise HTTPException(404) from None
    lib = library(request)
    status = lib.status_of(shown.id)
    # learners on every version, or only on the version shown (the current one)
    version = shown.content_hash if request.query_params.get("version") == "current" else None
    reached, taken = await _overlay(shown, version)
    problems: dict[str, list[str]] = {}
    folder = lib.folder(shown.id)
    if status is not None and status.ok and folder is not None:
        problems = scene_problems(shown, lib.courses_dir, folder, status.problems, i18n.language(request))
    dot = module_dot(
        shown, module.id, counts=reached or None, choice_counts=taken or None, problems=problems or None,
        link=lambda scene_id: preview_url(shown.id, scene_id), lang=i18n.language(request),
    )
    extra = {"reached": reached, "scene_problems": problems, "version": version, "status": status}
    return shown, module, dot, extra


@author_only
async def scenario_map(request: Request) -> Response:
    shown, module, dot, extra = await _map(request)
    _ = i18n.translator(i18n.language(request))
    svg: Markup | None = None
    error = None
    try:
        svg = inline_svg(await anyio.to_thread.run_sync(_svg, dot), "map-caption")
    except GraphvizError as exc:
        error = str(exc)
    kinds = {"hub": _("map"), "scene": _("scene"), "question": _("question"), "end": _("end")}
    return render_studio(request, "studio/map.html", {
        "course": shown, "module": module, "svg": svg, "graph_error": error, "kinds": kinds,
        "active": "map", "preview_url": preview_url, **extra, **live(request, extra["status"]),
    })


@author_only
async def map_svg(request: Request) -> Response:
    """The map as an SVG file, at full size (links work when it is opened on its own)."""
    _, module, dot, _extra = await _map(request)
    try:
        svg = await anyio.to_thread.run_sync(_svg, dot)
    except GraphvizError as exc:
        return Response(str(exc), status_code=503, media_type="text/plain")
    return Response(svg, media_type="image/svg+xml", headers={
        "Content-Disposition": f'inline; filename="{module.id}.svg"',
    })
