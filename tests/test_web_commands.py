"""`elearning migrate`, `elearning serve` (its refusal; the live server fixture starts it for real),
`elearning users ...`, and the settings they read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from elearning.cli import main
from elearning.settings import SETTINGS, Settings, SettingsError, documentation


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path / "data"), "COURSES_DIR": str(tmp_path / "courses"), **more}


def test_migrate_creates_and_then_keeps_the_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["migrate"], env=_env(tmp_path))
    assert first.exit_code == 0, first.output
    assert "Applied storage.0001_initial" in first.output and "is up to date" in first.output
    assert (tmp_path / "data" / "elearning.sqlite3").exists()
    second = runner.invoke(main, ["migrate"], env=_env(tmp_path))
    assert second.exit_code == 0 and "Applied" not in second.output


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    sqlite3.connect(tmp_path / "data" / "elearning.sqlite3").close()  # exists, but empty
    result = CliRunner().invoke(main, ["serve", "--port", "1"], env=_env(tmp_path))
    assert result.exit_code == 1
    assert "is not up to date: " in result.output and "not applied (storage.0001_initial, " in result.output
    assert "elearning migrate" in result.output and "elearning serve --migrate" in result.output


def test_serve_reports_a_bad_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve"], env=_env(tmp_path, DEBUG="misschien"))
    assert result.exit_code == 1
    assert "Setting DEBUG has value 'misschien'. Not a valid boolean" in result.output


def test_the_live_server_serves_the_course(live_server) -> None:
    import httpx

    page = httpx.get(f"{live_server.url}/courses/buurtronde")
    assert page.status_code == 200 and "Een ronde door de buurt" in page.text
    assert (live_server.data_dir / "elearning.sqlite3").exists()
    assert (live_server.data_dir / "secret_key").stat().st_mode & 0o077 == 0


async def test_the_live_server_handles_concurrent_learners(live_server) -> None:
    """Many requests at once, each in its own task: the database context is per request."""
    import asyncio
    import re

    import httpx

    async def learner(client: httpx.AsyncClient) -> list[int]:
        course = await client.get("/courses/buurtronde")
        token = re.search(r'name="csrf" value="([^"]+)"', course.text).group(1)  # type: ignore[union-attr]
        start = await client.post("/courses/buurtronde/start", data={"csrf": token})
        step = re.search(r'name="step" value="(\d+)"', start.text).group(1)  # type: ignore[union-attr]
        choice = await client.post(str(start.url), data={"csrf": token, "step": step, "choice": "c1"})
        pages = await asyncio.gather(*(client.get(str(start.url)) for _ in range(5)))
        return [course.status_code, start.status_code, choice.status_code, *(p.status_code for p in pages)]

    clients = [httpx.AsyncClient(base_url=live_server.url, follow_redirects=True, timeout=30) for _ in range(15)]
    try:
        results = await asyncio.gather(*(learner(c) for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert all(code == 200 for codes in results for code in codes), results
    assert "Traceback" not in live_server.log.read_text()


def test_users_create_list_and_set_role(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(tmp_path)
    assert runner.invoke(main, ["migrate"], env=env).exit_code == 0
    created = runner.invoke(main, ["users", "create", "--role", "admin", "Beheer@Example.org"],
                            input="Bea Beheer\nlang genoeg wachtwoord\nlang genoeg wachtwoord\n", env=env)
    assert created.exit_code == 0, created.output
    assert "Created beheer@example.org (admin)." in created.output
    again = runner.invoke(main, ["users", "create", "beheer@example.org", "--name", "X",
                                 "--password", "lang genoeg wachtwoord"], env=env)
    assert again.exit_code == 1 and "There already is an account for beheer@example.org." in again.output
    short = runner.invoke(main, ["users", "create", "b@example.org", "--name", "B", "--password", "kort"], env=env)
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    listed_as_two = runner.invoke(main, ["users", "create", "a@example.org,b@example.org", "--name", "A",
                                         "--password", "lang genoeg wachtwoord"], env=env)
    assert listed_as_two.exit_code == 1 and "is not one e-mail address" in listed_as_two.output
    escaped = runner.invoke(main, ["users", "create", "c@example.org", "--name", "C\x1b]0;pwned\x07",
                                   "--password", "lang genoeg wachtwoord"], env=env)
    assert escaped.exit_code == 1 and "control characters" in escaped.output
    listed = runner.invoke(main, ["users", "list"], env=env)
    assert "beheer@example.org\tadmin\tBea Beheer" in listed.output
    assert "a@example.org" not in listed.output
    changed = runner.invoke(main, ["users", "set-role", "beheer@example.org", "author"], env=env)
    assert changed.exit_code == 0 and "is now author" in changed.output
    missing = runner.invoke(main, ["users", "set-role", "nobody@example.org", "admin"], env=env)
    assert missing.exit_code == 1 and "There is no account for nobody@example.org." in missing.output


def test_users_needs_a_migrated_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["users", "list"], env=_env(tmp_path, DATABASE_URL=f"sqlite://{tmp_path}/x.db"))
    assert result.exit_code == 1 and "elearning migrate" in result.output


def test_settings_defaults_and_the_generated_secret_key(tmp_path: Path) -> None:
    settings = Settings.load({"DATA_DIR": str(tmp_path / "d")})
    assert settings.database_url == f"sqlite://{tmp_path / 'd' / 'elearning.sqlite3'}"
    assert settings.courses_dir == Path("courses") and settings.default_language == "nl"
    assert settings.https is False and settings.debug is False and settings.smtp_host is None
    key = (tmp_path / "d" / "secret_key").read_text().strip()
    assert settings.secret_key == key and len(key) >= 32
    assert Settings.load({"DATA_DIR": str(tmp_path / "d")}).secret_key == key  # generated once
    assert key not in repr(settings)
    assert Settings.load({"DATA_DIR": str(tmp_path), "BASE_URL": "https://x.example"}).https is True


@pytest.mark.parametrize("name, value, message", [
    ("DEBUG", "soms", "Setting DEBUG has value 'soms'. Not a valid boolean"),
    ("SMTP_PORT", "abc", "Setting SMTP_PORT has value 'abc'. Not a valid whole number."),
    ("DEFAULT_LANGUAGE", "de", "Setting DEFAULT_LANGUAGE has value 'de'. Use nl or en."),
    ("DATABASE_URL", "mysql://root:geheim@db/x", "Setting DATABASE_URL has value 'mysql://root:***@db/x'."),
    ("BASE_URL", "cursus.example.org", "Setting BASE_URL has value 'cursus.example.org'."),
])
def test_bad_settings_name_the_key_and_the_value(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as exc:
        Settings.load({"DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 40, name: value})
    assert message in str(exc.value)
    assert "geheim" not in str(exc.value)


def test_every_setting_is_documented() -> None:
    table = documentation()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in table and setting.help
    operations = (Path(__file__).parent.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    assert table in operations, "docs/operations.md: paste elearning.settings.documentation() as its table"
