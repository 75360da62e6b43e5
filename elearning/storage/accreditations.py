"""Accreditations: the register's activity id, points and period per course, an administrator's record.

    await accreditations.put(entry, actor=admin)          # `elearning accreditation set`, the admin page
    found = await accreditations.covering(course, day)   # issuing: which one gives a certificate its points

Every change is audit-logged. A placeholder activity id (INVULLEN-DOOR-AANBIEDER, TODO, XXX,
nothing) is refused here, so no way of entering one can let it through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from elearning.certificates.data import Accreditation as Printed
from elearning.course.model import Course
from elearning.course.placeholders import looks_like_placeholder
from elearning.storage import audit
from elearning.storage.attempts import now
from elearning.storage.models import Accreditation as Row
from elearning.storage.models import User

_MAX_TEXT = 100


class InvalidAccreditation(ValueError):
    """What an administrator entered cannot be an accreditation; the message says why."""


@dataclass(frozen=True)
class Entry:
    course_id: str
    register_name: str
    activity_id: str
    points: float
    study_load_minutes: int
    valid_from: date
    valid_until: date
    versions: tuple[str, ...] = ()  # empty: the versions whose declared study load and points match

    def covers_version(self, course: Course) -> bool:
        """Does this accreditation cover the course version an attempt was played on?"""
        if course.meta.id != self.course_id:
            return False
        if self.versions:
            return course.meta.version in self.versions
        pe = course.meta.pe
        return (pe is not None and abs(pe.points - self.points) < 1e-9
                and course.meta.study_load_minutes == self.study_load_minutes)

    def covers_day(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def printed(self) -> Printed:
        return Printed(register_name=self.register_name, activity_id=self.activity_id, points=self.points,
                       valid_from=self.valid_from, valid_until=self.valid_until)

    def versions_text(self) -> str:
        if self.versions:
            return ", ".join(self.versions)
        return f"every version written for {self.points:g} points and {self.study_load_minutes} minutes"


def check(entry: Entry) -> Entry:
    """The entry, tidied; InvalidAccreditation with the reason when it cannot be one."""
    activity = entry.activity_id.strip()
    register = entry.register_name.strip()
    if looks_like_placeholder(activity):
        raise InvalidAccreditation(
            f"the activity id {activity!r} is a placeholder; enter the id the register gave this activity")
    if not register or len(register) > _MAX_TEXT or len(activity) > _MAX_TEXT:
        raise InvalidAccreditation(f"the register and the activity id must be 1 to {_MAX_TEXT} characters")
    if not entry.points > 0:
        raise InvalidAccreditation(f"points must be more than 0, not {entry.points:g}")
    if entry.study_load_minutes <= 0:
        raise InvalidAccreditation(f"the study load must be more than 0 minutes, not {entry.study_load_minutes}")
    if entry.valid_from > entry.valid_until:
        raise InvalidAccreditation(
            f"the period starts ({entry.valid_from.isoformat()}) after it ends ({entry.valid_until.isoformat()})")
    versions = tuple(dict.fromkeys(v.strip() for v in entry.versions if v.strip()))
    return Entry(entry.course_id, register, activity, float(entry.points), entry.study_load_minutes,
                 entry.valid_from, entry.valid_until, versions)


def _entry(row: Row) -> Entry:
    versions = tuple(json.loads(row.versions)) if row.versions else ()
    return Entry(row.course_id, row.register_name, row.activity_id, float(row.points), int(row.study_load_minutes),
                 row.valid_from, row.valid_until, versions)


async def put(entry: Entry, *, actor: User | None) -> Entry:
    """Enter an accreditation, or change the one with this course, register and activity id.
    Refused (InvalidAccreditation) when its period overlaps another accreditation of the course
    with the same register: a completion date would have two activity ids."""
    entry = check(entry)
    others = await Row.filter(course_id=entry.course_id, register_name=entry.register_name).exclude(
        activity_id=entry.activity_id)
    for other in others:
        if other.valid_from <= entry.valid_until and entry.valid_from <= other.valid_until:
            raise InvalidAccreditation(
                f"the period {entry.valid_from.isoformat()} - {entry.valid_until.isoformat()} overlaps activity "
                f"{other.activity_id} ({other.valid_from.isoformat()} - {other.valid_until.isoformat()}) of the same "
                "course and register; change that one's period first")
    at = now()
    values: dict[str, Any] = {"points": entry.points, "study_load_minutes": entry.study_load_minutes, "valid_from": entry.valid_from,
              "valid_until": entry.valid_until, "versions": json.dumps(list(entry.versions)) if entry.versions else "",
              "updated_at": at}
    updated = await Row.filter(course_id=entry.course_id, register_name=entry.register_name,
                               activity_id=entry.activity_id).update(**values)
    if not updated:
        await Row.create(course_id=entry.course_id, register_name=entry.register_name, activity_id=entry.activity_id,
                         created_at=at, **values)
    await audit.record(actor, "accreditation", f"course {entry.course_id}",
                       f"{entry.register_name} activity {entry.activity_id}: {entry.points:g} points, "
                       f"{entry.valid_from.isoformat()} - {entry.valid_until.isoformat()}, {entry.versions_text()}")
    return entry


async def listed(course_id: str | None = None) -> list[Entry]:
    query = Row.all() if course_id is None else Row.filter(course_id=course_id)
    return [_entry(r) for r in await query.order_by("course_id", "register_name", "valid_from")]


async def covering(course: Course, day: date) -> Entry | None:
    """The accreditation that gives a certificate of this course version, completed on `day`, its
    points: the course's own register first (the one its `pe:` names), then any other."""
    candidates = [e for e in await listed(course.meta.id) if e.covers_day(day) and e.covers_version(course)]
    wanted = course.meta.pe.register_name.casefold() if course.meta.pe else ""
    candidates.sort(key=lambda e: (e.register_name.casefold() != wanted, e.valid_from))
    return candidates[0] if candidates else None
