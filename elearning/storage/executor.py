"""One way to run the statement table, chosen once when the database connects.

    rows = await current().fetch("attempt.get", [attempt_id])

    async def write(tx: Transaction) -> int:
        [row] = await tx.fetch("attempt.insert", values)
        await tx.execute_many("event.insert", events)
        return int(row["id"])

    attempt_id = await current().execute_write(write)

`db.connect` attaches an executor to the Tortoise context it opens: the inline one of
storage/inline.py for a SQLite file (the statements run on the event loop itself), else
TortoiseExecutor over Tortoise's connection (PostgreSQL, and an in-memory SQLite database,
which is private to Tortoise's connection). Callers never branch on the backend: every
operation has one path, and the two executors return the same Python values.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import ConnectionHandler
from tortoise.context import TortoiseContext, get_current_context
from tortoise.transactions import in_transaction

from elearning.storage.statements import decoders, sql

T = TypeVar("T")


class Transaction(Protocol):
    async def fetch(self, name: str, params: Sequence[Any]) -> list[dict[str, Any]]: ...

    async def execute(self, name: str, params: Sequence[Any]) -> int:
        """Runs a statement; the number of rows it changed."""

    async def execute_many(self, name: str, rows: Sequence[Sequence[Any]]) -> None: ...


class Executor(Protocol):
    dialect: str
    connection_name: str

    async def fetch(self, name: str, params: Sequence[Any]) -> list[dict[str, Any]]: ...

    async def execute_write(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """`work(tx)` in one transaction: committed when it returns, rolled back when it raises."""

    def close(self) -> None: ...


def decode(dialect: str, name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """SQLite's text and integers as the dates, times and booleans PostgreSQL returns."""
    if dialect != "sqlite":
        return rows
    for column, convert in decoders(name):
        for row in rows:
            row[column] = convert(row[column])
    return rows


class _TortoiseTransaction:
    def __init__(self, conn: BaseDBAsyncClient, dialect: str) -> None:
        self.conn, self.dialect = conn, dialect

    async def fetch(self, name: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        rows = await self.conn.execute_query_dict(sql(self.dialect, name), list(params))
        return decode(self.dialect, name, [dict(row) for row in rows])

    async def execute(self, name: str, params: Sequence[Any]) -> int:
        changed, _ = await self.conn.execute_query(sql(self.dialect, name), list(params))
        return int(changed)

    async def execute_many(self, name: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.conn.execute_many(sql(self.dialect, name), [list(row) for row in rows])


class TortoiseExecutor:
    """Statements on Tortoise's connection `connection_name` (its pool, its thread for SQLite)."""

    def __init__(self, ctx: TortoiseContext, connection_name: str, dialect: str) -> None:
        self._ctx = weakref.ref(ctx)
        self.connection_name, self.dialect = connection_name, dialect

    def _connection(self) -> BaseDBAsyncClient:
        ctx = self._ctx()
        if ctx is None:
            raise RuntimeError("The database this executor belonged to is closed.")
        return ctx.db(self.connection_name)

    async def fetch(self, name: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        return await _TortoiseTransaction(self._connection(), self.dialect).fetch(name, params)

    async def execute_write(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        async with in_transaction(self.connection_name) as conn:
            return await work(_TortoiseTransaction(conn, self.dialect))

    def close(self) -> None:
        """Tortoise closes its own connections (TortoiseContext.close_connections)."""


# Keyed by the context's connections, so that a copy of the context (one per request, see
# web/app.py's DatabaseContextMiddleware) finds the executor of the database it shares.
_executors: weakref.WeakKeyDictionary[ConnectionHandler, Executor] = weakref.WeakKeyDictionary()


def attach(ctx: TortoiseContext, executor: Executor) -> None:
    """Make `executor` the one every storage call under `ctx` uses (db.connect does this)."""
    _executors[ctx.connections] = executor
    weakref.finalize(ctx, executor.close)


def of(ctx: TortoiseContext) -> Executor:
    try:
        return _executors[ctx.connections]
    except KeyError:
        raise RuntimeError("This Tortoise context was not opened with storage.db.connect: it has no executor.") from None


def current() -> Executor:
    """The executor of the active database context."""
    ctx = get_current_context()
    if ctx is None:
        raise RuntimeError("No database context is active: open one with storage.db.connect and enter it.")
    return of(ctx)


def connection() -> BaseDBAsyncClient:
    """Tortoise's connection of the active database, for queries composed outside the table (analytics)."""
    ctx = get_current_context()
    if ctx is None:
        raise RuntimeError("No database context is active: open one with storage.db.connect and enter it.")
    return ctx.db(of(ctx).connection_name)
