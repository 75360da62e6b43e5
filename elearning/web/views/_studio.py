"""What every studio page shares: who may use it, the course in the URL, problems with their YAML."""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.authoring.scene_problems import problems_by_scene
from elearning.course import Course, Problem
from elearning.storage.models import Role
from elearning.web.courses import FolderStatus
from elearning.web.session import load_user
from elearning.web.views._base import library, redirect, render, settings

STUDIO_ROLES = frozenset({Role.AUTHOR.value, Role.ADMIN.value})
CONTEXT_LINES = 2
MAX_SOURCE_BYTES = 2_000_000

View = Callable[[Request], Awaitable[Response]]


def author_only(view: View) -> View:
    """Authors and administrators only: others get 403, anonymous visitors the login page.

    The role is read from the database on every request, so a changed role counts at once.
    """

    @functools.wraps(view)
    async def checked(request: Request) -> Response:
        user = await load_user(request)
        if user is None:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return redirect(f"/account/login?next={quote(here, safe='/')}")
        if user.role not in STUDIO_ROLES:
            raise HTTPException(403)
        return await view(request)

    return checked


def zone() -> tzinfo:
    """Dates and times in the studio are Dutch time."""
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # a machine without time zone data
        return UTC


def clock(moment: datetime, date_only: bool = False) -> str:
    local = moment.astimezone(zone())
    return local.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M:%S")


def render_studio(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    return render(request, name, {"clock": clock, **context}, status_code=status_code)


def current_course(request: Request) -> Course:
    course = library(request).current(request.path_params["course_id"])
    if course is None:
        raise HTTPException(404)
    return course


def live(request: Request, status: FolderStatus | None) -> dict[str, Any]:
    """What a page needs to refresh itself after an edit (only while live reload runs)."""
    if status is None or not settings(request).dev:
        return {"live_url": None, "live_stamp": None}
    key = status.course_id or status.name
    return {"live_url": f"/studio/version?course={quote(key, safe='')}", "live_stamp": status.stamp}


# -- problems with the lines of YAML they are about ---------------------------------------
@dataclass(frozen=True)
class ProblemView:
    where: str  # file:line:col, the file relative to COURSES_DIR
    level: str
    message: str
    excerpt: Markup | None  # <pre> with the lines around the problem, the offending one marked
    href: str | None = None  # the file at that line: in the author's editor, or the studio's source page


# The files of a course folder the studio shows as source: what the compiler and the tests read.
_SOURCE = re.compile(r"(course\.yaml|(modules|tests)/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.ya?ml)")


def source_href(editor_url: str | None, root: Path, file: str | Path, line: int, col: int = 1) -> str | None:
    """Where an author reads `file` at `line`: EDITOR_URL filled in, or the studio's source page;
    None for a file outside a course folder of `root` (COURSES_DIR)."""
    path = Path(file).resolve()
    base = root.resolve()
    if not path.is_relative_to(base) or len(path.relative_to(base).parts) < 2:
        return None
    folder, *rest = path.relative_to(base).parts
    rel = "/".join(rest)
    if editor_url:
        return editor_url.format(path=quote(path.as_posix(), safe="/:\\"), line=line, col=col)
    if not _SOURCE.fullmatch(rel):
        return None
    return f"/studio/folders/{quote(folder, safe='')}/source/{quote(rel)}#L{line}"


def source_file(root: Path, folder: str, rel: str) -> Path | None:
    """The course file `rel` of the folder `folder` in root, or None: only the YAML of a course
    (course.yaml, modules/, tests/), never a path outside the folder."""
    if not _SOURCE.fullmatch(rel) or "\x00" in folder or folder in ("", ".", ".."):
        return None
    base = (root / folder).resolve()
    target = (base / rel).resolve()
    if not base.is_relative_to(root.resolve()) or not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def problem_views(root: Path, problems: Iterable[Problem], editor_url: str | None = None) -> list[ProblemView]:
    base = root.resolve()
    sources: dict[Path, list[str] | None] = {}
    out = []
    for problem in problems:
        path = Path(problem.file).resolve()
        inside = path.is_relative_to(base)
        shown = path.relative_to(base).as_posix() if inside else path.name
        lines = None
        if inside:
            if path not in sources:
                sources[path] = _read_lines(path)
            lines = sources[path]
        out.append(ProblemView(
            where=f"{shown}:{problem.line}:{problem.col}", level=problem.level, message=problem.message,
            excerpt=_excerpt(lines, problem.line, problem.col) if lines else None,
            href=source_href(editor_url, root, path, problem.line, problem.col) if lines else None,
        ))
    return out


def read_source(path: Path) -> list[str] | None:
    """The lines of a course file for the source page (None when it is too big to show)."""
    return _read_lines(path)


def _read_lines(path: Path) -> list[str] | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def _excerpt(lines: list[str], line: int, col: int) -> Markup | None:
    if not 1 <= line <= len(lines):
        return None
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    width = len(str(last))
    rows: list[Markup] = []
    for n in range(first, last + 1):
        text = lines[n - 1].expandtabs(4)
        row = escape(f"{n:>{width}} | {text}")
        if n == line:
            rows.append(Markup("<mark>{}</mark>").format(row))
            caret = " " * (width + 3 + max(col, 1) - 1) + "^"
            rows.append(Markup('<span class="caret" aria-hidden="true">{}</span>').format(caret))
        else:
            rows.append(row)
    return Markup('<pre class="excerpt"><code>{}</code></pre>').format(Markup("\n").join(rows))


def scene_problems(course: Course, root: Path, folder: Path, problems: Iterable[Problem]) -> dict[str, list[str]]:
    """Problems per scene id, each as `file:line:col: level: message`, the file relative to root."""
    top = root.resolve()
    return {
        scene_id: [f"{Path(p.file).resolve().relative_to(top).as_posix()}:{p.line}:{p.col}: {p.level}: {p.message}"
                   for p in found]
        for scene_id, found in problems_by_scene(course, folder, problems).items()
    }
