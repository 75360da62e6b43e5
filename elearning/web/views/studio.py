"""The author studio: courses with their problems, modules and scenario maps.

Preview lives in studio_preview.py, analytics in studio_analytics.py. Every studio page is
for authors and administrators only (see `author_only`).
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from elearning.analytics import Scope
from elearning.authoring.graph import GraphvizError, module_dot, render_svg
from elearning.authoring.playthrough import PlaythroughResult, run_course_tests
from elearning.course import Course, Problem
from elearning.storage import analytics
from elearning.web import i18n
from elearning.web.courses import FolderStatus
from elearning.web.views._base import library, settings
from elearning.web.views._studio import (
    author_only,
    current_course,
    live,
    problem_views,
    read_source,
    render_studio,
    scene_problems,
    source_file,
    source_href,
)


def preview_url(course_id: str, scene_id: str | None = None) -> str:
    url = f"/studio/courses/{quote(course_id, safe='')}/preview"
    return f"{url}?scene={quote(scene_id, safe='')}" if scene_id else url


def _problems_context(request: Request, status: FolderStatus | None) -> dict[str, Any]:
    problems = problem_views(library(request).courses_dir, status.problems, settings(request).editor_url) if status else []
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
    return render_studio(request, "studio/folder.html", {
        **_problems_context(request, status), **live(request, status), "draft": status.draft,
    })


@author_only
async def source(request: Request) -> Response:
    """A YAML file of a course folder with its line numbers, the lines with a problem marked: where
    every problem and scene links to when no EDITOR_URL is set."""
    lib = library(request)
    name, rel = request.path_params["folder"], request.path_params["path"]
    status = lib.status(name)
    path = source_file(lib.courses_dir, name, rel) if status is not None else None
    lines = read_source(path) if path is not None else None
    if status is None or path is None or lines is None:
        raise HTTPException(404)
    marks: dict[int, list[Problem]] = defaultdict(list)
    for problem in status.problems:
        if Path(problem.file).resolve() == path:
            marks[problem.line].append(problem)
    _ = i18n.translator(i18n.language(request))
    levels = {"error": _("error"), "warning": _("warning")}
    return render_studio(request, "studio/source.html", {
        "status": status, "rel": rel, "lines": list(enumerate(lines, start=1)), "marks": marks, "levels": levels,
        "course_url": f"/studio/courses/{quote(status.course_id, safe='')}" if status.course_id
        else f"/studio/folders/{quote(name, safe='')}",
        **live(request, status),
    })


def _test_files(request: Request, course: Course) -> list[Path]:
    folder = library(request).folder(course.id)
    tests = folder / "tests" if folder is not None else None
    return sorted(tests.glob("*.yaml")) if tests is not None and tests.is_dir() else []


@author_only
async def course(request: Request) -> Response:
    shown = current_course(request)
    status = library(request).status_of(shown.id)
    modules = [(m, len(m.scenes), shown.max_scores.get(m.id, 0)) for m in shown.modules]
    return render_studio(request, "studio/course.html", {
        "course": shown, "modules": modules, "active": "course", "preview_url": preview_url,
        "test_files": _test_files(request, shown),
        **_problems_context(request, status), **live(request, status),
    })


@author_only
async def run_tests(request: Request) -> Response:
    """Run the course's playthrough tests (its folder tests/) against the version learners get."""
    shown = current_course(request)
    lib = library(request)
    status = lib.status_of(shown.id)
    files = _test_files(request, shown)
    results: list[PlaythroughResult] = []
    if files:
        results = await anyio.to_thread.run_sync(run_course_tests, shown, files[0].parent)
    editor = settings(request).editor_url
    rows = [(r, problem_views(lib.courses_dir, r.failures, editor)) for r in results]
    return render_studio(request, "studio/tests.html", {
        "course": shown, "rows": rows, "passed": sum(1 for r in results if r.passed), "total": len(results),
        "active": "course", "status": status, "test_files": files, **live(request, status),
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


def _shown(request: Request) -> tuple[Course, FolderStatus | None, bool]:
    """The course whose map is asked for, its folder's status, and whether it is a draft: the newest
    compile when it has errors (drawn with its problem scenes marked), never what learners play."""
    lib = library(request)
    if "folder" in request.path_params:
        status = lib.status(request.path_params["folder"])
        if status is None or status.draft is None:
            raise HTTPException(404)
        return status.draft, status, True
    served = current_course(request)
    status = lib.status_of(served.id)
    if status is not None and not status.ok and status.draft is not None and status.draft.id == served.id:
        return status.draft, status, True
    return served, status, False


async def _map(request: Request) -> tuple[Course, Any, str, dict[str, Any]]:
    shown, status, draft = _shown(request)
    try:
        module = shown.module(request.path_params["module_id"])
    except KeyError:
        raise HTTPException(404) from None
    lib = library(request)
    # learners on every version, or only on the version shown (the current one)
    version = shown.content_hash if request.query_params.get("version") == "current" else None
    online = status is not None and status.course_id is not None
    reached, taken = await _overlay(shown, version) if online else ({}, {})
    problems: dict[str, list[str]] = {}
    if status is not None:
        problems = scene_problems(shown, lib.courses_dir, status.folder, status.problems)
    editor = settings(request).editor_url
    sources: dict[str, str | None] = {}
    for scene_id, where in shown.sources.items():
        rel, _sep, line = where.rpartition(":")
        sources[scene_id] = source_href(editor, lib.courses_dir, status.folder / rel, int(line)) if status else None

    def link(scene_id: str) -> str:
        return (sources.get(scene_id) or "") if draft else preview_url(shown.id, scene_id)

    dot = module_dot(
        shown, module.id, counts=reached or None, choice_counts=taken or None, problems=problems or None,
        link=link, lang=i18n.language(request),
    )
    base = (f"/studio/folders/{quote(status.name, safe='')}/map" if status is not None and not online
            else f"/studio/courses/{quote(shown.id, safe='')}/map")
    extra = {"reached": reached, "scene_problems": problems, "version": version, "status": status,
             "draft": draft, "online": online, "map_base": base, "sources": shown.sources, "source_links": sources}
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
