"""The minimum study time: active time from the event log, and no certificate before it is met.

A bot that knows every answer passes the fixture course in three minutes. Its timeline is
written through the real storage path (`record_step(at=...)`), so the events carry the times
a learner would have made them; nothing of ours is mocked.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import PASSING_PATH, WEB_COURSE, in_database

from elearning import engine
from elearning.authoring import load_course
from elearning.course.model import Course
from elearning.engine.study_time import (
    IDLE_CAP,
    LONG_TASK_CAP,
    Mark,
    active_time,
    completion_moment,
    min_active_minutes,
    reached_at,
    study_progress,
)
from elearning.storage import attempts as store
from elearning.storage import issuing
from elearning.storage.attempts import AttemptRecord, Owner
from elearning.storage.models import User

ZONE = "Europe/Amsterdam"
T0 = datetime(2026, 3, 1, 23, 55, tzinfo=ZoneInfo(ZONE))
MIN = timedelta(minutes=1)


def _marks(*minutes: float, kind: str = "choice_made") -> list[Mark]:
    return [Mark(T0 + timedelta(minutes=m), kind) for m in minutes]


# -- the one function -----------------------------------------------------------------------------
def test_gaps_between_events_are_capped_at_five_minutes() -> None:
    assert active_time(_marks(0, 1, 3)) == 3 * MIN
    assert active_time(_marks(0, 1, 121)) == MIN + IDLE_CAP  # two hours away from the keyboard: five minutes
    assert active_time(_marks(3, 0, 1)) == 3 * MIN  # order does not matter: one timeline
    assert active_time([]) == active_time(_marks(0)) == timedelta()


def test_a_long_task_counts_up_to_thirty_minutes() -> None:
    marks = [*_marks(0), *_marks(25, kind="open_answer_submitted"), *_marks(90, kind="open_answer_submitted")]
    assert active_time(marks) == 25 * MIN + LONG_TASK_CAP


def test_two_attempts_played_at_once_count_once() -> None:
    first, second = _marks(0, 2, 4), _marks(1, 3, 5)
    assert active_time(first + second) == 5 * MIN


def test_the_moment_the_minimum_is_reached() -> None:
    marks = _marks(0, 2, 4, 6, 8)
    assert reached_at(marks, 5 * MIN) == T0 + 6 * MIN
    assert reached_at(marks, 9 * MIN) is None
    assert reached_at(marks, timedelta()) == T0
    assert completion_moment([T0, T0 + MIN]) == T0 + MIN
    assert completion_moment([T0, None]) is None


def test_the_default_minimum_is_half_the_online_study_load(study_course: Course, web_course: Course) -> None:
    assert study_course.meta.study_load_minutes == 15 and min_active_minutes(study_course) == 7.5
    assert min_active_minutes(web_course) == 0  # the web tests' fixture says so explicitly
    progress = study_progress(study_course, _marks(0, 1, 2, 3))
    assert (progress.active_minutes, progress.minutes_to_go, progress.met) == (3, 5, False)


# -- a bot that knows the answers ------------------------------------------------------------------
@pytest.fixture(scope="module")
def study_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The web fixture course with its default minimum study time: half of its 15 minutes."""
    folder = tmp_path_factory.mktemp("study") / "buurtronde"
    shutil.copytree(WEB_COURSE, folder)
    path = folder / "course.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"certificate:\n(  .*\n)+", "", text), encoding="utf-8")
    course, problems = load_course(folder)
    assert course is not None, problems
    return course


def _clock(start: datetime, step: timedelta) -> Iterator[datetime]:
    at = start
    while True:
        yield at
        at += step


async def _play(course: Course, user_id: int, clock: Iterator[datetime], steps: list[tuple[str, str]],
                seed: int) -> AttemptRecord:
    state, events = engine.start(course, seed=seed)
    attempt = await store.create_attempt(course, Owner(user_id=user_id), state, events, at=next(clock))
    for kind, value in steps:
        if kind == "choose":
            new, more = engine.choose(course, state, value)
        else:
            new, more = engine.answer_and_continue(course, state, value.split(","))
        assert await store.record_step(course, attempt, state, new, more, at=next(clock))
        state = new
    return attempt


async def _issue(user: User, course: Course) -> list[Any]:
    async def course_of(_: str) -> Course:
        return course

    return await issuing.issue_earned(user, course_of, base_url="https://leren.example.nl", time_zone=ZONE)


async def test_a_bot_that_knows_the_answers_gets_no_certificate_until_it_has_studied(orm, study_course: Course) -> None:
    with orm:
        await store.store_snapshot(study_course)
        user = await User.create(email="bot@example.org", name="Snelle Bot", password_hash="x")
        # Ten events in three minutes: every answer right, the test passed.
        clock = _clock(T0, timedelta(seconds=20))
        passed = await _play(study_course, user.id, clock, PASSING_PATH, seed=1)
        assert passed.passed and passed.finished_at == T0 + 3 * MIN
        assert await _issue(user, study_course) == []  # passed, but 3 of the 7.5 minutes
        assert [a.id for a in await issuing.waiting(user.id)] == [passed.id]
        progress = await issuing.study_progress_of(user.id, study_course)
        assert (progress.active_minutes, progress.minutes_to_go) == (3, 5)

        # It studies on after midnight in a new attempt (a passed course may be started again);
        # nothing is lost: the pass stays, and the new attempt's time counts.
        clock = _clock(T0 + 6 * MIN, MIN)
        await _play(study_course, user.id, clock, PASSING_PATH[:5], seed=2)
        [certificate] = await _issue(user, study_course)
        assert certificate.attempt_id == passed.id
        # 3 + 3 (the gap to the new attempt) + 1 + 1 >= 7.5 at 00:03 the next day: the moment the last
        # condition was met is the completion date, not the day of the pass.
        assert certificate.completed_on.isoformat() == "2026-03-02"
        assert certificate.data.completed_on.isoformat() == "2026-03-02"
        assert certificate.data.active_minutes == 11 and certificate.data.study_load_minutes == 15
        assert await issuing.waiting(user.id) == []
        assert await _issue(user, study_course) == []  # once


async def test_a_learner_who_studied_before_passing_gets_the_certificate_on_the_day_of_the_pass(
        orm, study_course: Course) -> None:
    with orm:
        await store.store_snapshot(study_course)
        user = await User.create(email="rustig@example.org", name="Rustige Leerder", password_hash="x")
        passed = await _play(study_course, user.id, _clock(T0 - 30 * MIN, MIN), PASSING_PATH, seed=3)
        [certificate] = await _issue(user, study_course)
        assert certificate.attempt_id == passed.id and certificate.data.active_minutes == 9
        assert certificate.completed_on.isoformat() == "2026-03-01"


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    """The app's COURSES_DIR: the fixture course with its default minimum study time (7.5 minutes)."""
    folder = tmp_path / "courses"
    shutil.copytree(WEB_COURSE, folder / "buurtronde")
    course_yaml = folder / "buurtronde" / "course.yaml"
    course_yaml.write_text(re.sub(r"certificate:\n(  .*\n)+", "", course_yaml.read_text(encoding="utf-8")),
                           encoding="utf-8")
    return folder


def test_the_result_page_says_how_long_to_study_and_the_certificate_follows(
        web, passing_path, database_url: str) -> None:
    web.register()
    attempt = web.start()
    for kind, value in passing_path:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    result = web.get(f"/play/{attempt}/result").text
    assert "Je bent geslaagd voor de cursus." in result
    assert "Je certificaat wordt gemaakt zodra je 7,5 minuten hebt gestudeerd." in result
    assert "Download je certificaat" not in result
    assert not re.search(r'href="/certificates/\d+\.pdf"', web.get("/certificates").text)

    # The learner studies on: a new attempt, and (written with their times) eight more minutes of steps.
    course_page = web.get("/courses/buurtronde").text
    assert "Helemaal opnieuw beginnen" in course_page
    web.post("/courses/buurtronde/start", {"after": str(attempt)}, token_from="/courses/buurtronde")
    again = web.start()
    assert again != attempt

    async def study() -> None:
        record = await store.get_record(again)
        assert record is not None
        course = await store.load_snapshot(record.course_hash)
        assert course is not None
        state = engine.State.from_json(record.state)
        at = record.started_at
        for value in ("c1", "loc-bakkerij", "c1", "loc-buurthuis"):
            at += 2 * MIN
            new, events = engine.choose(course, state, value)
            assert await store.record_step(course, record, state, new, events, at=at)
            state = new

    in_database(database_url, study)
    # The next step in the browser is the request that finds the time met: the certificate is issued.
    web.choose(again, "c1")
    listed = web.get("/certificates").text
    assert re.search(r'href="/certificates/\d+\.pdf"', listed), listed[:2000]
    assert "Download je certificaat" in web.get(f"/play/{attempt}/result").text
