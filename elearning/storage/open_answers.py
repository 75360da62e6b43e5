"""Open answers: what learners wrote on open scenes, their review, and who reviews a course.

The text is plain text, stored as typed (line ends made LF) and never in an event: events say
that an answer was handed in or reviewed, with its length or outcome, so analytics never hold
personal text. Handing in is part of the learner's step (`submit_write`, written by
attempts.record_step in the step's transaction); a draft, a review and a revision after a
return are writes of their own, and append their event to the attempt.

A reviewer (`CourseReviewer`) sees only answers handed in for review in their courses, and
only what `ReviewItem` holds: no account, no name, no other part of the attempt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from elearning.engine.play import normalise_text
from elearning.storage.attempts import now
from elearning.storage.models import Attempt, CourseReviewer, Event, OpenAnswer, User
from elearning.storage.statements import OPEN_ANSWER_SUBMIT

DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
MAX_COMMENT = 4000


@dataclass(frozen=True)
class OpenAnswerRow:
    """One open answer as its owner sees it (notebook, data download, the scene page)."""

    id: int
    attempt_id: int
    scene: str
    text: str
    status: str
    review: bool
    comment: str
    submitted_at: datetime | None
    reviewed_at: datetime | None


@dataclass(frozen=True)
class ReviewItem:
    """An answer waiting for review, as a reviewer sees it: nothing that names the learner."""

    id: int
    course_id: str
    course_hash: str
    scene: str
    text: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class ReviewStatus:
    """Whether the open answers of an attempt that need a review are all approved, and when the last was."""

    complete: bool
    approved_at: datetime | None  # the latest approval; None when nothing needed a review (or nothing is approved)
    waiting: int  # handed in, not reviewed yet
    returned: int  # sent back: the learner revises and hands in again


NO_REVIEW = ReviewStatus(complete=True, approved_at=None, waiting=0, returned=0)  # a course without open scenes
_ROW = ("id", "attempt_id", "scene", "text", "status", "review", "comment", "submitted_at", "reviewed_at")


def _row(values: dict[str, Any]) -> OpenAnswerRow:
    return OpenAnswerRow(**{k: values[k] for k in _ROW})


# -- the learner ---------------------------------------------------------------------------
def submit_write(attempt_id: int, course_id: str, scene: str, text: str, *, review: bool) -> tuple[str, list[Any]]:
    """The statement that stores an answer handed in; pass it to attempts.record_step (`also`)."""
    at = now()
    values = [attempt_id, course_id, scene, normalise_text(text), SUBMITTED, review, "", at, at, at]
    assert len(values) == len(OPEN_ANSWER_SUBMIT)  # noqa: S101 - in statements.OPEN_ANSWER_SUBMIT order
    return "open_answer.submit", values


async def save_draft(attempt_id: int, course_id: str, scene: str, text: str) -> bool:
    """Keep a draft of an answer not handed in yet; False when it was handed in already."""
    at = now()
    text = normalise_text(text)
    if await OpenAnswer.filter(attempt_id=attempt_id, scene=scene, status=DRAFT).update(text=text, updated_at=at):
        return True
    if await OpenAnswer.filter(attempt_id=attempt_id, scene=scene).exists():
        return False
    try:
        await OpenAnswer.create(attempt_id=attempt_id, course_id=course_id, scene=scene, text=text, status=DRAFT,
                                created_at=at, updated_at=at)
    except IntegrityError:  # the same draft saved twice at once
        return await save_draft(attempt_id, course_id, scene, text)
    return True


async def of_attempt(attempt_id: int) -> dict[str, OpenAnswerRow]:
    """The attempt's open answers by scene."""
    rows = await OpenAnswer.filter(attempt_id=attempt_id).order_by("id").values(*_ROW)
    return {r["scene"]: _row(r) for r in rows}


async def resubmit(attempt_id: int, scene: str, text: str, length: int) -> bool:
    """Hand in a returned answer again, revised; False when it is not (or no longer) returned."""
    at = now()
    async with in_transaction() as conn:
        changed = await OpenAnswer.filter(attempt_id=attempt_id, scene=scene, status=RETURNED).using_db(conn).update(
            text=normalise_text(text), status=SUBMITTED, submitted_at=at, updated_at=at)
        if not changed:
            return False
        await _append_event(conn, attempt_id, {"type": "open_answer_resubmitted", "scene": scene, "length": length}, at)
    return True


async def review_status(attempt_id: int) -> ReviewStatus:
    """Is this attempt's review complete, and when was it approved? (A certificate waits for it.)"""
    rows = await OpenAnswer.filter(attempt_id=attempt_id, review=True).values("status", "reviewed_at")
    approved = [r["reviewed_at"] for r in rows if r["status"] == APPROVED and r["reviewed_at"] is not None]
    return ReviewStatus(
        complete=all(r["status"] == APPROVED for r in rows),
        approved_at=max(approved) if approved else None,
        waiting=sum(1 for r in rows if r["status"] == SUBMITTED),
        returned=sum(1 for r in rows if r["status"] == RETURNED),
    )


async def waiting_for_review(user_id: int | None = None) -> list[int]:
    """Attempts (of this account, or anyone's) with an answer that needs a review and is not approved (yet)."""
    query = OpenAnswer.filter(review=True).exclude(status=APPROVED)
    if user_id is not None:
        query = query.filter(attempt__user_id=user_id)
    ids = await query.distinct().values_list("attempt_id", flat=True)
    return sorted(int(i) for i in ids)  # type: ignore[call-overload]


# -- reviewers -----------------------------------------------------------------------------
async def add_reviewer(user: User, course_id: str) -> bool:
    """Make `user` a reviewer of the course; False when they were one already."""
    try:
        await CourseReviewer.create(user=user, course_id=course_id, created_at=now())
    except IntegrityError:
        return False
    return True


async def remove_reviewer(user: User, course_id: str) -> bool:
    return bool(await CourseReviewer.filter(user_id=user.id, course_id=course_id).delete())


async def reviewer_courses(user_id: int) -> list[str]:
    courses = await CourseReviewer.filter(user_id=user_id).order_by("course_id").values_list("course_id", flat=True)
    return [str(c) for c in courses]


async def reviewers() -> list[tuple[str, str]]:
    """(course id, reviewer's address) of every assignment."""
    rows = await CourseReviewer.all().order_by("course_id", "user__email").values("course_id", "user__email")
    return [(r["course_id"], r["user__email"]) for r in rows]


async def queue(user_id: int) -> list[ReviewItem]:
    """The answers waiting for this reviewer, oldest first: only in the courses they review."""
    courses = await reviewer_courses(user_id)
    if not courses:
        return []
    rows = await OpenAnswer.filter(course_id__in=courses, review=True, status=SUBMITTED).order_by(
        "submitted_at", "id").values("id", "course_id", "attempt__course_hash", "scene", "text", "submitted_at")
    return [_item(r) for r in rows]


async def for_review(answer_id: int, user_id: int) -> ReviewItem | None:
    """One answer waiting for review, if this reviewer may see it."""
    courses = await reviewer_courses(user_id)
    rows = await OpenAnswer.filter(id=answer_id, course_id__in=courses, review=True, status=SUBMITTED).values(
        "id", "course_id", "attempt__course_hash", "scene", "text", "submitted_at")
    return _item(rows[0]) if rows else None


def _item(r: dict[str, Any]) -> ReviewItem:
    return ReviewItem(r["id"], r["course_id"], r["attempt__course_hash"], r["scene"], r["text"], r["submitted_at"])


async def review(answer_id: int, reviewer: User, *, approve: bool, comment: str) -> int | None:
    """Approve the answer, or return it with a comment; the attempt's id, or None when this reviewer
    may not review it or it is not waiting (reviewed by someone else a moment ago)."""
    item = await for_review(answer_id, reviewer.id)
    if item is None:
        return None
    at = now()
    outcome = APPROVED if approve else RETURNED
    async with in_transaction() as conn:
        rows = await OpenAnswer.filter(id=answer_id, status=SUBMITTED).using_db(conn).values("attempt_id")
        changed = await OpenAnswer.filter(id=answer_id, status=SUBMITTED).using_db(conn).update(
            status=outcome, comment=comment.strip()[:MAX_COMMENT], reviewer_id=reviewer.id, reviewed_at=at, updated_at=at)
        if not changed or not rows:
            return None
        attempt_id = int(rows[0]["attempt_id"])
        await _append_event(conn, attempt_id, {"type": "open_answer_reviewed", "scene": item.scene,
                                               "outcome": outcome}, at)
    return attempt_id


# -- events outside a step -----------------------------------------------------------------
async def _append_event(conn: Any, attempt_id: int, event: dict[str, Any], at: datetime) -> None:
    """Append an event to the attempt (the next seq), in the caller's transaction."""
    for _ in range(5):
        [row] = await Attempt.filter(id=attempt_id).using_db(conn).values("last_seq", "course_hash", "module")
        seq = int(row["last_seq"]) + 1
        if await Attempt.filter(id=attempt_id, last_seq=seq - 1).using_db(conn).update(last_seq=seq):
            await Event.create(attempt_id=attempt_id, course_hash=row["course_hash"], seq=seq, type=event["type"],
                               module=row["module"], scene=event.get("scene"), choice=event.get("outcome"),
                               payload=json.dumps(event, sort_keys=True, separators=(",", ":")), created_at=at,
                               using_db=conn)
            return
    raise RuntimeError(f"attempt {attempt_id} kept changing while an event was appended")


# -- a learner's rights ---------------------------------------------------------------------
async def export_rows(attempt_ids: list[int]) -> list[dict[str, Any]]:
    """Everything kept of these attempts' open answers, for the owner's data download."""
    return await OpenAnswer.filter(attempt_id__in=attempt_ids).order_by("attempt_id", "id").values(
        "attempt_id", "course_id", "scene", "text", "status", "review", "comment", "created_at", "updated_at",
        "submitted_at", "reviewed_at")


async def blank(attempt_ids: list[int], conn: Any = None) -> int:
    """Remove the personal text (answers and comments) of these attempts; the rows and statuses stay."""
    return await OpenAnswer.filter(attempt_id__in=attempt_ids).using_db(conn).update(text="", comment="")
