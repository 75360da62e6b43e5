"""The studio in Chromium, against a real `elearning serve --dev` process.

- axe-core: no WCAG 2.1 AA violations on every studio page type (with data, problems and errors);
- live reload: an open preview page reloads itself when the YAML is saved, also after a broken
  edit (it then shows the last good version and says so), without any inline script.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import PASSING_PATH, WEB_COURSE, Web
from playwright.sync_api import expect
from test_studio import _break

from elearning.settings import Settings
from elearning.testing import BIN, free_port, running_server, server_env

pytestmark = pytest.mark.browser

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
EMAIL = "auteur@example.org"
PASSWORD = "een goed wachtwoord"


@dataclass
class Studio:
    url: str
    courses: Path
    log: Path


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "elearning"), *args], env=env, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """`elearning serve --dev` with the fixture course, a broken course folder and an author account."""
    root = tmp_path_factory.mktemp("studio")
    courses = root / "courses"
    shutil.copytree(WEB_COURSE, courses / "buurtronde")
    shutil.copytree(WEB_COURSE, courses / "kapot")
    (courses / "kapot" / "course.yaml").write_text(
        (courses / "kapot" / "course.yaml").read_text(encoding="utf-8").replace("id: buurtronde", "id: kapot"),
        encoding="utf-8")
    _break(courses / "kapot")
    (courses / "buurtronde" / "tests").mkdir()
    (courses / "buurtronde" / "tests" / "goed.yaml").write_text(
        "name: Naar het plein\nsteps:\n  - choose: c1\n  - expect: {scene: plein}\n", encoding="utf-8")
    (courses / "buurtronde" / "tests" / "fout.yaml").write_text(
        "name: Een verwachting die niet uitkomt\nsteps:\n  - choose: c1\n  - expect: {scene: bakkerij}\n",
        encoding="utf-8")
    port = free_port()
    env = server_env(root, port)
    _cli(env, "migrate")
    _cli(env, "users", "create", "--role", "author", "--name", "Anne Auteur", "--password", PASSWORD, EMAIL)
    with running_server(root, "--dev", port=port, env=env) as server:
        # learners, so that the map and the analytics have numbers to show
        for path in (PASSING_PATH, PASSING_PATH[:3]):
            with httpx.Client(base_url=server.url) as client:
                web = Web(client, database_url=Settings.load(env).database_url)  # type: ignore[arg-type]
                attempt = web.start()
                for kind, value in path:
                    (web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(",")))
        yield Studio(server.url, courses, server.log)


@pytest.fixture
def page(browser: Any, studio: Studio) -> Iterator[Any]:
    context = browser.new_context(base_url=studio.url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/account/login?next=/studio")
    tab.get_by_label("E-mailadres").fill(EMAIL)
    tab.get_by_label("Wachtwoord").fill(PASSWORD)
    tab.get_by_role("button", name="Inloggen").click()
    expect(tab.locator("h1")).to_have_text("Studio")
    yield tab
    context.close()


class Checker:
    def __init__(self, page: Any) -> None:
        self.page, self.axe = page, Axe()
        self.reports: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        results = self.axe.run(self.page, options=RULES)
        self.checked.append(name)
        if results.violations_count:
            self.reports[name] = f"{self.page.url}\n{results.generate_report()}"

    def assert_clean(self, expected: int) -> None:
        assert len(self.checked) == expected, self.checked
        assert not self.reports, "\n\n".join(f"== {k}: {v}" for k, v in self.reports.items())


def test_every_studio_page_type_has_no_wcag_violations(page: Any) -> None:
    checker = Checker(page)
    course = "/studio/courses/buurtronde"
    checker.check("studio: courses")
    page.goto("/studio/folders/kapot")
    expect(page.locator(".problem")).to_have_count(1)
    checker.check("studio: folder with errors")
    page.get_by_role("link", name="Scenariokaart van De ronde door de buurt").click()
    expect(page.locator("svg.scenario-svg")).to_be_visible()
    checker.check("studio: scenario map of a course with errors")
    page.goto("/studio/folders/kapot")
    page.locator(".problem a").first.click()
    expect(page.locator("tr.problem")).to_have_count(1)
    checker.check("studio: source of a file with a problem")
    page.goto(course)
    checker.check("studio: course")
    page.get_by_role("button", name="Voer de tests uit").click()
    expect(page.locator("tr.test--failed")).to_have_count(1)
    checker.check("studio: playthrough test results")
    page.goto(f"{course}/map/ronde")
    expect(page.locator("svg.scenario-svg")).to_be_visible()
    checker.check("studio: scenario map with learners")
    page.goto(f"{course}/map/toets")
    checker.check("studio: scenario map of the test")

    page.goto(f"{course}/preview")
    expect(page.locator("h1")).to_have_text("Welkom in De Horst")
    checker.check("preview: scene")
    page.get_by_role("button", name="Begin de ronde").click()
    expect(page.locator("h1")).to_have_text("Het plein")
    checker.check("preview: hub with map")
    page.locator("a.marker[data-place=bakkerij]").click()  # studio.js-free: enhance.js submits the place's form
    expect(page.locator("h1")).to_have_text("De bakkerij")
    checker.check("preview: scene with image")
    page.get_by_role("button", name="Vraag wat hij daarmee bedoelt").click()
    page.locator("a.marker[data-place=bakkerij]").click()
    expect(page.locator("#hidden-choices-title")).to_be_visible()
    checker.check("preview: scene with a hidden choice")
    page.get_by_label("Ga naar scène").select_option("vraag-2")
    page.get_by_role("button", name="Toestand aanpassen").click()
    expect(page.locator("h1")).to_have_text("Vraag 2")
    checker.check("preview: question")
    page.get_by_role("button", name="Antwoord geven").click()
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("preview: question with error")
    page.locator("#answers").get_by_label("De bakker").check()
    page.get_by_role("button", name="Antwoord geven").click()
    expect(page.locator("#verdict")).to_contain_text("Niet juist")
    checker.check("preview: question answered")
    page.get_by_role("button", name="Volgende").click()
    expect(page.locator("h1")).to_have_text("Einde van de toets")
    checker.check("preview: course end")
    page.get_by_label("Score in deze module").fill("veel")
    page.get_by_role("button", name="Toestand aanpassen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("preview: state with errors")

    for section in ("", "/funnel", "/choices", "/questions", "/notebook"):
        page.goto(f"{course}/analytics{section}")
        expect(page.locator("svg.chart").first).to_be_visible()
        checker.check(f"analytics{section or ': overview'}")
    page.goto(f"{course}/analytics?from=gisteren")
    expect(page.locator(".error-summary")).to_be_visible()
    checker.check("analytics with errors")

    page.goto("/language/en?next=/studio")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    checker.check("studio (en)")
    page.goto(f"{course}/preview?scene=plein")
    checker.check("preview: hub (en)")
    page.goto(f"{course}/analytics/questions")
    checker.check("analytics: questions (en)")
    checker.assert_clean(expected=26)


def test_an_open_preview_reloads_itself_after_a_save(page: Any, studio: Studio) -> None:
    module = studio.courses / "buurtronde" / "modules" / "ronde.yaml"
    original = module.read_text(encoding="utf-8")
    title = f"De bakkerij {secrets.token_hex(3)}"
    try:
        page.goto("/studio/courses/buurtronde/preview?scene=bakkerij")
        expect(page.locator("h1")).to_have_text("De bakkerij")
        expect(page.locator(".live-note a")).to_have_text("Nu opnieuw laden")  # the way without JavaScript
        module.write_text(original.replace("title: De bakkerij", f"title: {title}"), encoding="utf-8")
        expect(page.locator("h1")).to_have_text(title)

        # a broken save: the page reloads, still plays the last good version, and says why
        text = module.read_text(encoding="utf-8")
        module.write_text(text.replace("        goto: plein\n        feedback: U weet nu nog niet",
                                       "        goto: nergens\n        feedback: U weet nu nog niet"), encoding="utf-8")
        expect(page.locator(".notice--warning")).to_contain_text("De laatste wijziging heeft fouten")
        expect(page.locator("h1")).to_have_text(title)
        page.get_by_role("link", name="Bekijk de problemen").click()
        expect(page.locator(".problem .where")).to_contain_text("buurtronde/modules/ronde.yaml:")
        expect(page.locator(".problem mark")).to_contain_text("goto: nergens")

        # fixed again: the course page reloads itself and the problems are gone
        module.write_text(original, encoding="utf-8")
        expect(page.get_by_text("De laatste controle vond geen problemen.")).to_be_visible()
    finally:
        module.write_text(original, encoding="utf-8")
