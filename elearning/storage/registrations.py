"""The PE-online outbox: which certificate's points are to be sent, sent, accepted or rejected.

    await sync()                        # new certificates in, revoked ones out or flagged
    batch, rows = await claim(100, lease)  # rows now 'sending' under this batch id
    await record(batch, outcomes)       # or: await fail(batch, rows, "HTTP 500")

One row per certificate (unique). `sync` adds a pending row for every valid certificate
with a registration number, an activity id and points. When a certificate is re-issued
with the same person, activity and date, its row moves to the new certificate as it is
(accepted stays accepted: nothing is sent twice). A row whose certificate is no longer valid
is dropped when nothing can have reached PE-online, and otherwise flagged needs_followup:
the register holds points an administrator has to withdraw by hand; `mark_handled` records
that they did (status handled).

`claim` takes due rows under row locks: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED`
in a transaction, so two workers take different rows; on SQLite, which has one writer at a
time, the conditional UPDATE alone decides (a row another worker took is no longer due).
A claimed row stays 'sending' until its lease ends; a worker that dies between sending and
recording leaves it so, and after the lease the next worker sends it again. PE-online then
answers "already registered", which counts as accepted.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from elearning.certificates.data import CertificateData
from elearning.certificates.pe_online import Attendance, Outcome
from elearning.storage.attempts import now
from elearning.storage.executor import connection
from elearning.storage.models import Certificate, PeRegistration

PENDING, SENDING, ACCEPTED, REJECTED, NEEDS_FOLLOWUP, HANDLED = (
    "pending", "sending", "accepted", "rejected", "needs_followup", "handled")
STATUSES = (PENDING, SENDING, ACCEPTED, REJECTED, NEEDS_FOLLOWUP, HANDLED)
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)
_MAX_ERROR = 1000
_CLAIM_TRIES = 5
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Synced:
    added: int
    moved: int
    flagged: int
    dropped: int


@dataclass(frozen=True)
class Claimed:
    id: int
    attendance: Attendance
    attempts: int


def reportable(data: CertificateData) -> bool:
    return bool(data.registration_number and data.activity_id and data.pe_points > 0)


def _attendance(data: CertificateData) -> Attendance:
    assert data.registration_number  # noqa: S101 - checked by reportable
    return Attendance(course_id=data.activity_id, person_id=data.registration_number, end_date=data.completed_on)


# -- filling the outbox -------------------------------------------------------------------------
async def sync() -> Synced:
    """Bring the outbox in line with the certificates (safe to run in several workers at once)."""
    moved = added = 0
    with_row = Subquery(PeRegistration.all().values("certificate_id"))
    # Not even read: snapshots without a number (to_json writes exactly this); `reportable` decides the rest.
    new = await Certificate.filter(status="valid").exclude(id__in=with_row).exclude(
        data__contains='"registration_number": null').values("id", "data")
    candidates = {}
    for values in new:
        data = CertificateData.from_json(values["data"])
        if reportable(data):
            candidates[int(values["id"])] = _attendance(data)
    predecessors = dict(await Certificate.filter(superseded_by_id__in=list(candidates)).values_list(
        "id", "superseded_by_id"))
    old_rows = await PeRegistration.filter(certificate_id__in=list(predecessors)).values(
        "id", "certificate_id", "status", "registration_number", "activity_id", "completed_on")
    at = now()
    for row in old_rows:
        successor = int(predecessors[row["certificate_id"]])
        same = candidates[successor].key == (row["activity_id"], row["registration_number"],
                                             _iso(row["completed_on"]))
        if same:
            # Flagged by a sync that ran during the re-issue: send again, "already registered" settles it.
            # (Or handled by hand meanwhile: the new certificate's points are due all the same.)
            again = {"status": PENDING, "next_try_at": at} if row["status"] in (NEEDS_FOLLOWUP, HANDLED) else {}
            try:
                moved += await PeRegistration.filter(id=row["id"], certificate_id=row["certificate_id"]).update(
                    certificate_id=successor, updated_at=at, **again)
            except IntegrityError:
                continue  # another worker made the successor's row meanwhile
            del candidates[successor]
    if candidates:  # in one statement; a row another worker added at the same moment is skipped
        await PeRegistration.bulk_create([PeRegistration(
            certificate_id=certificate_id, status=PENDING, registration_number=attendance.person_id,
            activity_id=attendance.course_id, completed_on=attendance.end_date, next_try_at=at,
            created_at=at, updated_at=at) for certificate_id, attendance in candidates.items()],
            batch_size=500, ignore_conflicts=True)
        added = await PeRegistration.filter(certificate_id__in=list(candidates), created_at=at).count()
    flagged, dropped = await _withdrawn(at)
    return Synced(added=added, moved=moved, flagged=flagged, dropped=dropped)


async def _withdrawn(at: datetime) -> tuple[int, int]:
    """Rows of certificates that are no longer valid: dropped if never sent, else flagged."""
    gone = Subquery(Certificate.exclude(status="valid").values("id"))
    dropped = await PeRegistration.filter(certificate_id__in=gone).filter(status=REJECTED).delete()
    dropped += await PeRegistration.filter(certificate_id__in=gone, status=PENDING, attempts=0).delete()
    flagged = await PeRegistration.filter(certificate_id__in=gone, status__in=[ACCEPTED, PENDING]).update(
        status=NEEDS_FOLLOWUP, updated_at=at)  # a pending row tried before may have arrived
    return flagged, dropped


def _iso(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


# -- sending -------------------------------------------------------------------------------------
@asynccontextmanager
async def _claiming() -> AsyncIterator[BaseDBAsyncClient | None]:
    """A transaction on PostgreSQL (the row locks last until it ends); none on SQLite, where a
    deferred transaction that reads first could not become the writer once another worker wrote."""
    if connection().capabilities.dialect == "postgres":
        async with in_transaction() as conn:
            yield conn
    else:
        yield None


async def claim(size: int, lease: timedelta) -> tuple[str, list[Claimed]]:
    """Take up to `size` due rows of valid certificates for one call; they are 'sending' until the lease ends.

    An empty list means nothing is due: when another worker took the rows just read (SQLite),
    it reads again rather than stop while rows wait.
    """
    batch_id = secrets.token_hex(8)
    for _ in range(_CLAIM_TRIES):
        ids, rows = await _claim(batch_id, size, lease)
        if rows or not ids:
            break
    return batch_id, [Claimed(id=int(r["id"]), attempts=int(r["attempts"]), attendance=Attendance(
        course_id=str(r["activity_id"]), person_id=str(r["registration_number"]),
        end_date=date.fromisoformat(_iso(r["completed_on"])))) for r in rows]


async def _claim(batch_id: str, size: int, lease: timedelta) -> tuple[list[int], list[dict[str, Any]]]:
    at = now()
    valid = Subquery(Certificate.filter(status="valid").values("id"))
    async with _claiming() as conn:
        due = PeRegistration.filter(status__in=[PENDING, SENDING], next_try_at__lte=at, certificate_id__in=valid)
        # .only(), not .values_list(): Tortoise leaves FOR UPDATE out of a values query.
        locked = await due.order_by("next_try_at", "id").limit(size).select_for_update(skip_locked=True).using_db(
            conn).only("id")
        ids = [row.id for row in locked]
        if not ids:
            return [], []
        # The same condition again: on SQLite a row another worker took meanwhile is no longer due.
        await PeRegistration.filter(id__in=ids, status__in=[PENDING, SENDING], next_try_at__lte=at).using_db(
            conn).update(status=SENDING, batch_id=batch_id, next_try_at=at + lease, updated_at=at,
                         attempts=F("attempts") + 1)
        rows = await PeRegistration.filter(batch_id=batch_id, status=SENDING).using_db(conn).order_by("id").values(
            "id", "registration_number", "activity_id", "completed_on", "attempts")
    return ids, rows


async def record(batch_id: str, outcomes: dict[int, Outcome]) -> tuple[int, int]:
    """Write PE-online's answer per row (by row id); returns (accepted, rejected)."""
    at = now()
    accepted = [row_id for row_id, outcome in outcomes.items() if outcome.accepted]
    rejected = 0
    async with in_transaction() as conn:
        mine = PeRegistration.filter(batch_id=batch_id, status=SENDING).using_db(conn)
        done = await mine.filter(id__in=accepted).update(
            status=ACCEPTED, accepted_at=at, last_error=None, register_reason=None, updated_at=at) if accepted else 0
        for row_id, outcome in outcomes.items():
            if not outcome.accepted:
                rejected += await PeRegistration.filter(id=row_id, batch_id=batch_id, status=SENDING).using_db(
                    conn).update(status=REJECTED, register_reason=(outcome.reason or "")[:_MAX_ERROR],
                                 last_error=None, updated_at=at)
    return done, rejected


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after the 1st, 2nd, 3rd failed try, at most 6 hours, with jitter
    (a random half of the wait) so that many rows and workers do not retry in step."""
    wait = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)
    return wait * _random.uniform(0.5, 1.0)


async def fail(batch_id: str, rows: list[Claimed], error: str) -> int:
    """The call failed as a whole: the rows wait for their next try (backoff by their attempts)."""
    at = now()
    failed = 0
    async with in_transaction() as conn:
        for row in rows:
            failed += await PeRegistration.filter(id=row.id, batch_id=batch_id, status=SENDING).using_db(
                conn).update(status=PENDING, next_try_at=at + backoff(row.attempts),
                             last_error=error[:_MAX_ERROR], updated_at=at)
    return failed


# -- administrators and learners ---------------------------------------------------------------
async def retry(registration_id: int) -> bool:
    """Send a rejected or waiting row again at the next push (after, say, a corrected number)."""
    at = now()
    updated = await PeRegistration.filter(id=registration_id, status__in=[REJECTED, PENDING]).update(
        status=PENDING, next_try_at=at, attempts=0, last_error=None, updated_at=at)
    return bool(updated)


async def mark_handled(registration_id: int) -> bool:
    """An administrator corrected a flagged registration in PE-online by hand; False when the row is
    not (or no longer) flagged needs_followup."""
    updated = await PeRegistration.filter(id=registration_id, status=NEEDS_FOLLOWUP).update(
        status=HANDLED, updated_at=now())
    return bool(updated)


async def counts() -> dict[str, int]:
    """How many rows there are of each status."""
    found = dict.fromkeys(STATUSES, 0)
    rows = await PeRegistration.all().group_by("status").annotate(n=Count("id")).values("status", "n")
    found.update({str(r["status"]): int(r["n"]) for r in rows})
    return found


@dataclass(frozen=True)
class Listed:
    id: int
    certificate_id: int
    code: str
    learner_name: str
    course_title: str
    registration_number: str
    activity_id: str
    completed_on: date
    status: str
    attempts: int
    next_try_at: datetime
    last_error: str | None
    register_reason: str | None
    accepted_at: datetime | None


async def listing(status: str | None = None, limit: int = 200) -> list[Listed]:
    """Rows for the administrator's page, problems first (rejected, follow-up, waiting), newest first."""
    query = PeRegistration.all() if status is None else PeRegistration.filter(status=status)
    rows = await query.order_by("-updated_at", "-id").limit(limit).values(
        "id", "certificate_id", "registration_number", "activity_id", "completed_on", "status", "attempts",
        "next_try_at", "last_error", "register_reason", "accepted_at")
    certificates = {int(c["id"]): c for c in await Certificate.filter(
        id__in=[r["certificate_id"] for r in rows]).values("id", "code", "data")}
    order = {REJECTED: 0, NEEDS_FOLLOWUP: 1, PENDING: 2, SENDING: 3, ACCEPTED: 4, HANDLED: 5}
    out = []
    for r in rows:
        certificate: dict[str, Any] = certificates[int(r["certificate_id"])]
        data = CertificateData.from_json(certificate["data"])
        out.append(Listed(
            id=int(r["id"]), certificate_id=int(r["certificate_id"]), code=str(certificate["code"]),
            learner_name=data.learner_name, course_title=data.course_title,
            registration_number=str(r["registration_number"]), activity_id=str(r["activity_id"]),
            completed_on=date.fromisoformat(_iso(r["completed_on"])), status=str(r["status"]),
            attempts=int(r["attempts"]), next_try_at=r["next_try_at"], last_error=r["last_error"],
            register_reason=r["register_reason"], accepted_at=r["accepted_at"]))
    return sorted(out, key=lambda row: order.get(row.status, 9))


@dataclass(frozen=True)
class Shown:
    """What a learner sees of one certificate's registration."""

    status: str
    accepted_at: datetime | None
    register_reason: str | None


async def for_certificates(certificate_ids: list[int]) -> dict[int, Shown]:
    rows = await PeRegistration.filter(certificate_id__in=certificate_ids).values(
        "certificate_id", "status", "accepted_at", "register_reason")
    return {int(r["certificate_id"]): Shown(str(r["status"]), r["accepted_at"], r["register_reason"])
            for r in rows}
