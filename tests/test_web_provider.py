"""Who "we" are: the provider's settings in the header, the mails, the certificate and the verify page."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from elearning.certificates.data import sample_certificate
from elearning.certificates.issuer import data_url, sample_issuer
from elearning.certificates.render import render_html, render_pdf
from elearning.certificates.templates import TEMPLATES_DIR
from elearning.settings import Settings

STANDARD = TEMPLATES_DIR / "standaard"
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20" fill="#0b4f8a"/></svg>'
SIGNATURE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 80 20"><path d="M2 15 C20 0 40 20 78 5" stroke="#000" fill="none"/></svg>'


@pytest.fixture
def settings(tmp_path: Path, courses_dir: Path, database_url: str) -> Settings:
    (tmp_path / "logo.svg").write_text(LOGO)
    (tmp_path / "handtekening.svg").write_text(SIGNATURE)
    return Settings.load(
        {}, data_dir=tmp_path / "data", courses_dir=courses_dir, database_url=database_url,
        secret_key="test-secret-" + "x" * 40, base_url="http://testserver",
        certificate_rendering="thread", password_hash_cost="minimal",
        provider_name="Buurtacademie Oost", provider_email="leren@example.nl", provider_url="https://buurtacademie.example.nl",
        provider_address="Voorbeeldstraat 1, 1234 AB Utrecht", provider_logo_file=tmp_path / "logo.svg",
        signatory_name="Mirjam de Boer", signatory_title="Directeur opleidingen",
        signature_image_file=tmp_path / "handtekening.svg",
    )


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    (tmp / "c.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(tmp / "c.pdf"), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def test_the_certificate_names_provider_signatory_and_study_load_and_no_score(tmp_path: Path) -> None:
    (tmp_path / "sig.svg").write_text(SIGNATURE)
    issuer = dataclasses.replace(sample_issuer(), signature=data_url(tmp_path / "sig.svg"))
    pdf = render_pdf(sample_certificate("nl"), STANDARD, issuer=issuer)
    text = _pdf_text(pdf, tmp_path)
    for printed in ("Buurtacademie Oost verklaart dat", "Anouk de Vries-Bakker", "Studielast: 4 uur.",
                    "4 PE-punten", "Registerplein", "Mirjam de Boer", "Directeur opleidingen",
                    "Voorbeeldstraat 1, 1234 AB Utrecht", "leren@example.nl"):
        assert printed in text, (printed, text)
    for dropped in ("Score", "42 van 50", "versie", "Hierbij verklaren wij"):
        assert dropped not in text, dropped
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Buurtacademie Oost"
    english = render_html(sample_certificate("en"), STANDARD, issuer)
    assert "Buurtacademie Oost certifies that" in english and "Study load: 4 hours." in english


def test_pages_mails_and_the_pdf_name_the_provider(web: Any, settings: Settings, passing_path: Any,
                                                  tmp_path: Path) -> None:
    home = web.get("/").text
    assert '<img class="brand-logo" src="/provider/logo" alt=""><span class="brand-name">Buurtacademie Oost</span>' in home
    assert "<title>Cursussen – Buurtacademie Oost</title>" in home
    assert 'href="mailto:leren@example.nl"' in home
    logo = web.get("/provider/logo")
    assert logo.status_code == 200 and logo.headers["content-type"].startswith("image/svg+xml")

    web.post("/account/register", {"name": "Sanne", "email": "sanne@example.org",
                                   "password": "een goed wachtwoord", "registration_number": ""})
    mail = message_from_bytes(sorted(settings.outbox_dir.glob("*.eml"))[-1].read_bytes())
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert body.rstrip().endswith("-- \nBuurtacademie Oost\nhttps://buurtacademie.example.nl\nleren@example.nl")

    web.client.cookies.clear()
    web.register("eva@example.org", "Eva Jansen")
    attempt = web.start()
    for kind, value in passing_path:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    listing = web.get("/certificates").text
    pdf_id = re.search(r'href="/certificates/(\d+)\.pdf"', listing).group(1)  # type: ignore[union-attr]
    code = re.search(r'href="/verify/([A-Z0-9-]+)"', listing).group(1)  # type: ignore[union-attr]
    text = _pdf_text(web.get(f"/certificates/{pdf_id}.pdf").content, tmp_path)
    assert "Buurtacademie Oost verklaart dat" in text and "Mirjam de Boer" in text
    assert "Studielast: 15 minuten." in text and "Score" not in text
    verify = web.get(f"/verify/{code}").text
    assert "Buurtacademie Oost heeft het uitgegeven." in verify
    from elearning.certificates.codes import generate_code

    unknown = web.get(f"/verify/{generate_code()}").text
    assert "Dan heeft Buurtacademie Oost dit certificaat niet uitgegeven." in unknown
