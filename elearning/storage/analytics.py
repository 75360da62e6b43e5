"""Learner analytics as SQL aggregates over the attempt and event tables.

    scope = Scope("mini", course_hash=None, since=..., until=...)
    overview = await analytics.overview(scope)
    report = await analytics.report(course, scope)   # every table at once

Each function runs one or a few GROUP BY queries; only aggregated rows come back to
Python. SQL is written with `?` placeholders (numbered `$n` for asyncpg) and put together
from constant fragments only: every value is a bound parameter. Call inside an active
Tortoise context (a web request, or `with ctx:`).

Each event query is written for one of the partial indexes of migration 0004 (INDEXES), grouping
in its order, so that it reads only that index, never the event rows with their JSON payload.
bench/analytics.py times every query and page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from elearning.analytics import stats
from elearning.analytics.results import (
    Bin,
    ChoiceCount,
    EntryMiss,
    OpenAnswerCount,
    Overview,
    QuestionStats,
    Report,
    SceneReach,
    Scope,
    Spread,
    Version,
)
from elearning.course.model import Course
from elearning.storage.executor import connection

CHOICE_KINDS = {"choice_made": "choice", "location_chosen": "location", "question_answered": "answer"}
OUTCOME_TYPES = frozenset({"question_answered", "module_finished", "notebook_entry_added"})
OPEN_TYPES = frozenset({"open_answer_submitted", "open_answer_resubmitted", "open_answer_reviewed"})
# The partial indexes of migration 0004_analytics_indexes: the event types each holds, and its
# WHERE term, which _events repeats for SQLite (on PostgreSQL it would skew the row estimates).
INDEXES = {
    "event_entered": (frozenset({"scene_entered"}), "type = 'scene_entered'"),
    "event_choice": (frozenset(CHOICE_KINDS), "type IN ('choice_made', 'location_chosen', 'question_answered')"),
    "event_outcome": (OUTCOME_TYPES, "type IN ('module_finished', 'notebook_entry_added', 'question_answered')"),
    # migration 0011_open_answer
    "event_open": (OPEN_TYPES, "type IN ('open_answer_submitted', 'open_answer_resubmitted', 'open_answer_reviewed')"),
}
# First-answer values ride along in MIN(seq * SHIFT + value + OFFSET): exact for any 32-bit
# value and seq, and portable (no ordered aggregates or window functions needed).
SHIFT = 2**32
OFFSET = 2**31
# PostgreSQL runs a query on one core. The question and notebook statistics are sums over
# attempts, so they run as this many queries over ranges of attempt ids, side by side on
# pooled connections, and the sums are added up: on two cores in about half the time.
PARTS = 2


@dataclass(frozen=True)
class _Sql:
    """A piece of SQL with `?` placeholders and the values they stand for, in order."""

    text: str
    params: tuple[Any, ...] = ()

    def __add__(self, other: _Sql) -> _Sql:
        return _Sql(self.text + other.text, self.params + other.params)


def _connection() -> tuple[BaseDBAsyncClient, str]:
    conn = connection()
    return conn, conn.capabilities.dialect


def _numbered(text: str) -> str:
    """`?` -> `$1, $2, ...` (asyncpg). Our SQL has no `?` inside literals."""
    parts = text.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        out.append(f"${i}{part}")
    return "".join(out)


async def _rows(sql: _Sql) -> list[dict[str, Any]]:
    conn, dialect = _connection()
    if dialect != "postgres":
        return await conn.execute_query_dict(sql.text, list(sql.params))
    # asyncpg prepares each statement once per connection, and from the sixth run PostgreSQL
    # may switch to a generic plan that cannot see the values: with a range of attempt ids it
    # expected a few rows and took minutes. Every analytics query is planned for its values.
    async with in_transaction(conn.connection_name) as tx:
        await tx.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        return await tx.execute_query_dict(_numbered(sql.text), list(sql.params))


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _num(value: Any) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


# -- the scope as SQL -----------------------------------------------------------------------
async def _hashes(scope: Scope) -> tuple[str, ...]:
    """The content hashes of the chosen course version(s).

    Fetched first and passed on as values: a subquery on course_snapshot inside the big
    queries made PostgreSQL misjudge row counts and pick nested loops (60 s instead of 0.1 s).
    """
    sql = _Sql("SELECT hash FROM course_snapshot WHERE course_id = ?", (scope.course_id,))
    if scope.course_hash is not None:
        sql += _Sql(" AND hash = ?", (scope.course_hash,))
    return tuple(sorted(r["hash"] for r in await _rows(sql)))


def _in(values: tuple[Any, ...]) -> _Sql:
    return _Sql("(" + ", ".join("?" for _ in values) + ")", values)


def _period(scope: Scope, column: str) -> _Sql:
    sql = _Sql("")
    if scope.since is not None:
        sql += _Sql(f" AND {column} >= ?", (scope.since,))
    if scope.until is not None:
        sql += _Sql(f" AND {column} < ?", (scope.until,))
    return sql


def _attempts_where(scope: Scope, hashes: tuple[str, ...]) -> _Sql:
    """WHERE clause for `attempt a`: the cohort."""
    return _Sql(" WHERE a.course_hash IN ") + _in(hashes) + _period(scope, "a.started_at")


def _events(scope: Scope, hashes: tuple[str, ...], dialect: str, index: str, *types: str,
            ids: range | None = None) -> _Sql:
    """FROM and WHERE for `event e` of the given types, read through `index`, restricted to the
    cohort's attempts (and to attempt ids in `ids`). Group in the index's order: the queries
    stream without sorting.

    The types are written into the SQL as literals (they are our constants, checked here),
    so that PostgreSQL can use the partial indexes on event.type even with a generic plan.
    SQLite is told the index: its own estimate prefers the model's index on (course_hash,
    type, scene), which lacks attempt_id, or looking up the cohort's events attempt by
    attempt (fine while the database fits in memory, seconds on 100,000 attempts). It uses
    a partial index only when the query repeats the index's WHERE term word for word.
    """
    held, term = INDEXES[index]
    unknown = [t for t in types if t not in held]
    if unknown:
        raise ValueError(f"Index {index!r} does not hold event type {unknown[0]!r}; it holds {sorted(held)}.")
    period = scope.since is not None or scope.until is not None
    literals = ", ".join(f"'{t}'" for t in types)
    which = f"= {literals}" if len(types) == 1 else f"IN ({literals})"
    if dialect == "postgres":
        sql = _Sql(f" FROM event e WHERE e.type {which}")
    else:
        sql = _Sql(f" FROM event e INDEXED BY {index} WHERE {term}")
        if set(types) != held:
            # `+`: a filter to SQLite, not a constant column, so that the rows keep the
            # index's order for GROUP BY
            sql += _Sql(f" AND +e.type {which}")
    sql += _Sql(" AND e.course_hash IN ") + _in(hashes)
    if ids is not None:
        sql += _Sql(" AND e.attempt_id >= ? AND e.attempt_id < ?", (ids.start, ids.stop))
    if period:
        sql += _Sql(" AND e.attempt_id IN (SELECT a.id FROM attempt a") + _attempts_where(scope, hashes) + _Sql(")")
    return sql


async def _id_ranges(scope: Scope, hashes: tuple[str, ...], dialect: str) -> list[range | None]:
    """Attempt ids in PARTS ranges of about equal size on PostgreSQL (one query uses one core),
    for the queries that sum over attempts and read the attempt-major index event_outcome;
    on SQLite (one connection) everything at once."""
    if dialect != "postgres":
        return [None]
    row = (await _rows(_Sql("SELECT MIN(a.id) AS lo, MAX(a.id) AS hi FROM attempt a") + _attempts_where(scope, hashes)))[0]
    if row["lo"] is None:
        return [None]
    lo, hi = _int(row["lo"]), _int(row["hi"]) + 1
    step = -(-(hi - lo) // PARTS)
    return [range(start, min(start + step, hi)) for start in range(lo, hi, step)]


def _seconds(dialect: str) -> str:
    if dialect == "postgres":
        return "CAST(EXTRACT(EPOCH FROM a.finished_at - a.started_at) AS DOUBLE PRECISION)"
    # julianday() is a double of days: about 40 µs of noise, so round to milliseconds
    return "ROUND((julianday(a.finished_at) - julianday(a.started_at)) * 86400.0, 3)"


# -- the analytics --------------------------------------------------------------------------
async def versions(course_id: str) -> list[Version]:
    """The stored versions of a course, newest first, with the number of attempts on each."""
    # a count per version (an index-only scan each), not a join with every attempt
    rows = await _rows(_Sql(
        "SELECT s.hash, s.version, s.created_at,"
        " (SELECT COUNT(*) FROM attempt a WHERE a.course_hash = s.hash) AS attempts"
        " FROM course_snapshot s WHERE s.course_id = ? ORDER BY s.created_at DESC, s.hash",
        (course_id,),
    ))
    return [
        Version(r["hash"], r["version"], _datetime(r["created_at"]), _int(r["attempts"])) for r in rows
    ]


def _datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


_COUNTS = (
    "COUNT(*) AS starts, COUNT(x.finished_at) AS completions,"
    " SUM(CASE WHEN x.finished_at IS NOT NULL AND x.passed THEN 1 ELSE 0 END) AS passes"
)


async def _overview(scope: Scope, hashes: tuple[str, ...]) -> Overview:
    if not hashes:
        return Overview(0, 0, 0)
    _, dialect = _connection()
    cohort = (
        _Sql(f"SELECT a.finished_at, a.passed, {_seconds(dialect)} AS d FROM attempt a")  # noqa: S608 - constant fragment
        + _attempts_where(scope, hashes)
    )
    durations = _Sql("SELECT x.d FROM (") + cohort + _Sql(") AS x WHERE x.finished_at IS NOT NULL")
    if dialect == "postgres":
        # counts and quartiles in one pass (the aggregates skip the d of unfinished attempts, NULL)
        row = (await _rows(
            _Sql(f"SELECT {_COUNTS}, MIN(x.d) AS lo, MAX(x.d) AS hi,"  # noqa: S608 - constant fragment
                 " percentile_cont(0.25) WITHIN GROUP (ORDER BY x.d) AS q1,"
                 " percentile_cont(0.5) WITHIN GROUP (ORDER BY x.d) AS q2,"
                 " percentile_cont(0.75) WITHIN GROUP (ORDER BY x.d) AS q3 FROM (") + cohort + _Sql(") AS x")
        ))[0]
        result = Overview(_int(row["starts"]), _int(row["completions"]), _int(row["passes"]))
        if result.completions == 0:
            return result
        spread = Spread(result.completions, _num(row["lo"]), _num(row["q1"]), _num(row["q2"]),
                        _num(row["q3"]), _num(row["hi"]))
    else:
        row = (await _rows(_Sql(f"SELECT {_COUNTS} FROM (") + cohort + _Sql(") AS x")))[0]  # noqa: S608 - constant fragment
        result = Overview(_int(row["starts"]), _int(row["completions"]), _int(row["passes"]))
        if result.completions == 0:
            return result
        spread = await _ranked_spread(durations)
    histogram = await _duration_histogram(durations, dialect, spread)
    return Overview(result.starts, result.completions, result.passes, spread, histogram)


async def _ranked_spread(durations: _Sql) -> Spread:
    """SQLite has no percentile_cont: rank the durations in SQL and fetch only the rows at the
    positions the quartiles interpolate between (at most eight)."""
    lo = [f"(r.n - 1) * {p.numerator} / {p.denominator}" for p in stats.QUARTILES]
    wanted = ", ".join(["0", "r.n - 1"] + lo + [f"MIN({x} + 1, r.n - 1)" for x in lo])
    rows = await _rows(
        _Sql("SELECT r.i, r.n, r.d FROM (SELECT x.d, ROW_NUMBER() OVER (ORDER BY x.d) - 1 AS i,"
             " COUNT(*) OVER () AS n FROM (") + durations
        + _Sql(f") AS x) AS r WHERE r.i IN ({wanted})")
    )
    n = _int(rows[0]["n"])
    values = {_int(r["i"]): _num(r["d"]) for r in rows}
    q1, q2, q3 = (stats.quantile(n, p, values) for p in stats.QUARTILES)
    return Spread(n, values[0], q1, q2, q3, values[n - 1])


async def _duration_histogram(durations: _Sql, dialect: str, spread: Spread) -> tuple[Bin, ...]:
    width = stats.bin_width(spread.count, spread.q1, spread.q3, spread.maximum)
    count = stats.bin_count(width, spread.q3, spread.q3 - spread.q1, spread.maximum)
    floor = "FLOOR(x.d / ?)" if dialect == "postgres" else "CAST(x.d / ? AS INTEGER)"
    rows = await _rows(
        _Sql(f"SELECT CASE WHEN x.d >= ? THEN ? ELSE {floor} END AS b, COUNT(*) AS n FROM (",  # noqa: S608 - constant fragment
             ((count - 1) * width, count - 1, width))
        + durations + _Sql(") AS x GROUP BY 1")
    )
    found = {_int(r["b"]): _int(r["n"]) for r in rows}
    return tuple(
        Bin(i * width, (i + 1) * width if i < count - 1 else None, found.get(i, 0)) for i in range(count)
    )


async def _funnel(scope: Scope, hashes: tuple[str, ...]) -> list[SceneReach]:
    if not hashes:
        return []
    _, dialect = _connection()
    # Grouped by version too: an attempt has one version, so the counts add up, and the groups
    # then follow the order of the index event_entered (course_hash, scene, attempt_id).
    reached = await _rows(
        _Sql("SELECT e.scene, COUNT(DISTINCT e.attempt_id) AS n")
        + _events(scope, hashes, dialect, "event_entered", "scene_entered") + _Sql(" GROUP BY e.course_hash, e.scene")
    )
    stopped = await _rows(
        _Sql("SELECT a.scene, COUNT(*) AS n FROM attempt a") + _attempts_where(scope, hashes)
        + _Sql(" AND a.finished_at IS NULL GROUP BY a.scene")
    )
    entered: dict[str, int] = {}
    for r in reached:
        entered[r["scene"]] = entered.get(r["scene"], 0) + _int(r["n"])
    here = {r["scene"]: _int(r["n"]) for r in stopped}
    scenes = sorted(set(entered) | set(here))
    return [SceneReach(scene, entered.get(scene, 0), here.get(scene, 0)) for scene in scenes]


async def _choice_distribution(scope: Scope, hashes: tuple[str, ...]) -> list[ChoiceCount]:
    if not hashes:
        return []
    _, dialect = _connection()
    # in the order of the index event_choice (course_hash, scene, type, choice); versions add up
    rows = await _rows(
        _Sql("SELECT e.scene, e.type, e.choice, COUNT(*) AS times")
        + _events(scope, hashes, dialect, "event_choice", *CHOICE_KINDS)
        + _Sql(" GROUP BY e.course_hash, e.scene, e.type, e.choice")
    )
    times: dict[tuple[str, str, str], int] = {}
    for r in rows:
        key = (r["scene"], CHOICE_KINDS[r["type"]], r["choice"] or "")
        times[key] = times.get(key, 0) + _int(r["times"])
    return [ChoiceCount(scene, kind, choice, n) for (scene, kind, choice), n in sorted(times.items())]


# Per attempt and question: tries, and whether the first answer was right (ok) and its points.
_FIRST_ANSWER = (
    "CAST(COUNT(*) AS INTEGER) AS tries,"
    " MIN(e.seq * 2 + CASE WHEN e.correct THEN 1 ELSE 0 END) - 2 * MIN(e.seq) AS ok,"
    f" CAST(MIN(e.seq * {SHIFT} + COALESCE(e.points, 0) + {OFFSET}) - {SHIFT} * MIN(e.seq) - {OFFSET}"
    " AS INTEGER) AS points"
)


_SUMMED = ("answers", "attempts", "correct", "scored", "sx", "sy", "sxy", "syy")
_SUMS = (
    "SELECT x.scene, MIN(x.module) AS module, SUM(x.tries) AS answers, COUNT(*) AS attempts,"
    " SUM(x.ok) AS correct, SUM(x.done) AS scored, SUM(x.done * x.ok) AS sx, SUM(x.done * x.rest) AS sy,"
    " SUM(x.done * x.ok * x.rest) AS sxy, SUM(x.done * x.rest * x.rest) AS syy"
)


async def _questions(scope: Scope, hashes: tuple[str, ...]) -> list[QuestionStats]:
    """Per attempt and question the tries and the first answer; per attempt and module the
    first-answer total (a window) and whether the module was finished (done); then per question
    the sums the correlation needs, added up over the attempt id ranges."""
    if not hashes:
        return []
    _, dialect = _connection()
    parts = await asyncio.gather(*(
        _rows(_questions_sql(scope, hashes, dialect, ids)) for ids in await _id_ranges(scope, hashes, dialect)
    ))
    totals: dict[str, list[int]] = {}
    modules: dict[str, str] = {}
    for r in (r for rows in parts for r in rows):
        sums = totals.setdefault(r["scene"], [0] * len(_SUMMED))
        for i, key in enumerate(_SUMMED):
            sums[i] += _int(r[key])
        modules[r["scene"]] = min(modules.get(r["scene"], r["module"]), r["module"])
    out = []
    for scene, (answers, attempts, correct, scored, sx, sy, sxy, syy) in sorted(totals.items()):
        out.append(QuestionStats(
            scene=scene, module=modules[scene], answers=answers, attempts=attempts, correct=correct,
            scored=scored, discrimination=stats.item_rest_correlation(scored, sx, sy, sxy, syy),
        ))
    return out


def _questions_sql(scope: Scope, hashes: tuple[str, ...], dialect: str, ids: range | None) -> _Sql:
    """Both read the index event_outcome in its order (version, attempt, module, type, scene)."""
    if dialect == "postgres":
        # first answers (q) merge-joined with the finished modules (d), both read in index order
        return (
            _Sql(f"{_SUMS} FROM (SELECT q.scene, q.module, q.tries, q.ok, CASE WHEN d.attempt_id IS NULL"  # noqa: S608 - constant fragments
                 " THEN 0 ELSE 1 END AS done, CAST(SUM(q.points) OVER w AS INTEGER) - q.points AS rest"
                 f" FROM (SELECT e.course_hash, e.attempt_id, e.module, e.scene, {_FIRST_ANSWER}")
            + _events(scope, hashes, dialect, "event_outcome", "question_answered", ids=ids)
            + _Sql(" GROUP BY e.course_hash, e.attempt_id, e.module, e.type, e.scene) AS q LEFT JOIN"
                   " (SELECT DISTINCT e.course_hash, e.attempt_id, e.module")
            + _events(scope, hashes, dialect, "event_outcome", "module_finished", ids=ids)
            + _Sql(") AS d ON d.course_hash = q.course_hash AND d.attempt_id = q.attempt_id AND d.module = q.module"
                   " WINDOW w AS (PARTITION BY q.course_hash, q.attempt_id, q.module)) AS x GROUP BY x.scene")
        )
    # SQLite would read all of d again for every row of q: an index lookup per row instead
    return (
        _Sql(f"{_SUMS} FROM (SELECT q.scene, q.module, q.tries, q.ok, EXISTS (SELECT 1 FROM event d"  # noqa: S608 - constant fragments
             " WHERE d.course_hash = q.course_hash AND d.attempt_id = q.attempt_id AND d.module = q.module"
             f" AND d.type = 'module_finished' AND d.{INDEXES['event_outcome'][1]}) AS done,"
             " SUM(q.points) OVER w - q.points AS rest"
             f" FROM (SELECT e.course_hash, e.attempt_id, e.module, e.scene, {_FIRST_ANSWER}")
        + _events(scope, hashes, dialect, "event_outcome", "question_answered", ids=ids)
        + _Sql(" GROUP BY e.course_hash, e.attempt_id, e.module, e.type, e.scene) AS q"
               " WINDOW w AS (PARTITION BY q.course_hash, q.attempt_id, q.module)) AS x GROUP BY x.scene")
    )


def entry_modules(course: Course) -> list[tuple[str, str]]:
    """(entry, module) for every module with a choice that adds the entry to the notebook."""
    pairs = {
        (entry, module.id)
        for module in course.modules for scene in module.scenes for choice in scene.choices
        for entry in choice.notebook
    }
    return sorted(pairs)


async def _missed_entries(course: Course, scope: Scope, hashes: tuple[str, ...]) -> list[EntryMiss]:
    """One pass, grouped per attempt: a 0/1 column per module (finished it) and per entry
    (collected it); then per entry the attempts that finished one of its modules, and of those
    the ones that collected it."""
    pairs = entry_modules(course)
    entries = sorted({e for e, _ in pairs})
    if not hashes or not pairs:
        return [EntryMiss(entry, 0, 0) for entry in entries]
    modules = sorted({m for _, m in pairs})
    _, dialect = _connection()
    flags = _Sql(", ".join(
        f"MAX(CASE WHEN e.type = 'module_finished' AND e.module = ? THEN 1 ELSE 0 END) AS m{i}"
        for i in range(len(modules))
    ), tuple(modules))
    flags += _Sql("".join(
        f", MAX(CASE WHEN e.type = 'notebook_entry_added' AND e.entry = ? THEN 1 ELSE 0 END) AS n{i}"
        for i in range(len(entries))
    ), tuple(entries))
    sums = []
    for i, entry in enumerate(entries):
        finished = " + ".join(f"x.m{modules.index(m)}" for e, m in pairs if e == entry)
        sums.append(f"SUM(CASE WHEN {finished} > 0 THEN 1 ELSE 0 END) AS eligible{i},"
                    f" SUM(CASE WHEN {finished} > 0 THEN x.n{i} ELSE 0 END) AS collected{i}")
    parts = await asyncio.gather(*(
        _rows(
            _Sql(f"SELECT {', '.join(sums)} FROM (SELECT ") + flags  # noqa: S608 - generated column names
            + _events(scope, hashes, dialect, "event_outcome", "module_finished", "notebook_entry_added", ids=ids)
            + _Sql(" GROUP BY e.course_hash, e.attempt_id) AS x")
        )
        for ids in await _id_ranges(scope, hashes, dialect)
    ))
    return [
        EntryMiss(entry, sum(_int(rows[0][f"eligible{i}"]) for rows in parts),
                  sum(_int(rows[0][f"collected{i}"]) for rows in parts))
        for i, entry in enumerate(entries)
    ]


# -- the public functions: each resolves the scope's versions, then runs its aggregates ------
async def overview(scope: Scope) -> Overview:
    """Starts, completions and passes; the spread and histogram of the time from start to completion."""
    return await _overview(scope, await _hashes(scope))


async def funnel(scope: Scope) -> list[SceneReach]:
    """Per scene: the attempts that entered it, and the unfinished attempts that are there now."""
    return await _funnel(scope, await _hashes(scope))


async def choice_distribution(scope: Scope) -> list[ChoiceCount]:
    """Per scene and choice (hub locations and question answers too): how often it was taken."""
    return await _choice_distribution(scope, await _hashes(scope))


async def questions(scope: Scope) -> list[QuestionStats]:
    """Per question scene: answers, first-answer share correct, and item discrimination
    (the corrected point-biserial; see QuestionStats)."""
    return await _questions(scope, await _hashes(scope))


async def missed_entries(course: Course, scope: Scope) -> list[EntryMiss]:
    """Per notebook entry: attempts that finished a module where it can be collected, and how
    many of them collected it. Which modules hold an entry comes from `course`."""
    return await _missed_entries(course, scope, await _hashes(scope))


async def _open_answers(scope: Scope, hashes: tuple[str, ...]) -> list[OpenAnswerCount]:
    """Per open scene, the answers handed in and reviewed (from the events, through the index event_open)."""
    if not hashes:
        return []
    _, dialect = _connection()
    sql = (_Sql("SELECT e.scene, e.type, e.choice, COUNT(*) AS n")
           + _events(scope, hashes, dialect, "event_open", *sorted(OPEN_TYPES))
           + _Sql(" GROUP BY e.course_hash, e.scene, e.type, e.choice"))
    counts: dict[str, dict[str, int]] = {}
    for r in await _rows(sql):
        field = {"open_answer_submitted": "handed_in", "open_answer_resubmitted": "resubmitted"}.get(r["type"])
        if field is None:
            field = "approved" if r["choice"] == "approved" else "returned"
        scene = counts.setdefault(r["scene"] or "", {})
        scene[field] = scene.get(field, 0) + _int(r["n"])
    return [OpenAnswerCount(scene, **n) for scene, n in sorted(counts.items())]


async def open_answers(scope: Scope) -> list[OpenAnswerCount]:
    return await _open_answers(scope, await _hashes(scope))


async def report(course: Course, scope: Scope) -> Report:
    """Every analytics table for one scope (the queries run one after another)."""
    hashes = await _hashes(scope)
    return Report(
        scope=scope,
        overview=await _overview(scope, hashes),
        funnel=tuple(await _funnel(scope, hashes)),
        choices=tuple(await _choice_distribution(scope, hashes)),
        questions=tuple(await _questions(scope, hashes)),
        entries=tuple(await _missed_entries(course, scope, hashes)),
        open_answers=tuple(await _open_answers(scope, hashes)),
    )
