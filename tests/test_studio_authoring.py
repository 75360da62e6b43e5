"""The studio as an author's workbench (issue 12, part 5): the map of a course with errors, every
problem and scene linked to its file and line, hidden choices in preview with their condition, and
the course's playthrough tests run from the studio.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import WEB_COURSE
from starlette.testclient import TestClient
from test_studio import PREVIEW, Preview, _break, become_author, h1

from elearning.settings import Settings
from elearning.web.app import create_app

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_SCENE_NODE = r'<g id="scene&#45;{}" class="node">.*?</g>\s*</g>'


def _copy(courses_dir: Path, name: str) -> Path:
    folder = courses_dir / name
    shutil.copytree(WEB_COURSE, folder)
    text = (folder / "course.yaml").read_text(encoding="utf-8").replace("id: buurtronde", f"id: {name}")
    (folder / "course.yaml").write_text(text, encoding="utf-8")
    return folder


def _marked(svg: str, scene: str) -> bool:
    node = re.search(_SCENE_NODE.format(scene.replace("-", "&#45;")), svg, re.S)
    assert node, f"scene {scene} is not drawn"
    return "#b02a37" in node.group(0)


# -- the map of a course with errors ---------------------------------------------------------------
def test_a_folder_that_never_compiled_still_gets_its_map_with_the_problem_scene_marked(
        settings: Settings, courses_dir: Path, web_for) -> None:
    _break(_copy(courses_dir, "kapot"))  # bakkerij's second choice goes to a scene that does not exist
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        folder = web.get("/studio/folders/kapot").text
        assert 'href="/studio/folders/kapot/map/ronde"' in folder
        page = web.get("/studio/folders/kapot/map/ronde")
        assert page.status_code == 200, page.text
        assert h1(page.text) == "Scenariokaart: De ronde door de buurt"
        svg = re.search(r"<svg class=\"scenario-svg\".*?</svg>", page.text, re.S)
        assert svg, page.text
        assert _marked(svg.group(0), "bakkerij") and not _marked(svg.group(0), "buurthuis")
        assert "nergens" in page.text  # the problem is named in the list of scenes
        assert "niet online" in page.text.lower()
        assert web.get("/studio/folders/kapot/map/nope").status_code == 404
        assert web.get("/studio/folders/bestaat-niet/map/ronde").status_code == 404


def test_after_a_bad_edit_the_map_shows_the_newest_version_with_its_problem(
        settings: Settings, courses_dir: Path, web_for) -> None:
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        svg = web.get("/studio/courses/buurtronde/map/ronde.svg").text
        assert not _marked(svg, "bakkerij")
        _break(courses_dir / "buurtronde")
        library = client.app.state.library  # type: ignore[attr-defined]
        library.reload(courses_dir / "buurtronde")
        page = web.get("/studio/courses/buurtronde/map/ronde").text
        assert "de versie met fouten" in page.lower()
        svg = re.search(r"<svg class=\"scenario-svg\".*?</svg>", page, re.S)
        assert svg and _marked(svg.group(0), "bakkerij")
        # learners still play the last good version
        assert "nergens" not in web.get("/courses/buurtronde").text


# -- every problem and scene links to its file and line -------------------------------------------------
def test_problems_and_scenes_link_to_their_source_line(settings: Settings, courses_dir: Path, web_for) -> None:
    _break(_copy(courses_dir, "kapot"))
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        folder = web.get("/studio/folders/kapot").text
        link = re.search(r'<a href="(/studio/folders/kapot/source/modules/ronde\.yaml#L(\d+))"', folder)
        assert link, folder
        source = web.get(link.group(1).split("#")[0])
        assert source.status_code == 200
        line = int(link.group(2))
        row = re.search(rf'<tr id="L{line}"[^>]*>(.*?)</tr>', source.text, re.S)
        assert row and "goto: nergens" in row.group(1) and "problem" in row.group(0)
        assert "Koop een &lt;b&gt;brood&lt;/b&gt;" in source.text and "<b>brood</b>" not in source.text
        # every scene of the map's list links to the line it starts on
        listing = web.get("/studio/folders/kapot/map/ronde").text
        for scene in ["intro", "plein", "bakkerij", "buurthuis", "ronde-einde"]:
            assert re.search(rf'href="/studio/folders/kapot/source/modules/ronde\.yaml#L\d+"[^>]*>[^<]*'
                             rf'ronde\.yaml:\d+</a>(?:(?!</tr>).)*?<code>{scene}</code>|<code>{scene}</code>'
                             rf'(?:(?!</tr>).)*?href="/studio/folders/kapot/source/modules/ronde\.yaml#L\d+"',
                             listing, re.S), scene
        # nothing outside the course folder, and only the course's own files
        for bad in ["../buurtronde/course.yaml", "..%2Fbuurtronde%2Fcourse.yaml", "modules/../../buurtronde/course.yaml",
                    "media/kaart.svg", "modules/geen.yaml"]:
            assert web.get(f"/studio/folders/kapot/source/{bad}").status_code == 404, bad


def test_an_editor_url_setting_makes_every_problem_a_link_into_the_editor(settings: Settings, courses_dir: Path,
                                                                        web_for) -> None:
    folder = _copy(courses_dir, "kapot")
    _break(folder)
    editing = Settings.load({}, **{**settings.__dict__, "editor_url": "vscode://file{path}:{line}:{col}"})
    with TestClient(create_app(editing)) as client:
        web = web_for(client)
        become_author(web, editing)
        page = web.get("/studio/folders/kapot").text
        target = (folder / "modules" / "ronde.yaml").resolve().as_posix()
        assert re.search(rf'href="vscode://file{re.escape(target)}:\d+:\d+"', page), page
        listing = web.get("/studio/folders/kapot/map/ronde").text
        assert re.search(rf'href="vscode://file{re.escape(target)}:\d+:1"', listing)


def test_a_bad_editor_url_setting_is_refused_with_its_name() -> None:
    import pytest

    from elearning.settings import SettingsError

    for bad in ["javascript:alert(1)//{path}", "vscode://file/", "https://x/{path}:{lin}"]:
        with pytest.raises(SettingsError, match="EDITOR_URL"):
            Settings.load({"EDITOR_URL": bad, "SECRET_KEY": "k" * 40})


# -- preview: hidden choices -------------------------------------------------------------------------
def test_the_preview_lists_a_hidden_choice_with_the_condition_that_hides_it(settings: Settings, courses_dir: Path,
                                                                           web_for) -> None:
    module = courses_dir / "buurtronde" / "modules" / "ronde.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "        unavailable: show\n        reason: Bezoek eerst de bakkerij en het buurthuis.\n", ""), encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        page = Preview(web).open(f"{PREVIEW}?scene=plein")
        hidden = re.search(r'<section[^>]*aria-labelledby="hidden-choices-title".*?</section>', page, re.S)
        assert hidden, page
        assert "Ik heb genoeg gezien" in hidden.group(0) and "done_count() &gt;= 2" in hidden.group(0)
        # the learner's own list does not offer it
        assert "Ik heb genoeg gezien" not in page.split('aria-labelledby="hidden-choices-title"')[0]
        # a once-only choice already taken is listed as such
        preview = Preview(web)
        preview.open(f"{PREVIEW}?scene=bakkerij")
        after = preview.choose("c1")  # "Vraag wat hij daarmee bedoelt" (once), back to the square
        after = preview.choose("loc-bakkerij")
        hidden = re.search(r'<section[^>]*aria-labelledby="hidden-choices-title".*?</section>', after, re.S)
        assert hidden and "Vraag wat hij daarmee bedoelt" in hidden.group(0) and "al gekozen" in hidden.group(0)


# -- the playthrough tests, from the studio -------------------------------------------------------------
_PASSING = """name: De ronde tot het einde
steps:
  - choose: c1
  - expect: {scene: plein}
"""
_FAILING = """name: Een verwachting die niet uitkomt
steps:
  - choose: c1
  - expect: {scene: bakkerij}
"""


def test_the_course_tests_run_from_the_studio_with_pass_or_fail_per_test(settings: Settings, courses_dir: Path,
                                                                       web_for) -> None:
    tests = courses_dir / "buurtronde" / "tests"
    tests.mkdir()
    (tests / "goed.yaml").write_text(_PASSING, encoding="utf-8")
    (tests / "fout.yaml").write_text(_FAILING, encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        become_author(web, settings)
        course = web.get("/studio/courses/buurtronde").text
        assert 'action="/studio/courses/buurtronde/tests"' in course
        csrf = _CSRF.search(course).group(1)  # type: ignore[union-attr]
        assert client.post("/studio/courses/buurtronde/tests", data={}).status_code in (400, 403)  # CSRF
        result = client.post("/studio/courses/buurtronde/tests", data={"csrf": csrf}, follow_redirects=True)
        assert result.status_code == 200
        rows = {name.strip(): status for status, name in
                re.findall(r'<tr class="test test--(passed|failed)">\s*<th scope="row">(.*?)</th>', result.text, re.S)}
        assert rows == {"De ronde tot het einde": "passed", "Een verwachting die niet uitkomt": "failed"}, result.text
        assert "1 van de 2 tests geslaagd" in result.text
        assert "fout.yaml:4" in result.text  # the failing step, at its line
        # a learner may not run them
        web.client.cookies.clear()
        web.register(email="leerling@example.org", name="Lea Leerling")
        page = web.get("/courses/buurtronde").text
        csrf = _CSRF.search(page).group(1)  # type: ignore[union-attr]
        assert client.post("/studio/courses/buurtronde/tests", data={"csrf": csrf}).status_code == 403


def test_a_course_without_tests_says_how_to_write_one(web, settings: Settings) -> None:
    become_author(web, settings)
    page = web.get("/studio/courses/buurtronde").text
    assert "tests/" in page and "docs/authoring.md" in page
