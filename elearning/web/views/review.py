"""Reviewers: the queue of open answers handed in for review in their courses, and one answer
to approve or return with a comment. A reviewer sees the assignment, the model answer and the
text, never who wrote it; anyone else gets 403 (the queue) or 404 (an answer)."""

from __future__ import annotations

import logging

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.course.model import Course
from elearning.storage import accounts
from elearning.storage import attempts as attempt_store
from elearning.storage import open_answers as open_store
from elearning.storage.models import User
from elearning.web import i18n, session
from elearning.web.errors import error_page
from elearning.web.views import certificates
from elearning.web.views._base import library, redirect, render

log = logging.getLogger(__name__)


async def _reviewer(request: Request) -> User | Response:
    user = await session.load_user(request)
    if user is None:
        return redirect(f"/account/login?next={request.url.path}")
    if not await open_store.reviewer_courses(user.id):
        raise HTTPException(403)
    return user


async def _course(request: Request, item: open_store.ReviewItem) -> Course:
    course = await library(request).version(item.course_hash)
    if course is None:
        log.error("An open answer refers to course version %s, which is not stored", item.course_hash)
        raise HTTPException(500)
    return course


async def queue(request: Request) -> Response:
    reviewer = await _reviewer(request)
    if isinstance(reviewer, Response):
        return reviewer
    _ = i18n.translator(i18n.language(request))
    rows = []
    for item in await open_store.queue(reviewer.id):
        course = await _course(request, item)
        rows.append((item, course.meta.title, course.scene(item.scene).title or item.scene))
    notices = {"approved": _("The answer has been approved."), "returned": _("The answer has been returned.")}
    return render(request, "review/queue.html", {
        "rows": rows, "notice": notices.get(request.query_params.get("notice", "")),
    })


async def answer(request: Request) -> Response:
    reviewer = await _reviewer(request)
    if isinstance(reviewer, Response):
        return reviewer
    answer_id = request.path_params["answer_id"]
    item = await open_store.for_review(answer_id, reviewer.id)
    if item is None:
        raise HTTPException(404)  # not in this reviewer's courses, not handed in, or reviewed already
    course = await _course(request, item)
    _ = i18n.translator(i18n.language(request))
    error, comment = None, ""
    if request.method == "POST":
        form = await request.form()
        decision, comment = form.get("decision"), str(form.get("comment", ""))
        if decision not in ("approve", "return") or len(comment) > open_store.MAX_COMMENT:
            return error_page(request, 400, detail=request.url.path)
        if decision == "return" and not comment.strip():
            error = _("Write a comment: tell the learner what to improve.")
        else:
            attempt_id = await open_store.review(answer_id, reviewer, approve=decision == "approve", comment=comment)
            if attempt_id is None:
                raise HTTPException(404)  # reviewed by someone else a moment ago
            response = redirect(f"/review?notice={'approved' if decision == 'approve' else 'returned'}")
            if decision == "approve":
                response.background = await _issue_if_complete(request, attempt_id)
            return response
    return render(request, "review/answer.html", {
        "item": item, "course": course, "scene": course.scene(item.scene), "error": error, "comment": comment,
    }, status_code=400 if error else 200)


async def _issue_if_complete(request: Request, attempt_id: int) -> BackgroundTask | None:
    """The certificate an attempt earned once its last review is approved (rendered after the response)."""
    if not (await open_store.review_status(attempt_id)).complete:
        return None
    record = await attempt_store.get_record(attempt_id)
    if record is None or record.user_id is None or not record.passed:
        return None
    learner = await accounts.get_user(record.user_id)
    return await certificates.issue_earned(request, learner) if learner is not None else None
