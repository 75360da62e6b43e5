"""The polarisation course's praktijkopdracht through the web app (SQLite and PostgreSQL): every
part is stored as the learner typed it, only the last part goes to a reviewer of the course,
the certificate waits for that review, and the answers are in the notebook and its PDF.

The tour before it is left out (a copy of the course with only this module), so that this test
follows the praktijkopdracht and not the scenes of the tour.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import Web, in_database
from starlette.testclient import TestClient
from test_web_open_answers import _cli, _pdf_text, _post

from elearning.settings import Settings
from elearning.storage.models import Certificate, OpenAnswer

COURSE = Path(__file__).parent.parent / "courses" / "polarisatie"
LEARNER = "sanne@example.org"
REVIEWER = "rik@example.org"
PARTS = {
    "po-voorbereiden": "De flats rond het Zuidplein. Veel ouderen en sinds kort jonge gezinnen. Mijn team: de "
                       "wijkagent, de huismeester en de jongerenwerker.",
    "po-wandeling": "Bij de speeltuin staan ouders uit de flat en uit de nieuwe huizen apart. Bij de supermarkt "
                    "hoorde ik: die van de nieuwbouw doen nooit mee. Op het plein is het 's middags gezellig.",
    "po-verbinders": "De kapper kent oude en nieuwe bewoners en hoort dat mensen elkaar niet meer kennen. De trainer "
                     "van de voetbalclub ziet dat kinderen samen spelen en ouders niet.",
    "po-analyse": "Een horizontale scheidslijn tussen oude en nieuwe bewoners, in de fase van ongemak. Geen "
                  "aanjagers, wel een grote stille middengroep. Contact in de eigen straat kan helpen.",
    "po-team": "Ik besprak de scan met de wijkagent, de huismeester en de jongerenwerker. Zij herkenden de "
               "scheidslijn. We starten een koffieochtend in de flat; de huismeester regelt de ruimte en ik nodig "
               "bewoners uit. Over drie maanden kijken we samen terug.",
}


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "courses" / "polarisatie"
    shutil.copytree(COURSE, folder)
    meta = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))
    meta["modules"] = ["praktijkopdracht"]
    meta["pass"] = {"percentage": 0, "modules": ["praktijkopdracht"]}
    meta["study_load_minutes"] = 190
    (folder / "course.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return folder.parent


def test_the_praktijkopdracht_is_stored_reviewed_and_in_the_notebook_pdf(web: Web, client: TestClient,
                                                                        settings: Settings, tmp_path: Path) -> None:
    web.register(LEARNER)
    attempt = web.start("polarisatie")
    start = web.get(f"/play/{attempt}").text
    assert "Een scan van je eigen wijk" in start
    assert 'href="/media/polarisatie/media/werkkaart.pdf"' in start
    assert web.get("/media/polarisatie/media/werkkaart.pdf").headers["content-type"] == "application/pdf"
    web.choose(attempt, "c1")
    for scene, text in PARTS.items():
        page = web.get(f"/play/{attempt}").text
        assert '<textarea name="text" id="open-text"' in page, scene
        assert _post(web, attempt, text=text, action="submit") == f"/play/{attempt}"
        shown = web.get(f"/play/{attempt}").text
        assert ("ingeleverd ter beoordeling" in shown) == (scene == "po-team"), scene
        _post(web, attempt, choice="continue")
    end = web.get(f"/play/{attempt}").text
    assert "Je praktijkopdracht is ingeleverd" in end

    stored = _answers(settings, attempt)
    assert {scene: row[0] for scene, row in stored.items()} == PARTS  # exactly as typed
    assert {scene for scene, row in stored.items() if row[1]} == {"po-team"}  # only the last part is reviewed
    assert _certificates(settings) == 0  # passed, but the certificate waits for the review

    # the reviewer of the course sees the last part, not who wrote it
    reviewer = Web(TestClient(client.app, base_url="http://testserver"))
    reviewer.register(REVIEWER, name="Rik Reviewer")
    _cli(settings, "reviewers", "add", "--course", "polarisatie", REVIEWER)
    queue = reviewer.get("/review").text
    links = re.findall(r'href="(/review/\d+)"', queue)
    assert len(links) == 1 and "Deel 5: bespreek het met je team" in queue
    shown = reviewer.get(links[0]).text
    assert "koffieochtend in de flat" in shown and LEARNER not in shown and "Sanne" not in shown
    reviewer.post(links[0], {"decision": "approve", "comment": "Mooi uitgewerkt."}, token_from=links[0])

    # the notebook and its PDF hold the scan of the learner's own area
    notebook = web.get(f"/play/{attempt}/notebook").text
    assert "Goedgekeurd door de beoordelaar" in notebook
    pdf = web.client.get(f"/play/{attempt}/notebook.pdf")
    assert pdf.status_code == 200
    text = " ".join(_pdf_text(pdf.content, tmp_path).split())
    for part in PARTS.values():
        assert " ".join(part.split())[:60] in text


def _answers(settings: Settings, attempt: int) -> dict[str, tuple[str, bool]]:
    async def work() -> list[tuple[str, str, bool]]:
        return list(await OpenAnswer.filter(attempt_id=attempt).values_list("scene", "text", "review"))

    return {scene: (text, review) for scene, text, review in in_database(settings.database_url, work)}


def _certificates(settings: Settings) -> int:
    async def work() -> int:
        return await Certificate.all().count()

    return int(in_database(settings.database_url, work))
