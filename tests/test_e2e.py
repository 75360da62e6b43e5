"""End to end in Chromium against `elearning serve`: a learner registers, plays the fixture course
through the map and the notebook to a pass, logs out, logs in again and resumes where they were."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import confirm_in_browser
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "een goed wachtwoord"


@pytest.fixture
def page(browser, live_server) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def at(page, title: str) -> None:
    """Wait until the page shows this heading (after a form post, the URL often stays the same)."""
    expect(page.locator("h1")).to_have_text(title)


def _register(page, data_dir, email: str) -> None:
    page.goto("/account/register")
    page.get_by_label("Je naam").fill("Eva Jansen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Registratienummer bij Registerplein").fill("4610 000 123")
    page.get_by_role("button", name="Account maken").click()
    at(page, "Kijk in je mailbox")
    confirm_in_browser(page, data_dir, email)
    page.wait_for_url(re.compile(r"/$"))


def _login(page, email: str) -> None:
    page.goto("/account/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def _logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Inloggen").is_visible()


def test_register_play_to_a_pass_log_out_log_in_and_resume(page, live_server) -> None:
    email = f"eva-{secrets.token_hex(4)}@example.org"
    _register(page, live_server.data_dir, email)

    page.get_by_role("link", name="Een ronde door de buurt").click()
    page.get_by_role("button", name="Start de cursus").click()
    at(page, "Welkom in De Horst")
    page.get_by_role("button", name="Begin de ronde").click()
    at(page, "Het plein")

    # The map: the bakery is a link on the map; the community centre is locked.
    bakery = page.locator(".map a[data-place=bakkerij]")
    assert bakery.get_attribute("aria-label") == "1. De bakkerij, nog niet bezocht"
    expect(page.locator(".map a[data-place=buurthuis]")).to_have_class(re.compile(r"\bmarker--locked\b"))
    bakery.click()
    at(page, "De bakkerij")
    expect(page.get_by_role("img", name="De bakker achter de toonbank met brood.")).to_be_visible()  # once loaded
    page.get_by_role("button", name="Vraag wat hij daarmee bedoelt").click()
    at(page, "Het plein")
    assert "De bakker vertelt dat mensen elkaar niet meer groeten." in page.locator(".feedback").inner_text()
    expect(page.locator(".map a[data-place=bakkerij]")).to_have_class(re.compile(r"\bmarker--done\b"))

    # The notebook is one click away and holds what was collected.
    page.get_by_role("link", name=re.compile(r"^Notitieboek")).click()
    at(page, "Notitieboek")
    assert page.get_by_role("heading", name=re.compile("Signalen")).is_visible()
    assert page.get_by_role("heading", name="Buren groeten elkaar niet meer").is_visible()
    assert page.get_by_role("heading", name="De bakker").is_visible()
    page.get_by_role("link", name="Terug naar waar je was").click()
    at(page, "Het plein")

    page.locator(".map a[data-place=buurthuis]").click()
    at(page, "Het buurthuis")
    page.get_by_role("button", name="Lees het prikbord goed").click()
    page.get_by_role("button", name="Ik heb genoeg gezien").click()
    at(page, "Einde van de ronde")
    page.get_by_role("button", name="Verder naar: Toets").click()
    at(page, "Vraag 1")

    # Log out in the middle of the test, log in again: back at the same question.
    _logout(page)
    _login(page, email)
    page.goto("/courses/buurtronde")
    page.get_by_role("link", name="Verder waar je was").click()
    at(page, "Vraag 1")

    page.get_by_label("Buren groeten elkaar niet meer.").check()
    page.get_by_role("button", name="Antwoord geven").click()
    at(page, "Vraag 1")  # the question again, with how it went
    assert "Juist" in page.locator("#verdict").inner_text()
    page.get_by_role("button", name="Volgende").click()
    at(page, "Vraag 2")
    page.get_by_label("De bakker").check()
    page.get_by_label("De voorzitter van het buurthuis").check()
    page.get_by_role("button", name="Antwoord geven").click()
    page.get_by_role("button", name="Volgende").click()
    at(page, "Einde van de toets")
    assert "Je bent geslaagd voor de cursus." in page.locator("main").inner_text()

    page.get_by_role("link", name="Bekijk je resultaat en wat je nu kunt doen").click()
    main = page.locator("main").inner_text()
    assert "Alle modules samen: 6 van de 6 punten (100%), nodig: 50%" in main
    assert "Je certificaat wordt gemaakt op jouw naam: Eva Jansen." in main
    result_url = page.url

    _logout(page)
    _login(page, email)
    page.goto("/courses/buurtronde")
    page.get_by_role("link", name="Bekijk waar je bent").click()
    at(page, "Einde van de toets")
    page.goto(result_url)
    assert "Alle modules samen: 6 van de 6 punten (100%)" in page.locator("main").inner_text()


def test_the_map_works_without_javascript(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/courses/buurtronde")
        page.get_by_role("button", name="Start de cursus").click()
        page.get_by_role("button", name="Begin de ronde").click()
        page.locator(".map a[data-place=bakkerij]").click()
        at(page, "De bakkerij")  # the place page, with its button
        assert "/places/bakkerij" in page.url
        page.get_by_role("button", name="Ga naar De bakkerij").click()
        at(page, "De bakkerij")
        assert page.get_by_role("button", name="Vraag wat hij daarmee bedoelt").is_visible()
    finally:
        context.close()


def test_keyboard_only(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/courses/buurtronde")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        start = page.get_by_role("button", name="Start de cursus")
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Start de cursus":
                break
        assert start.evaluate("el => el === document.activeElement")
        outline = start.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
        assert outline.startswith("solid") and outline != "solid 0px"
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        at(page, "Welkom in De Horst")
    finally:
        context.close()


def test_a_double_click_or_a_second_tab_counts_once(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/courses/buurtronde")
        page.get_by_role("button", name="Start de cursus").click()
        scene_url = page.url
        other_tab = context.new_page()
        other_tab.goto(scene_url)
        page.get_by_role("button", name="Begin de ronde").dblclick()
        page.wait_for_load_state()
        at(page, "Het plein")
        assert "Deze keuze was al verwerkt." not in page.locator("main").inner_text()
        other_tab.get_by_role("button", name="Begin de ronde").click()  # a page that is out of date
        other_tab.wait_for_load_state()
        at(other_tab, "Het plein")
        assert "Deze keuze was al verwerkt." in other_tab.locator("main").inner_text()
    finally:
        context.close()


def test_pages_fit_a_small_phone(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto("/courses/buurtronde")
        page.get_by_role("button", name="Start de cursus").click()
        page.get_by_role("button", name="Begin de ronde").click()
        for path in [page.url, "/", "/account/register", "/courses/buurtronde"]:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
    finally:
        context.close()
