"""Learner analytics as SQL aggregates over the attempt and event tables.

    scope = Scope("mini", course_hash=None, since=..., until=...)
    overview = await analytics.overview(scope)
    report = await analytics.report(course, scope)   # every table at once

Each function runs one or a few GROUP BY queries; only aggregated rows come back to
Python. SQL is written with `?` placeholders (numbered `$n` for asyncpg) and put together
from constant fragments only: every value is a bound parameter. Call inside an active
Tortoise context (a web request, or `with ctx:`).

The queries run on the schema as it is, and are shaped for the two event indexes in
PROPOSED_INDEXES (grouping in index order, partial-index predicates spelled out): with them
the funnel, choice, question and notebook queries read only an index, never the event rows
with their JSON payload. bench/analytics.py measures both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from elearning.analytics import stats
from elearning.analytics.results import (
    Bin,
    ChoiceCount,
    EntryMiss,
    Overview,
    QuestionStats,
    Report,
    SceneReach,
    Scope,
    Spread,
    Version,
)
from elearning.course.model import Course
from elearning.storage.models import Event

CHOICE_KINDS = {"choice_made": "choice", "location_chosen": "location", "question_answered": "answer"}
EVENT_TYPES = frozenset({
    "course_started", "scene_entered", "location_chosen", "choice_made", "notebook_entry_added",
    "question_answered", "module_started", "module_finished", "module_retaken", "course_finished",
})
OUTCOME_TYPES = frozenset({"question_answered", "module_finished", "notebook_entry_added"})
OUTCOME_PREDICATE = "type IN ('question_answered', 'module_finished', 'notebook_entry_added')"
# Indexes these queries are written for; not in the schema yet (a migration should add them;
# bench/analytics.py creates them to measure). Partial indexes work on PostgreSQL and SQLite.
PROPOSED_INDEXES = (
    # funnel and choice counts (distinct attempts per scene; choices per scene): replaces the
    # index on (course_hash, type, scene), of which it is an extension
    "CREATE INDEX IF NOT EXISTS event_flow ON event (course_hash, type, scene, choice, attempt_id)",
    # questions and notebook entries: every column those queries read, in the order they group
    "CREATE INDEX IF NOT EXISTS event_outcome ON event"
    " (course_hash, attempt_id, type, scene, seq, module, points, correct, entry)"
    f" WHERE {OUTCOME_PREDICATE}",
)
# First-answer values ride along in MIN(seq * SHIFT + value + OFFSET): exact for any 32-bit
# value and seq, and portable (no ordered aggregates or window functions needed).
SHIFT = 2**32
OFFSET = 2**31


@dataclass(frozen=True)
class _Sql:
    """A piece of SQL with `?` placeholders and the values they stand for, in order."""

    text: str
    params: tuple[Any, ...] = ()

    def __add__(self, other: _Sql) -> _Sql:
        return _Sql(self.text + other.text, self.params + other.params)


def _connection() -> tuple[BaseDBAsyncClient, str]:
    conn = Event._meta.db
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
    text = _numbered(sql.text) if dialect == "postgres" else sql.text
    return await conn.execute_query_dict(text, list(sql.params))


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


def _events_where(scope: Scope, hashes: tuple[str, ...], *types: str) -> _Sql:
    """WHERE clause for `event e` of the given types, restricted to the cohort's attempts.

    The types are written into the SQL as literals (they are our constants, checked here),
    so that PostgreSQL can use partial indexes on event.type even with a generic plan.
    """
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"Unknown event type {unknown[0]!r}; expected one of {sorted(EVENT_TYPES)}.")
    literals = ", ".join(f"'{t}'" for t in types)
    sql = _Sql(f" WHERE e.type = {literals}" if len(types) == 1 else f" WHERE e.type IN ({literals})")
    if set(types) <= OUTCOME_TYPES:
        # Repeats the predicate of the partial index event_outcome word for word: SQLite uses
        # a partial index only when the query contains its WHERE term literally.
        sql += _Sql(f" AND {OUTCOME_PREDICATE}")
    sql += _Sql(" AND e.course_hash IN ") + _in(hashes)
    if scope.since is not None or scope.until is not None:
        sql += _Sql(" AND e.attempt_id IN (SELECT a.id FROM attempt a") + _attempts_where(scope, hashes) + _Sql(")")
    return sql


def _seconds(dialect: str) -> str:
    if dialect == "postgres":
        return "CAST(EXTRACT(EPOCH FROM a.finished_at - a.started_at) AS DOUBLE PRECISION)"
    # julianday() is a double of days: about 40 µs of noise, so round to milliseconds
    return "ROUND((julianday(a.finished_at) - julianday(a.started_at)) * 86400.0, 3)"


# -- the analytics --------------------------------------------------------------------------
async def versions(course_id: str) -> list[Version]:
    """The stored versions of a course, newest first, with the number of attempts on each."""
    rows = await _rows(_Sql(
        "SELECT s.hash, s.version, s.created_at, COUNT(a.id) AS attempts FROM course_snapshot s"
        " LEFT JOIN attempt a ON a.course_hash = s.hash WHERE s.course_id = ?"
        " GROUP BY s.hash, s.version, s.created_at ORDER BY s.created_at DESC, s.hash",
        (course_id,),
    ))
    return [
        Version(r["hash"], r["version"], _datetime(r["created_at"]), _int(r["attempts"])) for r in rows
    ]


def _datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


async def _overview(scope: Scope, hashes: tuple[str, ...]) -> Overview:
    if not hashes:
        return Overview(0, 0, 0)
    _, dialect = _connection()
    counts = (await _rows(
        _Sql("SELECT COUNT(*) AS starts, COUNT(a.finished_at) AS completions,"
             " SUM(CASE WHEN a.finished_at IS NOT NULL AND a.passed THEN 1 ELSE 0 END) AS passes"
             " FROM attempt a") + _attempts_where(scope, hashes)
    ))[0]
    result = Overview(_int(counts["starts"]), _int(counts["completions"]), _int(counts["passes"]))
    if result.completions == 0:
        return result
    durations = (
        _Sql(f"SELECT {_seconds(dialect)} AS d FROM attempt a")  # noqa: S608 - constant fragment
        + _attempts_where(scope, hashes) + _Sql(" AND a.finished_at IS NOT NULL")
    )
    spread = await _duration_spread(durations, dialect)
    histogram = await _duration_histogram(durations, dialect, spread)
    return Overview(result.starts, result.completions, result.passes, spread, histogram)


async def _duration_spread(durations: _Sql, dialect: str) -> Spread:
    if dialect == "postgres":
        row = (await _rows(
            _Sql("SELECT COUNT(*) AS n, MIN(d) AS lo, MAX(d) AS hi,"
                 " percentile_cont(0.25) WITHIN GROUP (ORDER BY d) AS q1,"
                 " percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS q2,"
                 " percentile_cont(0.75) WITHIN GROUP (ORDER BY d) AS q3 FROM (")
            + durations + _Sql(") AS x")
        ))[0]
        return Spread(_int(row["n"]), _num(row["lo"]), _num(row["q1"]), _num(row["q2"]),
                      _num(row["q3"]), _num(row["hi"]))
    # SQLite has no percentile_cont: rank the durations in SQL and fetch only the rows
    # at the positions the quartiles interpolate between (at most eight).
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
    # Grouped by version too: an attempt has one version, so the counts add up, and the
    # groups then follow the order of an index on (course_hash, type, scene, attempt_id).
    reached = await _rows(
        _Sql("SELECT e.scene, COUNT(DISTINCT e.attempt_id) AS n FROM event e")
        + _events_where(scope, hashes, "scene_entered") + _Sql(" GROUP BY e.course_hash, e.scene")
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
    rows = await _rows(
        _Sql("SELECT e.scene, e.type, e.choice, COUNT(*) AS times FROM event e")
        + _events_where(scope, hashes, *CHOICE_KINDS) + _Sql(" GROUP BY e.scene, e.type, e.choice")
    )
    out = [ChoiceCount(r["scene"], CHOICE_KINDS[r["type"]], r["choice"] or "", _int(r["times"])) for r in rows]
    return sorted(out, key=lambda c: (c.scene, c.kind, c.choice))


_FIRST_ANSWER = (
    "COUNT(*) AS tries, MIN(e.seq * 2 + CASE WHEN e.correct THEN 1 ELSE 0 END) - 2 * MIN(e.seq) AS ok,"
    f" MIN(e.seq * {SHIFT} + COALESCE(e.points, 0) + {OFFSET}) - {SHIFT} * MIN(e.seq) - {OFFSET} AS points"
)
_SUMS = (
    "SELECT x.scene, MIN(x.module) AS module, SUM(x.tries) AS answers, COUNT(*) AS attempts,"
    " SUM(x.ok) AS correct, SUM(x.done) AS scored, SUM(x.done * x.ok) AS sx,"
    " SUM(x.done * (x.total - x.points)) AS sy, SUM(x.done * x.ok * (x.total - x.points)) AS sxy,"
    " SUM(x.done * (x.total - x.points) * (x.total - x.points)) AS syy"
)


async def _questions(scope: Scope, hashes: tuple[str, ...]) -> list[QuestionStats]:
    """Per attempt and question: tries and the first answer; per attempt and module: the
    first-answer total and whether the module was finished (done); then per question the sums
    the correlation needs. Grouped by version and attempt first, so that the rows stream in
    the order of an index on (course_hash, attempt_id, type, scene, ...)."""
    if not hashes:
        return []
    _, dialect = _connection()
    if dialect == "postgres":
        # first answers (q) merge-joined with the finished modules (d): no sort spills
        sql = (
            _Sql(f"WITH q AS (SELECT e.course_hash, e.attempt_id, e.scene, MIN(e.module) AS module, {_FIRST_ANSWER}"  # noqa: S608 - constant fragments
                 " FROM event e") + _events_where(scope, hashes, "question_answered")
            + _Sql(" GROUP BY e.course_hash, e.attempt_id, e.scene),"
                   " d AS (SELECT e.course_hash, e.attempt_id, e.module FROM event e")
            + _events_where(scope, hashes, "module_finished")
            + _Sql(f" GROUP BY e.course_hash, e.attempt_id, e.module) {_SUMS}"  # noqa: S608 - constant fragments
                   " FROM (SELECT q.*, SUM(q.points) OVER (PARTITION BY q.course_hash, q.attempt_id, q.module)"
                   " AS total, CASE WHEN d.attempt_id IS NULL THEN 0 ELSE 1 END AS done FROM q"
                   " LEFT JOIN d ON d.course_hash = q.course_hash AND d.attempt_id = q.attempt_id"
                   " AND d.module = q.module) AS x GROUP BY x.scene ORDER BY x.scene")
        )
    else:
        # SQLite does not index the join above (it loops over d for every row): one pass over
        # both event types instead, with window functions for the total and `done`.
        sql = (
            _Sql(f"{_SUMS} FROM (SELECT l.*, SUM(l.points * (1 - l.fin)) OVER w AS total,"  # noqa: S608 - constant fragments
                 " MAX(l.fin) OVER w AS done FROM (SELECT e.course_hash, e.attempt_id, e.module, e.scene,"
                 f" MAX(CASE WHEN e.type = 'module_finished' THEN 1 ELSE 0 END) AS fin, {_FIRST_ANSWER}"
                 " FROM event e") + _events_where(scope, hashes, "question_answered", "module_finished")
            + _Sql(" GROUP BY e.course_hash, e.attempt_id, e.type, e.scene, e.module) AS l"
                   " WINDOW w AS (PARTITION BY l.course_hash, l.attempt_id, l.module)) AS x"
                   " WHERE x.fin = 0 GROUP BY x.scene ORDER BY x.scene")
        )
    return [
        QuestionStats(
            scene=r["scene"], module=r["module"], answers=_int(r["answers"]), attempts=_int(r["attempts"]),
            correct=_int(r["correct"]), scored=_int(r["scored"]),
            discrimination=stats.item_rest_correlation(
                _int(r["scored"]), _int(r["sx"]), _int(r["sy"]), _int(r["sxy"]), _int(r["syy"])
            ),
        )
        for r in await _rows(sql)
    ]


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
    row = (await _rows(
        _Sql(f"SELECT {', '.join(sums)} FROM (SELECT ") + flags + _Sql(" FROM event e")  # noqa: S608 - generated column names
        + _events_where(scope, hashes, "module_finished", "notebook_entry_added")
        + _Sql(" GROUP BY e.course_hash, e.attempt_id) AS x")
    ))[0]
    return [EntryMiss(entry, _int(row[f"eligible{i}"]), _int(row[f"collected{i}"])) for i, entry in enumerate(entries)]


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
    )
