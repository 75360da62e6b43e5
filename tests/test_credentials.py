"""Certificates as Open Badges 3.0 credentials: embedded in the PDF/A-3, verified by an independent
verifier (Digital Bazaar's JS stack, tests/verifier/), the issuer's did.json and status list, key
rotation, and /verify with an uploaded file (genuine, tampered, superseded, revoked, bad input)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import in_database, missing, need_program, set_role
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject, StreamObject

from elearning.certificates import credentials as vc
from elearning.certificates.data import sample_certificate
from elearning.certificates.embedded import UploadProblem, read_credential
from elearning.certificates.render import CREDENTIAL_FILENAME, render_pdf
from elearning.certificates.templates import TEMPLATES_DIR
from elearning.settings import Settings
from elearning.storage import credential_keys
from elearning.storage.models import CertificateCredential, CredentialKey, Role

pytestmark = pytest.mark.node
VERIFIER = Path(__file__).parent / "verifier"
PDFA = "{http://www.aiim.org/pdfa/ns/id/}"
NUMBER = "4610123456"
_CODE = re.compile(r'href="/verify/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"')
_PDF_LINK = re.compile(r'href="/certificates/(\d+)\.pdf"')


# -- the independent verifier, started once per test run (per xdist worker) ---------------------------
class Verifier:
    def __init__(self) -> None:
        node = need_program("node", "Node.js runs the independent credential verifier (scripts/test installs it)")
        if not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
            missing("tests/verifier/node_modules is missing: run `npm ci` in tests/verifier (scripts/test does)")
        self.process = subprocess.Popen(  # noqa: S603 - our own script
            [node, str(VERIFIER / "verify.mjs")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )

    def verify(self, credential: dict[str, Any], documents: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"credential": credential, "documents": documents}) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def verifier() -> Iterator[Verifier]:
    started = Verifier()
    yield started
    started.close()


def _published(web: Any) -> dict[str, Any]:
    """What a verifier fetches from the site: did.json (under the DID) and the status list."""
    did_doc = web.get("/.well-known/did.json").json()
    status = web.get(vc.STATUS_LIST_PATH)
    assert status.status_code == 200 and status.headers["content-type"].startswith("application/vc+ld+json")
    return {did_doc["id"]: did_doc, "http://testserver" + vc.STATUS_LIST_PATH: status.json()}


# -- helpers ---------------------------------------------------------------------------------------
def _pass(web: Any, passing_path: list[tuple[str, str]], **account: str) -> tuple[str, str]:
    web.register(**account)
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303
    listing = web.get("/certificates").text
    return _PDF_LINK.findall(listing)[0], _CODE.findall(listing)[0]


def _embedded(pdf: bytes) -> dict[str, Any]:
    """The credential attached to the PDF, read with pypdf (not with our own reader)."""
    attachments = PdfReader(BytesIO(pdf)).attachments
    assert list(attachments) == [CREDENTIAL_FILENAME]
    return json.loads(attachments[CREDENTIAL_FILENAME][0])  # type: ignore[no-any-return]


def _upload(web: Any, content: bytes, name: str = "certificaat.pdf", *, json_answer: bool = False) -> Any:
    headers = {"accept": "application/json"} if json_answer else {}
    return web.client.post("/verify/upload", data={"csrf": web.csrf("/verify")},
                           files={"certificate": (name, content, "application/octet-stream")}, headers=headers)


def _tampered_pdf(pdf: bytes, change: Any) -> bytes:
    """The PDF with its embedded credential changed by `change` (and everything else as it was)."""
    writer = PdfWriter(clone_from=BytesIO(pdf))
    for attached in writer.attachment_list:
        credential = json.loads(attached.content)
        change(credential)
        attached.content = json.dumps(credential).encode()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _rename(credential: dict[str, Any]) -> None:
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Iemand Anders"


# -- the credential in the PDF --------------------------------------------------------------------
@pytest.mark.usefixtures("accredited")  # the fixture course carries 1 PE point
def test_the_certificate_pdf_carries_a_credential_that_verifies_independently(
        web, passing_path, verifier: Verifier, tmp_path: Path, database_url: str) -> None:
    certificate_id, code = _pass(web, passing_path, name="Anouk de Vries-Bakker", number="4610 123 456")
    pdf = web.get(f"/certificates/{certificate_id}.pdf").content
    # PDF/A-3: an associated file (/AF in the catalogue, /AFRelationship /Source, application/json),
    # and still the PDF/A-3b identification and a clean qpdf check.
    reader = PdfReader(BytesIO(pdf))
    catalog: Any = reader.trailer["/Root"]
    specs = [ref.get_object() for ref in catalog["/AF"]]
    assert [(s["/UF"], s["/AFRelationship"]) for s in specs] == [(CREDENTIAL_FILENAME, "/Source")]
    assert specs[0]["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    stream = catalog["/Metadata"].get_object()
    assert isinstance(stream, StreamObject)
    packet = stream.get_data().split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0]
    ident = [el for el in ET.fromstring(packet).iter() if f"{PDFA}part" in el.attrib]  # noqa: S314 - our own PDF
    assert [(el.get(f"{PDFA}part"), el.get(f"{PDFA}conformance")) for el in ident] == [("3", "B")]
    (tmp_path / "c.pdf").write_bytes(pdf)
    qpdf = subprocess.run([need_program("qpdf", "qpdf checks the PDF"), "--check", str(tmp_path / "c.pdf")],
                          capture_output=True, text=True)
    assert qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout, qpdf.stdout

    credential = _embedded(pdf)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"] == [vc.VC_V2, vc.OB_V3]
    assert credential["issuer"]["id"] == "did:web:testserver" and credential["issuer"]["type"] == ["Profile"]
    assert credential["id"] == f"http://testserver/verify/{code}/credential.json"
    subject = credential["credentialSubject"]
    assert subject["achievement"]["name"] == "Een ronde door de buurt"
    assert subject["achievement"]["description"].endswith("Studiebelasting: 0,25 uur.")
    assert subject["creditsEarned"] == 1 and subject["achievement"]["creditsAvailable"] == 1
    assert subject["achievement"]["otherIdentifier"][0]["identifier"] == "TEST-0001"
    # The registration number only as a salted hash, never in plain.
    assert NUMBER not in json.dumps(credential)
    hashed = [i for i in subject["identifier"] if i["hashed"]]
    assert len(hashed) == 1 and len(hashed[0]["salt"]) >= 16
    assert hashed[0]["identityHash"] == "sha256$" + hashlib.sha256((NUMBER + hashed[0]["salt"]).encode()).hexdigest()
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate_id)
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    answer = verifier.verify(credential, _published(web))
    assert answer["verified"], answer
    assert answer["statusVerified"] and answer["status"] == [False]
    # The same JSON for wallets at its own address; the verification JSON stays the public fields.
    download = web.get(f"/verify/{code}/credential.json")
    assert download.status_code == 200 and download.json() == credential
    assert download.headers["content-disposition"] == f'attachment; filename="openbadge-{code}.json"'
    assert "proof" not in web.get(f"/verify/{code}.json").json()["certificate"]
    assert f'href="/verify/{code}/credential.json"' in web.get(f"/verify/{code}").text
    # The upload says: genuine, unaltered, valid.
    page = _upload(web, pdf)
    assert page.status_code == 200 and "Echt en ongewijzigd: dit certificaat is geldig." in page.text
    assert "Anouk de Vries-Bakker" in page.text
    assert _upload(web, json.dumps(credential).encode(), "c.json", json_answer=True).json()["outcome"] == "genuine"

    async def stored() -> int:
        return await CertificateCredential.all().count()

    assert in_database(database_url, stored) == 1  # uploads store nothing


def test_a_tampered_credential_or_pdf_fails(web, passing_path, verifier: Verifier) -> None:
    certificate_id, code = _pass(web, passing_path, number=NUMBER)
    pdf = web.get(f"/certificates/{certificate_id}.pdf").content
    credential = _embedded(pdf)
    published = _published(web)
    for change in (_rename, lambda c: c["credentialSubject"].update(creditsEarned=40),
                   lambda c: c.update(validFrom="2020-01-01T00:00:00Z")):
        tampered = json.loads(json.dumps(credential))
        change(tampered)
        answer = verifier.verify(tampered, published)
        assert not answer["verified"] and not answer["signatureVerified"], answer
    # A PDF whose embedded credential was edited: our /verify and the independent verifier both say no.
    forged = _tampered_pdf(pdf, _rename)
    assert not verifier.verify(_embedded(forged), published)["verified"]
    page = _upload(web, forged)
    assert "Niet echt: het bestand is veranderd." in page.text and "Iemand Anders" not in page.text
    assert _upload(web, forged, json_answer=True).json()["outcome"] == "tampered"
    # Signed by someone else (a key of its own, named as ours): not our key.
    other = vc.SigningKey(credential["proof"]["verificationMethod"].split("#")[0] + "#zOther",
                          Ed25519PrivateKey.generate())
    resigned = vc.sign(credential, other, datetime.now(UTC))
    assert not verifier.verify(resigned, published)["verified"]
    assert _upload(web, json.dumps(resigned).encode(), "c.json", json_answer=True).json()["outcome"] == "foreign"


def test_revoked_and_superseded_certificates_fail_on_the_status_list(
        web, passing_path, verifier: Verifier, settings: Settings, web_for, database_url: str) -> None:
    old_id, old_code = _pass(web, passing_path, name="Sane de Vris")
    old_pdf = web.get(f"/certificates/{old_id}.pdf").content
    web.post("/account", {"name": "Sanne de Vries", "email": "sanne@example.org", "registration_number": "",
                          "current_password": ""})
    web.post(f"/certificates/{old_id}/reissue", {}, token_from=f"/certificates/{old_id}/reissue")
    new_id, new_code = _PDF_LINK.findall(web.get("/certificates").text)[0], None
    new_pdf = web.get(f"/certificates/{new_id}.pdf").content
    new_code = vc.code_of_credential(_embedded(new_pdf))
    published = _published(web)
    superseded = verifier.verify(_embedded(old_pdf), published)
    assert not superseded["verified"] and superseded["signatureVerified"] and superseded["revoked"], superseded
    assert verifier.verify(_embedded(new_pdf), published)["verified"]
    page = _upload(web, old_pdf).text
    assert "Echt en ongewijzigd, maar vervangen." in page and f'href="/verify/{new_code}"' in page
    # An administrator revokes the new one: its bit is set in the next status list.
    web.client.cookies.clear()
    web.register(email="beheer@example.org", name="Beheerder")
    set_role(database_url, "beheer@example.org", Role.ADMIN)
    done = web.post(f"/admin/certificates/{new_id}/revoke", {"reason": "Fraude"},
                    token_from=f"/admin/certificates/{new_id}")
    assert "Het certificaat is ingetrokken." in done.text
    revoked = verifier.verify(_embedded(new_pdf), _published(web))
    assert not revoked["verified"] and revoked["revoked"], revoked
    page = _upload(web, new_pdf).text
    assert "Echt en ongewijzigd, maar ingetrokken." in page and "Fraude" not in page
    assert _upload(web, new_pdf, json_answer=True).json()["status"] == "revoked"


def test_an_old_certificate_verifies_after_a_key_rotation(
        web, passing_path, verifier: Verifier, settings: Settings, database_url: str, monkeypatch) -> None:
    first_id, _ = _pass(web, passing_path)
    first_pdf = web.get(f"/certificates/{first_id}.pdf").content
    env = {"DATABASE_URL": database_url, "SECRET_KEY": settings.secret_key, "BASE_URL": settings.base_url,
           "DATA_DIR": str(settings.data_dir)}
    from elearning.cli import main

    rotated = CliRunner().invoke(main, ["credentials", "rotate-key"], env=env)
    assert rotated.exit_code == 0, rotated.output
    assert "Retired z6Mk" in rotated.output and "New signing key z6Mk" in rotated.output
    listed = CliRunner().invoke(main, ["credentials", "keys"], env=env)
    assert listed.output.count("current") == 1 and listed.output.count("retired") == 1, listed.output
    # A second learner's certificate is signed with the new key.
    web.client.cookies.clear()
    second_id, _ = _pass(web, passing_path, email="kim@example.org", name="Kim Jansen")
    second = _embedded(web.get(f"/certificates/{second_id}.pdf").content)
    first = _embedded(first_pdf)
    assert first["proof"]["verificationMethod"] != second["proof"]["verificationMethod"]
    published = _published(web)
    did_doc = published["did:web:testserver"]
    assert did_doc["assertionMethod"][0] == second["proof"]["verificationMethod"]  # the current key first
    assert first["proof"]["verificationMethod"] in did_doc["assertionMethod"]
    assert verifier.verify(first, published)["verified"]
    assert verifier.verify(second, published)["verified"]
    assert "Echt en ongewijzigd: dit certificaat is geldig." in _upload(web, first_pdf).text

    async def audit() -> list[str]:
        from elearning.storage.models import AuditEntry

        return [str(a) for a in await AuditEntry.all().values_list("action", flat=True)]

    assert in_database(database_url, audit) == ["key-rotate"]


# -- keys --------------------------------------------------------------------------------------------
async def test_keys_are_stored_encrypted_with_the_secret_key(orm: Any) -> None:
    with orm:
        key = await credential_keys.current_key("did:web:example.org", "secret-one")
        assert (await credential_keys.current_key("did:web:example.org", "secret-one")).verification_method == \
            key.verification_method  # made once
        row = await CredentialKey.get()
        raw = key.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        assert raw.hex() not in row.private_key and vc.base58btc(raw) not in row.private_key
        assert row.private_key.startswith("v1:")
        with pytest.raises(credential_keys.KeyUnreadable, match="SECRET_KEY"):
            await credential_keys.current_key("did:web:example.org", "another-secret")


def test_did_web_names_the_site() -> None:
    assert vc.did_web("https://leren.example.nl") == "did:web:leren.example.nl"
    assert vc.did_web("http://127.0.0.1:8000/") == "did:web:127.0.0.1%3A8000"
    assert vc.did_web("https://example.org/opleidingen/leren") == "did:web:example.org:opleidingen:leren"


def test_the_status_list_is_a_gzipped_bitstring_of_at_least_16_kb() -> None:
    bits = vc.decode_status_list(vc.encode_status_list([0, 7, 9]))
    assert len(bits) == 16384
    assert [i for i in range(16) if vc.status_bit(bits, i)] == [0, 7, 9]
    assert len(vc.decode_status_list(vc.encode_status_list([200_000]))) == 2 * 16384


# -- the sample of `certificates preview` --------------------------------------------------------------
def test_preview_embeds_a_sample_signed_with_the_sites_key(
        web, verifier: Verifier, settings: Settings, database_url: str, tmp_path: Path) -> None:
    from elearning.cli import main

    env = {"DATABASE_URL": database_url, "SECRET_KEY": settings.secret_key, "BASE_URL": settings.base_url,
           "DATA_DIR": str(settings.data_dir)}
    target = tmp_path / "voorbeeld.pdf"
    result = CliRunner().invoke(main, ["certificates", "preview", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    credential = _embedded(target.read_bytes())
    assert credential["name"].startswith("VOORBEELD - geen echt certificaat")
    assert "credentialStatus" not in credential
    assert verifier.verify(credential, _published(web))["verified"]
    page = _upload(web, target.read_bytes())
    assert "Dit is een voorbeeld, geen echt certificaat." in page.text


def test_preview_without_a_database_says_so_and_still_renders(tmp_path: Path) -> None:
    from elearning.cli import main

    target = tmp_path / "voorbeeld.pdf"
    result = CliRunner().invoke(main, ["certificates", "preview", "-o", str(target)],
                                env={"DATA_DIR": str(tmp_path / "nothing-here"), "DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    assert "No credential embedded" in result.stderr
    assert PdfReader(target).attachments == {}
    assert not (tmp_path / "nothing-here").exists()  # no database, no secret key made


# -- bad uploads ---------------------------------------------------------------------------------------
def _bomb_pdf() -> bytes:
    """A small PDF whose embedded 'credential' unpacks to 50 MB of zeros."""
    plain = render_pdf(sample_certificate(), TEMPLATES_DIR / "standaard", '{"a": 1}')
    writer = PdfWriter(clone_from=BytesIO(plain))
    for attached in writer.attachment_list:
        stream: Any = attached.pdf_object["/EF"]["/F"].get_object()
        stream._data = zlib.compress(b"\0" * 50_000_000, 9)
        stream[NameObject("/Length")] = NumberObject(len(stream._data))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_uploads_get_a_clear_answer(web) -> None:
    cases = [
        (b"", 400, "Kies een bestand"),
        (b"Dit is gewoon tekst, geen certificaat.", 400, "Dit bestand is geen PDF- of JSON-bestand."),
        (b"%PDF-1.7\n" + b"rommel" * 100, 400, "Deze PDF kan niet worden gelezen"),
        (render_pdf(sample_certificate(), TEMPLATES_DIR / "standaard"), 400, "Deze PDF bevat geen ondertekende verklaring."),
        (b'{"not": "closed"', 400, "is geen leesbare JSON"),
        (_bomb_pdf(), 400, "uitpakt tot veel meer dan een verklaring"),
    ]
    for content, status, text in cases:
        answer = _upload(web, content)
        assert answer.status_code == status, (text, answer.text[:300])
        assert text in answer.text, (text, re.sub(r"\s+", " ", answer.text)[-1500:])
    too_big = _upload(web, b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024))
    assert too_big.status_code == 413 and "Het bestand is groter dan 5 MB." in too_big.text
    forged = web.client.post("/verify/upload", files={"certificate": ("c.pdf", b"%PDF-", "application/pdf")})
    assert forged.status_code == 403  # no CSRF token
    assert _upload(web, b"x", json_answer=True).json()["error"] == "not_pdf"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_uploads_are_rate_limited(web) -> None:
    token = web.csrf("/verify")
    statuses = [web.client.post("/verify/upload", data={"csrf": token},
                                files={"certificate": ("c.txt", b"x", "text/plain")}).status_code
                for _ in range(61)]
    assert statuses[:60] == [400] * 60 and statuses[60] == 429


def test_the_reader_limits_what_it_unpacks() -> None:
    with pytest.raises(UploadProblem) as caught:
        read_credential(_bomb_pdf())
    assert caught.value.kind == "bomb"
    with pytest.raises(UploadProblem) as caught:
        read_credential(b'{"credential": ')
    assert caught.value.kind == "not_json"
    with pytest.raises(UploadProblem) as caught:
        read_credential(b"[1, 2]")
    assert caught.value.kind == "not_pdf"


# -- the pages in Chromium -------------------------------------------------------------------------
@pytest.mark.browser
def test_the_upload_form_and_answers_have_no_wcag_violations(browser, live_server, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    axe = Axe()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)  # works without JS
    page = context.new_page()
    page.set_default_timeout(10_000)

    def upload(path: Path) -> None:
        page.goto("/verify")
        page.get_by_label("Certificaatbestand (pdf, of de verklaring als json)").set_input_files(str(path))
        page.get_by_role("button", name="Controleer het bestand").click()

    text = tmp_path / "brief.txt"
    text.write_text("Geen certificaat", encoding="utf-8")
    signer = vc.SigningKey("did:web:elders.example#z6MkOther", Ed25519PrivateKey.generate())
    issuer = vc.Issuer(did="did:web:elders.example", name="Elders", url="https://elders.example")
    foreign = tmp_path / "verklaring.json"
    foreign.write_text(json.dumps(vc.sign(vc.openbadge_credential(
        sample_certificate(), issuer, issued_at=datetime.now(UTC), base_url="https://elders.example",
        status_index=None), signer, datetime.now(UTC))), encoding="utf-8")
    try:
        # Without JavaScript: the form posts and the answers render.
        upload(text)
        expect(page.locator(".error-summary")).to_contain_text("Dit bestand is geen PDF- of JSON-bestand.")
        upload(foreign)
        expect(page.locator("h1")).to_have_text("Gecontroleerd certificaatbestand")
        expect(page.get_by_text("Niet door ons ondertekend.")).to_be_visible()
    finally:
        context.close()
    # With JavaScript (axe runs in the page): no WCAG 2.2 AA violations, no sideways scrolling at 390 px.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    found: dict[str, str] = {}

    def audit(name: str) -> None:
        page.wait_for_load_state()
        results = axe.run(page, options=rules)
        if results.violations_count:
            found[name] = f"{page.url}\n{results.generate_report()}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name

    try:
        page.goto("/verify")
        audit("verify form with the upload")
        upload(text)
        expect(page.locator(".error-summary")).to_be_visible()
        audit("upload: not a PDF")
        upload(foreign)
        expect(page.locator("h1")).to_have_text("Gecontroleerd certificaatbestand")
        audit("upload: not signed by us")
    finally:
        context.close()
    assert not found, "\n\n".join(f"== {k}: {v}" for k, v in found.items())
