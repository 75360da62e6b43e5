"""The one executor per database (storage/executor.py, storage/inline.py) and its statement table."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from elearning import engine
from elearning.course.model import Course
from elearning.storage import attempts as store
from elearning.storage import db, executor, statements
from elearning.storage.attempts import Owner
from elearning.storage.executor import Transaction
from elearning.storage.inline import InlineSQLite

STORAGE = Path(__file__).resolve().parent.parent / "elearning" / "storage"


def test_an_unknown_statement_fails_loudly() -> None:
    with pytest.raises(statements.UnknownStatement, match="'attempt.udpate' is not in the table"):
        statements.sql("sqlite", "attempt.udpate")
    with pytest.raises(KeyError):
        statements.sql("postgres", "no-such-statement")
    with pytest.raises(ValueError, match="Dialect 'mysql' is not supported"):
        statements.sql("mysql", "attempt.get")


def test_every_statement_has_numbered_marks_for_both_dialects() -> None:
    for name in statements.NAMES:
        lite, pg = statements.sql("sqlite", name), statements.sql("postgres", name)
        assert "?" not in pg and "$" not in lite
        assert re.findall(r"\?(\d+)", lite) == re.findall(r"\$(\d+)", pg)


async def test_the_executor_is_chosen_when_connecting(orm, database_url: str) -> None:
    chosen = executor.of(orm)
    if database_url.startswith("sqlite://"):
        assert isinstance(chosen, InlineSQLite) and chosen.dialect == "sqlite"
    else:
        assert isinstance(chosen, executor.TortoiseExecutor) and chosen.dialect == "postgres"
    with orm:
        assert executor.current() is chosen
    memory = await db.connect("sqlite://:memory:")
    try:
        assert isinstance(executor.of(memory), executor.TortoiseExecutor)
    finally:
        await memory.close_connections()


async def test_an_unknown_statement_fails_on_every_backend(orm) -> None:
    with orm:
        with pytest.raises(statements.UnknownStatement):
            await executor.current().fetch("attempt.nope", [1])

        async def write(tx: Transaction) -> None:
            await tx.execute("attempt.nope", [1])

        with pytest.raises(statements.UnknownStatement):
            await executor.current().execute_write(write)


async def _started(course: Course, owner: Owner) -> store.AttemptRecord:
    await store.store_snapshot(course)
    state, events = engine.start(course)
    return await store.create_attempt(course, owner, state, events)


async def test_both_backends_give_the_same_python_values(orm, web_course: Course, passing_path) -> None:
    with orm:
        created = await _started(web_course, Owner(guest_key="types"))
        latest = await store.latest_attempt(Owner(guest_key="types"), web_course.id)
        assert latest == created
        assert isinstance(latest.started_at, datetime) and latest.started_at.tzinfo is not None
        record = await store.get_record(created.id)
        assert record == created and record.passed is None
        times = await store.event_times(created.id)
        assert len(times) == 2 and all(isinstance(t, datetime) and t.tzinfo is not None for t in times)


async def test_a_failing_write_leaves_nothing(orm, web_course: Course) -> None:
    with orm:
        created = await _started(web_course, Owner(guest_key="rollback"))

        async def write(tx: Transaction) -> None:
            await tx.execute("attempt.adopt", [None, "rollback"])  # would move it to nobody
            assert await store.get_attempt(created.id) is not None
            raise RuntimeError("half way")

        with pytest.raises(RuntimeError, match="half way"):
            await executor.current().execute_write(write)
        assert await store.latest_attempt(Owner(guest_key="rollback"), web_course.id) == created


@pytest.fixture
async def sqlite_orm(tmp_path: Path, sqlite_template: Path) -> Any:
    """A connected context on a SQLite file (the inline executor), whatever `database_url` is."""
    path = tmp_path / "inline.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    ctx = await db.connect(f"sqlite://{path}")
    yield ctx
    await ctx.close_connections()


async def test_the_inline_executor_refuses_a_write_that_waits_for_something_else(sqlite_orm,
                                                                                   web_course: Course) -> None:
    with sqlite_orm:
        created = await _started(web_course, Owner(guest_key="waits"))

        async def write(tx: Transaction) -> None:
            await tx.execute("attempt.adopt", [None, "waits"])
            await asyncio.sleep(0)  # another request would now run on the connection mid-transaction

        with pytest.raises(RuntimeError, match="awaited something other than its transaction"):
            await executor.current().execute_write(write)
        assert await store.latest_attempt(Owner(guest_key="waits"), web_course.id) == created


async def test_inline_and_tortoise_read_each_others_rows(sqlite_orm, web_course: Course) -> None:
    """The inline connection and Tortoise's write and read the same text for dates and times."""
    with sqlite_orm:
        inline = executor.of(sqlite_orm)
        assert isinstance(inline, InlineSQLite)
        created = await _started(web_course, Owner(guest_key="both"))
        through_tortoise = executor.TortoiseExecutor(sqlite_orm, inline.connection_name, "sqlite")
        [row] = await through_tortoise.fetch("attempt.record", [created.id])
        assert store.AttemptRecord(**row) == created


def test_the_package_uses_no_private_tortoise_api() -> None:
    private = re.compile(r"\b_meta\b|\b_current_context|\b_global_context|\._in_transaction\(|getattr\([^,]+, \"_")
    package = STORAGE.parent
    found = [f"{path.relative_to(package)}:{n}: {line.strip()}"
             for path in sorted(package.rglob("*.py")) if "migrations" not in path.parts
             for n, line in enumerate(path.read_text().splitlines(), 1) if private.search(line)]
    assert found == []
