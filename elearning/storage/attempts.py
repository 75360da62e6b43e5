"""Attempts, their append-only events, and course snapshots.

The hot path: a scene page reads one attempt row; a choice writes, in one transaction,
a guarded update of the attempt (WHERE id=? AND step=?) and the new event rows. A replayed
or concurrent POST that carries an old step token updates nothing and writes nothing.
The read and the guarded update are plain SQL, written once per dialect: building them
through the ORM cost more than running them. On SQLite they run on the event loop itself
(see storage/inline.py): a trip to aiosqlite's thread cost more than the statements.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from elearning.course.model import Course
from elearning.course.snapshot import course_from_json, course_to_json
from elearning.engine.play import course_score
from elearning.engine.state import State, remember
from elearning.storage import inline
from elearning.storage.models import Attempt, CourseSnapshot, Event

# A gap longer than this between two actions counts as a break, not as time on task.
IDLE_CAP = timedelta(minutes=20)


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

    def owns(self, attempt: Attempt | AttemptRow) -> bool:
        user_id = getattr(attempt, "user_id", None)
        if self.user_id is not None:
            return user_id == self.user_id
        return user_id is None and attempt.guest_key == self.guest_key

    def filter(self) -> dict[str, Any]:
        if self.user_id is not None:
            return {"user_id": self.user_id}
        return {"guest_key": self.guest_key, "user_id": None}


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


_HOT_COLUMNS = ("id", "user_id", "guest_key", "course_hash", "state", "step", "last_seq")
_STEP_COLUMNS = ("state", "step", "last_seq", "module", "scene", "updated_at", "passed", "score", "max_score")
_NEW_COLUMNS = ("user_id", "guest_key", "course_id", "course_hash", "state", "last_seq", "started_at", "updated_at",
                "finished_at", "module", "scene", "step", "passed", "score", "max_score")
_SNAPSHOT_COLUMNS = ("hash", "course_id", "version", "compiled", "created_at")
_EVENT_COLUMNS = ("attempt_id", "course_hash", "seq", "type", "module", "scene", "choice", "points", "correct",
                  "entry", "payload", "created_at")


@cache
def _sql(dialect: str, name: str) -> str:
    def mark(i: int) -> str:
        return f"${i}" if dialect == "postgres" else "?"

    if name == "select":
        columns = ", ".join(f'"{c}"' for c in _HOT_COLUMNS)
        return f'SELECT {columns} FROM "attempt" WHERE "id" = {mark(1)}'  # noqa: S608 - constant column names, bound values
    if name == "snapshot-exists":
        return f'SELECT 1 FROM "course_snapshot" WHERE "hash" = {mark(1)}'  # noqa: S608 - bound value
    if name == "snapshot":
        columns = ", ".join(f'"{c}"' for c in _SNAPSHOT_COLUMNS)
        marks = ", ".join(mark(i) for i in range(1, len(_SNAPSHOT_COLUMNS) + 1))
        return f'INSERT INTO "course_snapshot" ({columns}) VALUES ({marks})'  # noqa: S608 - constant column names, bound values
    if name.startswith("latest-"):
        columns = ", ".join(f'"{c}"' for c in ("id", *_NEW_COLUMNS))
        who = f'"user_id" = {mark(2)}' if name == "latest-user" else f'"guest_key" = {mark(2)} AND "user_id" IS NULL'
        return (f'SELECT {columns} FROM "attempt" WHERE "course_id" = {mark(1)} AND {who} '  # noqa: S608 - constant column names, bound values
                'ORDER BY "updated_at" DESC, "id" DESC LIMIT 1')
    if name == "attempt":
        columns = ", ".join(f'"{c}"' for c in _NEW_COLUMNS)
        marks = ", ".join(mark(i) for i in range(1, len(_NEW_COLUMNS) + 1))
        return f'INSERT INTO "attempt" ({columns}) VALUES ({marks})'  # noqa: S608 - constant column names, bound values
    if name == "events":
        columns = ", ".join(f'"{c}"' for c in _EVENT_COLUMNS)
        marks = ", ".join(mark(i) for i in range(1, len(_EVENT_COLUMNS) + 1))
        return f'INSERT INTO "event" ({columns}) VALUES ({marks})'  # noqa: S608 - constant column names, bound values
    sets = ", ".join(f'"{c}" = {mark(i)}' for i, c in enumerate(_STEP_COLUMNS, 1))
    n = len(_STEP_COLUMNS)
    # A finished attempt keeps the time it first finished; a retake clears it.
    finished = f'"finished_at" = CASE WHEN {mark(n + 1)} THEN COALESCE("finished_at", {mark(n + 2)}) ELSE NULL END'
    return (f'UPDATE "attempt" SET {sets}, {finished} '  # noqa: S608 - constant column names, bound values
            f'WHERE "id" = {mark(n + 3)} AND "step" = {mark(n + 4)}')


def _dialect(conn: BaseDBAsyncClient) -> str:
    return str(conn.capabilities.dialect)


# -- snapshots ---------------------------------------------------------------------
async def store_snapshot(course: Course) -> None:
    """Store the compiled course under its hash, once."""
    fast = inline.for_client(CourseSnapshot._meta.db)
    if fast is not None:
        # Inline on SQLite: the first learners of a course all start at once; the first one
        # stores the snapshot before any other request runs, the others find it.
        if await fast.fetch(_sql("sqlite", "snapshot-exists"), [course.content_hash]):
            return
    elif await CourseSnapshot.filter(hash=course.content_hash).exists():
        return
    snapshot = CourseSnapshot(hash=course.content_hash, course_id=course.id, version=course.meta.version,
                              compiled=course_to_json(course))
    try:
        if fast is None:
            await snapshot.save(force_create=True)
            return
        fields = CourseSnapshot._meta.fields_map
        values = [fields[c].to_db_value(getattr(snapshot, c), snapshot) for c in _SNAPSHOT_COLUMNS]
        insert = _sql("sqlite", "snapshot")
        await fast.transaction(lambda db: db.execute(insert, values))
    except IntegrityError:  # another process stored it first
        pass


async def load_snapshot(course_hash: str) -> Course | None:
    row = await CourseSnapshot.filter(hash=course_hash).only("compiled").first()
    if row is None:
        return None
    return course_from_json(row.compiled)


# -- attempts ------------------------------------------------------------------------
def _event_columns(course: Course, attempt_id: int, first_seq: int, module: str,
                   events: list[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
    """The event rows' column values, in _EVENT_COLUMNS order."""
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
        rows.append({
            "attempt_id": attempt_id, "course_hash": course.content_hash, "seq": first_seq + i, "type": kind,
            "module": mod, "scene": scene, "choice": choice, "points": ev.get("points"),
            "correct": ev.get("correct"), "entry": ev.get("entry"),
            "payload": json.dumps(ev, sort_keys=True, separators=(",", ":")), "created_at": at,
        })
    return rows


def _event_rows(course: Course, attempt_id: int, first_seq: int, module: str,
                events: list[dict[str, Any]], at: datetime) -> list[Event]:
    return [Event(**row) for row in _event_columns(course, attempt_id, first_seq, module, events, at)]


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
                         events: list[dict[str, Any]]) -> Attempt:
    """A new attempt at `state` (the engine's start), with the start events."""
    at = now()
    values = {
        "user_id": owner.user_id, "guest_key": owner.guest_key, "course_id": course.id,
        "course_hash": course.content_hash, "state": state.dumps(), "last_seq": len(events),
        "started_at": at, "updated_at": at, "finished_at": at if state.finished else None,
        **_summary(course, state),
    }
    fast = inline.for_client(Attempt._meta.db)
    if fast is None:
        async with in_transaction() as conn:
            attempt = await Attempt.create(using_db=conn, **values)
            await Event.bulk_create(_event_rows(course, attempt.id, 1, state.module, events, at), using_db=conn)
        return attempt
    # On SQLite a transaction through Tortoise holds the write lock across several trips to
    # aiosqlite's thread, and every choice of every learner waits for it: write inline instead.
    attempt = Attempt.construct(_saved_in_db=True, **values)
    fields = Attempt._meta.fields_map
    row = [values[c] if c == "user_id" else fields[c].to_db_value(values[c], attempt) for c in _NEW_COLUMNS]
    insert, insert_events = _sql("sqlite", "attempt"), _sql("sqlite", "events")

    def write(db: Any) -> int:
        inline.log.debug("%s: %s", insert, row)
        attempt_id = int(db.execute(insert, row).lastrowid)
        rows = _event_columns(course, attempt_id, 1, state.module, events, at)
        event_values = [[r[c] for c in _EVENT_COLUMNS] for r in rows]
        inline.log.debug("%s: %s", insert_events, event_values)
        db.executemany(insert_events, event_values)
        return attempt_id

    attempt.id = await fast.transaction(write)
    return attempt


async def get_attempt(attempt_id: int) -> AttemptRow | None:
    conn = Attempt._meta.db
    fast = inline.for_client(conn)
    if fast is not None:
        rows = await fast.fetch(_sql("sqlite", "select"), [attempt_id])
    else:
        rows = await conn.execute_query_dict(_sql(_dialect(conn), "select"), [attempt_id])
    return AttemptRow(**rows[0]) if rows else None


async def record_step(course: Course, attempt: AttemptLike, before: State, after: State,
                      events: list[dict[str, Any]]) -> bool:
    """Save the engine's step durably; False (and nothing written) if the attempt moved on already.

    On success `attempt.last_seq` (and whatever else of the row it holds) is brought up to date.
    """
    at = now()
    first_seq = attempt.last_seq + 1
    changes = _summary(course, after)
    changes.update(state=after.dumps(), last_seq=attempt.last_seq + len(events), updated_at=at)
    fields = Attempt._meta.fields_map
    values = [fields[c].to_db_value(changes[c], Attempt) for c in _STEP_COLUMNS]
    values += [after.finished, fields["finished_at"].to_db_value(at, Attempt), attempt.id, before.step]
    changes["finished_at"] = (getattr(attempt, "finished_at", None) or at) if after.finished else None
    rows = _event_columns(course, attempt.id, first_seq, before.module, events, at)
    fast = inline.for_client(Attempt._meta.db)
    if fast is not None:
        # Plain values: sqlite3 binds them as Tortoise would (its adapters write datetimes as ISO text).
        update, insert = _sql("sqlite", "update"), _sql("sqlite", "events")
        event_values = [[row[c] for c in _EVENT_COLUMNS] for row in rows]

        def write(db: Any) -> bool:
            inline.log.debug("%s: %s", update, values)
            if db.execute(update, values).rowcount == 0:
                return False
            inline.log.debug("%s: %s", insert, event_values)
            db.executemany(insert, event_values)
            return True

        if not await fast.transaction(write):
            return False
    else:
        async with in_transaction() as conn:
            updated, _ = await conn.execute_query(_sql(_dialect(conn), "update"), values)
            if not updated:
                return False
            await Event.bulk_create([Event(**row) for row in rows], using_db=conn)
    remember(changes["state"], after)  # the scene page after the redirect reads this text
    for key, value in changes.items():
        if hasattr(attempt, key):
            setattr(attempt, key, value)
    return True


async def latest_attempts(owner: Owner) -> dict[str, Attempt]:
    """The most recently played attempt per course."""
    rows = await Attempt.filter(**owner.filter()).order_by("updated_at").all()
    return {a.course_id: a for a in rows}


async def latest_attempt(owner: Owner, course_id: str) -> Attempt | None:
    fast = inline.for_client(Attempt._meta.db)
    if fast is None:
        return await (
            Attempt.filter(course_id=course_id, **owner.filter()).order_by("-updated_at", "-id").first()
        )
    # Inline on SQLite: every new learner asks this, and under load a query that waits its turn
    # for Tortoise's connection and hops to its thread and back took seconds.
    if owner.user_id is not None:
        rows = await fast.fetch(_sql("sqlite", "latest-user"), [course_id, owner.user_id])
    else:
        rows = await fast.fetch(_sql("sqlite", "latest-guest"), [course_id, owner.guest_key])
    if not rows:
        return None
    fields = Attempt._meta.fields_map
    values = {c: v if c == "user_id" else fields[c].to_python_value(v) for c, v in rows[0].items()}
    return Attempt.construct(_saved_in_db=True, **values)


async def adopt_guest_attempts(guest_key: str, user_id: int) -> int:
    """Move a guest's attempts to the account they registered or logged in with."""
    return await Attempt.filter(guest_key=guest_key, user_id=None).update(user_id=user_id, guest_key=None)


async def event_times(attempt_id: int) -> list[datetime]:
    return await Event.filter(attempt_id=attempt_id).order_by("seq").values_list("created_at", flat=True)  # type: ignore[return-value]


def time_on_task(times: list[datetime]) -> timedelta:
    """Sum of the gaps between actions, each capped at IDLE_CAP (a longer gap was a break)."""
    total = timedelta()
    for before, after in zip(times, times[1:], strict=False):
        total += min(after - before, IDLE_CAP)
    return total
