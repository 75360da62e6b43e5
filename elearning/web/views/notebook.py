"""The learner's notebook: entries collected and open answers written, as a page and as a PDF,
and the revision of an answer a reviewer returned. Only the attempt's owner sees any of it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.authoring.plain_text import plain_text
from elearning.certificates.data import format_date
from elearning.certificates.notebook import (
    NotebookData,
    NotebookSection,
    WrittenAnswer,
    render_notebook_async,
)
from elearning.certificates.templates import template_dir
from elearning.course.model import MAX_OPEN_LENGTH, Course, NotebookEntry, NotebookKind, Scene
from elearning.engine import open_length
from elearning.storage import open_answers as open_store
from elearning.web import i18n
from elearning.web.errors import error_page
from elearning.web.session import load_user
from elearning.web.views._base import redirect, render, settings
from elearning.web.views.play import Playing, _common, _load


@dataclass(frozen=True)
class Written:
    """An open answer on the notebook page: its scene and what was written."""

    scene: Scene
    answer: open_store.OpenAnswerRow


def _groups(course: Course, have: frozenset[str]) -> list[tuple[NotebookKind, list[NotebookEntry]]]:
    groups = []
    for kind in course.meta.notebook.kinds:
        entries = [e for e in course.meta.notebook.entries if e.kind == kind.id and e.id in have]
        if entries:
            groups.append((kind, entries))
    return groups


async def _written(p: Playing) -> list[Written]:
    """The attempt's open answers, in the order of the course."""
    if not p.course.has_open:
        return []
    rows = await open_store.of_attempt(p.attempt.id)
    return [Written(s, rows[s.id]) for m in p.course.modules for s in m.scenes if s.id in rows]


def status_words(request: Request, course: Course | None = None) -> dict[tuple[str, bool], str]:
    """(status, needs review) -> the status of an open answer in words."""
    _ = i18n.translator(course.meta.language if course else i18n.language(request))
    return {
        (open_store.DRAFT, False): _("Draft: not handed in yet"),
        (open_store.DRAFT, True): _("Draft: not handed in yet"),
        (open_store.SUBMITTED, False): _("Handed in"),
        (open_store.SUBMITTED, True): _("Handed in: waiting for review"),
        (open_store.RETURNED, True): _("Returned by the reviewer: revise your answer and hand it in again"),
        (open_store.APPROVED, True): _("Approved by the reviewer"),
    }


async def notebook(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    _ = i18n.translator(i18n.language(request))
    notices = {"resubmitted": _("Your revised answer has been handed in for review.")}
    return render(request, "notebook.html", {
        **_common(loaded, "notebook"), "groups": _groups(loaded.course, loaded.state.notebook),
        "written": await _written(loaded), "open_status": status_words(request),
        "notice": notices.get(request.query_params.get("notice", "")),
    })


async def notebook_pdf(request: Request) -> Response:
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    course = loaded.course
    conf = settings(request)
    user = await load_user(request)
    words = status_words(request, course)
    today = datetime.fromtimestamp(time.time(), ZoneInfo(conf.time_zone)).date()
    data = NotebookData(
        language=course.meta.language, course_title=course.meta.title, notebook_title=course.meta.notebook.title,
        learner_name=user.name if user is not None and loaded.attempt.user_id == user.id else "",
        made_on=format_date(today, course.meta.language),
        sections=[NotebookSection(kind.label, [(e.title, plain_text(e.text)) for e in entries])
                  for kind, entries in _groups(course, loaded.state.notebook)],
        answers=[WrittenAnswer(w.scene.title or w.scene.id, plain_text(w.scene.text), w.answer.text,
                               words.get((w.answer.status, w.answer.review), ""), w.answer.comment)
                 for w in await _written(loaded)],
    )
    pdf = await render_notebook_async(data, template_dir(course.meta.certificate_template, conf.certificates_dir))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="notitieboek-{course.id}.pdf"',
        "Cache-Control": "no-store",
    })


async def revise(request: Request) -> Response:
    """A returned answer: the reviewer's comment, the text to revise, and hand it in again."""
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    scene_id = request.path_params["scene_id"]
    row = (await open_store.of_attempt(loaded.attempt.id)).get(scene_id)
    if row is None or row.status != open_store.RETURNED:
        raise HTTPException(404)
    scene = loaded.course.scene(scene_id)
    assert scene.open is not None  # noqa: S101 - a stored answer belongs to an open scene
    _ = i18n.translator(i18n.language(request))
    error, text = None, row.text
    here = f"/play/{loaded.attempt.id}/answers/{scene_id}"
    if request.method == "POST":
        form = await request.form()
        texts = form.getlist("text")
        if len(texts) != 1 or not isinstance(texts[0], str) or len(texts[0]) > MAX_OPEN_LENGTH:
            return error_page(request, 400, detail=here)
        text = texts[0]
        length = open_length(text)
        if length < scene.open.min_length:
            error = _("Your answer is too short: write at least {n} characters.", n=scene.open.min_length)
        elif length > scene.open.max_length:
            error = _("Your answer is too long: write at most {n} characters.", n=scene.open.max_length)
        elif await open_store.resubmit(loaded.attempt.id, scene_id, text, length):
            return redirect(f"/play/{loaded.attempt.id}/notebook?notice=resubmitted")
        else:
            raise HTTPException(404)  # handed in again a moment ago, from another tab
    return render(request, "revise.html", {
        **_common(loaded, "notebook"), "scene": scene, "answer": row, "text": text, "error": error,
    }, status_code=400 if error else 200)
