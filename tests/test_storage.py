"""Storage on real databases (SQLite and PostgreSQL): migrations, attempts, events, snapshots."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from elearning import engine
from elearning.course.model import Course
from elearning.engine.state import State
from elearning.engine.study_time import IDLE_CAP, Mark, active_time
from elearning.storage import attempts as store
from elearning.storage import db
from elearning.storage.attempts import Owner
from elearning.storage.models import Attempt, CourseSnapshot, Event, User


async def test_fresh_database_needs_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'fresh.sqlite3'}"
    assert db.sqlite_file_missing(url)
    ctx = await db.connect(url)
    try:
        pending = await db.pending_migrations(ctx, url)
        assert pending[0] == "storage.0001_initial" and pending == sorted(pending)
        with pytest.raises(db.UnmigratedDatabase, match="elearning migrate"):
            await db.check_schema(ctx, url, "the test database")
        assert await db.migrate(ctx, url) == pending
        assert await db.pending_migrations(ctx, url) == []
        await db.check_schema(ctx, url, "the test database")
        assert await db.migrate(ctx, url) == []
    finally:
        await ctx.close_connections()


async def test_migrated_database_is_current(orm, database_url: str) -> None:
    assert await db.pending_migrations(orm, database_url) == []


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path, sqlite_template: Path) -> None:
    url = f"sqlite://{sqlite_template}"
    ctx = await db.connect(url)
    try:
        with ctx:
            conn = ctx.db()
            _, rows = await conn.execute_query("PRAGMA journal_mode")
            assert rows[0][0] == "wal"
            _, rows = await conn.execute_query("PRAGMA busy_timeout")
            assert rows[0][0] == 5000
    finally:
        await ctx.close_connections()


async def test_snapshot_round_trip(orm, web_course: Course) -> None:
    with orm:
        await store.store_snapshot(web_course)
        await store.store_snapshot(web_course)  # a second store is a no-op
        assert await CourseSnapshot.all().count() == 1
        loaded = await store.load_snapshot(web_course.content_hash)
        assert loaded is not None
        assert loaded.model_dump() == web_course.model_dump()  # not the private caches playing fills
        assert loaded.scene("plein").map is not None
        assert await store.load_snapshot("no-such-hash") is None


async def _new_attempt(course: Course, owner: Owner) -> tuple[Attempt, engine.State]:
    await store.store_snapshot(course)
    state, events = engine.start(course)
    attempt = await store.create_attempt(course, owner, state, events)
    return attempt, state


async def test_a_step_appends_events_and_a_replay_changes_nothing(orm, web_course: Course) -> None:
    with orm:
        user = await User.create(email="a@example.org", name="A", password_hash="x")
        attempt, state = await _new_attempt(web_course, Owner(user_id=user.id))
        start_events = await Event.filter(attempt_id=attempt.id).order_by("seq").values_list("type", flat=True)
        assert start_events == ["course_started", "scene_entered"]

        new, events = engine.choose(web_course, state, "c1")
        assert await store.record_step(web_course, attempt, state, new, events)
        # The same POST again (double click, back button): the step no longer matches.
        replay = await store.get_attempt(attempt.id)
        assert replay is not None
        assert not await store.record_step(web_course, replay, state, new, events)

        rows = await Event.filter(attempt_id=attempt.id).order_by("seq")
        assert [r.seq for r in rows] == [1, 2, 3, 4]
        assert rows[2].type == "choice_made" and rows[2].choice == "c1" and rows[2].scene == "intro"
        assert rows[2].module == "ronde" and rows[2].points == 0
        assert json.loads(rows[2].payload)["label"] == "Begin de ronde"
        stored = await store.get_attempt(attempt.id)
        assert stored is not None
        assert stored.step == new.step and stored.last_seq == 4
        assert engine.State.from_json(stored.state) == new
        row = await Attempt.get(id=attempt.id)
        assert (row.scene, row.module, row.finished_at, row.passed) == ("plein", "ronde", None, None)
        assert row.updated_at >= row.started_at


async def test_concurrent_steps_from_the_same_page_store_exactly_one(orm, web_course: Course) -> None:
    with orm:
        attempt, state = await _new_attempt(web_course, Owner(guest_key="g1"))
        copies = [await store.get_attempt(attempt.id) for _ in range(4)]
        new, events = engine.choose(web_course, state, "c1")
        results = await asyncio.gather(*(
            store.record_step(web_course, copy, state, new, events) for copy in copies if copy is not None
        ))
        assert sorted(results) == [False, False, False, True]
        assert await Event.filter(attempt_id=attempt.id).count() == 4


async def test_events_are_denormalised_for_analytics(orm, web_course: Course) -> None:
    with orm:
        attempt, state = await _new_attempt(web_course, Owner(guest_key="g2"))
        for choice in ["c1", "loc-bakkerij", "c1"]:
            new, events = engine.choose(web_course, state, choice)
            assert await store.record_step(web_course, attempt, state, new, events)
            state = new
        loc = await Event.get(attempt_id=attempt.id, type="location_chosen")
        assert (loc.choice, loc.scene, loc.module) == ("loc-bakkerij", "plein", "ronde")
        entries = await Event.filter(attempt_id=attempt.id, type="notebook_entry_added").values_list("entry", flat=True)
        assert sorted(entries) == ["sig-groeten", "verb-bakker"]
        made = await Event.get(attempt_id=attempt.id, type="choice_made", scene="bakkerij")
        assert made.points == 2 and made.course_hash == web_course.content_hash


async def _answer(course: Course, attempt: Any, state: State, value: str) -> State:
    """Answer (a step), then "continue" past how it went (another step), as the player does."""
    new, events = engine.answer(course, state, value.split(","))
    assert await store.record_step(course, attempt, state, new, events)
    onward, events = engine.choose(course, new, "continue")
    assert await store.record_step(course, attempt, new, onward, events)
    return onward


async def test_finishing_fills_the_result_columns(orm, web_course: Course, passing_path) -> None:
    with orm:
        attempt, state = await _new_attempt(web_course, Owner(guest_key="g3"))
        for kind, value in passing_path:
            if kind == "choose":
                new, events = engine.choose(web_course, state, value)
                assert await store.record_step(web_course, attempt, state, new, events)
                state = new
            else:
                state = await _answer(web_course, attempt, state, value)
        stored = await Attempt.get(id=attempt.id)
        assert stored.finished_at is not None and stored.passed is True
        assert (stored.score, stored.max_score) == (6, 6)
        assert stored.finished_at == stored.updated_at
        first_finish = stored.finished_at
        # A step on a finished attempt (the retake) clears it; finishing again sets it anew.
        new, events = engine.choose(web_course, state, "retake")
        assert await store.record_step(web_course, attempt, state, new, events)
        again = await Attempt.get(id=attempt.id)
        assert again.finished_at is None and again.passed is None and again.score is None
        state = new
        for value in ["groeten", "bakker,voorzitter"]:
            state = await _answer(web_course, attempt, state, value)
        assert (await Attempt.get(id=attempt.id)).finished_at > first_finish
        answered = await Event.filter(attempt_id=attempt.id, type="question_answered").order_by("seq")
        assert [(e.choice, e.correct, e.points) for e in answered] == [
            ("groeten", True, 1), ("bakker,voorzitter", True, 2),
        ] * 2
        finished = await Event.filter(attempt_id=attempt.id, type="course_finished").order_by("seq")
        assert [json.loads(f.payload)["passed"] for f in finished] == [True, True]
        assert await Event.filter(attempt_id=attempt.id, type="module_retaken").count() == 1


async def test_event_seq_is_unique_per_attempt(orm, web_course: Course) -> None:
    with orm:
        attempt, _ = await _new_attempt(web_course, Owner(guest_key="g4"))
        with pytest.raises(IntegrityError):
            await Event.create(attempt_id=attempt.id, course_hash="h", seq=1, type="x", module="m", payload="{}",
                               created_at=datetime.now(UTC))


async def test_guest_attempts_move_to_the_account(orm, web_course: Course) -> None:
    with orm:
        attempt, _ = await _new_attempt(web_course, Owner(guest_key="guest-key"))
        other, _ = await _new_attempt(web_course, Owner(guest_key="someone-else"))
        user = await User.create(email="b@example.org", name="B", password_hash="x")
        assert await store.adopt_guest_attempts("guest-key", user.id) == 1
        moved = await store.latest_attempt(Owner(user_id=user.id), web_course.id)
        assert moved is not None and moved.id == attempt.id and moved.guest_key is None
        assert await store.latest_attempt(Owner(guest_key="guest-key"), web_course.id) is None
        still = await store.get_attempt(other.id)
        assert still is not None and still.user_id is None and still.guest_key == "someone-else"


async def test_latest_attempt_is_the_last_one_played(orm, web_course: Course) -> None:
    with orm:
        owner = Owner(guest_key="g5")
        first, state = await _new_attempt(web_course, owner)
        second, _ = await _new_attempt(web_course, owner)
        assert (await store.latest_attempt(owner, web_course.id)).id == second.id  # type: ignore[union-attr]
        new, events = engine.choose(web_course, state, "c1")
        assert await store.record_step(web_course, first, state, new, events)
        assert (await store.latest_attempt(owner, web_course.id)).id == first.id  # type: ignore[union-attr]
        assert set((await store.latest_attempts(owner)).keys()) == {web_course.id}


def test_owner_is_a_user_or_a_guest() -> None:
    with pytest.raises(ValueError):
        Owner()
    with pytest.raises(ValueError):
        Owner(user_id=1, guest_key="k")


def test_time_on_task_caps_breaks() -> None:
    """The result page's time spent is the engine's active time (tests/test_study_time.py has the rest)."""
    t0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    times = [t0, t0 + timedelta(minutes=2), t0 + timedelta(minutes=5), t0 + timedelta(hours=20),
             t0 + timedelta(hours=20, minutes=1)]
    assert active_time([Mark(t) for t in times]) == timedelta(minutes=5) + IDLE_CAP + timedelta(minutes=1)
    assert active_time([]) == timedelta()


async def test_the_models_match_the_checked_in_migrations() -> None:
    """A model change without `tortoise makemigrations` fails here, not in production."""
    from tortoise.context import TortoiseContext
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = db.MAKEMIGRATIONS_CONFIG
    ctx = TortoiseContext()
    with ctx:
        await ctx.init(config=config)
        try:
            writers = await MigrationAutodetector(ctx.apps, dict(config["apps"])).changes()
        finally:
            await ctx.close_connections()
    assert [w.name for w in writers] == []
