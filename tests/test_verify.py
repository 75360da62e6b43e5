"""Public verification: /verify, /verify/CODE and its JSON, typo messages, the rate limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from elearning.certificates.codes import check_character, check_code, format_code
from elearning.settings import Settings
from elearning.storage import certificates as store
from elearning.web.app import create_app

pytestmark = [pytest.mark.usefixtures("accredited")]  # the fixture course carries 1 PE point

_CODE = re.compile(r'href="/verify/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"')
PUBLIC = {"code", "learner_name", "course_id", "course_title", "completed_on", "pe_points", "register_name",
          "activity_id", "verify_url"}
UNKNOWN = format_code("7KQ2M4XD9RT" + check_character("7KQ2M4XD9RT"))  # well-formed, never issued here



def _issued(web: Any, passing_path: list[tuple[str, str]], number: str = "4610 123 456") -> str:
    """Register, pass the fixture course, log out; the certificate's code."""
    web.register(number=number)
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303
    codes = set(_CODE.findall(web.get("/certificates").text))
    assert len(codes) == 1
    web.logout()
    return codes.pop()


def _typo(code: str) -> str:
    """The code with two neighbouring characters swapped (the check character notices)."""
    bare = code.replace("-", "")
    i = next(i for i in range(len(bare) - 1) if bare[i] != bare[i + 1])
    return format_code(bare[:i] + bare[i + 1] + bare[i] + bare[i + 2:])


def test_the_json_answer_holds_the_status_and_the_printed_fields_only(web, passing_path) -> None:
    code = _issued(web, passing_path)
    answer = web.get(f"/verify/{code}.json")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) == {"status", "code", "certificate", "superseded_by", "revoked_on"}
    assert (body["status"], body["code"], body["superseded_by"], body["revoked_on"]) == ("valid", code, None, None)
    printed = body["certificate"]
    assert set(printed) == PUBLIC  # what a register or employer needs; not the registration number or score
    assert printed["learner_name"] == "Sanne de Vries" and "4610123456" not in answer.text
    assert printed["verify_url"] == f"http://testserver/verify/{code}"
    assert (printed["pe_points"], printed["activity_id"]) == (1, "TEST-0001")
    page = web.get(f"/verify/{code}").text
    assert "Sanne de Vries" in page and "4610123456" not in page and "Registratienummer" not in page
    assert "sanne@example.org" not in answer.text and "user" not in answer.text
    by_header = web.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert by_header.json() == body
    typed = web.get(f"/verify/{code.lower().replace('-', '')}.json")
    assert typed.json()["code"] == code  # case and dashes do not matter
    unknown = web.get(f"/verify/{UNKNOWN}.json")
    assert unknown.status_code == 404 and unknown.json() == {"status": "unknown", "code": UNKNOWN}
    wrong = web.get(f"/verify/{_typo(code)}.json")
    assert wrong.status_code == 400
    assert wrong.json()["status"] == "invalid" and wrong.json()["error"] == "typo"


def test_the_page_for_a_certificate_without_a_registration_number(web, passing_path) -> None:
    code = _issued(web, passing_path, number="")
    page = web.get(f"/verify/{code}").text
    assert "Dit certificaat is geldig." in page and "Sanne de Vries" in page
    assert "Registratienummer" not in page
    assert "registration_number" not in web.get(f"/verify/{code}.json").json()["certificate"]


def test_a_typed_code_goes_to_its_page(web, passing_path) -> None:
    code = _issued(web, passing_path)
    form = web.get("/verify")
    assert form.status_code == 200 and "Certificaat controleren" in form.text
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")  # as people type it
    response = web.client.get("/verify", params={"code": f"  {typed} "}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/verify/{code}"
    assert "Dit certificaat is geldig." in web.get(response.headers["location"]).text


@pytest.mark.parametrize("kind", ["length", "typo", "character", "empty"])
def test_mistyped_codes_get_a_helpful_message(client: TestClient, kind: str) -> None:
    raw = {"length": UNKNOWN[:-2], "typo": _typo(UNKNOWN), "character": "7KQ2-M4XD-9RU!", "empty": " "}[kind]
    with pytest.raises(ValueError) as expected:
        check_code(raw)
    message = str(expected.value)  # the Dutch message
    assert {"length": "Een verificatiecode heeft 12 tekens, maar", "typo": "er zit waarschijnlijk een typefout in",
            "character": "bevat tekens die niet in een verificatiecode voorkomen",
            "empty": "Vul de verificatiecode in."}[kind] in message
    for page in (client.get("/verify", params={"code": raw}), client.get(f"/verify/{raw.strip() or '-'}")):
        assert page.status_code == 400
        assert '<div class="error-summary" role="alert"' in page.text
        assert message.replace("'", "&#39;") in page.text or kind == "empty"
        assert 'aria-invalid="true"' in page.text


def test_english_messages_and_page(web, passing_path) -> None:
    code = _issued(web, passing_path)
    web.get("/language/en?next=/")
    page = web.get(f"/verify/{code}").text
    assert '<html lang="en">' in page and "This certificate is valid." in page and "1 PE point" in page
    assert "Completed on" in page
    short = web.get("/verify", params={"code": code[:-1]}).text
    assert f"A verification code has 12 characters, but &#39;{code[:-1]}&#39; has 11." in short
    swapped = web.get("/verify", params={"code": _typo(code)}).text
    assert "there is probably a typing error in it" in swapped
    assert "Check a certificate" in web.get("/verify").text


def test_an_unknown_code_says_so(client: TestClient) -> None:
    page = client.get(f"/verify/{UNKNOWN}")
    assert page.status_code == 404
    assert f"Er is geen certificaat met de code {UNKNOWN}." in page.text


def test_lookups_are_rate_limited_per_address(settings: Settings) -> None:
    # Two apps on one database, as two server processes: the count lives in the database.
    with TestClient(create_app(settings), client=("203.0.113.7", 5000)) as busy, \
            TestClient(create_app(settings), client=("198.51.100.2", 5000)) as other:
        for _ in range(store.VERIFY_PER_ADDRESS.tries):
            assert busy.get(f"/verify/{UNKNOWN}").status_code == 404
        limited = busy.get(f"/verify/{UNKNOWN}")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "900"
        assert "Te veel controles" in limited.text and "Wacht een kwartier" in limited.text
        as_json = busy.get(f"/verify/{UNKNOWN}.json")
        assert as_json.status_code == 429 and as_json.json() == {"status": "rate_limited"}
        assert busy.get("/verify?code=ab").status_code == 400  # the form itself still answers
        assert other.get(f"/verify/{UNKNOWN}").status_code == 404  # another address is not affected
    with TestClient(create_app(settings), client=("203.0.113.7", 6000)) as same_address_elsewhere:
        assert same_address_elsewhere.get(f"/verify/{UNKNOWN}").status_code == 429
