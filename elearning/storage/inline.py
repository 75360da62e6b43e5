"""The hot path's statements on the embedded database, run on the event loop itself.

A trip to aiosqlite's worker thread costs far more than a point query by primary key
(tens of microseconds): two thread switches per statement, and on a busy machine a wait
for a CPU at each. So for SQLite, the scene page's read and a choice's guarded write use
a second, synchronous connection to the same file, on the loop's thread, with the same
pragmas as Tortoise's connection.

It never waits for a lock while holding the loop: busy_timeout is 0, and when the database
is busy (Tortoise's connection or another worker is writing) the statement is retried after
an asyncio sleep, so the other transaction can finish meanwhile. It never checkpoints the
WAL on the loop either: every CHECKPOINT_EVERY commits a passive checkpoint runs on
Tortoise's connection, in aiosqlite's thread. Statements are logged like Tortoise logs
its own (logger `tortoise.db_client`, DEBUG), so query counts see them.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError

T = TypeVar("T")
log = logging.getLogger("tortoise.db_client")
own_log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 500
BUSY_DELAYS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
BUSY_PATIENCE = 5.0  # seconds, as Tortoise's busy_timeout


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


class InlineSQLite:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.db = sqlite3.connect(client.filename, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        synchronous = client.pragmas.get("synchronous", "NORMAL")
        for pragma, value in (("busy_timeout", 0), ("foreign_keys", "ON"), ("synchronous", synchronous),
                              ("wal_autocheckpoint", 0)):
            self.db.execute(f"PRAGMA {pragma}={value}")
        self.commits = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    def close(self) -> None:
        self.db.close()

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

    async def fetch(self, sql: str, values: Sequence[Any]) -> list[dict[str, Any]]:
        def work() -> list[dict[str, Any]]:
            log.debug("%s: %s", sql, values)
            return [dict(row) for row in self.db.execute(sql, values).fetchall()]

        return await self._retrying(work)

    async def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(connection)` inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK when it raises)."""

        def run() -> T:
            self.db.execute("BEGIN IMMEDIATE")  # takes the write lock now, or raises busy at once
            try:
                result = work(self.db)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
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
        try:
            await self.client.execute_script("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # a checkpoint is housekeeping: the next one catches up
            own_log.warning("WAL checkpoint failed", exc_info=True)


_open: weakref.WeakKeyDictionary[Any, InlineSQLite] = weakref.WeakKeyDictionary()


def for_client(client: BaseDBAsyncClient) -> InlineSQLite | None:
    """The inline connection beside Tortoise's SQLite `client`; None for other databases."""
    if client.capabilities.dialect != "sqlite":
        return None
    found = _open.get(client)
    if found is not None:
        return found
    filename = getattr(client, "filename", ":memory:")
    if filename == ":memory:" or getattr(client, "_connection", None) is None:
        return None  # an in-memory database is private to its connection; a closed one is gone
    _close_orphans()
    found = InlineSQLite(client)
    _open[client] = found
    weakref.finalize(client, found.close)
    return found


def _close_orphans() -> None:
    """Close the inline connections of clients Tortoise has closed (apps that shut down)."""
    for client, inline in list(_open.items()):
        if getattr(client, "_connection", None) is None:
            inline.close()
            del _open[client]
