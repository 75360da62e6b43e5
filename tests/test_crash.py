"""Crashes lose nothing: a server killed with SIGKILL mid-course, PostgreSQL restarted under load.

Fifty simulated learners (the load bench's learner: a browser's requests, no think time)
play the polarisation course against a real `elearning serve` process. Every choice the
server answered with a 303 must be in the database afterwards, every learner must resume on
the page its last acknowledged choice led to, and no attempt may be inconsistent (state JSON
that parses, steps that match the events, event numbers without gaps). The PostgreSQL test
stops and starts a throwaway cluster of its own, never the machine's server. Both are `slow`.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from glob import glob
from pathlib import Path
from typing import Any

import pytest
from conftest import missing

from elearning import engine
from elearning.authoring import load_course
from elearning.engine.assessment import answer_value
from elearning.engine.state import State
from elearning.testing import Server, free_port, running_server, server_env
from elearning.testing.learners import FINISHED, MAX_STEPS, Learner, TransportError, http_client

COURSE = Path(__file__).resolve().parent.parent / "courses" / "polarisatie"
LEARNERS = 50
ACTIONS = {"choice_made", "location_chosen", "question_answered", "feedback_read", "module_started", "module_retaken",
           "open_answer_submitted"}


@pytest.fixture(scope="module")
def first_step() -> int:
    course, problems = load_course(COURSE)
    assert course is not None, problems
    return engine.start(course)[0].step


# -- playing -----------------------------------------------------------------------------------
async def _play(learner: Any, until: float, *, pause_on_503: float = 0.1) -> None:
    """Play until `until` (monotonic) or the course ends; stops quietly when the server is gone."""
    learner.client = learner.client or http_client(learner.base_url)
    try:
        if learner.attempt is None and not await learner.start():
            return
        for _ in range(MAX_STEPS):
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
                learner.finished = FINISHED in html
                return
            if not await learner.choose(form) and learner.errors:
                return
    except TransportError:
        return  # the server died under this request


async def _resume(learner: Any) -> tuple[int, str]:
    html = await learner.scene()
    assert html is not None, learner.errors
    assert learner.last_seen is not None
    return learner.last_seen.step, learner.last_seen.title


def _matches(values: tuple[str, ...], kind: str, choice: str | None, scene: str | None, state: State) -> bool:
    if values == ("next",):
        return kind == "module_started"
    if values == ("retake",):
        return kind == "module_retaken"
    if values == ("continue",):
        return kind == "feedback_read"
    if values == ("write",):  # an open answer handed in
        return kind == "open_answer_submitted"
    if kind == "question_answered":  # the form posts opaque values per attempt (engine.assessment)
        ids = (choice or "").split(",")
        return set(values) in (set(ids), {answer_value(state, scene or "", a) for a in ids})
    return kind in ("choice_made", "location_chosen") and choice == values[0]


def _check_attempt(learner: Any, row: dict[str, Any], events: list[tuple[int, str, str | None, str | None]],
                   first_step: int) -> None:
    """One learner's attempt against what the server acknowledged to it."""
    state = State.from_json(row["state"])  # parses
    assert state.step == row["step"], f"attempt {learner.attempt}: state and row disagree on the step"
    seqs = [seq for seq, _, _, _ in events]
    assert seqs == list(range(1, row["last_seq"] + 1)), f"attempt {learner.attempt}: event numbers {seqs}"
    actions = [(kind, choice, scene) for _, kind, choice, scene in events if kind in ACTIONS]
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
        kind, choice, scene = actions[index]
        assert _matches(ack.values, kind, choice, scene, state), \
            f"attempt {learner.attempt}: {ack} stored as {kind} {choice}"


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
            'SELECT seq, type, choice, scene FROM "event" WHERE attempt_id = ? ORDER BY seq', [attempt])]
        db.execute("COMMIT")
        return row, events  # type: ignore[return-value]
    finally:
        db.close()


def _prepare_courses(root: Path) -> None:
    shutil.copytree(COURSE, root / "courses" / COURSE.name)


def _serve(stack: ExitStack, root: Path, port: int, database_url: str | None = None) -> Server:
    """`elearning serve --migrate` on `port` until `stack` closes; JSON log lines at INFO."""
    settings = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"} | ({"DATABASE_URL": database_url} if database_url else {})
    return stack.enter_context(running_server(root, "--migrate", port=port, env=server_env(root, port, **settings)))


@pytest.mark.slow
def test_a_server_killed_mid_course_loses_no_acknowledged_choice(tmp_path: Path, first_step: int) -> None:
    _prepare_courses(tmp_path)
    port = free_port()
    stack = ExitStack()
    servers = [_serve(stack, tmp_path, port)]
    learners = [Learner(servers[0].url, rng=random.Random(i)) for i in range(LEARNERS)]
    database = tmp_path / "data" / "elearning.sqlite3"

    async def scenario() -> None:
        tasks = [asyncio.create_task(_play(learner, time.monotonic() + 60)) for learner in learners]
        deadline = time.monotonic() + 40
        # Every learner mid-course (on a busy machine one may not have started yet at 150 choices).
        while (sum(len(learner.acknowledged) for learner in learners) < 3 * LEARNERS
               or not all(learner.acknowledged for learner in learners)):
            assert time.monotonic() < deadline, "the learners made too little progress"
            await asyncio.sleep(0.05)
        os.kill(servers[0].proc.pid, signal.SIGKILL)
        await asyncio.gather(*tasks)
        await asyncio.to_thread(servers[0].proc.wait, 10)
        assert [e for learner in learners for e in learner.errors] == []
        for learner in learners:
            learner.last_seen_before_crash = learner.last_seen

        servers.append(await asyncio.to_thread(_serve, stack, tmp_path, port))
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
        stack.close()


# -- PostgreSQL: restarted under load ------------------------------------------------------------
class ThrowawayCluster:
    """A PostgreSQL cluster of this test's own: initdb into a temporary folder, served on a free
    port of 127.0.0.1, so the test can stop and start it without touching the machine's server on
    5432 (or another run of the suite). As root, PostgreSQL's programs run as the user postgres."""

    def __init__(self) -> None:
        found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
        if not found:
            missing("PostgreSQL's initdb is not installed (Debian's postgresql package)")
        self.bin = Path(found[-1]).parent
        self.as_owner: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="elearning-pg-"))
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_owner, str(self.bin / program), *args], check=True, capture_output=True,
                       timeout=60, cwd=self.folder)

    def create(self) -> None:
        self._run("initdb", "-D", str(self.folder / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log"), "-w",
                  "-t", "30", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder)


@pytest.fixture
def cluster() -> Iterator[ThrowawayCluster]:
    cluster = ThrowawayCluster()
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


async def _pg_rows(url: str, attempt: int) -> tuple[dict[str, Any], list[tuple[int, str, str | None]]]:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):  # one snapshot
            row = await conn.fetchrow('SELECT state, step, last_seq FROM "attempt" WHERE id = $1', attempt)
            events = await conn.fetch('SELECT seq, type, choice, scene FROM "event" WHERE attempt_id = $1 ORDER BY seq',
                                      attempt)
        return dict(row), [tuple(e) for e in events]  # type: ignore[misc]
    finally:
        await conn.close()


@pytest.mark.slow
def test_postgresql_restarted_under_load(tmp_path: Path, cluster: ThrowawayCluster, first_step: int) -> None:
    _prepare_courses(tmp_path)
    stack = ExitStack()
    server = _serve(stack, tmp_path, free_port(), cluster.url)
    learners = [Learner(server.url, rng=random.Random(i), patient=True) for i in range(LEARNERS)]

    async def scenario() -> None:
        until = time.monotonic() + 40
        tasks = [asyncio.create_task(_play(learner, until)) for learner in learners]
        while sum(len(learner.acknowledged) for learner in learners) < 2 * LEARNERS:
            assert time.monotonic() < until, "the learners made too little progress"
            await asyncio.sleep(0.05)
        await asyncio.to_thread(cluster.stop)
        down = time.monotonic()
        while sum(len(learner.unavailable) for learner in learners) < LEARNERS:
            assert time.monotonic() < down + 10, "no 'try again' pages during the outage"
            await asyncio.sleep(0.05)
        await asyncio.to_thread(cluster.start)
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
            row, events = await _pg_rows(cluster.url, learner.attempt)
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
        stack.close()
