"""Broken and hostile requests: each gets a clear page (4xx, in the site's style) and changes nothing.

The attempt is read from the database before and after every request (its state, step, last
event number and the number of events): a refused request must not have written anything.
A well-formed choice that the current page does not offer (a made-up id, a place or scene of
another course) and an old step token (a form submitted twice) are what a browser sends after
the back button or a double click: those get the 303 to the scene with a notice saying so (as
tests/test_web_play.py pins). Anything no page of ours could have sent is a 400.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.web.app import create_app

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_STEP = re.compile(r'name="step" value="(\d+)"')


# -- helpers -------------------------------------------------------------------------------------
def _snapshot(database_url: str, attempt: int) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    row_sql = 'SELECT state, step, last_seq, scene FROM "attempt" WHERE id = {}'
    count_sql = 'SELECT COUNT(*) FROM "event" WHERE attempt_id = {}'
    if database_url.startswith("sqlite://"):
        db = sqlite3.connect(database_url.removeprefix("sqlite://"))
        try:
            row = db.execute(row_sql.format("?"), [attempt]).fetchone()
            count = db.execute(count_sql.format("?"), [attempt]).fetchone()[0]
        finally:
            db.close()
        return (*row, count)

    async def read() -> tuple[Any, ...]:
        import asyncpg

        conn = await asyncpg.connect(database_url, timeout=10)
        try:
            row = await conn.fetchrow(row_sql.format("$1"), attempt)
            count = await conn.fetchval(count_sql.format("$1"), attempt)
        finally:
            await conn.close()
        return (*row, count)

    return asyncio.run(read())


def _tokens(client: TestClient, attempt: int) -> tuple[str, str]:
    page = client.get(f"/play/{attempt}").text
    csrf, step = _CSRF.search(page), _STEP.search(page)
    assert csrf and step
    return csrf.group(1), step.group(1)


def _assert_clear_page(response: httpx.Response, status: int, heading: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert '<html lang="nl">' in response.text and f"<h1>{heading}</h1>" in response.text
    assert "Traceback" not in response.text and "Exception" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff"


BAD_REQUEST = "Dit verzoek klopt niet"


@pytest.fixture
def playing(web: Any, database_url: str) -> Iterator[tuple[Any, int]]:
    """A learner on the hub of the fixture course (one choice made)."""
    attempt = web.start()
    web.choose(attempt, "c1")
    yield web, attempt


# -- choices -------------------------------------------------------------------------------------
@pytest.mark.parametrize("choice", [
    "C1", "c1 ", " c1", "x" * 500, "c1\x00", "<script>alert(1)</script>", "' OR 1=1 --", "../c1",
    "loc-bakkerij;drop", "café", "%FF",
])
def test_a_tampered_choice_id_is_a_400_and_changes_nothing(playing: Any, database_url: str, choice: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    response = web.client.post(f"/play/{attempt}", data={"csrf": csrf, "step": step, "choice": choice},
                               follow_redirects=False)
    _assert_clear_page(response, 400, BAD_REQUEST)
    assert "Wat je stuurde, kwam niet goed aan. Er is niets veranderd." in response.text
    assert f'href="/play/{attempt}"' in response.text  # the way back
    assert "<script>alert" not in response.text
    assert _snapshot(database_url, attempt) == before


def test_two_choices_at_once_are_a_400(playing: Any, database_url: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    response = web.client.post(f"/play/{attempt}", data={
        "csrf": csrf, "step": step, "choice": ["loc-bakkerij", "c1"]}, follow_redirects=False)
    _assert_clear_page(response, 400, BAD_REQUEST)
    assert _snapshot(database_url, attempt) == before


@pytest.mark.parametrize("choice", ["made-up", "loc-nergens", "retake", "next", "c9"])
def test_a_well_formed_choice_that_is_not_offered_changes_nothing(playing: Any, database_url: str,
                                                                  choice: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    response = web.choose(attempt, choice)
    assert response.status_code == 303
    assert response.headers["location"] == f"/play/{attempt}?notice=unavailable"
    assert "Die keuze kan nu niet." in web.get(response.headers["location"]).text
    assert _snapshot(database_url, attempt) == before


def test_tampered_answers_to_a_question(web: Any, database_url: str, passing_path: list[tuple[str, str]]) -> None:
    attempt = web.start()
    for kind, value in passing_path[:7]:  # up to the first question of the test
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    for answers, status in [(["groeten", "groeten"], 400), (["<b>"], 400), (["x" * 200], 400),
                            (["bestaat-niet"], 303), (["groeten"], 303), (["b"], 303),
                            (["abcdefghij"], 303)]:  # answer ids and made-up values are never applied
        response = web.client.post(f"/play/{attempt}", data={"csrf": csrf, "step": step, "answer": answers},
                                   follow_redirects=False)
        assert response.status_code == status, answers
        if status == 400:
            _assert_clear_page(response, 400, BAD_REQUEST)
    assert _snapshot(database_url, attempt) == before


# -- step tokens ---------------------------------------------------------------------------------
@pytest.mark.parametrize("step", ["", "abc", "-1", "1.0", "１", "0x1", "9" * 20, " 1"])
def test_a_malformed_step_token_is_a_400(playing: Any, database_url: str, step: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, _ = _tokens(web.client, attempt)
    response = web.client.post(f"/play/{attempt}", data={"csrf": csrf, "step": step, "choice": "loc-bakkerij"},
                               follow_redirects=False)
    _assert_clear_page(response, 400, BAD_REQUEST)
    assert _snapshot(database_url, attempt) == before


def test_two_step_tokens_or_none_are_a_400(playing: Any, database_url: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    for data in ({"csrf": csrf, "step": [step, step], "choice": "loc-bakkerij"},
                 {"csrf": csrf, "choice": "loc-bakkerij"}):
        response = web.client.post(f"/play/{attempt}", data=data, follow_redirects=False)
        _assert_clear_page(response, 400, BAD_REQUEST)
    assert _snapshot(database_url, attempt) == before


def test_step_tokens_from_another_attempt(web: Any, database_url: str) -> None:
    """A token is the attempt's step counter: one this attempt never reached is refused (400);
    an earlier one is an old page (303, "already processed"); neither changes anything."""
    ahead = web.start()
    for choice in ["c1", "loc-bakkerij", "c1"]:
        web.choose(ahead, choice)
    _, far_step = _tokens(web.client, ahead)
    web.client.cookies.clear()
    behind = web.start()
    csrf, near_step = _tokens(web.client, behind)
    assert int(far_step) > int(near_step)
    before = _snapshot(database_url, behind)
    response = web.client.post(f"/play/{behind}", data={"csrf": csrf, "step": far_step, "choice": "c1"},
                               follow_redirects=False)
    _assert_clear_page(response, 400, BAD_REQUEST)
    web.choose(behind, "c1")  # now one step on; an older token is a replay
    before = _snapshot(database_url, behind)
    response = web.client.post(f"/play/{behind}", data={"csrf": csrf, "step": near_step, "choice": "c1"},
                               follow_redirects=False)
    assert response.headers["location"] == f"/play/{behind}?notice=stale"
    assert _snapshot(database_url, behind) == before
    # Another learner's attempt itself is not found at all, whatever the tokens.
    response = web.client.post(f"/play/{ahead}", data={"csrf": csrf, "step": far_step, "choice": "c1"},
                               follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")


# -- another course --------------------------------------------------------------------------------
def test_places_and_scenes_of_another_course(settings: Settings, courses_dir: Path, database_url: str,
                                             web_for: Any) -> None:
    shutil.copytree(MINI, courses_dir / "mini")
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        attempt = web.start("buurtronde")
        web.choose(attempt, "c1")
        before = _snapshot(database_url, attempt)
        # "plein" is a place in the mini course, "kaart" and "bakker" are its scenes.
        place = client.get(f"/play/{attempt}/places/plein")
        assert place.status_code == 404 and "Deze plek kun je nu niet kiezen" in place.text
        for choice in ["loc-plein", "kaart", "bakker", "welkom"]:
            response = web.choose(attempt, choice)
            assert response.headers["location"] == f"/play/{attempt}?notice=unavailable", choice
        assert _snapshot(database_url, attempt) == before
        assert client.post("/courses/bestaat-niet/start", data={"csrf": web.csrf()}).status_code == 404


# -- bodies and encodings --------------------------------------------------------------------------
def test_oversized_bodies_are_a_413(playing: Any, database_url: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    big = {"csrf": csrf, "step": step, "choice": "loc-bakkerij", "padding": "x" * 100_000}
    _assert_clear_page(web.client.post(f"/play/{attempt}", data=big), 413, "Te veel gegevens")

    def chunks() -> Iterator[bytes]:
        yield f"csrf={csrf}&step={step}&choice=loc-bakkerij&padding=".encode()
        for _ in range(100):
            yield b"x" * 10_000

    chunked = web.client.post(f"/play/{attempt}", content=chunks(),
                              headers={"content-type": "application/x-www-form-urlencoded"})
    _assert_clear_page(chunked, 413, "Te veel gegevens")
    upload = web.client.post(f"/play/{attempt}", headers={"x-csrf-token": csrf},
                             data={"step": step, "choice": "loc-bakkerij"},
                             files={"file": ("big.bin", b"\0" * 200_000)})
    _assert_clear_page(upload, 413, "Te veel gegevens")
    assert _snapshot(database_url, attempt) == before


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", "step={step}&choice=%FF%FE"),
    ("application/x-www-form-urlencoded", "step={step}&choice=%ZZ"),
    ("application/x-www-form-urlencoded", "step={step}&choice=loc-bakkerij%"),
    ("application/json", '{{"step": "{step}", "choice": "loc-bakkerij"}}'),
    ("text/plain", "step={step}\nchoice=loc-bakkerij"),
    ("multipart/form-data; boundary=abc", "--xyz\r\nbroken"),
    ("multipart/form-data", "--abc\r\n"),
    ("", "step={step}&choice=loc-bakkerij"),
])
def test_broken_form_encodings_are_a_400(playing: Any, database_url: str, content_type: str, body: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    headers = {"x-csrf-token": csrf}  # the CSRF check passes: the view itself must cope
    if content_type:
        headers["content-type"] = content_type
    response = web.client.post(f"/play/{attempt}", content=body.format(step=step).encode(), headers=headers,
                               follow_redirects=False)
    _assert_clear_page(response, 400, BAD_REQUEST)
    assert _snapshot(database_url, attempt) == before


def test_a_form_without_a_readable_csrf_token_is_a_403(playing: Any, database_url: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, step = _tokens(web.client, attempt)
    for content_type, body in [("application/json", f'{{"csrf": "{csrf}"}}'),
                               ("application/x-www-form-urlencoded", "csrf=%FF%FE"),
                               ("multipart/form-data; boundary=abc", f"--abc\r\ncsrf={csrf}")]:
        response = web.client.post(f"/play/{attempt}", content=body.encode(),
                                   headers={"content-type": content_type})
        _assert_clear_page(response, 403, "Geen toegang")
    assert _snapshot(database_url, attempt) == before


# -- methods, ids, languages -----------------------------------------------------------------------
def test_wrong_methods_get_a_405_page(playing: Any, database_url: str) -> None:
    web, attempt = playing
    before = _snapshot(database_url, attempt)
    csrf, _ = _tokens(web.client, attempt)
    for method in ["PUT", "PATCH", "DELETE"]:
        response = web.client.request(method, f"/play/{attempt}", headers={"x-csrf-token": csrf})
        _assert_clear_page(response, 405, "Dit kan hier niet")
        without = web.client.request(method, f"/play/{attempt}")
        _assert_clear_page(without, 403, "Geen toegang")  # no CSRF token: refused before anything else
    for path in ["/account/logout", "/courses/buurtronde/start", "/account/password"]:
        _assert_clear_page(web.client.get(path), 405, "Dit kan hier niet")
    _assert_clear_page(web.client.post("/health", headers={"x-csrf-token": csrf}), 405, "Dit kan hier niet")
    assert _snapshot(database_url, attempt) == before


@pytest.mark.parametrize("path", [
    "/play/0", "/play/-1", "/play/1e3", "/play/99999999999", "/play/9223372036854775808",
    "/play/" + "9" * 40, "/play/99999999999/notebook", "/play/ 1",
])
def test_attempt_ids_that_cannot_exist_are_a_404(web: Any, path: str) -> None:
    web.register()  # logged in: an unknown attempt is a 404 (a visitor is asked to log in)
    _assert_clear_page(web.client.get(path, follow_redirects=False), 404, "Pagina niet gevonden")


def test_unknown_languages(web: Any) -> None:
    response = web.client.get("/language/de?next=/", follow_redirects=False)
    _assert_clear_page(response, 404, "Pagina niet gevonden")
    assert "set-cookie" not in response.headers
    for lang, headers in [("de", {}), ("<script>", {}), (None, {"accept-language": "de, fr"})]:
        web.client.cookies.clear()
        if lang:
            web.client.cookies.set("lang", lang)
        page = web.client.get("/", headers=headers)
        assert page.status_code == 200 and '<html lang="nl">' in page.text
    english = web.client.get("/language/en?next=/", follow_redirects=False)
    assert english.status_code == 303 and "lang=en" in english.headers["set-cookie"]


# -- hostile characters in text fields (NUL gave a 500 on PostgreSQL; U+202E turned "XSS" into "SSX") --
HOSTILE = ["Sanne\x00", "San\x1b[31mne", "Sanne\u202eSSX", "San\u2066ne", "Sa\x85nne", "Sanne\x7f"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_with_control_or_bidi_characters_is_refused_clearly(web: Any, name: str) -> None:
    response = web.post("/account/register", {"name": name, "email": "sanne@example.org",
                                              "password": "een goed wachtwoord"})
    assert response.status_code == 400, response.text[:300]
    assert "Je naam mag geen stuurtekens of onzichtbare tekens bevatten." in response.text


@pytest.mark.parametrize(("path", "fields"), [
    ("/account/login", {"email": "sanne@example.org\x00", "password": "een goed wachtwoord"}),
    ("/account/login", {"email": "sanne\x00@example.org", "password": "wacht\x00woord"}),
    ("/account/register", {"name": "Sanne", "email": "sanne\x00@example.org", "password": "een goed wachtwoord"}),
    ("/account/password/forgot", {"email": "sanne@example.org\x00"}),
])
def test_a_nul_byte_in_an_account_form_is_a_400_not_a_500(web: Any, path: str, fields: dict[str, str]) -> None:
    response = web.post(path, fields)
    assert response.status_code == 400, response.text[:300]
    assert "Traceback" not in response.text


def test_a_profile_name_with_a_bidi_override_is_refused_and_nothing_is_saved(web: Any) -> None:
    web.register()
    response = web.post("/account", {"name": "Sanne\u202eSSX", "email": "sanne@example.org"}, token_from="/account")
    assert response.status_code == 400
    assert "Je naam mag geen stuurtekens of onzichtbare tekens bevatten." in response.text
    assert 'value="Sanne de Vries"' in web.get("/account").text


@pytest.mark.parametrize("path", ["/media/buurtronde/media/a%00.svg", "/media/buurtronde/media/%00"])
def test_a_nul_byte_in_a_media_path_is_a_404(web: Any, path: str) -> None:
    assert web.get(path).status_code == 404
