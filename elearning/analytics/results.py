"""What the analytics queries return: counts and distributions, never a learner.

Every result refers to scenes, choices, answers and notebook entries by their ids; labels
come from the compiled course (see `elearning.analytics.tables`).

The population is a cohort: the attempts at one course (one version, or all versions) that
started within the period. Everything those attempts did counts, also after the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Scope:
    """Which attempts: one course, optionally one version (content hash), started in [since, until)."""

    course_id: str
    course_hash: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is None:
                continue
            if value.tzinfo is None:
                raise ValueError(f"Scope.{name} must carry a time zone, got naive {value.isoformat()!r}.")
            object.__setattr__(self, name, value.astimezone(UTC))
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError(
                f"Scope.since ({self.since.isoformat()}) must be before Scope.until ({self.until.isoformat()})."
            )


@dataclass(frozen=True)
class Version:
    """One stored version of a course and how many attempts started on it."""

    course_hash: str
    version: str
    created_at: datetime
    attempts: int


@dataclass(frozen=True)
class Spread:
    """Median and quartiles (linear interpolation, like PostgreSQL's percentile_cont), in seconds."""

    count: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


@dataclass(frozen=True)
class Bin:
    """Durations in [low, high) seconds; high is None for the last, open-ended bin."""

    low: float
    high: float | None
    count: int


@dataclass(frozen=True)
class Overview:
    starts: int
    completions: int
    passes: int
    # time from start to completion (finished_at - started_at) of the completed attempts
    duration: Spread | None = None
    histogram: tuple[Bin, ...] = ()

    @property
    def completion_rate(self) -> float | None:
        return self.completions / self.starts if self.starts else None

    @property
    def pass_rate(self) -> float | None:
        """Share of the completed attempts that passed."""
        return self.passes / self.completions if self.completions else None


@dataclass(frozen=True)
class SceneReach:
    """How many attempts entered a scene, and how many unfinished attempts are there now."""

    scene: str
    attempts: int
    stopped: int = 0


@dataclass(frozen=True)
class ChoiceCount:
    """How often a choice was taken on a scene, repeats included (a hub is visited often).

    kind is "choice" (choice_made), "location" (location_chosen, choice "loc-<id>") or
    "answer" (question_answered; choice is the picked answer ids joined with commas).
    How many attempts reached a scene is in the funnel.
    """

    scene: str
    kind: str
    choice: str
    times: int


@dataclass(frozen=True)
class QuestionStats:
    """One question scene.

    answers: every answer given, retakes included. attempts/correct: each attempt's first
    answer. discrimination: the corrected point-biserial (item-rest) correlation between the
    first answer being correct (0/1) and the attempt's first-try points on the module's other
    questions, over the attempts that finished the module (`scored` of them); None when it is
    undefined (fewer than 2 such attempts, or everyone right, or everyone wrong).
    """

    scene: str
    module: str
    answers: int
    attempts: int
    correct: int
    scored: int = 0
    discrimination: float | None = None

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


@dataclass(frozen=True)
class EntryMiss:
    """A notebook entry: of the attempts that finished a module where it can be collected
    (eligible), how many collected it and how many did not (missed)."""

    entry: str
    eligible: int
    collected: int

    @property
    def missed(self) -> int:
        return self.eligible - self.collected

    @property
    def share_missed(self) -> float | None:
        return self.missed / self.eligible if self.eligible else None


@dataclass(frozen=True)
class OpenAnswerCount:
    """Per open scene: how often answers were handed in, handed in again after a return, and
    approved or returned by a reviewer. Counts only: never the text."""

    scene: str
    handed_in: int = 0
    resubmitted: int = 0
    approved: int = 0
    returned: int = 0


@dataclass(frozen=True)
class Report:
    scope: Scope
    overview: Overview
    funnel: tuple[SceneReach, ...] = ()
    choices: tuple[ChoiceCount, ...] = ()
    questions: tuple[QuestionStats, ...] = ()
    entries: tuple[EntryMiss, ...] = field(default_factory=tuple)
    open_answers: tuple[OpenAnswerCount, ...] = ()
