"""Certificates: issuing once per passed attempt, re-issuing, revoking, the stored PDF, lookups.

An issued certificate holds the frozen `CertificateData` as JSON; nothing here ever changes
it. A re-issue is a new row (the same attempt, the next `revision`) and marks the old one
superseded; (attempt, revision) is unique, so double submits make one row. A clash on the
random code (very unlikely) draws a new code.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from elearning.certificates.codes import InvalidCode, check_code, generate_code, verify_url
from elearning.certificates.data import CertificateData, certificate_data
from elearning.certificates.registration import (
    InvalidRegistrationNumber,
    normalise_registration_number,
)
from elearning.course.model import Course
from elearning.storage import throttle
from elearning.storage.attempts import now
from elearning.storage.executor import current
from elearning.storage.models import Attempt, Certificate, User
from elearning.storage.throttle import Limit

if TYPE_CHECKING:
    from elearning.certificates.exports import ExportRow

log = logging.getLogger(__name__)

VALID, SUPERSEDED, REVOKED = "valid", "superseded", "revoked"
VERIFY_PER_ADDRESS = Limit(60, timedelta(minutes=15))
_CODE_TRIES = 5
# Everything but the PDF: lists and pages never load the bytes.
_COLUMNS = ("id", "code", "user_id", "attempt_id", "revision", "course_id", "course_hash", "template", "completed_on",
            "status", "superseded_by_id", "revoked_reason", "revoked_at", "issued_at", "data")


class NotPassed(ValueError):
    """The attempt did not pass (or is not this user's): it earns no certificate."""


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



def _registration_number(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return normalise_registration_number(raw)
    except InvalidRegistrationNumber:
        log.warning("An account holds a registration number that is not valid; the certificate leaves it out")
        return None


def completion_date(finished_at: datetime, time_zone: str) -> date:
    return finished_at.astimezone(ZoneInfo(time_zone)).date()


async def _latest(attempt_id: int) -> CertificateRow | None:
    """The newest certificate an attempt earned (after re-issues: the re-issued one)."""
    rows = await Certificate.filter(attempt_id=attempt_id).order_by("-revision").limit(1).values(*_COLUMNS)
    return CertificateRow.from_values(rows[0]) if rows else None


# -- issuing ------------------------------------------------------------------------------------
async def issue(attempt: Attempt, user: User, course: Course, *, base_url: str,
                time_zone: str) -> CertificateRow:
    """The certificate this passed attempt earned: made once, with a frozen snapshot.

    `course` is the version the attempt was played on. Calling it again (a double submit,
    the result page, a second process) returns the certificate already made.
    """
    if attempt.user_id != user.id or not attempt.passed or attempt.finished_at is None:  # type: ignore[attr-defined]
        raise NotPassed(f"attempt {attempt.id} has not been passed by user {user.id}")
    existing = await _latest(attempt.id)
    if existing is not None:
        return existing
    completed_on = completion_date(attempt.finished_at, time_zone)
    for _ in range(_CODE_TRIES):
        code = generate_code()
        data = certificate_data(
            course, code=code, base_url=base_url, learner_name=user.name,
            registration_number=_registration_number(user.registration_number), completed_on=completed_on,
            score=attempt.score or 0, max_score=max(attempt.max_score or 0, attempt.score or 0),
        )
        try:
            await Certificate.create(
                code=code, user_id=user.id, attempt_id=attempt.id, revision=1, course_id=course.id,
                course_hash=course.content_hash, template=course.meta.certificate, completed_on=completed_on,
                status=VALID, issued_at=now(), data=data.to_json(),
            )
        except IntegrityError:
            existing = await _latest(attempt.id)
            if existing is not None:  # issued at the same moment by another request
                return existing
            continue  # the code was taken: draw another
        created = await _latest(attempt.id)
        assert created is not None  # noqa: S101 - just inserted
        return created
    raise RuntimeError(f"could not draw a free certificate code in {_CODE_TRIES} tries")


async def passed_without_certificate(user_id: int) -> list[Attempt]:
    """The user's passed attempts that have no certificate yet (e.g. played as a guest)."""
    done = await Certificate.filter(user_id=user_id).values_list("attempt_id", flat=True)
    return await Attempt.filter(user_id=user_id, passed=True, finished_at__isnull=False).exclude(
        id__in=list(done)
    ).all()


async def issue_missing(user: User, course_of: Callable[[str], Awaitable[Course | None]], *,
                        base_url: str, time_zone: str) -> int:
    """Issue the certificates a user earned but has not got yet; returns how many."""
    issued = 0
    for attempt in await passed_without_certificate(user.id):
        course = await course_of(attempt.course_hash)
        if course is None:
            log.error("Attempt %s refers to course version %s, which is not stored", attempt.id, attempt.course_hash)
            continue
        await issue(attempt, user, course, base_url=base_url, time_zone=time_zone)
        issued += 1
    return issued


async def reissue(certificate_id: int, user: User, *, base_url: str) -> CertificateRow:
    """A new certificate in the account's current name (and registration number) for the same
    attempt; the old one becomes superseded and points to it. Everything else stays as it was."""
    old = await get(certificate_id)
    if old is None or old.user_id != user.id or old.status != VALID:
        raise NotReissuable(f"certificate {certificate_id} is not a valid certificate of user {user.id}")
    number = _registration_number(user.registration_number) if old.data.activity_id else None
    for _ in range(_CODE_TRIES):
        code = generate_code()
        data = dataclasses.replace(old.data, code=code, verify_url=verify_url(base_url, code),
                                   learner_name=user.name.strip(), registration_number=number)
        try:
            async with in_transaction() as conn:
                new = await Certificate.create(
                    using_db=conn, code=code, user_id=user.id, attempt_id=old.attempt_id,
                    revision=old.revision + 1, course_id=old.course_id,
                    course_hash=old.course_hash, template=old.template,
                    completed_on=old.completed_on, status=VALID, issued_at=now(), data=data.to_json(),
                )
                updated = await Certificate.filter(id=old.id, status=VALID).using_db(conn).update(
                    status=SUPERSEDED, superseded_by_id=new.id
                )
                if not updated:
                    raise NotReissuable(f"certificate {certificate_id} changed while re-issuing")
        except IntegrityError:
            latest = await _latest(old.attempt_id)
            if latest is not None and latest.revision > old.revision:  # a double submit
                return latest
            continue
        created = await get(new.id)
        assert created is not None  # noqa: S101 - just inserted
        return created
    raise RuntimeError(f"could not draw a free certificate code in {_CODE_TRIES} tries")


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
                 text: str | None = None, limit: int = 200) -> list[CertificateRow]:
    """Certificates by course, completion period, and a code (typed as people do) or a piece of the
    name, newest completion first."""
    query = Certificate.all()
    if course_id:
        query = query.filter(course_id=course_id)
    if start:
        query = query.filter(completed_on__gte=start)
    if end:
        query = query.filter(completed_on__lte=end)
    if text:
        try:
            query = query.filter(code=check_code(text))
        except InvalidCode:  # not a code: a piece of the name (or of anything else printed)
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


async def export_rows(course_id: str, start: date, end: date) -> list[ExportRow]:
    """Every certificate of a course completed from start to end (inclusive), with its status;
    exports.reportable decides which are reported."""
    from elearning.certificates.exports import ExportRow

    rows = await Certificate.filter(course_id=course_id, completed_on__gte=start, completed_on__lte=end).values(
        "status", "data"
    )
    out = []
    for values in rows:
        data = CertificateData.from_json(values["data"])
        out.append(ExportRow(
            registration_number=data.registration_number, learner_name=data.learner_name,
            completed_on=data.completed_on, pe_points=data.pe_points, activity_id=data.activity_id,
            code=data.code, status=values["status"],
        ))
    return out


# -- verification rate limit ------------------------------------------------------------------------
async def verification_allowed(address: str) -> bool:
    """Counts this lookup; False when the address looked up too many codes lately (login's throttle table)."""
    return await throttle.allowed(f"verify-ip:{address[:80]}", VERIFY_PER_ADDRESS)
