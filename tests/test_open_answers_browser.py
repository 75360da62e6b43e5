"""Open answers in Chromium: the pages of an open scene (writing, a draft kept, an error, the
model answer with the checklist), the notebook and the reviewer's pages have no WCAG violations
(axe) and do not scroll sideways at 390 px. (That they work without JavaScript: the TestClient
of test_web_open_answers.py runs none.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from elearning.testing import BIN, PASSED_ON, running_server

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "praktijkopdracht"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
PASSWORD = "een goed wachtwoord"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    shutil.copytree(EXAMPLE, tmp_path / "courses" / "praktijkopdracht")
    with running_server(tmp_path) as running:
        yield running


def _cli(root: Path, *args: str) -> None:
    """The command in a process of its own (Playwright runs an event loop in this thread)."""
    env = {k: v for k, v in os.environ.items() if k in PASSED_ON}
    env.update(DATA_DIR=str(root / "data"), COURSES_DIR=str(root / "courses"))
    done = subprocess.run([str(BIN / "elearning"), *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own command, no shell
    assert done.returncode == 0, done.stdout + done.stderr


def _clean(page: Any, name: str, problems: dict[str, str]) -> None:
    page.wait_for_load_state()
    results = Axe().run(page, options=RULES)
    if results.violations_count:
        problems[name] = results.generate_report()
    for width in (390,):
        page.set_viewport_size({"width": width, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems[f"{name} at {width} px"] = f"scrolls sideways: {scroll} px wide"
    page.set_viewport_size({"width": 1200, "height": 900})


def test_open_answer_pages_are_accessible(browser: Any, server: Any) -> None:
    problems: dict[str, str] = {}
    context = browser.new_context(base_url=server.url, java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/courses/praktijkopdracht")
    page.get_by_role("button", name="Start de cursus").click()
    page.get_by_role("button", name="Ik heb de wandeling gemaakt").click()
    expect(page.locator("h1")).to_have_text("Je verslag")
    _clean(page, "open scene", problems)

    box = page.get_by_role("textbox", name="Je antwoord")
    box.fill("Een begin.")
    page.get_by_role("button", name="Bewaar concept").click()
    expect(page.get_by_text("Je concept is bewaard. Je kunt het later afmaken")).to_be_visible()
    expect(page.get_by_role("textbox", name="Je antwoord")).to_have_value("Een begin.")
    _clean(page, "draft saved", problems)

    page.get_by_role("button", name="Lever in").click()
    expect(page.get_by_role("alert")).to_contain_text("Je antwoord is te kort")
    _clean(page, "too short", problems)

    written = "Een begin.\nBij het buurthuis drinken ouderen samen koffie; bij de speeltuin staan groepjes apart."
    page.get_by_role("textbox", name="Je antwoord").fill(written)
    page.get_by_role("button", name="Lever in").click()
    expect(page.get_by_role("heading", name="Voorbeeldantwoord")).to_be_visible()
    expect(page.locator(".open-text")).to_have_text(written)
    _clean(page, "model answer and checklist", problems)
    page.get_by_label("Je noemt een plek waar spanning is.").check()
    page.get_by_role("button", name="Volgende").click()
    expect(page.locator("h1")).to_have_text("Verslag ingeleverd")

    page.get_by_role("link", name="Notitieboek").click()
    expect(page.get_by_text("Ingeleverd: wacht op beoordeling")).to_be_visible()
    _clean(page, "notebook", problems)
    context.close()

    # The reviewer's pages (a guest's answer is reviewed like any other).
    _cli(server.root, "users", "create", "rik@example.org", "--name", "Rik", "--password", PASSWORD)
    _cli(server.root, "reviewers", "add", "--course", "praktijkopdracht", "rik@example.org")
    context = browser.new_context(base_url=server.url, java_script_enabled=True)
    page = context.new_page()
    page.goto("/account/login")
    page.get_by_label("E-mailadres").fill("rik@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto("/review")
    _clean(page, "review queue", problems)
    page.get_by_role("link", name="Praktijkopdracht in je eigen wijk: Je verslag").click()
    expect(page.locator(".open-text")).to_have_text(written)
    _clean(page, "review an answer", problems)
    page.get_by_role("button", name="Stuur terug met opmerking").click()
    expect(page.get_by_role("alert")).to_contain_text("Schrijf een opmerking")
    _clean(page, "review without a comment", problems)
    page.get_by_label("Opmerking voor de deelnemer").fill("Noem ook een plek waar het goed gaat.")
    page.get_by_role("button", name="Stuur terug met opmerking").click()
    expect(page.get_by_text("Het antwoord is teruggestuurd.")).to_be_visible()
    context.close()
    assert not problems, "\n\n".join(f"== {k}: {v}" for k, v in problems.items())
