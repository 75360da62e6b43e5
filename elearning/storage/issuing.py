"""Issuing certificates: the one place a passed attempt becomes a certificate, and its PDF is made.

The rules are certificates/'s (codes, the printed data, registration numbers, rendering);
storage/certificates.py keeps the rows. This module puts the two together, below web/ and
commands/, so the web app, the CLI and a worker issue the same way.

    issued = await issue_earned(user, course_of, base_url=..., time_zone=...)
    for certificate in issued:
        await render_and_store(certificate.id, settings)

`issue_earned` issues every certificate an account has earned and not got yet: the attempt it
just passed, and attempts it passed as a guest before registering or logging in. A pass earns
a certificate once the course's minimum study time is met too (engine/study_time.py, over the
events of all the account's attempts of the course); until then it waits (`waiting`), and the
completion date is the moment the last condition was met. The points, register, activity id
and period come from the accreditation that covers the completion date and course version
(storage/accreditations.py); without one it is a certificate of completion. The web app calls
it when an account passes (the choice that finishes the course), at every step while a pass
waits for its study time, and when a guest's attempts move to an account; `elearning
certificates issue` calls it for every account, so a failure on the way (a crash between the
step and the certificate) is made good by the command or a worker that runs it. Pages only
read what was issued.

`reissue` is the one re-issue for every reason (a changed name or registration number, an
accreditation that now covers the certificate): a new certificate that supersedes the old one
and keeps its completion date.

A certificate is made once per attempt, with a frozen snapshot: calling again (a double
submit, a second process) returns the one already made. A clash on the random code (very
unlikely) draws a new code. The PDF is rendered off the event loop (in a worker process or
thread) and stored; the first one stored wins. The PDF carries the certificate's signed Open
Badges credential (storage/badges.py), made once and kept before the PDF is rendered.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable

from tortoise.exceptions import IntegrityError

from elearning.certificates.codes import generate_code, verify_url
from elearning.certificates.data import CertificateData, certificate_data, with_accreditation
from elearning.certificates.issuer import Issuer
from elearning.certificates.registration import (
    InvalidRegistrationNumber,
    normalise_registration_number,
)
from elearning.certificates.render import render_pdf_async
from elearning.certificates.templates import template_dir
from elearning.course.model import Course
from elearning.engine.study_time import StudyProgress, completion_moment, study_progress
from elearning.settings import Settings
from elearning.storage import accreditations, badges, open_answers
from elearning.storage import attempts as attempt_store
from elearning.storage import certificates as store
from elearning.storage.attempts import AttemptRecord
from elearning.storage.models import User

log = logging.getLogger(__name__)

CourseOf = Callable[[str], Awaitable[Course | None]]
_CODE_TRIES = 5


class NotPassed(ValueError):
    """The attempt did not pass (or is not this user's): it earns no certificate."""


def _registration_number(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return normalise_registration_number(raw)
    except InvalidRegistrationNumber:
        log.warning("An account holds a registration number that is not valid; the certificate leaves it out")
        return None


async def issue(attempt: AttemptRecord, user: User, course: Course, *, base_url: str,
                time_zone: str) -> store.CertificateRow | None:
    """The certificate this passed attempt earned; `course` is the version it was played on.
    None while a condition other than the pass is not met yet (the minimum study time)."""
    if attempt.user_id != user.id or not attempt.passed or attempt.finished_at is None:
        raise NotPassed(f"attempt {attempt.id} has not been passed by user {user.id}")
    existing = await store.of_attempt(attempt.id)
    if existing is not None:
        return existing
    progress = await study_progress_of(user.id, course)
    review = await open_answers.review_status(attempt.id)
    if not review.complete:
        return None
    completed_at = completion_moment([attempt.finished_at, progress.met_at,
                                      *([review.approved_at] if review.approved_at else [])])
    if completed_at is None:
        return None
    completed_on = store.completion_date(completed_at, time_zone)
    found = await accreditations.covering(course, completed_on)
    for _ in range(_CODE_TRIES):
        code = generate_code()
        data = certificate_data(
            course, code=code, base_url=base_url, learner_name=user.name,
            registration_number=_registration_number(user.registration_number), completed_on=completed_on,
            score=attempt.score or 0, max_score=max(attempt.max_score or 0, attempt.score or 0),
            accreditation=found.printed() if found else None, active_minutes=progress.active_minutes,
        )
        try:
            return await store.insert(code=code, user_id=user.id, attempt=attempt,
                                      template=course.meta.certificate_template, completed_on=completed_on, data=data)
        except IntegrityError:
            existing = await store.of_attempt(attempt.id)
            if existing is not None:  # issued at the same moment by another request
                return existing
            # the code was taken: draw another
    raise RuntimeError(f"could not draw a free certificate code in {_CODE_TRIES} tries")


async def study_progress_of(user_id: int, course: Course) -> StudyProgress:
    """The account's active study time in the course (all its attempts) against the course's minimum."""
    return study_progress(course, await attempt_store.study_marks(user_id, course.meta.id))


async def issue_earned(user: User, course_of: CourseOf, *, base_url: str,
                       time_zone: str) -> list[store.CertificateRow]:
    """Issue every certificate the account earned and has not got yet; the ones issued now.
    A passed attempt whose minimum study time is not met yet stays waiting (`waiting`)."""
    issued = []
    for attempt in await store.passed_without_certificate(user.id):
        course = await course_of(attempt.course_hash)
        if course is None:
            log.error("Attempt %s refers to course version %s, which is not stored", attempt.id, attempt.course_hash)
            continue
        certificate = await issue(attempt, user, course, base_url=base_url, time_zone=time_zone)
        if certificate is not None:
            issued.append(certificate)
    return issued


async def waiting(user_id: int) -> list[AttemptRecord]:
    """Passed attempts of the account that wait for their certificate (the minimum study time)."""
    return await store.passed_without_certificate(user_id)


# -- re-issue: one model for every reason ------------------------------------------------------------
async def reissue_offer(certificate: store.CertificateRow, user: User) -> CertificateData | None:
    """What a re-issue of a valid certificate would print now, if that differs from what it prints:
    the account's current name and registration number, and the points of an accreditation that
    covers its completion date and course version (entered since, or changed). None: nothing to re-issue."""
    if certificate.status != store.VALID:
        return None
    course = await attempt_store.load_snapshot(certificate.course_hash)
    found = await accreditations.covering(course, certificate.completed_on) if course is not None else None
    number = _registration_number(user.registration_number)
    if found is None and certificate.data.accredited:  # a later change to the accreditation never takes points away
        data = dataclasses.replace(certificate.data, registration_number=number)
    else:
        data = with_accreditation(certificate.data, found.printed() if found else None, number)
    data = dataclasses.replace(data, learner_name=user.name.strip())
    return None if data == certificate.data else data


async def reissue(certificate_id: int, user: User, *, base_url: str) -> store.CertificateRow:
    """A new certificate for the same attempt with what `reissue_offer` gives (current name and
    registration number, the accreditation that covers it now); the old one becomes superseded and
    points to it. The completion date and everything else stay as they were."""
    old = await store.get(certificate_id)
    if old is None or old.user_id != user.id or old.status != store.VALID:
        raise store.NotReissuable(f"certificate {certificate_id} is not a valid certificate of user {user.id}")
    offered = await reissue_offer(old, user)
    base = offered or old.data
    for _ in range(_CODE_TRIES):
        code = generate_code()
        data = dataclasses.replace(base, code=code, verify_url=verify_url(base_url, code))
        try:
            return await store.supersede(old, code=code, data=data)
        except IntegrityError:
            latest = await store.of_attempt(old.attempt_id)
            if latest is not None and latest.revision > old.revision:  # a double submit
                return latest
    raise RuntimeError(f"could not draw a free certificate code in {_CODE_TRIES} tries")


# -- the PDF ---------------------------------------------------------------------------------------
async def pdf_of(found: store.Download, conf: Settings) -> bytes:
    """The stored PDF, rendered (off the event loop, where CERTIFICATE_RENDERING says, with the
    templates of CERTIFICATES_DIR) and stored first when there is none yet."""
    if found.pdf is not None:
        return found.pdf
    credential = await badges.credential_of(found.id, conf)
    pdf = await render_pdf_async(found.data(), template_dir(found.template, conf.certificates_dir),
                                 in_process=conf.certificate_rendering == "process",
                                 credential=json.dumps(credential, ensure_ascii=False, indent=2)
                                 if credential is not None else None,
                                 issuer=Issuer.from_settings(conf))
    return await store.store_pdf(found.id, pdf)


async def render_and_store(certificate_id: int, conf: Settings) -> bool:
    """Render and store the PDF of a certificate that has none yet; False if there is no such certificate."""
    found = await store.download(certificate_id)
    if found is None:
        return False
    await pdf_of(found, conf)
    return True
