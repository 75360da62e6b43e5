"""The catalogue, a course's page, and starting (or restarting) a course."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning import engine
from elearning.course.model import Course
from elearning.engine.assessment import restart_block
from elearning.engine.state import State
from elearning.storage import accreditations, throttle
from elearning.storage import attempts as store
from elearning.storage.attempts import AttemptRecord, Owner
from elearning.web import i18n
from elearning.web.errors import error_page
from elearning.web.session import owner
from elearning.web.views._base import client_address, library, redirect, render, settings


def course_status(attempt: AttemptRecord | None) -> str:
    if attempt is None:
        return "new"
    if attempt.finished_at is None:
        return "busy"
    return "passed" if attempt.passed else "failed"


def module_rows(course: Course, state: State | None) -> list[tuple[Any, str, Any]]:
    """(module, 'done'|'current'|'todo', best result or None) in course order."""
    status = engine.progress(course, state) if state else {}
    rows = []
    for module_id in course.meta.modules:
        result = state.result(module_id) if state else None
        rows.append((course.module(module_id), status.get(module_id, "todo"), result))
    return rows


def module_status_words(request: Request) -> dict[str, str]:
    _ = i18n.translator(i18n.language(request))
    return {"done": _("finished"), "current": _("you are here"), "todo": _("not started yet")}


@dataclass(frozen=True, slots=True)
class Card:
    """A course on the catalogue, as far as this learner got: the attempt to go on with and how
    far it is, and a pass (which a newer attempt never hides)."""

    course: Course
    status: str  # "new" | "busy" | "passed" | "failed"
    attempt: AttemptRecord | None
    percent: int
    passed: AttemptRecord | None


async def index(request: Request) -> Response:
    who = await owner(request)
    latest, passed = await store.latest_and_passed(who) if who else ({}, {})
    lib = library(request)
    cards = []
    for c in lib.courses():
        attempt = latest.get(c.id)
        percent = 0
        if attempt is not None:
            played = await lib.version(attempt.course_hash)
            percent = engine.progress_percent(played, State.from_json(attempt.state)) if played else 0
        status = "passed" if c.id in passed else course_status(attempt)
        cards.append(Card(c, status, attempt, percent, passed.get(c.id)))
    _ = i18n.translator(i18n.language(request))
    words = {
        "new": _("Not started yet"), "busy": _("In progress"),
        "passed": _("Finished: passed"), "failed": _("Finished: not passed yet"),
    }
    return render(request, "catalogue.html", {"cards": cards, "status_text": words})


async def course(request: Request) -> Response:
    lib = library(request)
    current = lib.current(request.path_params["course_id"])
    if current is None:
        raise HTTPException(404)
    who = await owner(request)
    latest, passes = await store.latest_and_passed(who) if who else ({}, {})
    attempt, passed = latest.get(current.id), passes.get(current.id)
    shown, state = current, None
    if attempt is not None:
        played = await lib.version(attempt.course_hash)
        if played is not None:
            shown, state = played, State.from_json(attempt.state)
    blocked = await _restart_block(request, attempt) if attempt is not None and attempt.finished_at else None
    today = datetime.now(ZoneInfo(settings(request).time_zone)).date()
    return render(request, "course.html", {
        "accreditation": await accreditations.covering(shown, today),
        "course": shown, "attempt": attempt, "modules": module_rows(shown, state), "may_restart": blocked is None,
        "module_status": module_status_words(request), "passed": passed,
    })


async def _restart_block(request: Request, attempt: Any) -> tuple[str, int | None] | None:
    played = await library(request).version(attempt.course_hash)
    if played is None:
        return None
    return restart_block(played, State.from_json(attempt.state), int(time.time()))


STARTS_PER_OWNER = throttle.Limit(20, timedelta(hours=1))
STARTS_PER_ADDRESS = throttle.Limit(200, timedelta(hours=1))  # an office behind one address


async def _may_start(request: Request, who: Owner) -> bool:
    """A new attempt is a row and events for ever: 300 restarts in two seconds filled tables and skewed analytics."""
    mine = f"start-user:{who.user_id}" if who.user_id is not None else \
        f"start-guest:{hashlib.sha256(str(who.guest_key).encode()).hexdigest()[:40]}"
    return (await throttle.allowed(mine, STARTS_PER_OWNER)
            and await throttle.allowed(f"start-ip:{client_address(request)}", STARTS_PER_ADDRESS))


async def start(request: Request) -> Response:
    lib = library(request)
    current = lib.current(request.path_params["course_id"])
    if current is None:
        raise HTTPException(404)
    form = await request.form()
    who = await owner(request, create_guest=True)
    assert who is not None  # noqa: S101 - create_guest guarantees an owner
    latest = await store.latest_attempt(who, current.id)
    after = form.get("after")
    # A plain start resumes; a restart makes a new attempt only once (a second click resumes it).
    if latest is not None and (after is None or str(latest.id) != after):
        return redirect(f"/play/{latest.id}")
    if latest is not None and await _restart_block(request, latest) is not None:
        return redirect(f"/play/{latest.id}?notice=unavailable")  # a retake policy is not dodged by starting over
    if not await _may_start(request, who):
        return error_page(request, 429)
    await lib.ensure_snapshot(current)
    state, events = engine.start(current, seed=secrets.randbits(64))
    attempt = await store.create_attempt(current, who, state, events)
    return redirect(f"/play/{attempt.id}")
