"""The optional, anonymous course evaluation after passing: a few ratings and one comment.

It never blocks anything: the certificate is issued when the course is passed, whether or not
the learner fills this in. What is stored carries no link to the learner (storage/evaluations.py);
that this attempt's evaluation was given is remembered only in the learner's own session cookie.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.analytics.evaluation import COMMENT_MAX, QUESTIONS, SCALE, SCALE_WORDS, Evaluation
from elearning.storage import evaluations
from elearning.web import i18n
from elearning.web.errors import error_page
from elearning.web.views import play
from elearning.web.views._base import redirect, render

_DONE = "evaluated"  # session key: the attempts whose evaluation was given in this browser
_REMEMBER = 20


def _given(request: Request) -> list[int]:
    value = request.session.get(_DONE)
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


async def evaluation(request: Request) -> Response:
    loaded = await play.load_attempt(request)
    if isinstance(loaded, Response):
        return loaded
    if not (loaded.state.finished and loaded.state.passed):
        raise HTTPException(404)  # offered after passing only
    _ = i18n.translator(i18n.language(request))
    here = f"/play/{loaded.attempt.id}/evaluation"
    given = loaded.attempt.id in _given(request)
    errors: dict[str, str] = {}
    picked: dict[str, int | None] = {key: None for key, _statement in QUESTIONS}
    comment = ""
    if request.method == "POST" and not given:
        form = await request.form()
        for key, _statement in QUESTIONS:
            raw = form.get(key, "")
            if raw == "":
                continue
            if not isinstance(raw, str) or not raw.isdigit() or int(raw) not in SCALE:
                return error_page(request, 400, detail=here)
            picked[key] = int(raw)
        raw_comment = form.get("comment", "")
        comment = raw_comment if isinstance(raw_comment, str) else ""
        if len(comment.strip()) > COMMENT_MAX:
            errors["comment"] = _("Your comment is too long: at most {n} characters.", n=COMMENT_MAX)
        elif all(v is None for v in picked.values()) and not comment.strip():
            errors["useful"] = _("You have not filled in anything yet. Choose at least one answer, or go back to your result.")
        if not errors:
            await evaluations.record(loaded.course.id, loaded.course.content_hash, datetime.now(UTC).date(),
                                     Evaluation(**picked, comment=comment))
            request.session[_DONE] = [*_given(request), loaded.attempt.id][-_REMEMBER:]
            return redirect(here)
    return render(request, "evaluation.html", {
        **play.common(loaded, "result"), "given": given, "errors": errors, "picked": picked, "comment": comment,
        "questions": [(key, _(statement)) for key, statement in QUESTIONS],
        "scale": [(score, _(word)) for score, word in zip(SCALE, SCALE_WORDS, strict=True)],
        "comment_max": COMMENT_MAX,
    }, status_code=400 if errors else 200)
