"""Analytics against a known event log, on SQLite and PostgreSQL.

The log is written the way the web player writes it: the mini fixture course played with the
real engine, every step stored with elearning.storage.attempts; afterwards the start and
finish times are set to known values. Every number below was worked out by hand from the
paths in LOG.
"""

from __future__ import annotations

import importlib
import logging
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from elearning import engine
from elearning.analytics import Scope, export, figures, report_tables
from elearning.authoring import load_course
from elearning.course.model import Course
from elearning.storage import analytics, db
from elearning.storage import attempts as store
from elearning.storage.attempts import Owner
from elearning.storage.models import Attempt, Event, User

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
MARCH = datetime(2024, 3, 1, tzinfo=UTC)
APRIL = datetime(2024, 4, 1, tzinfo=UTC)

FULL_PASS = ["c1", "loc-bakkerij", "c1", "c1", "loc-plein", "c1", "c1", "next", "a", "a,b"]
# name: (version, path, started, seconds from start to completion)
LOG: dict[str, tuple[str, list[str], datetime, int | None]] = {
    "A1": ("v1", FULL_PASS, MARCH + timedelta(days=1), 600),
    "A2": ("v1", ["c1", "loc-bakkerij", "c2", "loc-plein", "c2", "c1", "next", "b", "c", "retake", "a", "a,b"],
           MARCH + timedelta(days=2), 1800),
    "A3": ("v1", ["c1", "loc-bakkerij", "c1", "c1", "loc-plein", "c2", "c1", "next", "b", "a"],
           MARCH + timedelta(days=3), 900),
    "A4": ("v1", ["c1", "loc-bakkerij"], MARCH + timedelta(days=4), None),
    "A5": ("v1", ["c1", "loc-bakkerij", "c2", "loc-plein", "c1", "c1", "next", "a"], MARCH + timedelta(days=5), None),
    "A6": ("v1", [], MARCH + timedelta(days=6), None),
    "A7": ("v1", ["c1", "loc-bakkerij", "c1", "c1", "loc-plein", "c2", "c1", "next", "a", "b"],
           MARCH + timedelta(days=7), 1200),
    "A8": ("v1", FULL_PASS, MARCH - timedelta(days=15), 300),  # before the period
    "A9": ("v2", ["c1"], MARCH + timedelta(days=10), None),  # another version of the course
    "X1": ("other", FULL_PASS, MARCH + timedelta(days=1), 60),  # another course
}


@pytest.fixture(scope="module")
def mini() -> Course:
    course, problems = load_course(MINI)
    assert course is not None, "\n".join(map(str, problems))
    return course


def _versions(mini: Course) -> dict[str, Course]:
    v2 = mini.model_copy(update={"content_hash": "v2-" + mini.content_hash[:20]})
    other = mini.model_copy(update={
        "meta": mini.meta.model_copy(update={"id": "other"}), "content_hash": "other-" + mini.content_hash[:20],
    })
    return {"v1": mini, "v2": v2, "other": other}


async def play(course: Course, path: list[str], owner: Owner) -> Attempt:
    state, events = engine.start(course)
    attempt = await store.create_attempt(course, owner, state, events)
    for step in path:
        before = state
        if course.scene(state.scene).type == "question":
            state, events = engine.answer(course, state, step.split(","))
            assert await store.record_step(course, attempt, before, state, events)
            before = state
            state, events = engine.choose(course, state, "continue")  # past how the answer went
        else:
            state, events = engine.choose(course, state, step)
        assert await store.record_step(course, attempt, before, state, events)
    return attempt


async def write_log(mini: Course) -> dict[str, Course]:
    courses = _versions(mini)
    for course in courses.values():
        await store.store_snapshot(course)
    user = await User.create(email="sanne@example.org", name="Sanne de Vries", password_hash="x",
                             registration_number="REG-12345")
    for name, (version, path, started, seconds) in LOG.items():
        owner = Owner(user_id=user.id) if name == "A1" else Owner(guest_key=f"guest-{name}")
        attempt = await play(courses[version], path, owner)
        assert (attempt.finished_at is not None) == (seconds is not None), name
        finished = started + timedelta(seconds=seconds) if seconds is not None else None
        await Attempt.filter(id=attempt.id).update(started_at=started, finished_at=finished)
    return courses


@pytest.fixture
async def log(orm: Any, mini: Course) -> dict[str, Course]:
    with orm:
        return await write_log(mini)


def march(mini: Course) -> Scope:
    return Scope("mini", mini.content_hash, since=MARCH, until=APRIL)


# -- overview -------------------------------------------------------------------------------
async def test_overview_counts_and_time_spread(orm: Any, log: dict[str, Course], mini: Course) -> None:
    with orm:
        o = await analytics.overview(march(mini))
    assert (o.starts, o.completions, o.passes) == (7, 4, 3)
    assert o.pass_rate == 0.75
    assert o.completion_rate == pytest.approx(4 / 7)
    assert o.duration is not None
    # durations 600, 900, 1200, 1800: quartiles by linear interpolation
    assert o.duration.count == 4
    assert (o.duration.minimum, o.duration.maximum) == pytest.approx((600, 1800))
    assert (o.duration.q1, o.duration.median, o.duration.q3) == pytest.approx((825, 1050, 1350))
    assert [(b.low, b.high, b.count) for b in o.histogram] == [(0, 900, 1), (900, 1800, 2), (1800, None, 1)]


async def test_overview_of_all_versions_and_all_time(orm: Any, log: dict[str, Course]) -> None:
    with orm:
        o = await analytics.overview(Scope("mini"))
    assert (o.starts, o.completions, o.passes) == (9, 5, 4)
    assert o.duration is not None
    assert (o.duration.minimum, o.duration.median, o.duration.maximum) == pytest.approx((300, 900, 1800))


async def test_scopes_pick_version_and_period(orm: Any, log: dict[str, Course], mini: Course) -> None:
    v2 = log["v2"].content_hash
    with orm:
        only_v2 = await analytics.overview(Scope("mini", v2))
        since_march = await analytics.overview(Scope("mini", since=MARCH))
        until_march = await analytics.overview(Scope("mini", until=MARCH))
        nothing = await analytics.overview(Scope("mini", until=MARCH - timedelta(days=30)))
        unknown = await analytics.overview(Scope("no-such-course"))
        versions = await analytics.versions("mini")
    assert (only_v2.starts, only_v2.completions, only_v2.duration) == (1, 0, None)
    assert (since_march.starts, since_march.completions) == (8, 4)
    assert (until_march.starts, until_march.completions, until_march.passes) == (1, 1, 1)
    assert (nothing.starts, nothing.duration, nothing.histogram, nothing.pass_rate) == (0, None, (), None)
    assert unknown.starts == 0
    assert sorted((v.course_hash, v.version, v.attempts) for v in versions) == sorted(
        [(mini.content_hash, "1", 8), (v2, "1", 1)]
    )


def test_scope_rejects_naive_times_and_an_empty_period() -> None:
    with pytest.raises(ValueError, match="Scope.since must carry a time zone"):
        Scope("mini", since=datetime(2024, 3, 1))
    with pytest.raises(ValueError, match=r"Scope.since \(2024-04-01T00:00:00\+00:00\) must be before"):
        Scope("mini", since=APRIL, until=MARCH)


# -- funnel, choices --------------------------------------------------------------------------
async def test_funnel_counts_attempts_per_scene_and_where_they_stopped(
    orm: Any, log: dict[str, Course], mini: Course
) -> None:
    with orm:
        rows = await analytics.funnel(march(mini))
    assert {r.scene: (r.attempts, r.stopped) for r in rows} == {
        "welkom": (7, 1), "kaart": (6, 0), "bakker": (6, 1), "bakker-2": (3, 0), "plein": (5, 0),
        "einde": (5, 0), "v1": (5, 0), "v2": (5, 1), "klaar": (4, 0),
    }
    with orm:
        everything = {r.scene: (r.attempts, r.stopped) for r in await analytics.funnel(Scope("mini"))}
    assert everything["welkom"] == (9, 1)
    assert everything["kaart"] == (8, 1)  # A9 (version 2) stopped on the map


async def test_choice_distribution(orm: Any, log: dict[str, Course], mini: Course) -> None:
    with orm:
        rows = await analytics.choice_distribution(march(mini))
    assert {(c.scene, c.kind, c.choice): c.times for c in rows} == {
        ("welkom", "choice", "c1"): 6,
        ("kaart", "location", "loc-bakkerij"): 6,
        ("kaart", "location", "loc-plein"): 5,
        ("kaart", "choice", "c1"): 5,
        ("bakker", "choice", "c1"): 3,
        ("bakker", "choice", "c2"): 2,
        ("bakker-2", "choice", "c1"): 3,
        ("plein", "choice", "c1"): 2,
        ("plein", "choice", "c2"): 3,
        ("v1", "answer", "a"): 4,  # A2 answered a on the retake
        ("v1", "answer", "b"): 2,
        ("v2", "answer", "a,b"): 2,
        ("v2", "answer", "a"): 1,
        ("v2", "answer", "b"): 1,
        ("v2", "answer", "c"): 1,
    }


# -- questions, notebook ------------------------------------------------------------------------
async def test_questions_share_correct_and_discrimination(
    orm: Any, log: dict[str, Course], mini: Course
) -> None:
    with orm:
        rows = {q.scene: q for q in await analytics.questions(march(mini))}
    assert set(rows) == {"v1", "v2"}
    v1, v2 = rows["v1"], rows["v2"]
    # first answers: v1 right for A1, A5, A7, wrong for A2, A3; A2's retake adds a sixth answer
    assert (v1.module, v1.answers, v1.attempts, v1.correct, v1.scored) == ("toets", 6, 5, 3, 4)
    assert v1.share_correct == 0.6
    # over A1, A2, A3, A7 (finished the test): (v1 right, points on v2) = (1,2) (0,0) (0,1) (1,1)
    assert v1.discrimination == pytest.approx(4 / 32 ** 0.5)
    assert (v2.answers, v2.attempts, v2.correct, v2.scored) == (5, 4, 1, 4)
    # (v2 right, points on v1) = (1,1) (0,0) (0,0) (0,1)
    assert v2.discrimination == pytest.approx(2 / 12 ** 0.5)


async def test_missed_notebook_entries(orm: Any, log: dict[str, Course], mini: Course) -> None:
    with orm:
        rows = await analytics.missed_entries(mini, march(mini))
    # A1, A2, A3, A5, A7 finished the walk; the app message was found by A1 and A5 only
    assert [(e.entry, e.eligible, e.collected, e.missed) for e in rows] == [
        ("sig-app", 5, 2, 3), ("sig-groeten", 5, 3, 2), ("verb-bakker", 5, 3, 2),
    ]
    assert analytics.entry_modules(mini) == [("sig-app", "wijk"), ("sig-groeten", "wijk"), ("verb-bakker", "wijk")]


async def test_an_empty_scope_gives_empty_tables(orm: Any, log: dict[str, Course], mini: Course) -> None:
    with orm:
        report = await analytics.report(mini, Scope("mini", until=MARCH - timedelta(days=30)))
    assert report.overview.starts == 0
    assert (report.funnel, report.choices, report.questions) == ((), (), ())
    assert [(e.entry, e.eligible, e.missed) for e in report.entries] == [
        ("sig-app", 0, 0), ("sig-groeten", 0, 0), ("verb-bakker", 0, 0),
    ]


async def test_report_bundles_every_query_and_holds_no_personal_data(
    orm: Any, log: dict[str, Course], mini: Course, count_queries: Any
) -> None:
    with orm, count_queries() as counted:
        report = await analytics.report(mini, Scope("mini"))
    # a fixed number of aggregates, whatever the number of attempts (PostgreSQL: the questions and
    # notebook sums in two halves, after a query for the attempt ids to split at)
    assert len(counted.queries) <= 13  # + the open answers
    assert report.overview.starts == 9
    assert "welkom" in {r.scene for r in report.funnel}
    text = repr(report)
    for personal in ("sanne", "Sanne de Vries", "REG-12345", "guest-", "user"):
        assert personal.lower() not in text.lower()


async def test_values_are_bound_parameters_not_sql(orm: Any, log: dict[str, Course], mini: Course) -> None:
    hostile = "mini' OR '1'='1"
    with orm:
        o = await analytics.overview(Scope(hostile))
        rows = await analytics.funnel(Scope(hostile, course_hash="x'; DROP TABLE event; --"))
        still_there = await analytics.overview(Scope("mini"))
    assert (o.starts, rows, still_there.starts) == (0, [], 9)


async def test_pages_from_the_log_render_and_export_without_personal_data(
    orm: Any, log: dict[str, Course], mini: Course
) -> None:
    import csv
    import io
    import xml.etree.ElementTree as ET

    with orm:
        report = await analytics.report(mini, march(mini))
    tables = report_tables(mini, report, "nl")
    everything = []
    for table in tables:
        for figure in figures(table, "nl"):
            ET.fromstring(figure.svg)  # noqa: S314 - our own SVG: is it well-formed?
            everything.append(figure.svg)
        text = export.to_csv(table)
        assert len(list(csv.reader(io.StringIO(text)))) == len(table.rows) + 1
        everything.append(text)
    funnel = next(t for t in tables if t.key == "funnel")
    assert funnel.records()[0] == {"module": "wijk", "scene_id": "welkom", "scene": "Welkom", "attempts": 7,
                                   "share_of_starts": 1.0, "stopped_here": 1}
    entries = next(t for t in tables if t.key == "entries")
    assert entries.records()[0]["entry"] == "Boze berichten in de buurtapp"
    assert "7 (100%)" in everything[0]  # the overview chart: 7 starts
    blob = "\n".join(everything).lower()
    for personal in ("sanne", "de vries", "example.org", "reg-12345", "guest-"):
        assert personal not in blob


async def test_quartiles_agree_with_the_statistics_module_on_both_databases(orm: Any, mini: Course) -> None:
    from statistics import quantiles

    seconds = [61.5, 3600, 75, 1234.25, 90000, 300, 301, 7]
    with orm:
        await store.store_snapshot(mini)
        for i, s in enumerate(seconds):
            await Attempt.create(
                guest_key=f"g{i}", course_id="mini", course_hash=mini.content_hash, state="{}", module="toets",
                scene="klaar", started_at=MARCH, updated_at=MARCH, finished_at=MARCH + timedelta(seconds=s),
                passed=True, score=6, max_score=6,
            )
        o = await analytics.overview(Scope("mini"))
    assert o.duration is not None
    q1, q2, q3 = quantiles(seconds, n=4, method="inclusive")
    assert (o.duration.count, o.duration.minimum, o.duration.maximum) == (8, 7, 90000)
    assert (o.duration.q1, o.duration.median, o.duration.q3) == pytest.approx((q1, q2, q3))
    assert sum(b.count for b in o.histogram) == 8
    assert o.histogram[-1].high is None and o.histogram[-1].count >= 1  # the 25-hour one


# -- the indexes of migration 0004 ---------------------------------------------------------------
INDEX_MIGRATION = importlib.import_module("elearning.storage.migrations.0004_analytics_indexes")
OPEN_MIGRATION = importlib.import_module("elearning.storage.migrations.0011_open_answer")
MIGRATED_INDEXES = {**INDEX_MIGRATION.INDEXES, **OPEN_MIGRATION.INDEXES}


def test_the_queries_repeat_the_where_terms_of_the_migration_word_for_word() -> None:
    """SQLite uses a partial index only for a query that repeats its WHERE term literally."""
    assert set(MIGRATED_INDEXES) == set(analytics.INDEXES)
    for name, (held, term) in analytics.INDEXES.items():
        assert MIGRATED_INDEXES[name].endswith(f" WHERE {term}"), name
        assert all(f"'{kind}'" in term for kind in held)


def test_the_operations_guide_shows_how_to_build_the_same_indexes_concurrently() -> None:
    guide = (Path(__file__).parent.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, spec in MIGRATED_INDEXES.items():
        assert f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec};" in guide, name


async def test_migrating_builds_the_indexes_and_going_back_drops_them(orm: Any, database_url: str) -> None:
    with orm:
        conn = Event._meta.db
        if database_url.startswith("postgres"):
            rows = await conn.execute_query_dict(
                "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'event'")
        else:
            rows = await conn.execute_query_dict(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'")
    built = {r["name"]: r["sql"] for r in rows}
    for name, (held, _) in analytics.INDEXES.items():
        assert name in built, sorted(built)
        assert all(kind in built[name] for kind in held), built[name]
    if database_url.startswith("postgres"):
        return  # the session's database is shared: go back and forth on the SQLite copy only
    (app, before), = INDEX_MIGRATION.Migration.dependencies
    names = "SELECT name FROM sqlite_master WHERE tbl_name = 'event'"
    with orm:
        apps = db.tortoise_config(database_url)["apps"]
        executor = MigrationExecutor(get_connection(db.connection_name(database_url)), apps)
        await executor.migrate([MigrationTarget(app, before)])
        assert set(analytics.INDEXES).isdisjoint(r["name"] for r in await Event._meta.db.execute_query_dict(names))
    later = [f"{app}.0004_analytics_indexes", f"{app}.0005_drop_event_type_index", f"{app}.0006_user_session",
             f"{app}.0007_pe_registration", f"{app}.0008_audit_entry",
             f"{app}.0009_accreditation", f"{app}.0010_credentials", f"{app}.0011_open_answer",
             f"{app}.0012_course_evaluation"]
    assert await db.pending_migrations(orm, database_url) == later
    assert await db.migrate(orm, database_url) == later
    with orm:
        assert set(analytics.INDEXES) <= {r["name"] for r in await Event._meta.db.execute_query_dict(names)}


class _Statements(logging.Handler):
    """The SQL statements Tortoise runs, with their values."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2 and str(record.args[0]).startswith("SELECT"):
            self.seen.append((str(record.args[0]), list(record.args[1])))


async def test_on_sqlite_every_event_query_reads_only_its_index(
    sqlite_template: Path, tmp_path: Path, mini: Course
) -> None:
    path = tmp_path / "plans.sqlite3"
    shutil.copy(sqlite_template, path)
    ctx = await db.connect(f"sqlite://{path}")
    statements = _Statements()
    logger = logging.getLogger("tortoise.db_client")
    level = logger.level
    try:
        with ctx:
            await write_log(mini)
            logger.addHandler(statements)
            logger.setLevel(logging.DEBUG)
            for scope in (Scope("mini"), march(mini)):
                await analytics.report(mini, scope)
    finally:
        logger.removeHandler(statements)
        logger.setLevel(level)
        await ctx.close_connections()
    lite = sqlite3.connect(path)
    try:
        plans = {sql: [row[3] for row in lite.execute(f"EXPLAIN QUERY PLAN {sql}", values)]
                 for sql, values in statements.seen if " event e" in sql}
    finally:
        lite.close()
    assert len(plans) >= 8, list(plans)  # funnel, choices, questions, notebook; two scopes
    for sql, plan in plans.items():
        reads = [step for step in plan if re.match(r"(SCAN|SEARCH) [ed]\b", step)]
        assert reads, (sql, plan)
        for step in reads:
            assert re.search(r"USING (COVERING )?INDEX event_(entered|choice|outcome|open)\b", step), (sql, plan)
