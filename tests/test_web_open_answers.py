"""Open answers through the web app (SQLite and PostgreSQL): write a draft, resume, hand in,
self-assess; the notebook, its PDF and the data download; a reviewer returns the answer, the
learner revises it, the reviewer approves it and only then is the certificate issued."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Web, in_database
from starlette.testclient import TestClient

from elearning.cli import main
from elearning.settings import Settings
from elearning.storage.models import Certificate, Event

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "praktijkopdracht"
LEARNER = "sanne@example.org"
REVIEWER = "rik@example.org"
HOSTILE = "<script>alert(1)</script> **niet vet** & Jansen zegt: 'we praten niet meer met elkaar'."


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "courses"
    shutil.copytree(EXAMPLE, folder / "praktijkopdracht")
    # This test plays in seconds; the minimum study time has its own tests (test_study_time.py).
    course_yaml = folder / "praktijkopdracht" / "course.yaml"
    text = course_yaml.read_text(encoding="utf-8")
    assert "certificate: standaard\n" in text
    course_yaml.write_text(text.replace("certificate: standaard\n",
                                        "certificate:\n  template: standaard\n  min_active_minutes: 0\n"),
                           encoding="utf-8")
    return folder


def _form(web: Web, attempt: int, **data: str) -> dict[str, str]:
    page = web.get(f"/play/{attempt}").text
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
            "step": re.search(r'name="step" value="(\d+)"', page).group(1), **data}  # type: ignore[union-attr]


def _post(web: Web, attempt: int, **data: str) -> str:
    response = web.client.post(f"/play/{attempt}", data=_form(web, attempt, **data), follow_redirects=False)
    assert response.status_code == 303, response.text[:400]
    return response.headers["location"]


def _cli(settings: Settings, *args: str) -> str:
    env = {"DATA_DIR": str(settings.data_dir), "COURSES_DIR": str(settings.courses_dir),
           "DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notebook.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_write_resume_hand_in_review_return_revise_approve(web: Web, client: TestClient, settings: Settings,
                                                           tmp_path: Path) -> None:
    web.register(LEARNER)
    attempt = web.start("praktijkopdracht")
    web.choose(attempt, "c1")
    page = web.get(f"/play/{attempt}").text
    assert '<textarea name="text" id="open-text"' in page and "Bewaar concept" in page

    # A draft is kept, shown escaped, and survives a new session (resume on another device).
    assert _post(web, attempt, text=HOSTILE, action="draft") == f"/play/{attempt}?notice=draft"
    web.logout()
    web.login(LEARNER)
    page = web.get(f"/play/{attempt}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **niet vet** &amp; Jansen" in page
    assert "<script>alert(1)" not in page

    # Too short: refused, said in words, and nothing typed is lost.
    assert _post(web, attempt, text="Te kort.", action="submit") == f"/play/{attempt}?error=too_short"
    page = web.get(f"/play/{attempt}?error=too_short").text
    assert "Je antwoord is te kort: schrijf minstens 40 tekens." in page and ">Te kort.</textarea>" in page

    # Handed in: the text as typed, the model answer, the checklist to tick.
    assert _post(web, attempt, text=HOSTILE, action="submit") == f"/play/{attempt}"
    page = web.get(f"/play/{attempt}").text
    assert '<div class="open-text">&lt;script&gt;' in page and "<strong>niet vet</strong>" not in page
    assert "Een goed verslag noemt concrete plekken" in page
    assert 'name="check" value="k1"' in page and "Je antwoord is ingeleverd ter beoordeling." in page
    assert _post(web, attempt, choice="continue", check="k2") == f"/play/{attempt}"
    assert "Verslag ingeleverd" in web.get(f"/play/{attempt}").text

    # Passed, but the certificate waits for the review.
    result = web.get(f"/play/{attempt}/result").text
    assert "Een beoordelaar moet je open antwoorden nog goedkeuren." in result
    assert _certificates(settings) == 0

    notebook = web.get(f"/play/{attempt}/notebook").text
    assert "Ingeleverd: wacht op beoordeling" in notebook and "&lt;script&gt;" in notebook

    # The data download holds the text.
    archive = web.post("/account/data", {}, token_from="/account")
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive.content)).read("gegevens.json"))
    assert [a["text"] for a in data["open_answers"]] == [HOSTILE]
    assert data["open_answers"][0]["status"] == "submitted"

    # The reviewer: made one by the command, sees the answer and nothing of the account.
    reviewer = Web(TestClient(client.app, base_url="http://testserver"))
    reviewer.register(REVIEWER, name="Rik Reviewer")
    assert reviewer.client.get("/review").status_code == 403
    assert f"{REVIEWER} reviews praktijkopdracht." in _cli(settings, "reviewers", "add", "--course",
                                                           "praktijkopdracht", REVIEWER)
    queue = reviewer.get("/review").text
    assert "Praktijkopdracht in je eigen wijk: Je verslag" in queue
    link = re.search(r'href="(/review/\d+)"', queue).group(1)  # type: ignore[union-attr]
    shown = reviewer.get(link).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "Sanne" not in shown and LEARNER not in shown and "Sanne" not in queue
    assert reviewer.client.get(f"/play/{attempt}").status_code == 404  # the attempt itself stays the learner's

    # Returning needs a comment; then the learner revises and hands in again.
    empty = reviewer.post(link, {"decision": "return", "comment": " "}, token_from=link)
    assert empty.status_code == 400 and "Schrijf een opmerking" in empty.text
    reviewer.post(link, {"decision": "return", "comment": "Noem ook een <plek> waar het goed gaat."},
                  token_from=link)
    assert reviewer.client.get(link).status_code == 404  # no longer waiting
    notebook = web.get(f"/play/{attempt}/notebook").text
    assert "Noem ook een &lt;plek&gt; waar het goed gaat." in notebook
    revise = f"/play/{attempt}/answers/verslag"
    assert f'href="{revise}"' in notebook
    revised = HOSTILE + " Bij de bakker groeten mensen elkaar wel."
    done = web.post(revise, {"text": revised}, token_from=revise)
    assert "Je aangepaste antwoord is ingeleverd ter beoordeling." in done.text
    assert web.client.get(revise).status_code == 404
    assert _certificates(settings) == 0

    # Approved: now the module counts and the certificate is issued.
    link = re.search(r'href="(/review/\d+)"', reviewer.get("/review").text).group(1)  # type: ignore[union-attr]
    assert "Bij de bakker groeten" in reviewer.get(link).text
    reviewer.post(link, {"decision": "approve", "comment": ""}, token_from=link)
    assert "Er wachten geen antwoorden" in reviewer.get("/review").text
    assert _certificates(settings) == 1
    assert "Goedgekeurd door de beoordelaar" in web.get(f"/play/{attempt}/notebook").text
    assert "Download je certificaat" in web.get(f"/play/{attempt}/result").text

    # The notebook PDF: the owner's only, with the answer as typed.
    pdf = web.client.get(f"/play/{attempt}/notebook.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content, tmp_path)
    assert "<script>alert(1)</script> **niet vet** & Jansen" in " ".join(text.split())
    assert "Je verslag" in text and "Sanne de Vries" in text
    assert reviewer.client.get(f"/play/{attempt}/notebook.pdf").status_code == 404
    stranger = Web(TestClient(client.app, base_url="http://testserver"))
    assert stranger.client.get(f"/play/{attempt}/notebook.pdf", follow_redirects=False).status_code in (303, 404)

    # Events: handed in, assessed, reviewed twice, resubmitted; never the text.
    events = _events(settings, attempt)
    kinds = [e["type"] for e in events]
    assert kinds.count("open_answer_submitted") == 1 and "open_answer_assessed" in kinds
    assert kinds.count("open_answer_reviewed") == 2 and "open_answer_resubmitted" in kinds
    assert "Jansen" not in json.dumps(events)


def _certificates(settings: Settings) -> int:
    async def work() -> int:
        return await Certificate.all().count()

    return int(in_database(settings.database_url, work))


def _events(settings: Settings, attempt: int) -> list[dict[str, object]]:
    async def work() -> list[str]:
        return list(await Event.filter(attempt_id=attempt).order_by("seq").values_list("payload", flat=True))

    return [json.loads(p) for p in in_database(settings.database_url, work)]
