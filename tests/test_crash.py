"""Crashes lose nothing: a server killed with SIGKILL mid-course, PostgreSQL restarted under load.

Fifty simulated learners (the load bench's learner: a browser's requests, no think time)
play the polarisation course against a real `elearning serve` process. Every choice the
server answered with a 303 must be in the database afterwards, every learner must resume on
the page its last acknowledged choice led to, and no attempt may be inconsistent (state JSON
that parses, steps that match the events, event numbers without gaps).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from elearning import engine
from elearning.authoring import load_course
from elearning.engine.state import State

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
assert _spec and _spec.loader
load = importlib.util.module_from_spec(_spec)
sys.modules["bench_load"] = load
_spec.loader.exec_module(load)

LEARNERS = 50
ACTIONS = {"choice_made", "location_chosen", "question_answered", "module_started", "module_retaken"}


@pytest.fixture(scope="module")
def first_step() -> int:
    course, problems = load_course(load.COURSE)
    assert course is not None, problems
    return engine.start(course)[0].step


# -- playing -----------------------------------------------------------------------------------
async def _play(learner: Any, until: float, *, pause_on_503: float = 0.1) -> None:
    """Play until `until` (monotonic) or the course ends; stops quietly when the server is gone."""
    learner.client = learner.client or load.http_client(learner.base_url)
    try:
        if learner.attempt is None and not await learner.start():
            return
        for _ in range(load.MAX_STEPS):
            if time.monotonic() > until:
                return
            html = await learner.scene()
            if html is None:
                if learner.errors:
                    return
                await asyncio.sleep(pause_on_503)  # a 503 page: try again in a moment
                continue
            form = learner.pick(html)
            if form is None:
                learner.finished = load.FINISHED in html
                return
            if not await learner.choose(form) and learner.errors:
                return
    except load.TransportError:
        return  # the server died under this request


async def _resume(learner: Any) -> tuple[int, str]:
    html = await learner.scene()
    assert html is not None, learner.errors
    assert learner.last_seen is not None
    return learner.last_seen.step, learner.last_seen.title


def _matches(values: tuple[str, ...], kind: str, choice: str | None) -> bool:
    if values == ("next",):
        return kind == "module_started"
    if values == ("retake",):
        return kind == "module_retaken"
    if kind == "question_answered":
        return set((choice or "").split(",")) == set(values)
    return kind in ("choice_made", "location_chosen") and choice == values[0]


def _check_attempt(learner: Any, row: dict[str, Any], events: list[tuple[int, str, str | None]],
                   first_step: int) -> None:
    """One learner's attempt against what the server acknowledged to it."""
    state = State.from_json(row["state"])  # parses
    assert state.step == row["step"], f"attempt {learner.attempt}: state and row disagree on the step"
    seqs = [seq for seq, _, _ in events]
    assert seqs == list(range(1, row["last_seq"] + 1)), f"attempt {learner.attempt}: event numbers {seqs}"
    actions = [(kind, choice) for _, kind, choice in events if kind in ACTIONS]
    assert state.step - first_step == len(actions), f"attempt {learner.attempt}: step does not match its events"
    acked = learner.acknowledged
    # Choices without a 303 in reply (cut off, or a 503 while the database went away) may or may
    # not have been stored; the acknowledged ones must all be there.
    extra = len(actions) - len(acked)
    assert 0 <= extra <= learner.unanswered, (
        f"attempt {learner.attempt}: {len(acked)} acknowledged choices, {len(actions)} stored"
    )
    for ack in acked:
        # The step token counts the actions before it: the choice is stored exactly there.
        index = ack.step - first_step
        assert index < len(actions), f"attempt {learner.attempt}: acknowledged {ack} is not stored"
        kind, choice = actions[index]
        assert _matches(ack.values, kind, choice), f"attempt {learner.attempt}: {ack} stored as {kind} {choice}"


def _check_resumed(learner: Any, resumed: tuple[int, str], stored_step: int, first_step: int) -> None:
    step, title = resumed
    assert step == stored_step
    expected = learner.acknowledged[-1].step + 1 if learner.acknowledged else first_step
    assert expected <= step <= expected + learner.unanswered
    seen = learner.last_seen_before_crash
    if seen is not None and seen.step == step:
        assert title == seen.title, f"attempt {learner.attempt}: saw {seen.title!r}, resumed on {title!r}"


# -- SQLite: SIGKILL -----------------------------------------------------------------------------
def _sqlite_rows(path: Path, attempt: int) -> tuple[dict[str, Any], list[tuple[int, str, str | None]]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    db.row_factory = sqlite3.Row
    try:
        db.execute("BEGIN")  # one snapshot for both reads
        row = dict(db.execute('SELECT state, step, last_seq FROM "attempt" WHERE id = ?', [attempt]).fetchone())
        events = [tuple(r) for r in db.execute(
            'SELECT seq, type, choice FROM "event" WHERE attempt_id = ? ORDER BY seq', [attempt])]
        db.execute("COMMIT")
        return row, events  # type: ignore[return-value]
    finally:
        db.close()


def test_a_server_killed_mid_course_loses_no_acknowledged_choice(tmp_path: Path, first_step: int) -> None:
    load.prepare_courses(tmp_path)
    port = load.free_port()
    servers = [load.start_server(tmp_path, None, port=port)]
    learners = [load.Learner(servers[0].url, rng=random.Random(i)) for i in range(LEARNERS)]
    database = tmp_path / "data" / "elearning.sqlite3"

    async def scenario() -> None:
        tasks = [asyncio.create_task(_play(learner, time.monotonic() + 60)) for learner in learners]
        deadline = time.monotonic() + 20
        while sum(len(learner.acknowledged) for learner in learners) < 3 * LEARNERS:
            assert time.monotonic() < deadline, "the learners made too little progress"
            await asyncio.sleep(0.05)
        os.kill(servers[0].proc.pid, signal.SIGKILL)
        await asyncio.gather(*tasks)
        await asyncio.to_thread(servers[0].proc.wait, 10)
        assert [e for learner in learners for e in learner.errors] == []
        for learner in learners:
            learner.last_seen_before_crash = learner.last_seen

        servers.append(await asyncio.to_thread(load.start_server, tmp_path, None, port=port))
        for learner in learners:
            assert learner.attempt is not None
            row, events = _sqlite_rows(database, learner.attempt)
            _check_attempt(learner, row, events, first_step)
            _check_resumed(learner, await _resume(learner), row["step"], first_step)
        # ... and they play on.
        before = [len(learner.acknowledged) for learner in learners]
        await asyncio.gather(*(_play(learner, time.monotonic() + 3) for learner in learners))
        assert [e for learner in learners for e in learner.errors] == []
        assert all(len(learner.acknowledged) > n or learner.finished
                   for learner, n in zip(learners, before, strict=True))
        for learner in learners:
            await learner.close()

    try:
        asyncio.run(scenario())
        db = sqlite3.connect(database)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    finally:
        for server in servers:
            server.stop()


# -- PostgreSQL: restarted under load ------------------------------------------------------------
def _pg_ctl(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, *(
        ["-m", "fast"] if action == "stop" else [])], check=True, capture_output=True, timeout=60)


def _pg_is_up() -> bool:
    try:
        asyncio.run(load._pg_admin("SELECT 1"))
    except (OSError, Exception):  # any failure to connect means: not (yet) up
        return False
    return True


@pytest.fixture
def pg_crash_database() -> Iterator[str]:
    if not Path("/etc/postgresql").is_dir() or not _pg_is_up():
        pytest.skip("needs the local PostgreSQL cluster (pg_ctlcluster) on 127.0.0.1:5432")
    with load.postgres_database() as url:
        try:
            yield url
        finally:
            if not _pg_is_up():  # whatever happened in the test: PostgreSQL is back up at the end
                _pg_ctl("start")


async def _pg_rows(url: str, attempt: int) -> tuple[dict[str, Any], list[tuple[int, str, str | None]]]:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):  # one snapshot
            row = await conn.fetchrow('SELECT state, step, last_seq FROM "attempt" WHERE id = $1', attempt)
            events = await conn.fetch('SELECT seq, type, choice FROM "event" WHERE attempt_id = $1 ORDER BY seq',
                                      attempt)
        return dict(row), [tuple(e) for e in events]  # type: ignore[misc]
    finally:
        await conn.close()


@pytest.mark.postgres
def test_postgresql_restarted_under_load(tmp_path: Path, pg_crash_database: str, first_step: int) -> None:
    load.prepare_courses(tmp_path)
    server = load.start_server(tmp_path, pg_crash_database)
    learners = [load.Learner(server.url, rng=random.Random(i), patient=True) for i in range(LEARNERS)]

    async def scenario() -> None:
        until = time.monotonic() + 40
        tasks = [asyncio.create_task(_play(learner, until)) for learner in learners]
        while sum(len(learner.acknowledged) for learner in learners) < 2 * LEARNERS:
            assert time.monotonic() < until, "the learners made too little progress"
            await asyncio.sleep(0.05)
        await asyncio.to_thread(_pg_ctl, "stop")
        down = time.monotonic()
        while sum(len(learner.unavailable) for learner in learners) < LEARNERS:
            assert time.monotonic() < down + 10, "no 'try again' pages during the outage"
            await asyncio.sleep(0.05)
        await asyncio.to_thread(_pg_ctl, "start")
        up = time.monotonic()
        acked_at_restart = [len(learner.acknowledged) for learner in learners]
        # The app reconnects by itself: every learner gets on with the course.
        while not all(len(learner.acknowledged) >= n + 3 or learner.finished
                      for learner, n in zip(learners, acked_at_restart, strict=True)):
            assert time.monotonic() < up + 20, "the app did not recover after the restart"
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for learner in learners:
            await learner.close()
            # A choice cancelled in flight may or may not have been stored: count it as unanswered.
            learner.unanswered += 1
            assert learner.attempt is not None
            row, events = await _pg_rows(pg_crash_database, learner.attempt)
            _check_attempt(learner, row, events, first_step)

    try:
        asyncio.run(scenario())
        assert [e for learner in learners for e in learner.errors] == []
        pages = [page for learner in learners for page in learner.unavailable]
        for page in pages:
            assert '<html lang="nl">' in page and "Even niet bereikbaar" in page
            assert "Probeer het over een paar seconden opnieuw" in page
            assert "Traceback" not in page and "asyncpg" not in page and "Error" not in page
        log = server.log.read_text(errors="replace")
        # Warnings (ours, asyncpg's pool) while it was down; never an error or a crashed request.
        assert [line for line in log.splitlines() if '"level": "ERROR"' in line or "Unhandled" in line] == []
        assert "The database is not reachable" in log
    finally:
        server.stop()
