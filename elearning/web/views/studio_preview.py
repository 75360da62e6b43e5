"""Preview: play any scene of any module with the real engine, and set the state by hand.

The state travels in the URL and the forms as a signed token (itsdangerous, SECRET_KEY), so
preview writes nothing: no attempt, no event, no certificate. After an edit the state is
moved onto the new version of the course (`engine.rebase`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning import engine
from elearning.course import Course, conditions
from elearning.course.checks import iter_conditions
from elearning.course.model import MAX_OPEN_LENGTH
from elearning.engine.assessment import answer_ids, choice_from_value, choice_id
from elearning.engine.play import answer_id, enter
from elearning.engine.state import State
from elearning.web import i18n
from elearning.web.views._base import library, redirect, settings
from elearning.web.views._studio import author_only, current_course, live, render_studio
from elearning.web.views.play import (
    _choice_labels,
    _markers,
    choice_reasons,
    open_error,
    text_values,
)

SALT = "elearning.studio.preview"
MAX_NUMBER = 1_000_000


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(settings(request).secret_key, salt=SALT)


def token(request: Request, course: Course, state: State) -> str:
    return str(_serializer(request).dumps({"c": course.id, "s": state.to_json()}))


def _read_token(request: Request, course: Course, raw: Any) -> State | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        data = _serializer(request).loads(raw)
    except BadSignature:
        raise HTTPException(400) from None
    if not isinstance(data, dict) or data.get("c") != course.id:
        return None
    try:
        return engine.rebase(course, State.from_json(data["s"]))
    except (KeyError, ValueError):
        raise HTTPException(400) from None


def _fresh(course: Course, scene_id: str | None) -> State:
    state = engine.start(course)[0]
    if scene_id is None or scene_id == state.scene:
        return state
    module = course.module_of(scene_id)
    base = State(course_hash=course.content_hash, module=module.id, scene=scene_id,
                 vars=tuple(sorted(course.meta.variables.items())))
    return enter(course, base, scene_id)


def _scene_param(course: Course, value: Any) -> str | None:
    if not value:
        return None
    try:
        course.scene(str(value))
    except KeyError:
        raise HTTPException(404) from None
    return str(value)


def _here(course: Course, request: Request, state: State, **extra: str) -> str:
    return f"/studio/courses/{course.id}/preview?" + urlencode({"s": token(request, course, state), **extra})


# -- what can be set ----------------------------------------------------------------------------
def known_flags(course: Course, state: State) -> list[str]:
    names = set(state.flags)
    for module in course.modules:
        for scene in module.scenes:
            for effects in (*scene.choices, *scene.answers, *([scene.on_enter] if scene.on_enter else [])):
                names.update(effects.flags)
    names.update(_referenced(course, "flag"))
    return sorted(names)


def known_vars(course: Course, state: State) -> list[str]:
    names = set(course.meta.variables) | {name for name, _ in state.vars}
    for module in course.modules:
        for scene in module.scenes:
            for choice in scene.choices:
                names.update(choice.set)
                names.update(choice.add)
    names.update(_referenced(course, "var"))
    return sorted(names)


def _referenced(course: Course, function: str) -> set[str]:
    out: set[str] = set()
    for _scene, text in iter_conditions(course):
        node = course.condition(text)
        if node is not None:
            out.update(arg for fn, arg, _col in conditions.references(node) if fn == function)
    return out


def _panel(course: Course, state: State) -> dict[str, Any]:
    """The values of the state form, from the state."""
    return {
        "flags": set(state.flags), "vars": {n: str(state.var(n)) for n in known_vars(course, state)},
        "entries": set(state.notebook), "score": str(state.score), "scene": state.scene,
    }


def _whole(raw: Any) -> int | None:
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if abs(value) <= MAX_NUMBER else None


def _panel_from_form(request: Request, course: Course, state: State,
                     form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    _ = i18n.translator(i18n.language(request))
    flags = known_flags(course, state)
    entries = {e.id for e in course.meta.notebook.entries}
    panel: dict[str, Any] = {
        "flags": {f for f in form.getlist("flag") if f in flags},
        "vars": {n: str(form.get(f"var-{n}", "")).strip() for n in known_vars(course, state)},
        "entries": {e for e in form.getlist("entry") if e in entries},
        "score": str(form.get("score", "")).strip(),
        "scene": str(form.get("scene", state.scene)),
    }
    errors: dict[str, str] = {}
    for name, raw in panel["vars"].items():
        if _whole(raw) is None:
            errors[f"var-{name}"] = _("Enter a whole number for {name}.", name=name)
    if _whole(panel["score"]) is None:
        errors["score"] = _("Enter a whole number for the score.")
    _scene_param(course, panel["scene"])
    return panel, errors


def hidden_choices(state: State, page: engine.Page) -> list[tuple[str, str | None, bool]]:
    """The scene's choices the learner does not see now: (label, the condition that hides it, taken
    already). A once-only choice that was taken is hidden whatever its condition."""
    if page.reviewing:
        return []
    shown = {c.id for c in page.choices}
    out = []
    for i, choice in enumerate(page.scene.choices):
        cid = choice_id(choice, i)
        if cid not in shown:
            out.append((choice.label, choice.when, choice.once and f"{page.scene.id}/{cid}" in state.once))
    return out


# -- the pages ----------------------------------------------------------------------------------
def _page(request: Request, course: Course, state: State, *, panel: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, notice: str | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    page = engine.view(course, state)
    module = course.module(state.module)
    status = library(request).status_of(course.id)
    total, top = engine.course_score(course, state)
    return render_studio(request, "studio/preview.html", {
        "course": course, "state": state, "page": page, "scene": page.scene, "module": module,
        "title": page.scene.title or module.title, "token": token(request, course, state),
        "markers": _markers(page.scene, page.locations) if page.scene.type == "hub" else [],
        "choice_labels": _choice_labels(request, course, state), "choice_reasons": choice_reasons(request, page),
        "total_score": total, "total_max": top, "values": text_values(request, page), "checks": engine.pass_checks(course, state) if page.finished else [],
        "flags": known_flags(course, state), "entries": course.meta.notebook.entries,
        "panel": panel or _panel(course, state), "errors": errors or {}, "notice": notice, "error": error,
        "module_number": course.meta.modules.index(module.id) + 1, "module_total": len(course.meta.modules),
        "visits": [(s, n) for s, n in state.visits], "results": list(state.results),
        "correct_answers": {answer_id(a, i) for i, a in enumerate(page.scene.answers) if a.correct},
        "hidden_choices": hidden_choices(state, page),
        "active": "preview", "status": status, **live(request, status),
        "open_answer": None, "can_draft": False,  # the preview stores nothing: no drafts, no text kept
    }, status_code=status_code)


@author_only
async def preview(request: Request) -> Response:
    course = current_course(request)
    if request.method == "POST":
        return await _act(request, course)
    params = request.query_params
    scene_id = _scene_param(course, params.get("scene"))
    state = _read_token(request, course, params.get("s"))
    if state is None:
        state = _fresh(course, scene_id)
    elif scene_id is not None and scene_id != state.scene:
        state = enter(course, state, scene_id)
    _ = i18n.translator(i18n.language(request))
    notices = {
        "unavailable": _("That choice is not possible now. Pick one of the options on this page."),
        "state": _("The state has been changed."),
    }
    error = None
    if params.get("error") == "answer" and state.scene and course.scene(state.scene).type == "question":
        error = _("Choose one or more answers.") if course.scene(state.scene).multiple else _("Choose one answer.")
    if state.scene and course.scene(state.scene).open is not None and not state.reviewing:
        error = open_error(request, course.scene(state.scene), params.get("error"))
    return _page(request, course, state, notice=notices.get(params.get("notice", "")), error=error)


async def _act(request: Request, course: Course) -> Response:
    form = await request.form()
    state = _read_token(request, course, form.get("s")) or engine.start(course)[0]
    scene = course.scene(state.scene)
    try:
        if scene.open is not None and not state.reviewing:
            try:
                new, _events = engine.write(course, state, str(form.get("text", ""))[:MAX_OPEN_LENGTH + 1])
            except engine.TextRejected as exc:
                return redirect(_here(course, request, state, error=exc.reason))
        elif scene.open is not None:
            checks = [str(c) for c in form.getlist("check")]
            new, _events = engine.continue_open(course, state, checks)
        elif scene.type == "question" and not state.reviewing:
            answers = [str(a) for a in form.getlist("answer")]
            if not answers:
                return redirect(_here(course, request, state, error="answer"))
            new, _events = engine.answer(course, state, answer_ids(course, state, answers))
        else:
            new, _events = engine.choose(course, state, choice_from_value(course, state, str(form.get("choice", ""))))
    except engine.ChoiceUnavailable:
        return redirect(_here(course, request, state, notice="unavailable"))
    return redirect(_here(course, request, new))


@author_only
async def set_state(request: Request) -> Response:
    course = current_course(request)
    form = await request.form()
    state = _read_token(request, course, form.get("s")) or engine.start(course)[0]
    panel, errors = _panel_from_form(request, course, state, form)
    if errors:
        return _page(request, course, state, panel=panel, errors=errors, status_code=400)
    new = state.evolve(
        flags=frozenset(panel["flags"]),
        vars=tuple(sorted((n, _whole(v) or 0) for n, v in panel["vars"].items())),
        notebook=frozenset(panel["entries"]),
        score=_whole(panel["score"]) or 0,
    )
    if panel["scene"] != new.scene:
        new = enter(course, new, panel["scene"])
    return redirect(_here(course, request, new, notice="state"))
