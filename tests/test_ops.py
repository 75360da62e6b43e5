"""Operations: `elearning backup` / `restore`, structured logs without personal data, the 503 page
when the database is away, and several worker processes sharing one database."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import need_program, take_confirmation_link
from starlette.routing import Route
from starlette.testclient import TestClient

from elearning.commands import ops
from elearning.settings import Settings
from elearning.storage import db
from elearning.testing import Server, free_port, running_server, server_env
from elearning.web import logging as web_logging
from elearning.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path / "data"), "COURSES_DIR": str(tmp_path / "courses"), **more}


def _migrated(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "elearning.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)

    async def main() -> None:
        ctx = await db.connect(f"sqlite://{path}")
        try:
            await db.migrate(ctx, f"sqlite://{path}")
        finally:
            await ctx.close_connections()

    with ThreadPoolExecutor(1) as pool:  # also beside Playwright's event loop (browser tests)
        pool.submit(asyncio.run, main()).result()
    return path


def _users(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT email FROM user_account ORDER BY id")]
    finally:
        conn.close()


# -- backup and restore -----------------------------------------------------------------------------
def _add_user(path: Path, email: str) -> None:
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("INSERT INTO user_account (email, name, password_hash, role, auth_epoch, created_at, updated_at)"
                     " VALUES (?, 'X', 'x', 'learner', 0, '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')",
                     [email])
        conn.commit()
    finally:
        conn.close()


def test_backup_copies_a_database_that_is_being_written(tmp_path: Path) -> None:
    database = _migrated(tmp_path)
    _add_user(database, "first@example.org")
    keep_writing = threading.Event()
    keep_writing.set()
    written: list[int] = []

    def writer() -> None:  # another process's worth of writes while the backup runs
        conn = sqlite3.connect(database, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        i = 0
        while keep_writing.is_set() and i < 5000:
            conn.execute("INSERT INTO throttle_hit (bucket, created_at) VALUES (?, '2025-01-01 00:00:00+00:00')",
                         [f"b{i}"])
            conn.commit()
            written.append(i)
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:
            time.sleep(0.01)
        result = CliRunner().invoke(ops.backup, [], env=_env(tmp_path))
    finally:
        keep_writing.clear()
        thread.join()
    assert result.exit_code == 0, result.output
    match = re.search(r"Backup written to (\S+) \(([\d,]+) bytes\)", result.output)
    assert match, result.output
    copy = Path(match.group(1))
    assert copy.parent == tmp_path / "data" / "backups" and re.fullmatch(r"elearning-\d{8}-\d{6}\.sqlite3", copy.name)
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no WAL beside it
        hits = conn.execute("SELECT COUNT(*) FROM throttle_hit").fetchone()[0]
        assert 50 <= hits <= len(written)  # one consistent moment in the middle of the writes
    finally:
        conn.close()
    assert _users(copy) == ["first@example.org"]
    assert not list(copy.parent.glob(".*partial"))


def test_backup_keeps_the_newest_and_restore_puts_one_back(tmp_path: Path) -> None:
    database = _migrated(tmp_path)
    _add_user(database, "first@example.org")
    folder = tmp_path / "backups"
    folder.mkdir()
    runner = CliRunner()
    first = runner.invoke(ops.backup, ["-o", str(folder / "elearning-20250101-000000.sqlite3")], env=_env(tmp_path))
    assert first.exit_code == 0, first.output
    for name in ["elearning-20240101-000000.sqlite3", "elearning-20240201-000000.sqlite3"]:
        shutil.copy(folder / "elearning-20250101-000000.sqlite3", folder / name)
    _add_user(database, "second@example.org")
    newest = runner.invoke(ops.backup, ["-o", str(folder), "--keep", "2"], env=_env(tmp_path))
    assert newest.exit_code == 0, newest.output
    assert newest.output.count("Removed the older backup") == 2
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 2 and left[0] == "elearning-20250101-000000.sqlite3"

    _add_user(database, "third@example.org")
    refused = runner.invoke(ops.restore, [str(folder / left[0])], env=_env(tmp_path), input="n\n")
    assert refused.exit_code == 1 and _users(database)[-1] == "third@example.org"  # asked, and kept
    restored = runner.invoke(ops.restore, [str(folder / left[0]), "--yes"], env=_env(tmp_path))
    assert restored.exit_code == 0, restored.output
    assert _users(database) == ["first@example.org"]
    saved = re.search(r"The database as it was is saved in (\S+)", restored.output)
    assert saved and _users(Path(saved.group(1)))[-1] == "third@example.org"


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    _migrated(tmp_path)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(ops.restore, [str(junk), "--yes"], env=_env(tmp_path))
    assert result.exit_code == 1 and "is not a SQLite database" in result.output
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = CliRunner().invoke(ops.restore, [str(other), "--yes"], env=_env(tmp_path))
    assert result.exit_code == 1 and "is not a backup of this site's database" in result.output


def test_backup_says_what_is_wrong(tmp_path: Path) -> None:
    result = CliRunner().invoke(ops.backup, [], env=_env(tmp_path))
    assert result.exit_code == 1 and "There is no database at" in result.output
    pg = CliRunner().invoke(ops.restore, [__file__, "--yes"],
                            env=_env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/x"))
    assert pg.exit_code == 1 and "pg_restore" in pg.output


@pytest.mark.postgres
def test_backup_of_postgresql_is_a_pg_dump_that_pg_restore_reads(tmp_path: Path, postgres_url: str) -> None:
    need_program("pg_dump", "pg_dump is not installed (Debian's postgresql-client)")
    target = tmp_path / "site.dump"
    result = CliRunner().invoke(ops.backup, ["-o", str(target)], env=_env(tmp_path, DATABASE_URL=postgres_url))
    assert result.exit_code == 0, result.output
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
    assert "TABLE public attempt" in listing.stdout and "TABLE public event" in listing.stdout
    env = ops._pg_environment("postgres://u:p%40ss@db.example:6543/name")
    assert {k: v for k, v in env.items() if k.startswith("PG")} == {
        "PGHOST": "db.example", "PGPORT": "6543", "PGUSER": "u", "PGPASSWORD": "p@ss", "PGDATABASE": "name"}


# -- structured logs -------------------------------------------------------------------------------------
class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(web_logging.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("httpx", "httpcore")):  # the test's own HTTP client, not the server
            self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Any:
    handler = Lines()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(old)


def test_one_json_line_per_request_without_personal_data(web: Any, log_lines: list[str]) -> None:
    web.register("sanne.private@example.org", "Sanne Geheim", number="4610123456")
    attempt = web.start()
    web.choose(attempt, "c1")
    web.get(f"/play/{attempt}?notice=stale&email=sanne.private@example.org")
    web.get("/account/password/reset/SECRET-RESET-TOKEN-123")
    web.get("/verify/ABCD-EFGH-JKLM")
    web.get("/does/not/exist/sanne.private@example.org")
    web.logout()
    web.login("sanne.private@example.org", "verkeerd wachtwoord")
    text = "\n".join(log_lines)
    for secret in ["sanne.private", "Geheim", "4610123456", "SECRET-RESET-TOKEN", "ABCD-EFGH", "verkeerd",
                   "notice=stale", "?", "testclient", "elearning_session"]:
        assert secret not in text, secret
    access = [json.loads(line) for line in log_lines if '"logger": "elearning.access"' in line]
    routes = [(a["method"], a["route"], a["status"]) for a in access]
    for expected in [("POST", "/account/register", 200), ("POST", "/account/confirm/{token}", 303),
                     ("POST", "/play/{attempt_id}", 303),
                     ("GET", "/play/{attempt_id}", 200), ("GET", "/account/password/reset/{token}", 200),
                     ("GET", "/verify/{code}", 400), ("GET", "(no route)", 404),
                     ("POST", "/account/login", 400)]:
        assert expected in routes, (expected, routes)
    for line in access:
        assert set(line) == {"time", "level", "logger", "message", "method", "route", "status", "ms", "bytes",
                             "request", "pid"}
        assert isinstance(line["ms"], float) and re.fullmatch(r"[0-9a-f]{12}", line["request"])


def test_an_error_is_logged_with_its_traceback_on_the_server_only(settings: Settings, log_lines: list[str]) -> None:
    app = create_app(settings)

    async def boom(request: Any) -> None:
        raise RuntimeError("internal detail for sanne@example.org")

    app.router.routes.append(Route("/boom/{secret}", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom/TOKEN123?x=1")
    assert response.status_code == 500
    assert "internal detail" not in response.text and "Traceback" not in response.text
    request_id = response.headers["x-request-id"]
    records = [json.loads(line) for line in log_lines]
    error = [r for r in records if r["level"] == "ERROR"]
    assert len(error) == 1 and error[0]["request"] == request_id
    assert "RuntimeError: internal detail for [email]" in error[0]["traceback"]
    access = [r for r in records if r["logger"] == "elearning.access"]
    assert access[-1]["route"] == "/boom/{secret}" and access[-1]["status"] == 500
    assert access[-1]["request"] == request_id
    assert "TOKEN123" not in "\n".join(log_lines) and "sanne@" not in "\n".join(log_lines)


def test_the_log_configuration_for_uvicorn_and_its_workers() -> None:
    config = web_logging.config("WARNING", "json")
    assert config["formatters"]["main"]["()"] == "elearning.web.logging.JsonFormatter"
    assert config["loggers"]["uvicorn.access"]["propagate"] is False  # ours replaces uvicorn's (raw paths)
    assert config["loggers"]["tortoise"]["level"] == "WARNING"  # statements with their values: never logged
    assert web_logging.config("INFO", "text")["formatters"]["main"]["()"].endswith("TextFormatter")
    record = logging.makeLogRecord({"msg": "Mail to %s failed", "args": ("a.b@example.org",), "levelname": "WARNING",
                                    "name": "x"})
    assert "a.b@example.org" not in web_logging.TextFormatter().format(record)
    assert json.loads(web_logging.JsonFormatter().format(record))["message"] == "Mail to [email] failed"


# -- the database away --------------------------------------------------------------------------------------
def test_a_database_outage_is_a_try_again_page(settings: Settings, log_lines: list[str]) -> None:
    app = create_app(settings)
    calls = {"page": 0}

    async def unreachable(request: Any) -> None:
        calls["page"] += 1
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    async def locked(request: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    async def bug(request: Any) -> None:
        raise sqlite3.OperationalError("no such column: oops")

    app.router.routes += [Route("/away", unreachable, methods=["GET", "POST"]), Route("/locked", locked),
                          Route("/bug", bug)]
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/away")
        assert page.status_code == 503 and page.headers["retry-after"] == "5"
        assert "<h1>Even niet bereikbaar</h1>" in page.text
        assert "Wat je al gedaan hebt, is bewaard" in page.text and 'href="/away"' in page.text
        assert "Connect call failed" not in page.text and "5432" not in page.text
        assert page.headers["content-security-policy"].startswith("default-src")
        assert calls["page"] == 3  # a page is tried again twice before giving up
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/account/login").text)
        assert token
        calls["page"] = 0
        posted = client.post("/away", data={"csrf": token.group(1)})
        assert posted.status_code == 503 and calls["page"] == 1  # a form is never sent twice
        assert client.get("/locked").status_code == 503
        assert client.get("/bug").status_code == 500  # a mistake in our SQL is no outage
        client.cookies.set("lang", "en")
        assert "<h1>Briefly unavailable</h1>" in client.get("/away").text
    warnings = [json.loads(line) for line in log_lines if "The database is not reachable" in line]
    assert warnings and all(w["level"] == "WARNING" and "traceback" not in w for w in warnings)


# -- several workers -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_several_workers_share_sessions_and_rate_limits(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "web-course", tmp_path / "courses" / "buurtronde")
    port = free_port()
    env = server_env(tmp_path, port, LOG_LEVEL="INFO", LOG_FORMAT="json")
    with running_server(tmp_path, "--workers", "2", port=port, env=env, startup=60) as server:
        _wait_for_workers(server, workers=2)
        asyncio.run(_across_workers(server.url, server.data_dir / "outbox"))
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        served = {line["pid"] for line in lines if line["logger"] == "elearning.access"}
        assert len(served) == 2, "both workers answered requests"
        assert server.proc.pid not in served


def _wait_for_workers(server: Server, workers: int) -> None:
    """/health answers as soon as one worker is up; wait for all of them."""
    deadline = time.monotonic() + 60
    while server.log.read_text().count("Application startup complete") < workers:
        assert server.proc.poll() is None and time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.2)


async def _across_workers(url: str, outbox: Path) -> None:
    """Each request on a new connection: the kernel spreads them over the workers."""
    csrf = re.compile(r'name="csrf" value="([^"]+)"')

    async def fresh(cookies: httpx.Cookies, method: str, path: str, **kw: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=url, cookies=cookies, follow_redirects=False) as client:
            response = await client.request(method, path, **kw)
            cookies.update(client.cookies)
            return response

    sanne = httpx.Cookies()
    token = csrf.search((await fresh(sanne, "GET", "/account/register")).text)
    assert token
    registered = await fresh(sanne, "POST", "/account/register", data={
        "csrf": token.group(1), "name": "Sanne", "email": "sanne@example.org", "password": "een goed wachtwoord",
        "registration_number": ""})
    assert registered.status_code == 200
    link = take_confirmation_link(outbox, "sanne@example.org")
    token = csrf.search((await fresh(sanne, "GET", link)).text)
    assert token
    assert (await fresh(sanne, "POST", link, data={"csrf": token.group(1)})).status_code == 303
    # The session, signed with the shared key, works in every worker: 20 times logged in.
    pages = await asyncio.gather(*(fresh(sanne, "GET", "/account") for _ in range(20)))
    assert all(page.status_code == 200 and "Sanne" in page.text for page in pages)
    # The CSRF token from one worker is good in the other.
    start_page = await fresh(sanne, "GET", "/courses/buurtronde")
    token = csrf.search(start_page.text)
    assert token
    started = await fresh(sanne, "POST", "/courses/buurtronde/start", data={"csrf": token.group(1)})
    assert started.status_code == 303
    # Failed logins count in the database: the limit holds whichever worker answers.
    mallory = httpx.Cookies()
    for i in range(6):
        token = csrf.search((await fresh(mallory, "GET", "/account/login")).text)
        assert token
        answer = await fresh(mallory, "POST", "/account/login", data={
            "csrf": token.group(1), "email": "sanne@example.org", "password": f"geraden {i}"})
        assert answer.status_code == 400
    assert "Te veel mislukte pogingen" in answer.text


# -- the guide --------------------------------------------------------------------------------------------
def test_the_operations_guide_names_every_setting_and_command() -> None:
    from elearning.settings import SETTINGS

    guide = (Path(__file__).parent.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in guide]
    assert not missing, f"settings missing from docs/operations.md: {missing}"
    for command in ["elearning backup", "elearning restore", "elearning migrate", "--workers", "pg_dump",
                    "pg_restore", "X-Request-Id", "Retry-After"]:
        assert command in guide, command


# -- the pages this area adds, in Chromium with axe ---------------------------------------------------------
@pytest.mark.browser
def test_the_try_again_and_bad_request_pages_have_no_wcag_violations(browser: Any, tmp_path: Path) -> None:
    import uvicorn
    from axe_playwright_python.sync_playwright import Axe

    database = _migrated(tmp_path)
    shutil.copytree(FIXTURES / "web-course", tmp_path / "courses" / "buurtronde")
    port = free_port()
    settings = Settings.load({}, data_dir=tmp_path / "data", courses_dir=tmp_path / "courses",
                             database_url=f"sqlite://{database}", secret_key="axe-" + "k" * 40,
                             base_url=f"http://127.0.0.1:{port}")
    app = create_app(settings)

    async def away(request: Any) -> None:
        raise ConnectionRefusedError(111, "Connect call failed")

    app.router.routes.append(Route("/away", away))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    context = browser.new_context(base_url=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
            time.sleep(0.05)
        page = context.new_page()
        page.set_default_timeout(10_000)
        rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        reports = {}
        page.goto("/courses/buurtronde")
        page.get_by_role("button", name="Start de cursus").click()
        page.wait_for_url(re.compile(r"/play/\d+$"))
        attempt = page.url
        for lang in ["nl", "en"]:
            context.add_cookies([{"name": "lang", "value": lang, "url": f"http://127.0.0.1:{port}"}])
            response = page.goto("/away")
            assert response is not None and response.status == 503
            reports[f"503 {lang}"] = Axe().run(page, options=rules)
            page.goto(attempt)
            # A step token no page of ours sends: the 400 page, with the way back.
            page.evaluate("document.querySelector('input[name=step]').value = 'kapot'")
            with page.expect_response(lambda r: r.request.method == "POST") as posted:
                page.locator("form button[type=submit]").first.click()
            assert posted.value.status == 400
            page.wait_for_load_state()
            reports[f"400 {lang}"] = Axe().run(page, options=rules)
            page.get_by_role("link", name=re.compile("Terug naar waar je was|Back to where you were")).click()
            page.wait_for_url(re.compile(r"/play/\d+$"))
        bad = {name: r.generate_report() for name, r in reports.items() if r.violations_count}
        assert not bad, "\n\n".join(f"== {name}\n{report}" for name, report in bad.items())
    finally:
        context.close()
        server.should_exit = True
        thread.join(timeout=10)
