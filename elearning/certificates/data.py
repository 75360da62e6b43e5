"""What a certificate certifies: the frozen snapshot that is printed, stored and verified.

A `CertificateData` is made once, when a learner passes; it is stored with the certificate
record as JSON (`to_json`) and never changes: later edits to the learner's profile or the
course do not reach it. The PDF prints these fields, and the public verification page shows
these fields and nothing else (no e-mail address, no account id). Whether a certificate is
valid, superseded or revoked is not part of the snapshot; storage keeps that.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

import babel.dates
from pydantic import ConfigDict, TypeAdapter

from elearning.certificates.codes import check_code, verify_url
from elearning.certificates.registration import normalise_registration_number
from elearning.course.model import Course
from elearning.i18n import translator

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
FORMAT = 2  # version of the stored JSON; bump when fields change meaning
# 2 added study_load_minutes, active_minutes and the accreditation period; a format-1 snapshot reads with them empty
_READABLE = (1, FORMAT)

_MAX_TEXT = 300


@dataclass(frozen=True, kw_only=True)
class CertificateData:
    """Exactly what is printed on one certificate."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=False)

    code: str
    learner_name: str
    registration_number: str | None
    course_id: str
    course_title: str
    course_version: str
    completed_on: date
    score: int
    max_score: int
    pe_points: float
    register_name: str
    activity_id: str
    verify_url: str
    language: Language = "nl"
    study_load_minutes: int | None = None  # printed; None on certificates issued before it was
    offline_minutes: int | None = None  # printed: the part of the study load away from the screen, if any
    # Not printed; the administrator's certificate page shows them (never the public verification).
    active_minutes: int | None = None
    accreditation_from: date | None = None
    accreditation_until: date | None = None

    def __post_init__(self) -> None:
        if check_code(self.code) != self.code:
            raise ValueError(f"code {self.code!r} is not in its printed form {check_code(self.code)!r}")
        number = self.registration_number
        if number is not None and normalise_registration_number(number) != number:
            raise ValueError(f"registration_number {number!r} is not normalised")
        for key in ("learner_name", "course_id", "course_title", "course_version"):
            value = getattr(self, key)
            if not value.strip() or len(value) > _MAX_TEXT:
                raise ValueError(f"{key} {value[:40]!r} must be 1 to {_MAX_TEXT} characters")
        # a course without PE points has an empty register and activity id
        for key in ("register_name", "activity_id"):
            if len(getattr(self, key)) > _MAX_TEXT:
                raise ValueError(f"{key} must be at most {_MAX_TEXT} characters")
        if not 0 <= self.score <= self.max_score:
            raise ValueError(f"score {self.score} must be between 0 and max_score {self.max_score}")
        if self.pe_points < 0:
            raise ValueError(f"pe_points {self.pe_points} must not be negative")
        if not self.verify_url.startswith(("https://", "http://")):
            raise ValueError(f"verify_url {self.verify_url[:60]!r} must be an http(s) URL")
        if self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r} must be 'nl' or 'en'")
        if (self.accreditation_from is None) != (self.accreditation_until is None):
            raise ValueError("an accreditation period needs both its first and its last day")

    @property
    def accredited(self) -> bool:
        """The certificate carries PE points: an accreditation covered its completion date and course version."""
        return bool(self.activity_id) and self.pe_points > 0

    @property
    def completed_on_text(self) -> str:
        """The date written out: '28 november 2026' or '28 November 2026'."""
        return format_date(self.completed_on, self.language)

    @property
    def study_load_text(self) -> str | None:
        """'4 uur', '90 minuten'; in English '4 hours', '90 minutes'."""
        minutes = self.study_load_minutes
        if not minutes:
            return None
        _ = translator(self.language)
        if minutes % 60 == 0:
            return _("1 hour") if minutes == 60 else _("{n} hours", n=minutes // 60)
        return _("{n} minutes", n=minutes)

    @property
    def study_load_parts_text(self) -> str | None:
        """'74 minuten online, 185 minuten buiten het scherm': the two parts of a study load with
        work away from the screen (a practical assignment); None without such work."""
        total, offline = self.study_load_minutes, self.offline_minutes
        if not total or not offline or offline >= total:
            return None
        _ = translator(self.language)
        return _("{online} minutes online, {offline} minutes away from the screen", online=total - offline, offline=offline)

    @property
    def pe_points_text(self) -> str:
        """'4 PE-punten', '1 PE-punt', '2,5 PE-punten'; in English '4 PE points'."""
        return format_pe_points(self.pe_points, self.language)

    def to_dict(self) -> dict[str, Any]:
        """The printed fields as JSON-ready values (the date as YYYY-MM-DD)."""
        fields = asdict(self)
        for key in ("completed_on", "accreditation_from", "accreditation_until"):
            if fields[key] is not None:
                fields[key] = fields[key].isoformat()
        return fields

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.to_dict()}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> CertificateData:
        """Read a snapshot written by to_json; raises ValueError when it is not one."""
        fields = json.loads(text)
        if not isinstance(fields, dict) or fields.pop("format", None) not in _READABLE:
            raise ValueError(f"not a certificate snapshot of format {FORMAT}")
        return _ADAPTER.validate_python(fields)


_ADAPTER = TypeAdapter(CertificateData)


@dataclass(frozen=True)
class Accreditation:
    """What an administrator's accreditation gives a certificate: the register, its activity id,
    the points and the period (storage finds the one that covers a certificate)."""

    register_name: str
    activity_id: str
    points: float
    valid_from: date
    valid_until: date


def certificate_data(
    course: Course,
    *,
    code: str,
    base_url: str,
    learner_name: str,
    registration_number: str | None,
    completed_on: date,
    score: int,
    max_score: int,
    accreditation: Accreditation | None = None,
    active_minutes: int | None = None,
) -> CertificateData:
    """The snapshot for a learner who passed `course`. PE points, register and activity id come
    from the accreditation that covers it; without one it is a certificate of completion: no
    points, register, activity id or registration number, so those are 0, empty and None."""
    acc = accreditation
    return CertificateData(
        code=code,
        learner_name=learner_name.strip(),
        registration_number=(
            normalise_registration_number(registration_number)
            if registration_number and acc
            else None
        ),
        course_id=course.meta.id,
        course_title=course.meta.title,
        course_version=course.meta.version,
        completed_on=completed_on,
        score=score,
        max_score=max_score,
        pe_points=acc.points if acc else 0,
        register_name=acc.register_name if acc else "",
        activity_id=acc.activity_id if acc else "",
        verify_url=verify_url(base_url, code),
        language=course.meta.language,
        study_load_minutes=course.meta.study_load_minutes,
        offline_minutes=round(sum(s.offline_minutes or 0 for m in course.modules for s in m.scenes)) or None,
        active_minutes=active_minutes,
        accreditation_from=acc.valid_from if acc else None,
        accreditation_until=acc.valid_until if acc else None,
    )


def with_accreditation(data: CertificateData, accreditation: Accreditation | None,
                       registration_number: str | None) -> CertificateData:
    """The same certificate under `accreditation` (or none): points, register, activity id, period,
    and the registration number, which is printed only with points."""
    acc = accreditation
    number = normalise_registration_number(registration_number) if registration_number and acc else None
    return dataclasses.replace(
        data, pe_points=acc.points if acc else 0, register_name=acc.register_name if acc else "",
        activity_id=acc.activity_id if acc else "", accreditation_from=acc.valid_from if acc else None,
        accreditation_until=acc.valid_until if acc else None, registration_number=number,
    )


def format_date(day: date, language: Language) -> str:
    """28 november 2026 in Dutch, 28 November 2026 in English."""
    return babel.dates.format_date(day, "d MMMM y", locale=language)


def format_number(value: float, language: Language) -> str:
    """4.0 -> '4'; 2.5 -> '2,5' in Dutch, '2.5' in English."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "nl" else text


def format_pe_points(points: float, language: Language) -> str:
    _ = translator(language)
    return _("1 PE point") if points == 1 else _("{points} PE points", points=format_number(points, language))


def sample_certificate(
    language: Language = "nl",
    *,
    learner_name: str | None = None,
    code: str = "7KQ2-M4XD-9RTG",
    verify_url: str | None = None,
) -> CertificateData:
    """A fictional certificate for previews, benchmarks and tests."""
    dutch = language == "nl"
    return CertificateData(
        code=code,
        learner_name=learner_name or ("Anouk de Vries-Bakker" if dutch else "Alex Morgan"),
        registration_number="461012345678",
        course_id="polarisatie",
        course_title=(
            "Van polarisatie naar verbinding" if dutch else "From polarisation to connection"
        ),
        course_version="1",
        completed_on=date(2026, 11, 28),
        score=42,
        max_score=50,
        pe_points=4,
        register_name="Registerplein",
        activity_id="PE-123456",
        verify_url=verify_url or f"https://leren.example.nl/verify/{code}",
        language=language,
        study_load_minutes=240,
        active_minutes=52,
        accreditation_from=date(2026, 1, 1),
        accreditation_until=date(2028, 12, 31),
    )
