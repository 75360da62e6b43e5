"""A learner's data: the download holds everything the database keeps about them, and erasure
leaves nothing that names them outside what the public verification shows."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sqlite3
import zipfile
from typing import Any

import pytest

from elearning.settings import Settings

pytestmark = [pytest.mark.usefixtures("accredited")]  # the fixture course carries 1 PE point

PASSWORD = "een goed wachtwoord"
_PDF_LINK = re.compile(r'href="/certificates/(\d+)\.pdf"')
_CODE = re.compile(r'href="/verify/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"')
NUMBER = "4610123456"


def _query(database_url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    if database_url.startswith("sqlite://"):
        db = sqlite3.connect(database_url.removeprefix("sqlite://"))
        db.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in db.execute(sql.replace("$1", "?"), args).fetchall()]
        finally:
            db.close()

    async def run() -> list[dict[str, Any]]:
        import asyncpg

        conn = await asyncpg.connect(database_url, timeout=10)
        try:
            return [dict(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()

    return asyncio.run(run())


def _learner_with_everything(web: Any, passing_path: list[tuple[str, str]]) -> tuple[int, int, str]:
    web.register(number=NUMBER)
    attempt = web.start()
    for kind, value in passing_path:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    listing = web.get("/certificates").text
    pdf = _PDF_LINK.search(listing)
    code = _CODE.search(listing)
    assert pdf and code, "the passed course gave no certificate"
    assert web.get(f"/certificates/{pdf.group(1)}.pdf").status_code == 200  # rendered and stored
    web.post("/account", {"name": "Sanne de Vries", "email": "nieuw@example.org", "registration_number": NUMBER,
                          "current_password": PASSWORD})  # a pending address change too
    return attempt, int(pdf.group(1)), code.group(1)


def test_the_download_holds_what_the_tables_hold_about_the_learner(web: Any, database_url: str,
                                                                   passing_path: list[tuple[str, str]]) -> None:
    attempt, certificate_id, code = _learner_with_everything(web, passing_path)
    response = web.post("/account/data", {}, token_from="/account")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("gegevens.json"))
    [user] = _query(database_url, 'SELECT * FROM "user_account" WHERE email = $1', "sanne@example.org")
    assert data["account"]["email"] == "sanne@example.org" and data["account"]["registration_number"] == NUMBER
    assert "password_hash" not in data["account"]
    assert {k for k in user if k != "password_hash"} == set(data["account"])
    tables = {
        "attempts": ('SELECT id FROM "attempt" WHERE user_id = $1', user["id"]),
        "certificates": ('SELECT id FROM "certificate" WHERE user_id = $1', user["id"]),
        "sessions": ('SELECT id FROM "user_session" WHERE user_id = $1', user["id"]),
        "pending_address_changes": ('SELECT id FROM "email_confirmation" WHERE user_id = $1 AND used_at IS NULL',
                                    user["id"]),
        "password_resets": ('SELECT id FROM "password_reset" WHERE user_id = $1', user["id"]),
        "pe_online_registrations": ('SELECT r.id FROM "pe_registration" r JOIN "certificate" c '
                                    'ON c.id = r.certificate_id WHERE c.user_id = $1', user["id"]),
    }
    for key, (sql, value) in tables.items():
        assert sorted(r["id"] for r in _query(database_url, sql, value)) == sorted(r["id"] for r in data[key]), key
    events = _query(database_url, 'SELECT seq FROM "event" WHERE attempt_id = $1', attempt)
    [played] = data["attempts"]
    assert len(events) > 10 and sorted(e["seq"] for e in events) == [e["seq"] for e in played["events"]]
    [certificate] = data["certificates"]
    assert certificate["code"] == code and certificate["data"]["registration_number"] == NUMBER
    assert archive.read(certificate["pdf"]).startswith(b"%PDF")
    assert web.client.post("/account/data", data={"csrf": "forged"}).status_code == 403


def test_erasing_the_account_leaves_only_what_verification_shows(web: Any, database_url: str, settings: Settings,
                                                                  passing_path: list[tuple[str, str]]) -> None:
    attempt, certificate_id, code = _learner_with_everything(web, passing_path)
    wrong = web.post("/account/delete", {"delete_password": "niet goed"}, token_from="/account")
    assert wrong.status_code == 400 and "Je huidige wachtwoord klopt niet." not in wrong.text
    assert "Vul je wachtwoord in om je account te verwijderen." in wrong.text
    done = web.post("/account/delete", {"delete_password": PASSWORD}, token_from="/account")
    assert done.status_code == 200 and "Je account is verwijderd" in done.text
    assert "Uitloggen" not in done.text
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in web.login().text
    # Nothing in any table names her, outside the certificate's public fields.
    for table in ("user_account", "attempt", "event", "user_session", "email_confirmation", "password_reset",
                  "throttle_hit", "certificate", "pe_registration", "audit_entry"):
        for row in _query(database_url, f'SELECT * FROM "{table}"'):  # noqa: S608 - fixed table names
            text = json.dumps({k: v for k, v in row.items() if not isinstance(v, bytes | memoryview)}, default=str)
            assert "sanne@example.org" not in text and "nieuw@example.org" not in text, table
            assert NUMBER not in text, table
            if table != "certificate":
                assert "Sanne de Vries" not in text, table
    [row] = _query(database_url, 'SELECT * FROM "certificate" WHERE id = $1', certificate_id)
    assert row["pdf"] is None  # the PDF printed the registration number
    assert _query(database_url, 'SELECT user_id, guest_key FROM "attempt" WHERE id = $1', attempt) == [
        {"user_id": None, "guest_key": None}]  # anonymous, kept for the figures
    assert len(_query(database_url, 'SELECT id FROM "event" WHERE attempt_id = $1', attempt)) > 10
    page = web.get(f"/verify/{code}")
    assert page.status_code == 200 and "Sanne de Vries" in page.text and "Dit certificaat is geldig." in page.text


def test_the_privacy_and_accessibility_statements_are_public_and_the_providers_own(web: Any, settings: Settings,
                                                                                    tmp_path: Any) -> None:
    import dataclasses

    from starlette.testclient import TestClient

    from elearning.web.app import create_app

    home = web.get("/").text
    assert 'href="/privacy"' in home and 'href="/toegankelijkheid"' in home
    default = web.get("/privacy")
    assert default.status_code == 200 and "<h1>Privacyverklaring</h1>" in default.text
    assert "Mijn account" in default.text and "90 dagen" in default.text
    assert "WCAG 2.2" in web.get("/toegankelijkheid").text
    own = tmp_path / "privacy.md"
    own.write_text("Stichting Buurtwerk, <script>alert(1)</script>, **functionaris**: Fien de Graaf.\n")
    with TestClient(create_app(dataclasses.replace(settings, privacy_statement_file=own))) as provider:
        page = provider.get("/privacy").text
    assert "Stichting Buurtwerk" in page and "<strong>functionaris</strong>" in page
    assert "<script>alert" not in page  # Markdown without HTML
