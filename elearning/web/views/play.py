"""Playing an attempt: the scene page and its choices, places on the map, the notebook, results.

A scene page reads one attempt row. A choice: load the attempt, let the engine apply it,
store events and state in one guarded transaction, 303 to the scene page. A POST whose
step token is not the attempt's current step changes nothing and says so.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning import engine
from elearning.course.model import MAX_OPEN_LENGTH, Course, Scene
from elearning.engine.assessment import answer_ids, choice_from_value
from elearning.engine.play import LocationView, Page
from elearning.engine.state import State, remember
from elearning.engine.study_time import Mark, active_time
from elearning.storage import attempts as store
from elearning.storage import certificates as certificate_store
from elearning.storage import issuing
from elearning.storage import open_answers as open_store
from elearning.web import i18n
from elearning.web.errors import error_page
from elearning.web.session import load_user, owner, session_user
from elearning.web.views import certificates
from elearning.web.views._base import library, redirect, render, settings
from elearning.web.views.catalogue import module_rows, module_status_words

log = logging.getLogger(__name__)

# What a page of ours sends: a step token, and choice ids as the compiler allows them or answer
# values as engine.assessment.answer_value makes them ([a-z2-7]{10}: opaque, mapped to ids on
# the server). A well-formed value that is no answer here (an answer id, another try's value) is
# "unavailable", like a choice that is not offered.
_STEP_TOKEN = re.compile(r"[0-9]{1,9}")
_CHOICE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
_CHECK_ID = re.compile(r"k[0-9]{1,4}")


@dataclass(frozen=True)
class Playing:
    attempt: store.AttemptRow
    course: Course
    state: State


async def _load(request: Request) -> Playing | Response:
    """The attempt in the URL, if it belongs to whoever is asking."""
    attempt_id = request.path_params["attempt_id"]
    who = await owner(request)
    attempt = await store.get_attempt(attempt_id) if who else None
    if attempt is None or who is None or not who.owns(attempt):
        if request.session.get("uid") is None:
            return redirect(f"/account/login?next=/play/{attempt_id}")
        raise HTTPException(404)
    course = await library(request).version(attempt.course_hash)
    if course is None:
        log.error("Attempt %s refers to course version %s, which is not stored", attempt.id, attempt.course_hash)
        raise HTTPException(500)
    return Playing(attempt, course, State.from_json(attempt.state))


def _common(p: Playing, active: str) -> dict[str, Any]:
    return {
        "attempt": p.attempt, "course": p.course, "state": p.state, "active": active,
        "notebook_count": len(p.state.notebook),
    }


load_attempt = _load  # for the other pages of an attempt (the evaluation)
common = _common


@dataclass(frozen=True, slots=True)
class Marker:
    """A place on a hub's map, as the map (HTML over the image) and the numbered list of places show it."""

    id: str
    choice_id: str
    label: str
    description: str | None
    available: bool
    reason: str | None
    status: str  # "done" | "open" | "locked"
    number: int
    left: int  # percent of the map's width and height: the classes mx-N and my-N place it
    top: int
    align: str  # where the label sits: "start" (near the left edge), "center" or "end"
    above: bool  # the label above the marker (near the bottom edge)


def _percent(value: float, whole: float) -> int:
    return max(0, min(100, round(value * 100 / whole)))


def _markers(scene: Scene, locations: list[LocationView]) -> list[Marker]:
    width = scene.map.width if scene.map else 100.0
    height = scene.map.height if scene.map else 100.0
    out = []
    for number, loc in enumerate(locations, start=1):
        left, top = _percent(loc.x, width), _percent(loc.y, height)
        out.append(Marker(loc.id, loc.choice_id, loc.label, loc.description, loc.available, loc.reason,
                          "done" if loc.done else ("open" if loc.available else "locked"), number, left, top,
                          "start" if left < 20 else ("end" if left > 80 else "center"), top > 82))
    return out


def _choice_labels(request: Request, course: Course, state: State) -> dict[str, str]:
    _ = i18n.translator(i18n.language(request))
    module = course.module(state.module)
    ids = course.meta.modules
    labels = {"retake": _("Take the test again") if module.assessment else _("Do this module again"),
              "continue": _("Next")}
    index = ids.index(module.id)
    if index + 1 < len(ids):
        labels["next"] = _("Continue to: {title}", title=course.module(ids[index + 1]).title)
    return labels


def choice_reasons(request: Request, page: Page) -> dict[str, str]:
    """Why a choice the engine names is not available now (a retake: too many tries, or too soon)."""
    _ = i18n.translator(i18n.language(request))
    out = {}
    for choice in page.choices:
        if choice.id == "retake" and choice.reason == "max_attempts":
            out["retake"] = _("You have used all attempts for this test.")
        elif choice.id == "retake" and choice.until is not None:
            out["retake"] = _("You can take the test again from {moment}.", moment=_local_time(request, choice.until))
    return out


def _local_time(request: Request, moment: int) -> str:
    return datetime.fromtimestamp(moment, ZoneInfo(settings(request).time_zone)).strftime("%d-%m-%Y %H:%M")


def _scene_page(request: Request, p: Playing, page: Page, *, notice: str | None, error: str | None,
                certificate: Any = None, status_code: int = 200,
                open_answer: open_store.OpenAnswerRow | None = None) -> Response:
    course, state = p.course, p.state
    module = course.module(state.module)
    total, top = engine.course_score(course, state)
    return render(request, "scene.html", {
        **_common(p, "scene"),
        "page": page, "scene": page.scene, "module": module,
        "title": page.scene.title or module.title,
        "module_number": course.meta.modules.index(module.id) + 1, "module_total": len(course.meta.modules),
        "markers": _markers(page.scene, page.locations) if page.scene.type == "hub" else [],
        "choice_labels": _choice_labels(request, course, state), "choice_reasons": choice_reasons(request, page),
        "notice": notice, "error": error, "total_score": total, "total_max": top,
        "open_answer": open_answer, "can_draft": True,
        "checks": engine.pass_checks(course, state) if page.finished else [],
        "certificate": certificate,
        "values": text_values(request, page),
    }, status_code=status_code)


def text_values(request: Request, page: Page) -> dict[str, str]:
    """What the {{ ... }} in the page's course texts stand for: the engine's values and the
    learner's name (nothing for a guest)."""
    user = session_user(request)
    return {**page.values, "name": user.name if user is not None else ""}


async def scene(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    if request.method == "POST":
        return await _act(request, loaded)
    _ = i18n.translator(i18n.language(request))
    page = engine.view(loaded.course, loaded.state, now=int(time.time()))
    notices = {
        "stale": _("That choice had already been made. This is where you are now."),
        "unavailable": _("That choice is not possible now. Pick one of the options on this page."),
        "draft": _("Your draft has been saved. You can finish it later, also on another device."),
    }
    error = None
    wrong = request.query_params.get("error")
    if wrong == "answer" and page.scene.type == "question":
        error = _("Choose one or more answers.") if page.scene.multiple else _("Choose one answer.")
    written = None
    if page.scene.open is not None:
        written = (await open_store.of_attempt(loaded.attempt.id)).get(page.scene.id)
        error = open_error(request, page.scene, wrong) if not page.reviewing else None
    issued = page.finished and page.passed and loaded.attempt.user_id is not None
    return _scene_page(request, loaded, page, notice=notices.get(request.query_params.get("notice", "")),
                       error=error, open_answer=written,
                       certificate=await certificate_store.of_attempt(loaded.attempt.id) if issued else None)


def open_error(request: Request, scene: Scene, wrong: str | None) -> str | None:
    """What is wrong with an open answer that was not accepted (`?error=` too_short or too_long)."""
    _ = i18n.translator(i18n.language(request))
    assert scene.open is not None  # noqa: S101 - only for open scenes
    if wrong == "too_short":
        return _("Your answer is too short: write at least {n} characters.", n=scene.open.min_length)
    if wrong == "too_long":
        return _("Your answer is too long: write at most {n} characters.", n=scene.open.max_length)
    return None


def _malformed(form: FormData, step: int) -> str | None:
    """What is wrong with a choice form that no page of ours could have sent, if anything."""
    steps = form.getlist("step")
    if len(steps) != 1 or not isinstance(steps[0], str) or not _STEP_TOKEN.fullmatch(steps[0]):
        return "step"
    if int(steps[0]) > step:
        return "step"  # a token this attempt never showed
    choices, answers = form.getlist("choice"), form.getlist("answer")
    if len(choices) > 1 or len(set(map(str, answers))) != len(answers):
        return "choice"
    if not all(isinstance(v, str) and _CHOICE_ID.fullmatch(v) for v in [*choices, *answers]):
        return "choice"
    checks, texts = form.getlist("check"), form.getlist("text")
    if not all(isinstance(v, str) and _CHECK_ID.fullmatch(v) for v in checks) or len(set(checks)) != len(checks):
        return "check"
    if len(texts) > 1 or not all(isinstance(v, str) and len(v) <= MAX_OPEN_LENGTH for v in texts):
        return "text"
    return None


async def _act(request: Request, p: Playing) -> Response:
    form = await request.form()
    here = f"/play/{p.attempt.id}"
    if _malformed(form, p.state.step):
        return error_page(request, 400, detail=here)
    if form.get("step") != str(p.state.step):
        return redirect(f"{here}?notice=stale")
    now = int(time.time())
    scene = p.course.scene(p.state.scene)
    also: list[tuple[str, list[Any]]] = []
    try:
        if scene.open is not None and not p.state.reviewing:
            text = str(form.get("text", ""))
            if form.get("action") == "draft":
                await open_store.save_draft(p.attempt.id, p.course.id, scene.id, text)
                return redirect(f"{here}?notice=draft")
            try:
                new, events = engine.write(p.course, p.state, text, now)
            except engine.TextRejected as exc:
                await open_store.save_draft(p.attempt.id, p.course.id, scene.id, text)  # nothing typed is lost
                return redirect(f"{here}?error={exc.reason}")
            also.append(open_store.submit_write(p.attempt.id, p.course.id, scene.id, text, review=scene.open.review))
        elif scene.open is not None:
            new, events = engine.continue_open(p.course, p.state, [str(c) for c in form.getlist("check")], now)
        elif scene.type == "question" and not p.state.reviewing:
            values = [str(a) for a in form.getlist("answer")]
            if not values:
                return redirect(f"{here}?error=answer")
            new, events = engine.answer(p.course, p.state, answer_ids(p.course, p.state, values), now)
        else:
            choice = choice_from_value(p.course, p.state, str(form.get("choice", "")))
            new, events = engine.choose(p.course, p.state, choice, now)
    except engine.ChoiceUnavailable:
        return redirect(f"{here}?notice=unavailable")
    if not await store.record_step(p.course, p.attempt, p.state, new, events, also):
        return redirect(f"{here}?notice=stale")
    remember(p.attempt.state, new)  # the scene page after the redirect reads this text
    response = redirect(here)
    if p.attempt.user_id is not None and ((new.finished and new.passed) or certificates.study_pending(request)):
        user = await load_user(request)
        if user is not None:
            response.background = await certificates.issue_earned(request, user)
    return response


async def place(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    wanted = request.path_params["location_id"]
    page = engine.view(loaded.course, loaded.state)
    markers = [m for m in _markers(page.scene, page.locations) if m.id == wanted]
    try:
        loaded.course.location(wanted)
        status = 200
    except KeyError:
        status = 404  # no such place in this course (another course's, or made up)
    return render(request, "place.html", {**_common(loaded, "place"), "marker": markers[0] if markers else None},
                  status_code=status)


async def result(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    course, state = loaded.course, loaded.state
    total, top = engine.course_score(course, state)
    spent = active_time([Mark(at) for at in await store.event_times(loaded.attempt.id)])
    page = engine.view(course, state, now=int(time.time()))
    can_retake = any(c.id == "retake" and c.available for c in page.choices)
    passed = state.finished and state.passed
    issued = passed and loaded.attempt.user_id is not None
    certificate = await certificate_store.of_attempt(loaded.attempt.id) if issued else None
    account = await load_user(request) if certificate else None
    study = None
    if issued and certificate is None and loaded.attempt.user_id is not None:
        study = await issuing.study_progress_of(loaded.attempt.user_id, course)
    return render(request, "result.html", {
        **_common(loaded, "result"),
        "modules": module_rows(course, state), "module_status": module_status_words(request),
        "checks": engine.pass_checks(course, state), "total_score": total, "total_max": top, "minutes": round(spent.total_seconds() / 60),
        "can_retake": can_retake, "certificate": certificate, "study": study,
        "review": await open_store.review_status(loaded.attempt.id) if course.has_open else open_store.NO_REVIEW,
        "account_number": account.registration_number if account else None,
    })
