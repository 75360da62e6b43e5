"""The course evaluation in Chromium: no WCAG violations, usable with the keyboard alone, and
no sideways scrolling on a 390 px wide phone."""

from __future__ import annotations

import secrets

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import take_confirmation_link
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
PASSWORD = "een goed wachtwoord"


def _violations(page) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_load_state()
    results = Axe().run(page, options=RULES)
    return results.generate_report() if results.violations_count else ""


def test_the_evaluation_page_is_accessible_and_works_with_the_keyboard(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        email = f"eval-{secrets.token_hex(4)}@example.org"
        page.goto("/account/register")
        page.get_by_label("Je naam").fill("Eva Evaluatie")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Account maken").click()
        page.goto(take_confirmation_link(live_server.data_dir / "outbox", email))
        page.get_by_role("button", name="Account maken").click()
        page.goto("/courses/buurtronde")
        page.get_by_role("button", name="Start de cursus").click()
        page.get_by_role("button", name="Begin de ronde").click()
        page.get_by_role("button", name="Ga naar De bakkerij").click()
        page.get_by_role("button", name="Vraag wat hij daarmee bedoelt").click()
        page.get_by_role("button", name="Ga naar Het buurthuis").click()
        page.get_by_role("button", name="Lees het prikbord goed").click()
        page.get_by_role("button", name="Ik heb genoeg gezien").click()
        page.get_by_role("button", name="Verder naar: Toets").click()
        page.get_by_label("Buren groeten elkaar niet meer.").check()
        page.get_by_role("button", name="Antwoord geven").click()
        page.get_by_role("button", name="Volgende").click()
        page.get_by_label("De bakker", exact=True).check()
        page.get_by_label("De voorzitter van het buurthuis").check()
        page.get_by_role("button", name="Antwoord geven").click()
        page.get_by_role("button", name="Volgende").click()
        attempt = page.url.rstrip("/")
        page.goto(f"{attempt}/result")
        page.get_by_role("link", name="Vertel ons wat je van de cursus vond").click()
        expect(page.locator("h1")).to_have_text("Wat vond je van de cursus?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not (report := _violations(page)), report

        # an empty form: the error is announced and the page stays accessible
        page.get_by_role("button", name="Verstuur mijn mening").click()
        expect(page.locator(".error-summary")).to_be_visible()
        assert not (report := _violations(page)), report

        # keyboard only: into the first group of radio buttons, arrow to a score, on to the comment
        page.get_by_role("radio", name="Helemaal oneens").first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(page.get_by_role("group", name="De cursus is nuttig voor mijn werk. (niet verplicht)")
               .get_by_role("radio", name="Helemaal eens")).to_be_checked()
        page.get_by_label("Wat wil je de makers van de cursus nog vertellen?").focus()
        page.keyboard.type("Fijne cursus.")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Verstuur mijn mening")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Bedankt voor je mening")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not (report := _violations(page)), report
    finally:
        context.close()
