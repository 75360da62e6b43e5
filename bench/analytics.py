"""Time the studio analytics pages on 100,000 attempts, on SQLite and on PostgreSQL.

    .venv/bin/python bench/analytics.py                      # both databases, the mini course
    .venv/bin/python bench/analytics.py --attempts 20000 --only sqlite
    .venv/bin/python bench/analytics.py --course courses/polarisatie --without-indexes

How the data is made: a few hundred learners play the course with the real engine (random
but plausible: they explore the map, answer questions right with a chance that depends on
their ability, retake a failed test, and some stop along the way); their attempts and events
are written through elearning.storage.attempts into a scratch SQLite database, exactly as the
web player writes them. Those rows are then copied into fresh databases, each attempt a copy
of one of the played paths with its own start time spread over a year and its own gaps between
actions (COPY on PostgreSQL, executemany on SQLite), followed by ANALYZE.

The databases are migrated the way an upgrade does it: up to the migration before
0004_analytics_indexes, then the rows are loaded, then `migrate` applies 0004, which builds the
analytics indexes on the full event table (its duration is printed). Then every analytics query
and every studio analytics page (the queries a page runs, side by side as the page runs them,
plus its charts) is timed a few times per scope and the median printed; with --without-indexes
also before 0004. A calibration query shows how fast the machine was during the run, and the
last lines say whether each PostgreSQL page stayed under the target.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from elearning import engine
from elearning.analytics import Labels, Scope
from elearning.authoring import load_course
from elearning.course.model import Course
from elearning.engine.play import choice_id, view
from elearning.storage import analytics, db
from elearning.storage import attempts as store
from elearning.storage.attempts import Owner
from elearning.storage.models import Attempt, Event
from elearning.web.views import studio_analytics

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
INDEX_MIGRATION = "0004_analytics_indexes"
TARGET_MS = 1000
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
ATTEMPT_COLUMNS = [
    "id", "user_id", "guest_key", "course_id", "course_hash", "state", "step", "last_seq", "module",
    "scene", "started_at", "updated_at", "finished_at", "passed", "score", "max_score",
]
EVENT_COLUMNS = [
    "id", "attempt_id", "course_hash", "seq", "type", "module", "scene", "choice", "points", "correct",
    "entry", "payload", "created_at",
]


# -- playing learners ---------------------------------------------------------------------------
def _learner_step(course: Course, state: engine.State, rng: random.Random, ability: float) -> tuple[str, str] | None:
    """The next action of a plausible learner: ("choose"|"answer", value), or None when done."""
    page = view(course, state)
    scene = page.scene
    if scene.type == "question":
        ids = [a.id for a in page.answers]
        right = [i for i, a in zip(ids, scene.answers, strict=True) if a.correct]
        wrong = [i for i in ids if i not in right]
        if rng.random() < ability or not wrong:
            return "answer", ",".join(right if scene.multiple else right[:1])
        picked = rng.sample(ids, rng.randint(1, len(ids))) if scene.multiple else [rng.choice(wrong)]
        return "answer", ",".join(picked)
    if scene.type == "end":
        result = state.result(state.module)
        ids = {c.id for c in page.choices}
        if "retake" in ids and result is not None and not result.passed and rng.random() < 0.7:
            return "choose", "retake"
        if "next" in ids:
            return "choose", "next"
        return None
    options: list[tuple[str, float]] = []
    for loc in page.locations:
        if loc.available:
            options.append((loc.choice_id, 1.0 if loc.done else 4.0))
    goto = {choice_id(c, i): c.goto for i, c in enumerate(scene.choices)}
    for choice in page.choices:
        if choice.available:
            fresh = choice.id in goto and state.visit_count(goto[choice.id]) == 0
            options.append((choice.id, 4.0 if fresh else 1.0))
    if not options:
        return None
    ids, weights = zip(*options, strict=True)
    return "choose", rng.choices(ids, weights)[0]


async def play_paths(course: Course, paths: int, seed: int, scratch: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Play `paths` learners through the real engine and storage; returns their attempt and event rows."""
    url = f"sqlite://{scratch}"
    ctx = await db.connect(url)
    rng = random.Random(seed)
    try:
        await db.migrate(ctx, url)
        with ctx:
            await store.store_snapshot(course)
            for n in range(paths):
                ability = rng.betavariate(4, 2)
                stop_chance = rng.choice([0.0, 0.0, 0.01, 0.03, 0.06])
                state, events = engine.start(course)
                attempt = await store.create_attempt(course, Owner(guest_key=f"path-{n}"), state, events)
                for _ in range(400):
                    if state.finished or rng.random() < stop_chance:
                        break
                    action = _learner_step(course, state, rng, ability)
                    if action is None:
                        break
                    kind, value = action
                    before = state
                    if kind == "answer":
                        state, events = engine.answer(course, state, value.split(","))
                    else:
                        state, events = engine.choose(course, state, value)
                    await store.record_step(course, attempt, before, state, events)
            attempt_rows = await Attempt.all().order_by("id").values()
            event_rows = await Event.all().order_by("attempt_id", "seq").values()
    finally:
        await ctx.close_connections()
    return attempt_rows, event_rows


# -- copying them into big databases ----------------------------------------------------------------
@dataclass
class Generated:
    attempts: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


def replicate(course: Course, templates: list[dict[str, Any]], template_events: list[dict[str, Any]],
              count: int, seed: int, second_hash: str) -> Generated:
    """`count` attempts, each a copy of a played path with its own times; a fifth on a second version."""
    rng = random.Random(seed)
    by_attempt: dict[int, list[dict[str, Any]]] = {}
    for ev in template_events:
        by_attempt.setdefault(ev["attempt_id"], []).append(ev)
    attempts: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    event_id = 0
    for attempt_id in range(1, count + 1):
        t = templates[rng.randrange(len(templates))]
        course_hash = second_hash if rng.random() < 0.2 else course.content_hash
        started = YEAR_START + timedelta(seconds=rng.uniform(0, 365 * 86400))
        at = started
        last_step_time = t["started_at"]
        for ev in by_attempt[t["id"]]:
            if ev["created_at"] != last_step_time:  # a new learner action: a think-and-read gap
                last_step_time = ev["created_at"]
                gap = rng.lognormvariate(3.5, 0.8)
                if rng.random() < 0.02:
                    gap += rng.uniform(3600, 3 * 86400)  # a break: another day
                at += timedelta(seconds=gap)
            event_id += 1
            events.append((
                event_id, attempt_id, course_hash, ev["seq"], ev["type"], ev["module"], ev["scene"],
                ev["choice"], ev["points"], ev["correct"], ev["entry"], ev["payload"], at,
            ))
        finished = at if t["finished_at"] is not None else None
        attempts.append((
            attempt_id, None, f"bench-{attempt_id}", course.id, course_hash, t["state"], t["step"],
            t["last_seq"], t["module"], t["scene"], started, at, finished, t["passed"], t["score"],
            t["max_score"],
        ))
    return Generated(attempts, events)


async def fill_postgres(url: str, data: Generated) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table("attempt", records=data.attempts, columns=ATTEMPT_COLUMNS)
        await conn.copy_records_to_table("event", records=data.events, columns=EVENT_COLUMNS)
        await conn.execute("SELECT setval(pg_get_serial_sequence('attempt', 'id'), (SELECT MAX(id) FROM attempt))")
        await conn.execute("SELECT setval(pg_get_serial_sequence('event', 'id'), (SELECT MAX(id) FROM event))")
        await conn.execute("VACUUM ANALYZE attempt")
        await conn.execute("VACUUM ANALYZE event")
    finally:
        await conn.close()


def _sqlite_value(value: Any) -> Any:
    return value.isoformat(" ") if isinstance(value, datetime) else value  # as Tortoise stores it


def fill_sqlite(path: Path, data: Generated) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                f"INSERT INTO attempt ({', '.join(ATTEMPT_COLUMNS)}) VALUES ({', '.join('?' * len(ATTEMPT_COLUMNS))})",  # noqa: S608 - constant column names
                ([_sqlite_value(v) for v in row] for row in data.attempts),
            )
            conn.executemany(
                f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",  # noqa: S608 - constant column names
                ([_sqlite_value(v) for v in row] for row in data.events),
            )
        conn.execute("ANALYZE")
    finally:
        conn.close()


async def migrate(url: str, upto: str | None = None) -> list[str]:
    """Apply the migrations, as `elearning migrate` does; with `upto`, only up to that one."""
    ctx = await db.connect(url)
    try:
        if upto is None:
            return await db.migrate(ctx, url)
        with ctx:
            executor = MigrationExecutor(get_connection(db.connection_name(url)), db.tortoise_config(url)["apps"])
            await executor.migrate([MigrationTarget(db.APP, upto)])
        return [upto]
    finally:
        await ctx.close_connections()


def before_indexes() -> str:
    """The migration 0004_analytics_indexes builds on."""
    migration = importlib.import_module(f"{db.MIGRATIONS}.{INDEX_MIGRATION}").Migration
    ((_, name),) = migration.dependencies
    return str(name)


async def calibrate(name: str, url: str) -> float:
    """Milliseconds to count 3 million generated rows: how fast this machine is right now."""
    sql = "SELECT COUNT(*) FROM generate_series(1, 3000000)" if name == "postgres" else (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT COUNT(*) FROM n"
    )
    ctx = await db.connect(url)
    try:
        with ctx:
            conn = Event._meta.db
            return await _median_ms(lambda: conn.execute_query(sql), 3)
    finally:
        await ctx.close_connections()


# -- timing ---------------------------------------------------------------------------------------
async def _median_ms(fn: Callable[[], Awaitable[Any]], runs: int) -> float:
    await fn()  # warm up: prepared statements, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _queries(course: Course, scope: Scope) -> dict[str, Callable[[], Awaitable[Any]]]:
    return {
        "overview": lambda: analytics.overview(scope),
        "funnel": lambda: analytics.funnel(scope),
        "choices": lambda: analytics.choice_distribution(scope),
        "questions": lambda: analytics.questions(scope),
        "missed entries": lambda: analytics.missed_entries(course, scope),
    }


def _page(course: Course, scope: Scope, section: str) -> Callable[[], Awaitable[Any]]:
    """What the studio page of a section computes: the versions for the picker, the section's
    queries (side by side, as the view runs them), its tables and its SVG charts."""
    async def page() -> None:
        await analytics.versions(course.id)
        tables = await studio_analytics._tables(section, course, Labels(course), scope, "nl")
        for table in tables:
            studio_analytics._shown(table, "nl")

    return page


async def time_pages(url: str, course: Course, scopes: dict[str, Scope], runs: int) -> dict[tuple[str, str], float]:
    ctx = await db.connect(url)
    out: dict[tuple[str, str], float] = {}
    try:
        with ctx:
            for scope_name, scope in scopes.items():
                for name, fn in _queries(course, scope).items():
                    out[scope_name, name] = await _median_ms(fn, runs)
                for section in studio_analytics.SECTIONS:
                    out[scope_name, f"page {section}"] = await _median_ms(_page(course, scope, section), runs)
    finally:
        await ctx.close_connections()
    return out


async def counts(url: str) -> tuple[int, int]:
    ctx = await db.connect(url)
    try:
        with ctx:
            return await Attempt.all().count(), await Event.all().count()
    finally:
        await ctx.close_connections()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--paths", type=int, default=300, help="distinct learners played with the engine")
    parser.add_argument("--course", default=str(ROOT / "tests" / "fixtures" / "courses" / "mini"))
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (the median is shown)")
    parser.add_argument("--without-indexes", action="store_true",
                        help=f"also time everything before migration {INDEX_MIGRATION}")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the databases (their names are printed)")
    args = parser.parse_args()

    course, problems = load_course(Path(args.course))
    if course is None:
        sys.exit("\n".join(map(str, problems)))
    workdir = Path(tempfile.mkdtemp(prefix="bench-analytics-"))
    try:
        await run(args, course, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir)


async def run(args: argparse.Namespace, course: Course, workdir: Path) -> None:
    second = course.model_copy(update={"content_hash": "v2-" + course.content_hash[:40]})
    started = time.perf_counter()
    templates, template_events = await play_paths(course, args.paths, args.seed, workdir / "paths.sqlite3")
    played = time.perf_counter() - started
    data = replicate(course, templates, template_events, args.attempts, args.seed, second.content_hash)
    print(f"played {len(templates)} paths ({len(template_events)} events) in {played:.1f} s; "
          f"generated {len(data.attempts):,} attempts, {len(data.events):,} events "
          f"in {time.perf_counter() - started - played:.1f} s")

    q_start = YEAR_START + timedelta(days=91)
    scopes = {
        "all versions, all time": Scope(course.id),
        "one version, one quarter": Scope(course.id, course.content_hash, since=q_start,
                                          until=q_start + timedelta(days=91)),
    }
    results: dict[str, dict[tuple[str, str], float]] = {}
    calibration: dict[str, float] = {}
    targets: list[tuple[str, str]] = []
    if args.only in (None, "sqlite"):
        targets.append(("sqlite", f"sqlite://{workdir / 'bench.sqlite3'}"))
    if args.only in (None, "postgres"):
        targets.append(("postgres", f"{PG_SERVER}/elearning_bench_{secrets.token_hex(4)}"))

    built: dict[str, float] = {}
    for name, url in targets:
        t0 = time.perf_counter()
        if name == "postgres":
            await _pg_admin(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
        await migrate(url, upto=before_indexes())
        ctx = await db.connect(url)
        try:
            with ctx:
                for version in (course, second):
                    await store.store_snapshot(version)
        finally:
            await ctx.close_connections()
        try:
            if name == "postgres":
                await fill_postgres(url, data)
            else:
                fill_sqlite(Path(url.removeprefix("sqlite://")), data)
            attempts, events = await counts(url)
            print(f"{name}: loaded {attempts:,} attempts and {events:,} events in "
                  f"{time.perf_counter() - t0:.1f} s ({url})", flush=True)
            if args.without_indexes:
                results[f"{name} before"] = await time_pages(url, course, scopes, args.runs)
            t1 = time.perf_counter()
            applied = await migrate(url)
            built[name] = time.perf_counter() - t1
            print(f"{name}: `migrate` applied {', '.join(applied)} in {built[name]:.1f} s", flush=True)
            calibration[name] = await calibrate(name, url)
            results[name] = await time_pages(url, course, scopes, args.runs)
            print_table({k: v for k, v in results.items() if k.startswith(name)}, args.runs)
            print(f"calibration, {name}: counting 3,000,000 generated rows takes "
                  f"{calibration[name]:.0f} ms on this machine now", flush=True)
        finally:
            if name == "postgres" and not args.keep:
                await _pg_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    if len(results) > 1:
        print_table(results, args.runs)
    if "postgres" in results:
        print_target(results["postgres"])


def print_table(results: dict[str, dict[tuple[str, str], float]], runs: int) -> None:
    names = list(results)
    print(f"\nmedian of {runs} runs, milliseconds; a page: its queries side by side, tables and charts")
    header = f"{'scope':<26} {'query or page':<20}" + "".join(f"{n:>16}" for n in names)
    print(header)
    print("-" * len(header))
    for key in next(iter(results.values())):
        print(f"{key[0]:<26} {key[1]:<20}" + "".join(f"{results[n][key]:>16.1f}" for n in names))
    print(flush=True)


def print_target(timings: dict[tuple[str, str], float]) -> None:
    """One line per scope: each PostgreSQL page's median and whether it met the target."""
    for scope in dict.fromkeys(key[0] for key in timings):
        pages = {page.removeprefix("page "): ms for (s, page), ms in timings.items() if s == scope and page.startswith("page ")}
        over = [page for page, ms in pages.items() if ms >= TARGET_MS]
        verdict = f"over the {TARGET_MS} ms target: {', '.join(over)}" if over else f"every page under the {TARGET_MS} ms target"
        shown = ", ".join(f"{page} {ms:.0f}" for page, ms in pages.items())
        print(f"postgres, {scope}: {shown} ms; {verdict}")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
