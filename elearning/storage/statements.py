# ruff: noqa: S608 - the table: constant table and column names, every value a bound parameter
"""The closed table of SQL statements the executors run, written once for both dialects.

Every statement is built from one column list per table, so a column added to a table is
added in one place. `sql(dialect, name)` gives the text with the dialect's placeholders
(`?` for SQLite, `$1, $2, ...` for PostgreSQL); a name that is not in the table raises
UnknownStatement, never a guess. `decoders(name)` says which result columns SQLite returns
as text or integers where PostgreSQL returns dates, times and booleans.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

ATTEMPT = ("id", "user_id", "guest_key", "course_id", "course_hash", "state", "last_seq", "started_at", "updated_at",
           "finished_at", "module", "scene", "step", "passed", "score", "max_score")
ATTEMPT_HOT = ("id", "user_id", "guest_key", "course_hash", "state", "step", "last_seq")
ATTEMPT_STEP = ("state", "step", "last_seq", "module", "scene", "updated_at", "passed", "score", "max_score")
EVENT = ("attempt_id", "course_hash", "seq", "type", "module", "scene", "choice", "points", "correct", "entry",
         "payload", "created_at")
SNAPSHOT = ("hash", "course_id", "version", "compiled", "created_at")
DOWNLOAD = ("user_id", "status", "course_id", "completed_on", "template", "data", "pdf")
OPEN_ANSWER_SUBMIT = ("attempt_id", "course_id", "scene", "text", "status", "review", "comment", "created_at",
                      "updated_at", "submitted_at")

_DATETIMES = frozenset({"started_at", "updated_at", "finished_at", "created_at", "issued_at", "revoked_at"})
_DATES = frozenset({"completed_on"})
_BOOLEANS = frozenset({"passed", "correct"})


class UnknownStatement(KeyError):
    """A statement name that is not in the table: a mistake in our code, never a fallback."""


def _columns(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in names)


def _marks(count: int, start: int = 1) -> str:
    return ", ".join(f"?{i}" for i in range(start, start + count))


def _attempt_insert() -> str:
    inserted = ATTEMPT[1:]
    return f'INSERT INTO "attempt" ({_columns(inserted)}) VALUES ({_marks(len(inserted))}) RETURNING "id"'


def _attempt_step() -> str:
    sets = ", ".join(f'"{c}" = ?{i}' for i, c in enumerate(ATTEMPT_STEP, 1))
    n = len(ATTEMPT_STEP)
    # A finished attempt keeps the time it first finished; a retake clears it.
    finished = f'"finished_at" = CASE WHEN ?{n + 1} THEN COALESCE("finished_at", ?{n + 2}) ELSE NULL END'
    return f'UPDATE "attempt" SET {sets}, {finished} WHERE "id" = ?{n + 3} AND "step" = ?{n + 4}'


_LATEST = 'ORDER BY "updated_at" DESC, "id" DESC'

# name -> SQL with numbered marks (?1, ?2, ...); constant names only, every value bound.
_TABLE: dict[str, Callable[[], str]] = {
    "attempt.get": lambda: f'SELECT {_columns(ATTEMPT_HOT)} FROM "attempt" WHERE "id" = ?1',
    "attempt.record": lambda: f'SELECT {_columns(ATTEMPT)} FROM "attempt" WHERE "id" = ?1',
    "attempt.latest-user": lambda: (f'SELECT {_columns(ATTEMPT)} FROM "attempt" '
                                    f'WHERE "course_id" = ?1 AND "user_id" = ?2 {_LATEST} LIMIT 1'),
    "attempt.latest-guest": lambda: (f'SELECT {_columns(ATTEMPT)} FROM "attempt" '
                                     f'WHERE "course_id" = ?1 AND "guest_key" = ?2 AND "user_id" IS NULL '
                                     f'{_LATEST} LIMIT 1'),
    "attempt.all-user": lambda: f'SELECT {_columns(ATTEMPT)} FROM "attempt" WHERE "user_id" = ?1 {_LATEST}',
    "attempt.all-guest": lambda: (f'SELECT {_columns(ATTEMPT)} FROM "attempt" '
                                  f'WHERE "guest_key" = ?1 AND "user_id" IS NULL {_LATEST}'),
    "attempt.insert": _attempt_insert,
    "attempt.step": _attempt_step,
    "attempt.adopt": lambda: 'UPDATE "attempt" SET "user_id" = ?1, "guest_key" = NULL '
                             'WHERE "guest_key" = ?2 AND "user_id" IS NULL',
    "attempt.adopt-unpassed": lambda: 'UPDATE "attempt" SET "user_id" = ?1, "guest_key" = NULL '
                                      'WHERE "guest_key" = ?2 AND "user_id" IS NULL '
                                      'AND ("passed" IS NULL OR NOT "passed")',
    "event.insert": lambda: f'INSERT INTO "event" ({_columns(EVENT)}) VALUES ({_marks(len(EVENT))})',
    "event.times": lambda: 'SELECT "created_at" FROM "event" WHERE "attempt_id" = ?1 ORDER BY "seq"',
    "snapshot.exists": lambda: 'SELECT 1 AS "found" FROM "course_snapshot" WHERE "hash" = ?1',
    "snapshot.compiled": lambda: 'SELECT "compiled" FROM "course_snapshot" WHERE "hash" = ?1',
    "snapshot.insert": lambda: f'INSERT INTO "course_snapshot" ({_columns(SNAPSHOT)}) VALUES ({_marks(len(SNAPSHOT))})',
    "certificate.download": lambda: f'SELECT {_columns(DOWNLOAD)} FROM "certificate" WHERE "id" = ?1',
    # An open answer handed in: a draft (or nothing) before it becomes the submitted text.
    "open_answer.submit": lambda: (
        f'INSERT INTO "open_answer" ({_columns(OPEN_ANSWER_SUBMIT)}) VALUES ({_marks(len(OPEN_ANSWER_SUBMIT))}) '
        'ON CONFLICT ("attempt_id", "scene") DO UPDATE SET "text" = "excluded"."text", '
        '"status" = "excluded"."status", "review" = "excluded"."review", "comment" = \'\', '
        '"updated_at" = "excluded"."updated_at", "submitted_at" = "excluded"."submitted_at"'),
}
NAMES = frozenset(_TABLE)


def _build(name: str) -> str:
    try:
        return _TABLE[name]()
    except KeyError:
        raise UnknownStatement(f"Statement {name!r} is not in the table; known: {', '.join(sorted(_TABLE))}.") from None


@cache
def sql(dialect: str, name: str) -> str:
    """The statement `name` for `dialect` ('sqlite' or 'postgres')."""
    text = _build(name)
    if dialect == "postgres":
        return text.replace("?", "$")
    if dialect == "sqlite":
        return text  # SQLite reads ?NNN as the NNN-th value
    raise ValueError(f"Dialect {dialect!r} is not supported; known: sqlite, postgres.")


def _as_datetime(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_bool(value: Any) -> Any:
    return None if value is None else bool(value)


@cache
def decoders(name: str) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """(column, decode) for the result columns SQLite stores as text or integers."""
    text = _build(name)
    select = text.split(" FROM ", 1)[0] if text.startswith("SELECT") else ""
    if "RETURNING" in text:
        select = text.rsplit("RETURNING", 1)[1]
    out = []
    for column in (part.strip().strip('"') for part in select.removeprefix("SELECT").split(",")):
        if column in _DATETIMES:
            out.append((column, _as_datetime))
        elif column in _DATES:
            out.append((column, _as_date))
        elif column in _BOOLEANS:
            out.append((column, _as_bool))
    return tuple(out)
