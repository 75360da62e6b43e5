"""WCAG 2.1 AA with axe-core in Chromium: zero violations of wcag2a, wcag2aa, wcag21a and wcag21aa
on every page type, in the state a learner meets it (with errors shown where a page has them)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import take_confirmation_link
from playwright.sync_api import expect

from elearning.testing import take_link

pytestmark = pytest.mark.browser

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "een goed wachtwoord"


class Checker:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.axe = Axe()
        self.reports: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        results = self.axe.run(self.page, options=RULES)
        self.checked.append(name)
        if results.violations_count:
            self.reports[name] = f"{self.page.url}\n{results.generate_report()}"

    def assert_clean(self, expected: int) -> None:
        assert len(self.checked) >= expected, self.checked
        assert not self.reports, "\n\n".join(f"== {k}: {v}" for k, v in self.reports.items())


@pytest.fixture
def checker(browser, live_server) -> Iterator[Checker]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Checker(page)
    context.close()


def _at(page, title: str) -> None:
    expect(page.locator("h1")).to_have_text(title)


def test_every_page_type_has_no_wcag_violations(checker: Checker, live_server) -> None:
    page = checker.page
    email = f"axe-{secrets.token_hex(4)}@example.org"

    page.goto("/")
    checker.check("catalogue")
    page.goto("/courses/buurtronde")
    checker.check("course page (not started)")

    page.goto("/account/register")
    checker.check("register")
    page.get_by_role("button", name="Account maken").click()
    _at(page, "Account maken")
    checker.check("register with errors")
    page.get_by_label("Je naam").fill("Axe Tester")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Account maken").click()
    _at(page, "Kijk in je mailbox")
    checker.check("check your mail")
    page.goto(take_confirmation_link(live_server.data_dir / "outbox", email))
    checker.check("confirm e-mail address")
    page.get_by_role("button", name="Account maken").click()
    _at(page, "Cursussen")

    page.goto("/courses/buurtronde")
    page.get_by_role("button", name="Start de cursus").click()
    _at(page, "Welkom in De Horst")
    checker.check("scene")
    page.goto(page.url + "/notebook")
    checker.check("notebook (empty)")
    page.go_back()
    page.get_by_role("button", name="Begin de ronde").click()
    _at(page, "Het plein")
    checker.check("hub with map")
    attempt_url = page.url
    page.goto(f"{attempt_url}/places/bakkerij")
    checker.check("place page")
    page.goto(f"{attempt_url}/places/buurthuis")
    checker.check("place page (locked)")
    page.goto(attempt_url)
    page.get_by_role("button", name="Ga naar De bakkerij").click()
    _at(page, "De bakkerij")
    checker.check("scene with image")
    page.get_by_role("button", name="Vraag wat hij daarmee bedoelt").click()
    _at(page, "Het plein")
    checker.check("hub after a visit, with feedback")
    page.goto(f"{attempt_url}/notebook")
    checker.check("notebook")
    page.goto(attempt_url)
    page.get_by_role("button", name="Ga naar Het buurthuis").click()
    page.get_by_role("button", name="Loop door").click()
    page.get_by_role("button", name="Ik heb genoeg gezien").click()
    _at(page, "Einde van de ronde")
    checker.check("module end with result")
    page.get_by_role("button", name="Verder naar: Toets").click()
    _at(page, "Vraag 1")
    checker.check("question")
    page.get_by_role("button", name="Antwoord geven").evaluate("b => b.form.noValidate = true")
    page.get_by_role("button", name="Antwoord geven").click()
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("question with error")
    page.get_by_label("Er is een nieuwe bakker.").check()
    page.get_by_role("button", name="Antwoord geven").click()
    _at(page, "Vraag 1")
    checker.check("question answered (not right)")
    page.get_by_role("button", name="Volgende").click()
    _at(page, "Vraag 2")
    checker.check("question (more answers)")
    page.get_by_label("De bakker").check()
    page.get_by_role("button", name="Antwoord geven").click()
    _at(page, "Vraag 2")
    checker.check("question answered")
    page.get_by_role("button", name="Volgende").click()
    _at(page, "Einde van de toets")
    checker.check("course end (failed, retake offered)")
    page.goto(f"{attempt_url}/result")
    checker.check("course result")
    page.goto("/courses/buurtronde")
    checker.check("course page (finished)")

    page.goto("/account")
    checker.check("profile")
    page.get_by_role("button", name="Wachtwoord veranderen").click()
    _at(page, "Mijn account")
    checker.check("profile with errors")

    page.get_by_role("button", name="Uitloggen").click()
    page.goto("/account/login")
    checker.check("login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("fout wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("login with error")

    page.goto("/account/password/forgot")
    checker.check("forgotten password")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("button", name="Stuur mij een link").click()
    expect(page.get_by_role("status")).to_be_visible()
    checker.check("forgotten password (sent)")
    page.goto(take_link(live_server.data_dir / "outbox", email, "/account/password/reset/"))
    checker.check("reset password")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("reset password with error")
    page.goto("/account/password/reset/not-a-token")
    checker.check("reset password (link no longer works)")

    page.goto("/no-such-page")
    checker.check("404")
    page.goto("/account/login")
    page.locator("input[name=csrf]").evaluate("el => el.value = 'forged'")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    _at(page, "Geen toegang")
    checker.check("403 (expired form)")
    _show_500(page, live_server.url)
    checker.check("500")

    checker.assert_clean(expected=33)


def test_english_pages_have_no_wcag_violations(checker: Checker) -> None:
    page = checker.page
    page.goto("/language/en?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    checker.check("catalogue (en)")
    page.goto("/courses/buurtronde")
    page.get_by_role("button", name="Start the course").click()
    page.get_by_role("button", name="Begin de ronde").click()
    _at(page, "Het plein")
    checker.check("hub (en)")
    page.goto("/account/login")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("login with errors (en)")
    page.goto("/nowhere")
    checker.check("404 (en)")
    checker.assert_clean(expected=4)


def _show_500(page, base_url: str) -> None:
    """The 500 page as the app renders it, served at a URL of the live server (nothing crashes there)."""
    from starlette.requests import Request

    from elearning.settings import Settings
    from elearning.web.app import create_app

    app = create_app(Settings.load({}, data_dir=Path("/nonexistent"), secret_key="k" * 40,
                                   database_url="sqlite://:memory:"))
    scope = {"type": "http", "method": "GET", "path": "/boom", "query_string": b"", "headers": [],
             "app": app, "session": {}}
    html = app.state.pages.render(Request(scope), "error.html", {"status": 500, "detail": None}).body
    page.route(f"{base_url}/boom", lambda route: route.fulfill(status=500, body=html,
                                                                 content_type="text/html; charset=utf-8"))
    page.goto("/boom")
    _at(page, "Er ging iets mis")


def test_the_checker_does_find_a_violation(checker: Checker) -> None:
    """Guards the harness itself: axe really runs in our pages (CSP and all)."""
    page = checker.page
    page.goto("/")
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/static/none.png';
        document.querySelector('main').appendChild(img);
    }""")
    results = checker.axe.run(page, options=RULES)
    assert "image-alt" in results.generate_report()
