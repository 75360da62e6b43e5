"""Active study time and the conditions of a certificate: pure functions over event times.

Active time is read from the event log: the gaps between a learner's actions, each capped at
IDLE_CAP (a longer gap was a break). The gap that ends with an event of a long task (an
open answer written in the browser: LONG_TASK_EVENTS) counts up to LONG_TASK_CAP. Events of
several attempts of one course are merged into one timeline first, so two tabs open at once
count once. Issuing (storage/issuing.py) and the learner's pages both ask `study_progress`.

The completion date of a certificate is the moment its last condition was met: the pass, the
minimum active time, and any further condition a course sets (`completion_moment`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from elearning.course.model import Course

IDLE_CAP = timedelta(minutes=5)
LONG_TASK_CAP = timedelta(minutes=30)
# Event types that end a long task done in the browser (an open answer); none exist yet.
LONG_TASK_EVENTS: frozenset[str] = frozenset({"open_answer_submitted"})


@dataclass(frozen=True)
class Mark:
    """One event on the timeline: when, and of what type."""

    at: datetime
    type: str = ""


def _gaps(marks: Sequence[Mark]) -> Iterable[tuple[Mark, timedelta]]:
    ordered = sorted(marks, key=lambda m: m.at)
    for before, after in zip(ordered, ordered[1:], strict=False):
        cap = LONG_TASK_CAP if after.type in LONG_TASK_EVENTS else IDLE_CAP
        yield after, min(after.at - before.at, cap)


def active_time(marks: Sequence[Mark]) -> timedelta:
    """The active study time on a timeline of events (see the module docstring)."""
    return sum((gap for _, gap in _gaps(marks)), timedelta())


def reached_at(marks: Sequence[Mark], needed: timedelta) -> datetime | None:
    """The moment the active time first reached `needed`; None while it has not."""
    if needed <= timedelta():
        return min((m.at for m in marks), default=None)
    total = timedelta()
    for after, gap in _gaps(marks):
        total += gap
        if total >= needed:
            return after.at
    return None


def min_active_minutes(course: Course) -> float:
    """The active time a course asks before a certificate: its own setting, else half its online
    study load (study_load_minutes without the offline_minutes of its scenes: work away from the screen)."""
    own = course.meta.own_min_active_minutes
    if own is not None:
        return own
    offline = sum(s.offline_minutes or 0 for m in course.modules for s in m.scenes)
    return max(0.0, course.meta.study_load_minutes - offline) / 2


@dataclass(frozen=True)
class StudyProgress:
    """How far a learner is with the minimum study time of a course."""

    active: timedelta
    needed: timedelta
    met_at: datetime | None

    @property
    def met(self) -> bool:
        return self.met_at is not None

    @property
    def active_minutes(self) -> int:
        """Whole minutes studied (rounded down: a learner never sees more than was measured)."""
        return int(self.active.total_seconds() // 60)

    @property
    def minutes_to_go(self) -> int:
        """Whole minutes still to study (rounded up), 0 when met."""
        if self.met:
            return 0
        return max(1, math.ceil((self.needed - self.active).total_seconds() / 60))


def study_progress(course: Course, marks: Sequence[Mark]) -> StudyProgress:
    needed = timedelta(minutes=min_active_minutes(course))
    return StudyProgress(active=active_time(marks), needed=needed, met_at=reached_at(marks, needed))


def completion_moment(conditions: Iterable[datetime | None]) -> datetime | None:
    """The moment the last condition was met; None while one is not met."""
    moments = list(conditions)
    if any(m is None for m in moments) or not moments:
        return None
    return max(m for m in moments if m is not None)
