"""Characters and dialogue, values in text, audio and video in the web player: the example course
docs/examples/buurthuis played through the app (and, marked browser, in Chromium with axe)."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Web, in_database, take_confirmation_link

from elearning.storage.models import Event
from elearning.testing import running_server

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "buurthuis"


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "courses"
    shutil.copytree(EXAMPLE, folder / "buurthuis")
    return folder


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_conversation_names_every_speaker_in_text_and_fills_in_the_name_escaped(web: Web) -> None:
    web.register(name="Jan <b>de</b> Vries")
    attempt = web.start("buurthuis")
    html = web.get(f"/play/{attempt}").text
    assert "Goedemorgen Jan &lt;b&gt;de&lt;/b&gt; Vries! Fijn dat je er bent." in html
    assert "<b>de</b>" not in html
    dialogue = html.split('<section class="dialogue dialogue--conversation"', 1)[1].split("</section>", 1)[0]
    assert '<h2 id="dialogue-title" class="visually-hidden">Gesprek</h2>' in dialogue
    assert dialogue.count('<p class="speaker">Fatma <span class="role">(vrijwilliger in het buurthuis)</span>') == 2
    # the portrait's alt text once (on the first line), then empty: the name is there as text
    assert dialogue.count('alt="Tekening van Fatma: een lachende vrouw met een groene hoofddoek"') == 1
    assert dialogue.count('alt=""') == 1
    # the audio with its transcript on the page
    assert '<audio controls preload="metadata" src="/media/buurthuis/media/deurbel.wav"' in html
    assert "<summary>Uitgeschreven tekst" in html and "ding-dong" in html


def test_a_guest_has_no_name(web: Web) -> None:
    attempt = web.start("buurthuis")
    assert "Goedemorgen! Fijn dat je er bent." in web.get(f"/play/{attempt}").text


def test_video_captions_chat_and_values_through_the_course(web: Web) -> None:
    attempt = web.start("buurthuis")
    web.choose(attempt, "c2")
    html = web.get(f"/play/{attempt}").text
    assert '<video controls preload="metadata" playsinline src="/media/buurthuis/media/buurthuis.webm"' in html
    assert '<track kind="captions" src="/media/buurthuis/media/prikbord.vtt" srclang="nl" label="Ondertitels" default>' in html
    assert "<strong>Beeld:</strong>" in html  # the Markdown transcript, rendered
    assert ">Terug naar de koffietafel</button>" in html  # a snippet as a choice label
    for path, kind in (("media/buurthuis.webm", "video/webm"), ("media/prikbord.vtt", "text/vtt"),
                       ("media/deurbel.wav", "audio/x-wav"), ("media/prikbord.md", "text/markdown")):
        response = web.get(f"/media/buurthuis/{path}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind), path
    web.choose(attempt, "c1")
    html = web.get(f"/play/{attempt}").text
    assert '<li class="line line--me">' in html and '<p class="speaker">Jij<span class="visually-hidden">:</span></p>' in html
    assert '<li class="line line--narration">' in html
    web.choose(attempt, "c1")
    web.answer(attempt, "a")
    html = web.get(f"/play/{attempt}").text
    assert "Het vertrouwen tussen jou en Henk staat nu op 2." in _text(html)
    assert "In je notitieboek staat 1 signaal." in _text(html)
    web.choose(attempt, "c1")
    html = web.get(f"/play/{attempt}").text
    assert '<section class="dialogue dialogue--chat"' in html and "Chatberichten" in html
    assert "En hij vertrouwt je, dat zag ik wel." in html  # a line with a condition that holds
    state = web.state(attempt)
    assert state.notebook == {"verb-henk", "sig-groeten", "verb-fatma"} and "binnen" in state.flags


def test_the_events_record_the_answer_and_scene_effects(web: Web) -> None:
    attempt = web.start("buurthuis")
    web.choose(attempt, "c1")
    web.choose(attempt, "c1")
    web.answer(attempt, "b")
    settings = web.client.app.state.settings  # type: ignore[attr-defined]

    async def work() -> list[dict[str, Any]]:
        payloads = await Event.filter(attempt_id=attempt).order_by("seq").values_list("payload", flat=True)
        return [json.loads(p) for p in payloads]

    events = in_database(settings.database_url, work)
    answered = next(e for e in events if e["type"] == "question_answered")
    assert answered["effects"] == {"add": {"vertrouwen": -1}}
    entered = [e for e in events if e["type"] == "scene_entered" and "effects" in e]
    assert [e["scene"] for e in entered] == ["binnen", "henk"]
    assert entered[1]["effects"] == {"notebook": ["verb-henk"]}


def test_the_studio_preview_shows_the_chat_with_values_and_sets_answer_flags(web: Web, settings: Any) -> None:
    from conftest import set_role

    from elearning.storage.models import Role

    web.register(email="auteur@example.org", name="Anne <i>Auteur</i>")
    set_role(settings.database_url, "auteur@example.org", Role.AUTHOR)
    html = web.get("/studio/courses/buurthuis/preview?scene=app").text
    assert '<section class="dialogue dialogue--chat"' in html
    assert "Hoi Anne &lt;i&gt;Auteur&lt;/i&gt;, kom je dinsdag weer naar de koffieochtend?" in html
    html = web.get("/studio/courses/buurthuis/preview?scene=doorvragen").text
    assert "Het vertrouwen tussen jou en Henk staat nu op 0." in _text(html)
    assert 'name="flag" value="binnen" id="flag-binnen"' in html  # a flag set by on_enter can be set by hand


# -- in the browser ---------------------------------------------------------------------------
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture(scope="module")
def example_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("buurthuis-live")
    shutil.copytree(EXAMPLE, root / "courses" / "buurthuis")
    with running_server(root) as server:
        yield server


@pytest.mark.browser
def test_conversation_chat_and_media_pages_are_axe_clean_and_fit_a_phone(browser: Any, example_server: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    context = browser.new_context(base_url=example_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    axe = Axe()
    reports = []

    def check(name: str) -> None:
        page.wait_for_load_state()
        results = axe.run(page, options=RULES)
        if results.violations_count:
            reports.append(f"== {name}: {results.generate_report()}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name}: scrolls sideways at 390 px"

    email = f"chat-{secrets.token_hex(4)}@example.org"
    page.goto("/account/register")
    page.get_by_label("Je naam").fill("Noor")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill("een goed wachtwoord")
    page.get_by_role("button", name="Account maken").click()
    page.goto(take_confirmation_link(example_server.data_dir / "outbox", email))
    page.get_by_role("button", name="Account maken").click()
    page.goto("/courses/buurthuis")
    page.get_by_role("button", name=re.compile("Begin|Start")).first.click()
    expect(page.locator("h1")).to_have_text("Het buurthuis")
    # the speaker's name is text in the accessibility tree, before what they say
    conversation = page.get_by_role("region", name="Gesprek")
    expect(conversation.get_by_role("listitem").first).to_contain_text("Fatma (vrijwilliger in het buurthuis): Goedemorgen Noor!")
    check("conversation and audio")
    # the transcript opens with the keyboard
    page.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("ding-dong", exact=False)).to_be_visible()
    check("transcript open")
    page.get_by_role("button", name="Kijk eerst naar het prikbord").click()
    expect(page.locator("video track[kind=captions]")).to_have_count(1)
    # the page's rules let the browser load the video and read its captions
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    page.wait_for_function("(() => { const t = document.querySelector('video').textTracks[0];"
                           " return t && t.cues && t.cues.length === 1; })()")
    assert "Buurthuis De Linde" in page.evaluate("document.querySelector('video').textTracks[0].cues[0].text")
    check("video")
    page.get_by_role("button", name="Terug naar de koffietafel").click()
    page.get_by_role("button", name="Reageer op Henk").click()
    page.get_by_label("Wat merk je nog meer? Sinds wanneer is dat zo?").check()
    page.get_by_role("button", name="Antwoord geven").click()
    page.get_by_role("button", name="Volgende").click()
    expect(page.locator("h1")).to_have_text("Henk vertelt verder")
    page.get_by_role("button", name="Pak je telefoon").click()
    chat = page.get_by_role("region", name="Chatberichten")
    expect(chat.get_by_role("listitem").nth(1)).to_contain_text("Jij: Ja, ik kom.")
    check("chat")
    context.close()
    assert not reports, "\n\n".join(reports)


def test_the_terminal_player_shows_speakers_values_and_transcripts() -> None:
    from click.testing import CliRunner

    from elearning.cli import main

    result = CliRunner().invoke(main, ["play", str(EXAMPLE)], input="1\n1\na\n1\n1\nq\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[Uitgeschreven tekst: [Geluid: de deurbel van het buurthuis gaat." in out
    assert "Fatma: Goedemorgen! Fijn dat je er bent." in out  # no name in the terminal: as for a guest
    assert "Jij: Hoe bedoel je?" in out and "\nHenk schuift een stoel voor je bij." in out
    assert "Het vertrouwen tussen jou en Henk staat nu op 2." in " ".join(out.split())
    assert "{{" not in out


# -- the open answer: the example's last step before the end --------------------------------
def _play_form(web: Web, attempt: int, **data: str) -> dict[str, str]:
    page = web.get(f"/play/{attempt}").text
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
            "step": re.search(r'name="step" value="(\d+)"', page).group(1), **data}  # type: ignore[union-attr]


def _play_post(web: Web, attempt: int, **data: str) -> str:
    response = web.client.post(f"/play/{attempt}", data=_play_form(web, attempt, **data), follow_redirects=False)
    assert response.status_code == 303, response.text[:400]
    return response.headers["location"]


def test_the_open_answer_is_kept_resumed_exported_returned_and_approved(web: Web, client: Any, settings: Any) -> None:
    import io
    import zipfile

    from click.testing import CliRunner
    from starlette.testclient import TestClient

    from elearning.cli import main

    web.register("noor@example.org", name="Noor Bakker")
    attempt = web.start("buurthuis")
    for step in ("c1", "c1"):
        web.choose(attempt, step)
    web.answer(attempt, "a")
    web.choose(attempt, "c1")
    web.choose(attempt, "c1")
    page = web.get(f"/play/{attempt}").text
    assert "Wie wil je dinsdag spreken?" in page and '<textarea name="text" id="open-text"' in page

    # A draft survives logging out and in again.
    plan = "Dinsdag vraag ik <Henk> wat er bij de speeltuin is gebeurd & wie er nog meer was."
    assert _play_post(web, attempt, text=plan, action="draft") == f"/play/{attempt}?notice=draft"
    web.logout()
    web.login("noor@example.org")
    page = web.get(f"/play/{attempt}").text
    assert "Dinsdag vraag ik &lt;Henk&gt; wat er bij de speeltuin is gebeurd &amp; wie" in page

    # Handed in: the model answer and the checklist; then the end scene.
    assert _play_post(web, attempt, text=plan, action="submit") == f"/play/{attempt}"
    page = web.get(f"/play/{attempt}").text
    assert "Dinsdag vraag ik Henk wat er bij de speeltuin is gebeurd." in page  # the model answer
    assert 'name="check" value="k1"' in page
    assert _play_post(web, attempt, choice="continue", check="k1") == f"/play/{attempt}"
    assert "Tot dinsdag" in web.get(f"/play/{attempt}").text
    notebook = web.get(f"/play/{attempt}/notebook").text
    assert "Wat neem je mee?" in notebook and "&lt;Henk&gt;" in notebook and "Ingeleverd: wacht op beoordeling" in notebook
    archive = web.post("/account/data", {}, token_from="/account")
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive.content)).read("gegevens.json"))
    assert [a["text"] for a in data["open_answers"]] == [plan]

    # A reviewer of this course returns it with a comment, the learner revises, the reviewer approves.
    env = {"DATA_DIR": str(settings.data_dir), "COURSES_DIR": str(settings.courses_dir),
           "DATABASE_URL": settings.database_url}
    reviewer = Web(TestClient(client.app, base_url="http://testserver"))
    reviewer.register("rik@example.org", name="Rik Reviewer")
    result = CliRunner().invoke(main, ["reviewers", "add", "--course", "buurthuis", "rik@example.org"], env=env)
    assert result.exit_code == 0, result.output
    link = re.search(r'href="(/review/\d+)"', reviewer.get("/review").text).group(1)  # type: ignore[union-attr]
    assert "Noor" not in reviewer.get(link).text
    reviewer.post(link, {"decision": "return", "comment": "Wat wil je Fatma vragen?"}, token_from=link)
    assert "Wat wil je Fatma vragen?" in web.get(f"/play/{attempt}/notebook").text
    revise = f"/play/{attempt}/answers/voornemen"
    done = web.post(revise, {"text": plan + " Fatma vraag ik wie Henk kent."}, token_from=revise)
    assert "Je aangepaste antwoord is ingeleverd ter beoordeling." in done.text
    link = re.search(r'href="(/review/\d+)"', reviewer.get("/review").text).group(1)  # type: ignore[union-attr]
    reviewer.post(link, {"decision": "approve", "comment": ""}, token_from=link)
    assert "Goedgekeurd door de beoordelaar" in web.get(f"/play/{attempt}/notebook").text
