"""Shared fixtures: real databases (SQLite and PostgreSQL), the web app, a live server, Chromium.

Storage and view tests take `database_url`, which runs them once on SQLite (a migrated file
per test) and once on PostgreSQL (a throw-away database `elearning_test_<random>` for the
session, emptied between tests, dropped at the end; marked `postgres`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import shutil
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 in its TestClient; httpx works the same for these tests.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.storage import db
from elearning.testing import running_server, take_link

FIXTURES = Path(__file__).parent / "fixtures"
WEB_COURSE = FIXTURES / "web-course"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
TABLES = ["course_evaluation", "accreditation", "open_answer", "course_reviewer", "certificate_credential", "credential_key", "audit_entry", "pe_registration", "event", "attempt", "password_reset", "throttle_hit", "user_session", "course_snapshot",
          "user_account"]


def missing(what: str, *, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Something a test needs is not on this machine: a skip with `what` as the reason when run by
    hand, a failure in CI (`CI` set), where scripts/test has installed everything."""
    if environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{what} (CI is set, so the full suite must not skip it)", pytrace=False)
    pytest.skip(what)


def need_program(name: str, reason: str) -> str:
    """The path of the program `name`, or `missing(reason)`."""
    path = shutil.which(name)
    if path is None:
        missing(reason)
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    for as long as the session's browser lives, and asyncio tests cannot run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def run_async(coro: Any) -> Any:
    """asyncio.run, also when a loop already runs in this thread (then in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def in_database(database_url: str, work: Any) -> Any:
    """Run `work()` (a coroutine function) against the database, beside any app (its own connection)."""

    async def main() -> Any:
        ctx = await db.connect(database_url)
        try:
            with ctx:
                return await work()
        finally:
            await ctx.close_connections()

    return run_async(main())


def set_role(database_url: str, email: str, role: Any) -> None:
    """Give the account with this address a role (storage.models.Role), as `elearning users` does."""
    from elearning.storage import accounts

    async def work() -> None:
        ctx = await db.connect(database_url)
        try:
            with ctx:
                user = await accounts.find_user(email)
                assert user is not None
                await accounts.set_role(user, role)
        finally:
            await ctx.close_connections()

    run_async(work())


def accredit(database_url: str, course_id: str = "buurtronde", *, activity_id: str = "TEST-0001", points: float = 1,
             start: date = date(2000, 1, 1), end: date = date(2999, 12, 31), versions: tuple[str, ...] = ("1",),
             study_load_minutes: int = 15) -> None:
    """Enter an accreditation, as `elearning accreditation set` does (the fixture course's by default)."""
    from elearning.storage import accreditations

    entry = accreditations.Entry(course_id, "Registerplein", activity_id, points, study_load_minutes, start, end,
                                 versions)
    in_database(database_url, lambda: accreditations.put(entry, actor=None))


@pytest.fixture
def accredited(database_url: str) -> None:
    """The fixture course accredited for 1 PE point with Registerplein as activity TEST-0001, for all time."""
    accredit(database_url)


# -- databases -------------------------------------------------------------------------------
async def _migrate(url: str) -> None:
    ctx = await db.connect(url)
    try:
        await db.migrate(ctx, url)
    finally:
        await ctx.close_connections()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, copied for every test (migrating each time is slower)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    run_async(_migrate(f"sqlite://{path}"))
    return path


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{PG_SERVER}/postgres", timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"elearning_test_{secrets.token_hex(6)}"
    try:
        run_async(_pg_admin(f'CREATE DATABASE "{name}"'))
    except (TimeoutError, OSError) as exc:
        missing(f"PostgreSQL is not reachable at {PG_SERVER}: {exc}")
    url = f"{PG_SERVER}/{name}"
    try:
        run_async(_migrate(url))
        yield url
    finally:
        run_async(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_truncate(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=5)
    try:
        await conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite://{path}"
    url: str = request.getfixturevalue("postgres_url")
    run_async(_pg_truncate(url))
    return url


@pytest.fixture
async def orm(database_url: str) -> Any:
    """A connected Tortoise context for storage tests: use `with orm:` around queries."""
    ctx = await db.connect(database_url)
    yield ctx
    await ctx.close_connections()


@pytest.fixture(scope="session")
def web_course() -> Any:
    """The compiled fixture course."""
    from elearning.authoring import load_course

    course, problems = load_course(WEB_COURSE)
    assert course is not None, "\n".join(map(str, problems))
    return course


# -- the app -----------------------------------------------------------------------------------
@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    """A COURSES_DIR holding a private copy of the fixture course (tests may edit it)."""
    folder = tmp_path / "courses"
    shutil.copytree(WEB_COURSE, folder / "buurtronde")
    return folder


@pytest.fixture
def settings(tmp_path: Path, courses_dir: Path, database_url: str) -> Settings:
    return Settings.load(
        {}, data_dir=tmp_path / "data", courses_dir=courses_dir, database_url=database_url,
        secret_key="test-secret-" + "x" * 40, base_url="http://testserver",
        # Cheap where the test is not about them (tests about them replace these two).
        certificate_rendering="thread", password_hash_cost="minimal",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    from elearning.web.app import create_app

    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_STEP = re.compile(r'name="step" value="(\d+)"')


def take_confirmation_link(outbox: Path, email: str) -> str:
    """The path of the newest confirmation link mailed to `email` (that mail leaves the outbox)."""
    return take_link(outbox, email, "/account/confirm/")


def confirm_in_browser(page: Any, data_dir: Path, email: str) -> None:
    """Open the mailed link in the browser and press its button, as the learner would."""
    page.goto(take_confirmation_link(data_dir / "outbox", email))
    page.get_by_role("button", name="Account maken").click()
    page.wait_for_load_state()


@dataclass
class Web:
    """Helpers to drive the app like a browser does: read the form tokens, post forms."""

    client: TestClient
    last: httpx.Response | None = field(default=None)
    database_url: str | None = None  # for a client of a live server; a TestClient's app knows its own

    def get(self, path: str, **kw: Any) -> httpx.Response:
        self.last = self.client.get(path, **kw)
        return self.last

    def csrf(self, path: str = "/account/login") -> str:
        html = self.client.get(path).text
        match = _CSRF.search(html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, *, token_from: str | None = None,
             follow: bool = True) -> httpx.Response:
        data = dict(data or {})
        data.setdefault("csrf", self.csrf(token_from or path))
        self.last = self.client.post(path, data=data, follow_redirects=follow)
        return self.last

    def register(self, email: str = "sanne@example.org", name: str = "Sanne de Vries",
                 password: str = "een goed wachtwoord", number: str = "",  # noqa: S107 - a test account
                 next_url: str | None = None) -> httpx.Response:
        """Fill in the register form, open the link from the mail and confirm: logged in after."""
        form = {"name": name, "email": email, "password": password, "registration_number": number}
        if next_url:
            form["next"] = next_url
        sent = self.post("/account/register", form)
        if sent.status_code != 200:
            return sent
        link = take_confirmation_link(self.client.app.state.settings.outbox_dir, email)  # type: ignore[attr-defined]
        return self.post(link)

    def login(self, email: str = "sanne@example.org",
              password: str = "een goed wachtwoord") -> httpx.Response:  # noqa: S107 - a test account
        return self.post("/account/login", {"email": email, "password": password})

    def logout(self) -> httpx.Response:
        return self.post("/account/logout", token_from="/")

    def start(self, course: str = "buurtronde") -> int:
        response = self.post(f"/courses/{course}/start", token_from=f"/courses/{course}", follow=False)
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def step(self, attempt: int) -> int:
        html = self.client.get(f"/play/{attempt}").text
        match = _STEP.search(html)
        assert match, "no step token on the scene page"
        return int(match.group(1))

    def choose(self, attempt: int, choice: str, *, step: int | None = None, follow: bool = False) -> httpx.Response:
        path = f"/play/{attempt}"
        page = self.client.get(path).text
        token = _CSRF.search(page)
        assert token
        if f'value="{choice}"' not in page and 'name="choice"' in page:  # shuffled choices post opaque values
            from elearning.engine.assessment import answer_value

            state = self.state(attempt)
            value = answer_value(state, state.scene, f"choice:{choice}")
            choice = value if f'value="{value}"' in page else choice
        data: dict[str, Any] = {"csrf": token.group(1), "choice": choice}
        data["step"] = str(step if step is not None else int(_STEP.search(page).group(1)))  # type: ignore[union-attr]
        self.last = self.client.post(path, data=data, follow_redirects=follow)
        return self.last

    def answer(self, attempt: int, *answers: str, follow: bool = False, stay: bool = False) -> httpx.Response:
        """Answer the question by answer ids, posted as the opaque values the page shows, then
        go on past the page that shows how it went ("Volgende"), unless `stay`."""
        path = f"/play/{attempt}"
        page = self.client.get(path).text
        data: dict[str, Any] = {
            "csrf": _CSRF.search(page).group(1),  # type: ignore[union-attr]
            "step": _STEP.search(page).group(1),  # type: ignore[union-attr]
            "answer": self.answer_values(attempt, *answers),
        }
        self.last = self.client.post(path, data=data, follow_redirects=follow)
        if not stay and self.last.status_code == 303 and 'value="continue"' in self.client.get(path).text:
            self.last = self.choose(attempt, "continue", follow=follow)
        return self.last

    def state(self, attempt: int) -> Any:
        """The attempt's engine state, read from the database as the app sees it."""
        from elearning.engine.state import State
        from elearning.storage import attempts

        async def work() -> str:
            url = self.database_url or self.client.app.state.settings.database_url  # type: ignore[attr-defined]
            ctx = await db.connect(url)
            try:
                with ctx:
                    row = await attempts.get_attempt(attempt)
                    assert row is not None
                    return row.state
            finally:
                await ctx.close_connections()

        return State.from_json(run_async(work()))

    def answer_values(self, attempt: int, *answers: str) -> list[str]:
        """What the page's form posts for these answer ids (an id no answer has is posted as it is)."""
        from elearning.engine.assessment import answer_value

        state = self.state(attempt)
        known = {answer_value(state, state.scene, a): a for a in answers}
        return [next((v for v, a in known.items() if a == wanted), wanted) for wanted in answers]


@pytest.fixture
def web(client: TestClient) -> Web:
    return Web(client)


@pytest.fixture
def web_for() -> type[Web]:
    """`web_for(client)`: the same helpers for a client a test made itself."""
    return Web


# The fixture course from start to a pass: (kind, value) steps for Web.choose / Web.answer.
PASSING_PATH = [
    ("choose", "c1"),              # intro: begin de ronde
    ("choose", "loc-bakkerij"),
    ("choose", "c1"),              # vraag door: +2, two notebook entries
    ("choose", "loc-buurthuis"),
    ("choose", "c1"),              # lees het prikbord: +1, one entry
    ("choose", "c1"),              # ik heb genoeg gezien
    ("choose", "next"),            # to the test
    ("answer", "groeten"),         # +1
    ("answer", "bakker,voorzitter"),  # +2
]


@pytest.fixture
def passing_path() -> list[tuple[str, str]]:
    return list(PASSING_PATH)


# -- counting queries ---------------------------------------------------------------------------
class QueryCounter(logging.Handler):
    SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.SQL.match(message):
            self.queries.append(message)


@pytest.fixture
def count_queries() -> Iterator[Any]:
    """`with count_queries() as q: ...; len(q.queries)` counts the SQL statements run."""
    from contextlib import contextmanager

    logger = logging.getLogger("tortoise.db_client")

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        handler = QueryCounter()
        old_level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            yield handler
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)

    yield counting


# -- a live server and Chromium, once per session ----------------------------------------------
@dataclass
class LiveServer:
    url: str
    data_dir: Path
    log: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`elearning serve` in a subprocess, on a fresh SQLite database, serving the fixture course."""
    root = tmp_path_factory.mktemp("live")
    shutil.copytree(WEB_COURSE, root / "courses" / "buurtronde")
    with running_server(root) as server:
        yield LiveServer(server.url, server.data_dir, server.log)


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session (Debian's chromium, driven by Playwright)."""
    from playwright.sync_api import sync_playwright

    executable = need_program("chromium", "Debian's chromium is not installed (scripts/test installs it)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
