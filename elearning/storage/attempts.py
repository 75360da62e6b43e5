"""Attempts, their append-only events, and course snapshots.

The hot path: a scene page reads one attempt row; a choice writes, in one transaction,
a guarded update of the attempt (WHERE id=? AND step=?) and the new event rows. A replayed
or concurrent POST that carries an old step token updates nothing and writes nothing.
Every operation is one path over the executor of storage/executor.py (statements from
storage/statements.py), whichever database runs underneath.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError

from elearning.course.model import Course
from elearning.course.snapshot import course_from_json, course_to_json
from elearning.engine.play import course_score
from elearning.engine.state import State
from elearning.engine.study_time import Mark
from elearning.storage.executor import Transaction, current
from elearning.storage.models import Event
from elearning.storage.statements import ATTEMPT, ATTEMPT_STEP, EVENT, SNAPSHOT


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Owner:
    """Who an attempt belongs to: an account, or a guest's session key."""

    user_id: int | None = None
    guest_key: str | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.guest_key is None):
            raise ValueError("An owner is either a user_id or a guest_key, not both and not neither.")

    def owns(self, attempt: AttemptRow | AttemptRecord) -> bool:
        user_id = getattr(attempt, "user_id", None)
        if self.user_id is not None:
            return user_id == self.user_id
        return user_id is None and attempt.guest_key == self.guest_key


class AttemptLike(Protocol):
    id: int
    last_seq: int


@dataclass(slots=True)
class AttemptRow:
    """What playing needs of an attempt (the hot path reads only these columns)."""

    id: int
    user_id: int | None
    guest_key: str | None
    course_hash: str
    state: str
    step: int
    last_seq: int


@dataclass(slots=True)
class AttemptRecord:
    """A whole attempt row: the course page, the catalogue, certificates."""

    id: int
    user_id: int | None
    guest_key: str | None
    course_id: str
    course_hash: str
    state: str
    last_seq: int
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    module: str
    scene: str
    step: int
    passed: bool | None
    score: int | None
    max_score: int | None


assert tuple(f.name for f in fields(AttemptRecord)) == ATTEMPT  # noqa: S101 - one column list


# -- snapshots ---------------------------------------------------------------------
async def store_snapshot(course: Course) -> None:
    """Store the compiled course under its hash, once."""
    db = current()
    # The first learners of a course all start at once; the first one stores the snapshot.
    if await db.fetch("snapshot.exists", [course.content_hash]):
        return
    values = [course.content_hash, course.id, course.meta.version, course_to_json(course), now()]
    assert len(values) == len(SNAPSHOT)  # noqa: S101 - in statements.SNAPSHOT order

    async def write(tx: Transaction) -> None:
        await tx.execute("snapshot.insert", values)

    try:
        await db.execute_write(write)
    except IntegrityError:  # another process stored it first
        pass


async def load_snapshot(course_hash: str) -> Course | None:
    rows = await current().fetch("snapshot.compiled", [course_hash])
    if not rows:
        return None
    return course_from_json(rows[0]["compiled"])


# -- attempts ------------------------------------------------------------------------
def _event_values(course: Course, attempt_id: int, first_seq: int, module: str,
                  events: list[dict[str, Any]], at: datetime) -> list[tuple[Any, ...]]:
    """The event rows' column values, in statements.EVENT order."""
    rows = []
    for i, ev in enumerate(events):
        scene = ev.get("scene")
        mod = ev.get("module")
        if mod is None:
            mod = course.module_of(scene).id if scene else module
        kind = ev["type"]
        choice = ev.get("choice")
        if kind == "location_chosen":
            choice = f"loc-{ev['location']}"
        elif kind == "question_answered":
            choice = ",".join(ev["answers"])
        rows.append((attempt_id, course.content_hash, first_seq + i, kind, mod, scene, choice, ev.get("points"),
                     ev.get("correct"), ev.get("entry"), json.dumps(ev, sort_keys=True, separators=(",", ":")), at))
    return rows


assert len(EVENT) == 12  # noqa: S101 - _event_values writes these columns in this order


def _summary(course: Course, state: State) -> dict[str, Any]:
    """The attempt columns derived from the state (denormalised for lists and analytics)."""
    out: dict[str, Any] = {"module": state.module, "scene": state.scene, "step": state.step}
    if state.finished:
        score, top = course_score(course, state)
        out.update(passed=state.passed, score=score, max_score=top)
    else:
        out.update(passed=None, score=None, max_score=None)
    return out


async def create_attempt(course: Course, owner: Owner, state: State,
                         events: list[dict[str, Any]], *, at: datetime | None = None) -> AttemptRecord:
    """A new attempt at `state` (the engine's start), with the start events; `at` is the
    moment they happened (default: now; a tool that replays a learner's timeline passes it)."""
    at = at or now()
    values: dict[str, Any] = {
        "user_id": owner.user_id, "guest_key": owner.guest_key, "course_id": course.id,
        "course_hash": course.content_hash, "state": state.dumps(), "last_seq": len(events),
        "started_at": at, "updated_at": at, "finished_at": at if state.finished else None,
        **_summary(course, state),
    }
    row = [values[c] for c in ATTEMPT[1:]]

    async def write(tx: Transaction) -> int:
        [inserted] = await tx.fetch("attempt.insert", row)
        attempt_id = int(inserted["id"])
        await tx.execute_many("event.insert", _event_values(course, attempt_id, 1, state.module, events, at))
        return attempt_id

    return AttemptRecord(id=await current().execute_write(write), **values)


async def get_attempt(attempt_id: int) -> AttemptRow | None:
    rows = await current().fetch("attempt.get", [attempt_id])
    return AttemptRow(**rows[0]) if rows else None


async def get_record(attempt_id: int) -> AttemptRecord | None:
    rows = await current().fetch("attempt.record", [attempt_id])
    return AttemptRecord(**rows[0]) if rows else None


async def record_step(course: Course, attempt: AttemptLike, before: State, after: State,
                      events: list[dict[str, Any]], also: Sequence[tuple[str, Sequence[Any]]] = (), *,
                      at: datetime | None = None) -> bool:
    """Save the engine's step durably; False (and nothing written) if the attempt moved on already.

    `also`: more (statement, values) to write in the same transaction, such as the text of an open
    answer handed in. On success `attempt.last_seq` (and whatever else of the row it holds) is
    brought up to date. `at` is the moment of the step (default: now).
    """
    at = at or now()
    changes = _summary(course, after)
    changes.update(state=after.dumps(), last_seq=attempt.last_seq + len(events), updated_at=at)
    values = [changes[c] for c in ATTEMPT_STEP]
    values += [after.finished, at, attempt.id, before.step]
    event_values = _event_values(course, attempt.id, attempt.last_seq + 1, before.module, events, at)

    async def write(tx: Transaction) -> bool:
        if await tx.execute("attempt.step", values) == 0:
            return False
        await tx.execute_many("event.insert", event_values)
        for name, params in also:
            await tx.execute(name, params)
        return True

    if not await current().execute_write(write):
        return False
    changes["finished_at"] = (getattr(attempt, "finished_at", None) or at) if after.finished else None
    for key, value in changes.items():
        if hasattr(attempt, key):
            setattr(attempt, key, value)
    return True


async def latest_attempts(owner: Owner) -> dict[str, AttemptRecord]:
    """The most recently played attempt per course."""
    return (await latest_and_passed(owner))[0]


async def latest_and_passed(owner: Owner) -> tuple[dict[str, AttemptRecord], dict[str, AttemptRecord]]:
    """Per course the most recently played attempt, and the newest passed one (a newer attempt
    never hides a pass)."""
    if owner.user_id is not None:
        rows = await current().fetch("attempt.all-user", [owner.user_id])
    else:
        rows = await current().fetch("attempt.all-guest", [owner.guest_key])
    latest: dict[str, AttemptRecord] = {}
    passed: dict[str, AttemptRecord] = {}
    for row in rows:  # newest first: the first one per course wins
        record = AttemptRecord(**row)
        latest.setdefault(row["course_id"], record)
        if record.finished_at is not None and record.passed:
            passed.setdefault(row["course_id"], record)
    return latest, passed


async def latest_attempt(owner: Owner, course_id: str) -> AttemptRecord | None:
    if owner.user_id is not None:
        rows = await current().fetch("attempt.latest-user", [course_id, owner.user_id])
    else:
        rows = await current().fetch("attempt.latest-guest", [course_id, owner.guest_key])
    return AttemptRecord(**rows[0]) if rows else None


async def adopt_guest_attempts(guest_key: str, user_id: int, *, passed: bool = True) -> int:
    """Move a guest's attempts to the account they registered or logged in with; with
    passed=False only those not passed (a pass is moved only when its owner says it is theirs)."""
    async def write(tx: Transaction) -> int:
        return await tx.execute("attempt.adopt" if passed else "attempt.adopt-unpassed", [user_id, guest_key])

    return await current().execute_write(write)


async def event_times(attempt_id: int) -> list[datetime]:
    return [row["created_at"] for row in await current().fetch("event.times", [attempt_id])]


async def study_marks(user_id: int, course_id: str) -> list[Mark]:
    """Every event of the account's attempts of a course, as a timeline for engine.study_time."""
    rows = await Event.filter(attempt__user_id=user_id, attempt__course_id=course_id).order_by(
        "created_at", "id").values_list("created_at", "type")
    return [Mark(at, str(kind)) for at, kind in rows]

