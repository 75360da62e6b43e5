"""The anonymous course evaluation: store one, read them back for the studio.

A row holds the course, the version (content hash), the month and the answers: no user, no
attempt, no time of day, and a random key, so a row cannot be traced back to a learner by
its order, its time or an id. Whether a learner already filled it in is kept in their own
session cookie, not here (a row saying "attempt 12 evaluated" would be that link).
"""

from __future__ import annotations

import secrets
from datetime import date

from elearning.analytics.evaluation import COMMENT_MAX, SCALE, Evaluation
from elearning.storage.models import CourseEvaluation


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


async def record(course_id: str, course_hash: str, day: date, evaluation: Evaluation) -> None:
    """Store one evaluation, as of the month of `day`. Ratings outside 1..5 are stored as no answer."""
    def score(key: str) -> int | None:
        value = evaluation.rating(key)
        return value if value in SCALE else None

    await CourseEvaluation.create(
        id=secrets.token_hex(16), course_id=course_id, course_hash=course_hash, month=month_of(day),
        useful=score("useful"), clear=score("clear"), study_time=score("study_time"),
        recommend=score("recommend"), comment=evaluation.comment.strip()[:COMMENT_MAX],
    )


async def evaluations(course_id: str, course_hash: str | None = None, since: date | None = None,
                      until: date | None = None) -> list[Evaluation]:
    """The evaluations of a course (one version, or all), in the months from `since` to `until`."""
    query = CourseEvaluation.filter(course_id=course_id)
    if course_hash:
        query = query.filter(course_hash=course_hash)
    if since is not None:
        query = query.filter(month__gte=month_of(since))
    if until is not None:
        query = query.filter(month__lte=month_of(until))
    rows = await query.order_by("id")
    return [Evaluation(useful=r.useful, clear=r.clear, study_time=r.study_time, recommend=r.recommend,
                       comment=r.comment) for r in rows]
