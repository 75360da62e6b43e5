"""Live reload: edit a copy of the fixture course on disk and watch the served course change.

The app runs with DEV on (what `elearning serve --dev` sets); its lifespan watches the courses
folder. Each test polls the app until the change shows, within a bounded time.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import WEB_COURSE
from starlette.testclient import TestClient
from test_studio import AUTHOR, PREVIEW, _break, become_author, h1

from elearning.settings import Settings
from elearning.web.app import create_app
from elearning.web.reload import changed_folders

DEADLINE = 20.0


def wait_for(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"after {DEADLINE:g} s still not: {what}")
        time.sleep(0.1)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edits_are_served_at_once_and_a_broken_edit_keeps_the_last_good_version(
        settings: Settings, courses_dir: Path, web_for) -> None:
    folder = courses_dir / "buurtronde"
    module = folder / "modules" / "ronde.yaml"
    with TestClient(create_app(dataclasses.replace(settings, dev=True))) as client:
        web = web_for(client)
        become_author(web, settings)
        first = client.get("/studio/version?course=buurtronde").json()
        assert first == {"course": "buurtronde", "stamp": first["stamp"], "ok": True, "errors": 0, "warnings": 0}
        assert h1(web.get(f"{PREVIEW}?scene=intro").text) == "Welkom in De Horst"

        # a good edit: the next page shows it, in preview and to learners
        replace_in(module, "title: Welkom in De Horst", "title: Welkom terug in De Horst")
        wait_for(lambda: "Welkom terug in De Horst" in web.get(f"{PREVIEW}?scene=intro").text,
                 "the new scene title in preview")
        attempt = web.start()
        assert h1(web.get(f"/play/{attempt}").text) == "Welkom terug in De Horst"
        good = client.get("/studio/version?course=buurtronde").json()
        assert good["stamp"] != first["stamp"] and good["ok"]

        # a broken edit: the last good version stays online, the studio shows the problem and its YAML
        text = module.read_text(encoding="utf-8").replace("title: Het plein", "title: Het nieuwe plein")
        text = text.replace("      - label: Koop een brood en ga weer\n        goto: plein\n",
                            "      - label: Koop een <b>brood</b> en ga weer\n        goto: nergens\n")
        module.write_text(text, encoding="utf-8")  # one save with two changes
        broken = wait_for(lambda: (v := client.get("/studio/version?course=buurtronde").json())["errors"] and v,
                          "the error to be reported")
        assert broken == {"course": "buurtronde", "stamp": broken["stamp"], "ok": False, "errors": 1, "warnings": 0}
        web.choose(attempt, "c1")
        assert h1(web.get(f"/play/{attempt}").text) == "Het plein"
        client.cookies.clear()  # a new learner gets the last good version, not the broken one
        guest = web.start()
        assert guest != attempt and h1(web.get(f"/play/{guest}").text) == "Welkom terug in De Horst"
        web.choose(guest, "c1")
        assert h1(web.get(f"/play/{guest}").text) == "Het plein"
        web.login(AUTHOR)
        page = web.get("/studio/courses/buurtronde").text
        assert "1 fout" in page and "De vorige goede versie blijft online." in page
        assert '<code class="where">buurtronde/modules/ronde.yaml:' in page
        assert re.search(r"<mark>\s*\d+ \|\s+goto: nergens</mark>", page)
        assert "Koop een &lt;b&gt;brood&lt;/b&gt;" in page
        preview = web.get(f"{PREVIEW}?scene=plein").text
        assert h1(preview) == "Het plein" and "De laatste wijziging heeft fouten" in preview
        assert "Live herladen staat aan" in web.get("/studio").text

        # fixed: the new version is served and the problems are gone
        replace_in(module, "goto: nergens", "goto: plein")
        fixed = wait_for(lambda: (v := client.get("/studio/version?course=buurtronde").json())["ok"] and v,
                         "the fix to be picked up")
        assert fixed["errors"] == 0 and fixed["stamp"] not in (good["stamp"], broken["stamp"])
        assert h1(web.get(f"{PREVIEW}?scene=plein").text) == "Het nieuwe plein"
        assert "De laatste controle vond geen problemen." in web.get("/studio/courses/buurtronde").text


def test_a_preview_follows_the_course_across_an_edit(settings: Settings, courses_dir: Path, web_for) -> None:
    module = courses_dir / "buurtronde" / "modules" / "ronde.yaml"
    with TestClient(create_app(dataclasses.replace(settings, dev=True))) as client:
        web = web_for(client)
        become_author(web, settings)
        page = web.get(f"{PREVIEW}?scene=bakkerij").text
        reload_url = page.split('data-live-reload="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        assert reload_url.startswith(f"{PREVIEW}?s=")
        replace_in(module, "title: De bakkerij", "title: De warme bakker")
        wait_for(lambda: h1(web.get(reload_url).text) == "De warme bakker", "the edited scene in the open preview")
        # the state of the open preview was moved onto the new version and plays on
        token = web.get(reload_url).text.split('name="s" value="', 1)[1].split('"', 1)[0]
        response = client.post(PREVIEW, data={"csrf": web.csrf(reload_url), "s": token, "choice": "c1"})
        assert h1(response.text) == "Het plein" and "Goed dat u doorvraagt" in response.text


def test_course_folders_come_and_go(settings: Settings, courses_dir: Path, web_for) -> None:
    with TestClient(create_app(dataclasses.replace(settings, dev=True))) as client:
        web = web_for(client)
        become_author(web, settings)
        second = courses_dir / "tweede"
        shutil.copytree(WEB_COURSE, second)
        replace_in(second / "course.yaml", "id: buurtronde", "id: tweede")
        replace_in(second / "course.yaml", "title: Een ronde door de buurt", "title: Een tweede ronde")
        wait_for(lambda: client.get("/courses/tweede").status_code == 200, "the new course to be served")
        assert "Een tweede ronde" in web.get("/studio").text
        shutil.rmtree(second)
        wait_for(lambda: client.get("/courses/tweede").status_code == 404, "the removed course to be gone")
        assert "tweede" not in web.get("/studio").text
        assert client.get("/courses/buurtronde").status_code == 200


def test_a_course_broken_at_start_is_served_once_it_is_fixed(settings: Settings, courses_dir: Path,
                                                            web_for) -> None:
    folder = courses_dir / "buurtronde"
    _break(folder)
    with TestClient(create_app(dataclasses.replace(settings, dev=True))) as client:
        web = web_for(client)
        become_author(web, settings)
        assert client.get("/courses/buurtronde").status_code == 404
        page = web.get("/studio/folders/buurtronde").text
        assert "Niet online." in page and "nergens" in page and 'data-live-url="/studio/version?course=buurtronde"' in page
        replace_in(folder / "modules" / "ronde.yaml", "goto: nergens", "goto: plein")
        wait_for(lambda: client.get("/courses/buurtronde").status_code == 200, "the fixed course to be served")


def test_without_dev_nothing_is_watched(settings: Settings, courses_dir: Path, web_for) -> None:
    module = courses_dir / "buurtronde" / "modules" / "ronde.yaml"
    with (TestClient(create_app(settings)) as client,
          TestClient(create_app(dataclasses.replace(settings, dev=True))) as watching):
        web, author = web_for(client), web_for(watching)
        become_author(web, settings)
        author.login(AUTHOR)
        assert "data-live-url" not in web.get(PREVIEW).text
        replace_in(module, "title: Welkom in De Horst", "title: Welkom terug")
        # A DEV app on the same folder serving the edit is the event: a watcher has seen it by now.
        wait_for(lambda: h1(author.get(PREVIEW).text) == "Welkom terug", "the watching app to serve the edit")
        assert h1(web.get(PREVIEW).text) == "Welkom in De Horst"


def test_changed_paths_name_their_course_folder(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    paths = [str(root / "a" / "modules" / "x.yaml"), str(root / "b" / "course.yaml"), str(root / "c"),
             str(tmp_path.parent / "elsewhere.yaml"), str(root / "a" / "media" / "kaart.svg")]
    assert changed_folders(root, paths) == {"a", "b", "c"}
