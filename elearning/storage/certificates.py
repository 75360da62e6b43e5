"""Certificates: the rows, their status, the stored PDF, lookups.

An issued certificate holds the frozen `CertificateData` as JSON; nothing here ever changes
it. A re-issue is a new row (the same attempt, the next `revision`) and marks the old one
superseded; (attempt, revision) is unique, so double submits make one row, and a clash on
the random code raises IntegrityError. What a certificate says, its code and when it is
earned are decided in elearning/storage/issuing.py, which calls this module.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from elearning.certificates.data import CertificateData
from elearning.storage import open_answers, throttle
from elearning.storage.attempts import AttemptRecord, now
from elearning.storage.executor import current
from elearning.storage.models import Attempt, Certificate, User
from elearning.storage.statements import ATTEMPT
from elearning.storage.throttle import Limit

log = logging.getLogger(__name__)

VALID, SUPERSEDED, REVOKED = "valid", "superseded", "revoked"
VERIFY_PER_ADDRESS = Limit(60, timedelta(minutes=15))
# Everything but the PDF: lists and pages never load the bytes.
_COLUMNS = ("id", "code", "user_id", "attempt_id", "revision", "course_id", "course_hash", "template", "completed_on",
            "status", "superseded_by_id", "revoked_reason", "revoked_at", "issued_at", "data")


class NotReissuable(ValueError):
    """Only a valid certificate of one's own can be re-issued."""


@dataclass(frozen=True)
class CertificateRow:
    """A certificate without its PDF: the snapshot, its status, and who it belongs to."""

    id: int
    code: str
    user_id: int
    attempt_id: int
    revision: int
    course_id: str
    course_hash: str
    template: str
    completed_on: date
    status: str
    superseded_by_id: int | None
    revoked_reason: str | None
    revoked_at: datetime | None
    issued_at: datetime
    data: CertificateData

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> CertificateRow:
        fields = {k: values[k] for k in _COLUMNS}
        fields["data"] = CertificateData.from_json(values["data"])
        return cls(**fields)



def completion_date(finished_at: datetime, time_zone: str) -> date:
    return finished_at.astimezone(ZoneInfo(time_zone)).date()


async def of_attempt(attempt_id: int) -> CertificateRow | None:
    """The newest certificate an attempt earned (after re-issues: the re-issued one)."""
    rows = await Certificate.filter(attempt_id=attempt_id).order_by("-revision").limit(1).values(*_COLUMNS)
    return CertificateRow.from_values(rows[0]) if rows else None


# -- writing ------------------------------------------------------------------------------------
async def insert(*, code: str, user_id: int, attempt: AttemptRecord, template: str, completed_on: date,
                 data: CertificateData) -> CertificateRow:
    """A first certificate for `attempt`; IntegrityError when it has one or the code is taken."""
    created = await Certificate.create(
        code=code, user_id=user_id, attempt_id=attempt.id, revision=1, course_id=attempt.course_id,
        course_hash=attempt.course_hash, template=template, completed_on=completed_on, status=VALID,
        issued_at=now(), data=data.to_json(),
    )
    found = await get(created.id)
    assert found is not None  # noqa: S101 - just inserted
    return found


async def supersede(old: CertificateRow, *, code: str, data: CertificateData) -> CertificateRow:
    """The next revision of `old` with new printed data; `old` becomes superseded and points to it.
    IntegrityError when that revision exists (a double submit) or the code is taken; NotReissuable
    when `old` is no longer valid."""
    async with in_transaction() as conn:
        new = await Certificate.create(
            using_db=conn, code=code, user_id=old.user_id, attempt_id=old.attempt_id, revision=old.revision + 1,
            course_id=old.course_id, course_hash=old.course_hash, template=old.template,
            completed_on=old.completed_on, status=VALID, issued_at=now(), data=data.to_json(),
        )
        updated = await Certificate.filter(id=old.id, status=VALID).using_db(conn).update(
            status=SUPERSEDED, superseded_by_id=new.id
        )
        if not updated:
            raise NotReissuable(f"certificate {old.id} changed while re-issuing")
    found = await get(new.id)
    assert found is not None  # noqa: S101 - just inserted
    return found


async def passed_without_certificate(user_id: int) -> list[AttemptRecord]:
    """The user's passed attempts that have no certificate yet (e.g. played as a guest), and whose
    open answers that need a review are all approved."""
    done = [*await Certificate.filter(user_id=user_id).values_list("attempt_id", flat=True),
            *await open_answers.waiting_for_review(user_id)]
    rows = await Attempt.filter(user_id=user_id, passed=True, finished_at__isnull=False).exclude(
        id__in=list(done)
    ).order_by("id").values(*ATTEMPT)
    return [AttemptRecord(**row) for row in rows]


async def users_with_unissued() -> list[int]:
    """Accounts with a passed attempt that has no certificate (for `elearning certificates issue`)."""
    done = [*await Certificate.all().values_list("attempt_id", flat=True), *await open_answers.waiting_for_review()]
    ids: list[Any] = await Attempt.filter(user_id__isnull=False, passed=True, finished_at__isnull=False).exclude(
        id__in=list(done)
    ).distinct().values_list("user_id", flat=True)
    return sorted(int(i) for i in ids)


async def without_pdf() -> list[int]:
    """Certificates whose PDF is not rendered yet, oldest first."""
    ids: list[Any] = await Certificate.filter(pdf__isnull=True).order_by("id").values_list("id", flat=True)
    return [int(i) for i in ids]


async def revoke(certificate_id: int, reason: str) -> bool:
    """Revoke a valid certificate; False when there is none (or it was not valid)."""
    updated = await Certificate.filter(id=certificate_id, status=VALID).update(
        status=REVOKED, revoked_reason=reason.strip(), revoked_at=now()
    )
    return bool(updated)


# -- reading ----------------------------------------------------------------------------------
async def get(certificate_id: int) -> CertificateRow | None:
    rows = await Certificate.filter(id=certificate_id).values(*_COLUMNS)
    return CertificateRow.from_values(rows[0]) if rows else None


async def by_code(code: str) -> CertificateRow | None:
    """The certificate with this code in its printed form (see codes.check_code)."""
    rows = await Certificate.filter(code=code).values(*_COLUMNS)
    return CertificateRow.from_values(rows[0]) if rows else None


async def code_of(certificate_id: int) -> str | None:
    codes = await Certificate.filter(id=certificate_id).values_list("code", flat=True)
    return str(codes[0]) if codes else None


async def for_user(user_id: int) -> list[CertificateRow]:
    rows = await Certificate.filter(user_id=user_id).order_by("-issued_at", "-id").values(*_COLUMNS)
    return [CertificateRow.from_values(r) for r in rows]


@dataclass(frozen=True)
class Download:
    """What a download needs: who owns it, whether it is valid, the stored PDF (None until rendered)."""

    id: int
    user_id: int
    status: str
    course_id: str
    completed_on: date
    template: str
    data_json: str
    pdf: bytes | None

    def data(self) -> CertificateData:
        return CertificateData.from_json(self.data_json)

    def filename(self) -> str:
        """certificaat-polarisatie-2026-11-28.pdf (certificate-... for an English certificate)."""
        word = "certificate" if json.loads(self.data_json).get("language") == "en" else "certificaat"
        return f"{word}-{self.course_id}-{self.completed_on.isoformat()}.pdf"


async def download(certificate_id: int) -> Download | None:
    """A certificate with its stored PDF, in one plain query (repeat downloads are the hot path)."""
    rows = await current().fetch("certificate.download", [certificate_id])
    if not rows:
        return None
    row = rows[0]
    day = row["completed_on"]
    pdf = row["pdf"]
    return Download(
        id=certificate_id, user_id=int(row["user_id"]), status=str(row["status"]), course_id=str(row["course_id"]),
        completed_on=day, template=str(row["template"]),
        data_json=str(row["data"]), pdf=bytes(pdf) if pdf is not None else None,
    )


async def store_pdf(certificate_id: int, pdf: bytes) -> bytes:
    """Keep the rendered PDF; if another request stored one first, that one is kept and returned."""
    updated = await Certificate.filter(id=certificate_id, pdf__isnull=True).update(pdf=pdf)
    if updated:
        return pdf
    stored = await Certificate.filter(id=certificate_id).values_list("pdf", flat=True)
    return bytes(stored[0]) if stored and stored[0] is not None else pdf


async def search(*, course_id: str | None = None, start: date | None = None, end: date | None = None,
                 code: str | None = None, text: str | None = None, limit: int = 200) -> list[CertificateRow]:
    """Certificates by course, completion period, and a code (in its printed form) or a piece of the
    name, newest completion first."""
    query = Certificate.all()
    if course_id:
        query = query.filter(course_id=course_id)
    if start:
        query = query.filter(completed_on__gte=start)
    if end:
        query = query.filter(completed_on__lte=end)
    if code:
        query = query.filter(code=code)
    if text:  # a piece of the name (or of anything else printed)
        query = query.filter(data__icontains=text[:100])
    rows = await query.order_by("-completed_on", "-id").limit(limit).values(*_COLUMNS)
    return [CertificateRow.from_values(r) for r in rows]


async def course_ids() -> list[str]:
    """Every course that has certificates."""
    ids = await Certificate.all().distinct().values_list("course_id", flat=True)
    return sorted(str(i) for i in ids)


async def owner_emails(user_ids: list[int]) -> dict[int, str]:
    """Account e-mail addresses for an administrator's view."""
    rows = await User.filter(id__in=user_ids).values_list("id", "email")
    return {int(uid): str(email) for uid, email in rows}


async def completions(course_id: str, start: date, end: date) -> list[tuple[str, CertificateData]]:
    """(status, printed data) of every certificate of a course completed from start to end (inclusive);
    certificates.exports decides which are reported."""
    rows = await Certificate.filter(course_id=course_id, completed_on__gte=start, completed_on__lte=end).values(
        "status", "data"
    )
    return [(str(values["status"]), CertificateData.from_json(values["data"])) for values in rows]


# -- verification rate limit ------------------------------------------------------------------------
async def verification_allowed(address: str) -> bool:
    """Counts this lookup; False when the address looked up too many codes lately (login's throttle table)."""
    return await throttle.allowed(f"verify-ip:{address[:80]}", VERIFY_PER_ADDRESS)
