"""The executor for a SQLite file: statements run on the event loop itself.

A trip to aiosqlite's worker thread costs far more than a point query by primary key
(tens of microseconds): two thread switches per statement, and on a busy machine a wait
for a CPU at each. So for a SQLite file every statement of the table runs on a second,
synchronous connection to the same file, on the loop's thread, with the same pragmas as
Tortoise's connection.

It never waits for a lock while holding the loop: busy_timeout is 0, and when the database
is busy (Tortoise's connection or another worker is writing) the statement is retried after
an asyncio sleep, so the other transaction can finish meanwhile. A write's `work` runs
between BEGIN IMMEDIATE and COMMIT without giving up the loop: its awaits are on this
connection, which answers at once, and a `work` that awaits anything else is refused. It
never checkpoints the WAL on the loop either: every CHECKPOINT_EVERY commits a passive
checkpoint runs on Tortoise's connection, in aiosqlite's thread. Statements are logged like
Tortoise logs its own (logger `tortoise.db_client`, DEBUG), so query counts see them.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError

from elearning.storage.executor import Transaction, decode
from elearning.storage.statements import sql

T = TypeVar("T")
log = logging.getLogger("tortoise.db_client")
own_log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 500
BUSY_DELAYS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
BUSY_PATIENCE = 5.0  # seconds, as Tortoise's busy_timeout

# As Tortoise's SQLite client stores them, so both connections read what the other wrote.
sqlite3.register_adapter(datetime, lambda value: value.isoformat(" "))
sqlite3.register_adapter(date, lambda value: value.isoformat())


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _run_now(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end, here and now."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("A write on the inline SQLite executor awaited something other than its transaction: "
                       "it would hold the write lock while other requests run on this connection.")


class _InlineTransaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    async def fetch(self, name: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        statement = sql("sqlite", name)
        log.debug("%s: %s", statement, params)
        return decode("sqlite", name, [dict(row) for row in self.db.execute(statement, params).fetchall()])

    async def execute(self, name: str, params: Sequence[Any]) -> int:
        statement = sql("sqlite", name)
        log.debug("%s: %s", statement, params)
        return self.db.execute(statement, params).rowcount

    async def execute_many(self, name: str, rows: Sequence[Sequence[Any]]) -> None:
        statement = sql("sqlite", name)
        log.debug("%s: %s", statement, rows)
        self.db.executemany(statement, rows)


class InlineSQLite:
    """The executor of a SQLite file (see the module's text)."""

    dialect = "sqlite"

    def __init__(self, ctx: TortoiseContext, connection_name: str, filename: str, synchronous: str) -> None:
        self._ctx = weakref.ref(ctx)
        self.connection_name = connection_name
        self.filename, self.synchronous = filename, synchronous
        self._db: sqlite3.Connection | None = None
        self.commits = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    def _connection(self) -> sqlite3.Connection:
        """Opened at first use: connecting must not create a file that `migrate` is asked about."""
        if self._db is None:
            db = sqlite3.connect(self.filename, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            for pragma, value in (("busy_timeout", 0), ("foreign_keys", "ON"), ("synchronous", self.synchronous),
                                  ("wal_autocheckpoint", 0)):
                db.execute(f"PRAGMA {pragma}={value}")
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    async def _retrying(self, work: Callable[[], T]) -> T:
        waited = 0.0
        attempt = 0
        while True:
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or waited >= BUSY_PATIENCE:
                    raise OperationalError(exc) from exc
            except sqlite3.IntegrityError as exc:
                raise IntegrityError(exc) from exc
            delay = BUSY_DELAYS[min(attempt, len(BUSY_DELAYS) - 1)]
            attempt += 1
            waited += delay
            await asyncio.sleep(delay)

    async def fetch(self, name: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        tx = _InlineTransaction(self._connection())
        return await self._retrying(lambda: _run_now(tx.fetch(name, params)))

    async def execute_write(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        db = self._connection()

        def run() -> T:
            db.execute("BEGIN IMMEDIATE")  # takes the write lock now, or raises busy at once
            try:
                result: T = _run_now(work(_InlineTransaction(db)))  # type: ignore[arg-type]
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result

        result = await self._retrying(run)
        self.commits += 1
        if self.commits % CHECKPOINT_EVERY == 0:
            self._checkpoint()
        return result

    def _checkpoint(self) -> None:
        task = asyncio.get_running_loop().create_task(self._passive_checkpoint())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _passive_checkpoint(self) -> None:
        ctx = self._ctx()
        if ctx is None:
            return
        try:
            await ctx.db(self.connection_name).execute_script("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # a checkpoint is housekeeping: the next one catches up
            own_log.warning("WAL checkpoint failed", exc_info=True)
