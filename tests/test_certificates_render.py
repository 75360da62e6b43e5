"""The certificate PDF, read back: text, properties, PDF/A, page size, fonts, QR code, escaping."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from elearning.certificates.data import CertificateData, sample_certificate
from elearning.certificates.render import render_html, render_pdf, render_pdf_async
from elearning.certificates.templates import (
    TEMPLATES_DIR,
    CertificateTemplateError,
    Language,
    list_templates,
    load_template,
    template_dir,
    template_language,
)

STANDARD = TEMPLATES_DIR / "standaard"  # prints in Dutch and in English
DUTCH = ENGLISH = STANDARD
HOSTILE = '<b>Jan</b> & "Piet" <script>x</script>'
PDFA = "{http://www.aiim.org/pdfa/ns/id/}"


def _text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", out.stdout.decode())


def _qr(pdf: bytes, tmp: Path) -> str:
    (tmp / "q.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp / "q.pdf"), str(tmp / "page")], check=True)
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp / "page-1.png")], capture_output=True, check=True
    )
    return out.stdout.decode().strip()


@pytest.fixture(scope="module")
def dutch() -> tuple[CertificateData, bytes]:
    data = sample_certificate("nl")
    return data, render_pdf(data, DUTCH)


@pytest.fixture(scope="module")
def english() -> tuple[CertificateData, bytes]:
    data = sample_certificate("en", code="AB12-CD34-EF56", verify_url="https://example.org/verify/AB12-CD34-EF56")
    return data, render_pdf(data, ENGLISH)


def test_dutch_pdf_prints_everything(dutch: tuple[CertificateData, bytes], tmp_path: Path) -> None:
    data, pdf = dutch
    text = _text(pdf, tmp_path)
    for printed in [
        "Anouk de Vries-Bakker",
        "Van polarisatie naar verbinding",
        "28 november 2026",
        "4 PE-punten",
        "Registerplein",
        "activiteit PE-123456",
        "registratienummer 461012345678",
        "7KQ2-M4XD-9RTG",
        "https://leren.example.nl/verify/7KQ2-M4XD-9RTG",
        "Studielast: 4 uur.",
    ]:
        assert printed in text, printed
    assert data.pe_points_text in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_pdf_properties_and_pdfa_identification(dutch: tuple[CertificateData, bytes]) -> None:
    _, pdf = dutch
    reader = PdfReader(BytesIO(pdf))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Certificaat Van polarisatie naar verbinding"
    assert meta.author == "Van polarisatie naar verbinding"
    assert meta.subject == (
        "Anouk de Vries-Bakker heeft afgerond op 28 november 2026: Van polarisatie naar "
        "verbinding, 4 PE-punten (Registerplein, activiteit PE-123456)"
    )
    stream = reader.root_object["/Metadata"].get_object()
    assert isinstance(stream, StreamObject)
    xmp = stream.get_data()
    packet = xmp.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0]
    root = ET.fromstring(packet)  # noqa: S314 - the PDF we just rendered, not untrusted input
    ident = [el for el in root.iter() if f"{PDFA}part" in el.attrib]
    assert len(ident) == 1
    assert (ident[0].get(f"{PDFA}part"), ident[0].get(f"{PDFA}conformance")) == ("3", "B")
    assert b"pdf:Producer" in xmp
    assert "/OutputIntents" in reader.root_object


def test_one_a4_landscape_page(dutch: tuple[CertificateData, bytes]) -> None:
    reader = PdfReader(BytesIO(dutch[1]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (297, 210)


def test_qpdf_finds_no_errors(dutch: tuple[CertificateData, bytes], tmp_path: Path) -> None:
    path = tmp_path / "c.pdf"
    path.write_bytes(dutch[1])
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_fonts_are_embedded_from_the_template(dutch: tuple[CertificateData, bytes], tmp_path: Path) -> None:
    path = tmp_path / "c.pdf"
    path.write_bytes(dutch[1])
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = rows.stdout.splitlines()[2:]
    assert fonts and all(" yes " in f"{line} " for line in fonts)
    names = " ".join(line.split()[0] for line in fonts)
    # the family names exist only in the template's @font-face rules, not on the system
    assert {"Certificate-Sans", "Certificate-Sans-Bold", "Certificate-Serif-Bold"} == {
        name.split("+", 1)[1] for name in names.split()
    }


def test_the_qr_code_opens_the_verification_page(dutch: tuple[CertificateData, bytes], tmp_path: Path) -> None:
    data, pdf = dutch
    assert _qr(pdf, tmp_path) == data.verify_url == "https://leren.example.nl/verify/7KQ2-M4XD-9RTG"


def test_english_template(english: tuple[CertificateData, bytes], tmp_path: Path) -> None:
    data, pdf = english
    text = _text(pdf, tmp_path)
    for printed in ["Alex Morgan", "From polarisation to connection", "28 November 2026",
                    "4 PE points", "activity PE-123456", "registration number 461012345678",
                    "AB12-CD34-EF56", "Study load: 4 hours."]:
        assert printed in text, printed
    meta = PdfReader(BytesIO(pdf)).metadata
    assert meta is not None and meta.title == "Certificate From polarisation to connection"
    assert _qr(pdf, tmp_path) == "https://example.org/verify/AB12-CD34-EF56"


def test_hostile_names_come_out_literally(tmp_path: Path) -> None:
    data = sample_certificate(learner_name=HOSTILE)
    html = render_html(data, DUTCH)
    assert "&lt;b&gt;Jan&lt;/b&gt; &amp; &#34;Piet&#34; &lt;script&gt;" in html
    assert "<script>" not in html
    pdf = render_pdf(data, DUTCH)
    assert HOSTILE in _text(pdf, tmp_path)
    meta = PdfReader(BytesIO(pdf)).metadata
    assert meta is not None and meta.subject is not None and meta.subject.startswith(HOSTILE)


def test_without_registration_number_and_with_a_long_name(tmp_path: Path) -> None:
    name = "Maria Magdalena Wolfeschlegelsteinhausenbergerdorff-van den Heuvel-Oppenheimer"
    data = dataclasses.replace(sample_certificate(learner_name=name), registration_number=None)
    pdf = render_pdf(data, DUTCH)
    text = _text(pdf, tmp_path)
    assert "registratienummer" not in text
    assert "Wolfeschlegelsteinhausenbergerdorff" in text
    assert len(PdfReader(BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_templates_render_without_warnings(language: Language, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="weasyprint"):
        render_pdf(sample_certificate(language), STANDARD)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_template_language_must_match(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "Certificate", "Certificate")
    (folder / "template.yaml").write_text("name: Alleen Nederlands\nlanguage: nl\n")
    render_html(sample_certificate("nl"), folder)
    with pytest.raises(CertificateTemplateError, match="Template 'tpl' prints in nl, but the certificate is in 'en'"):
        render_html(sample_certificate("en"), folder)


def test_the_english_certificate_has_no_dutch_word_left() -> None:
    """No Dutch word left in the English certificate (tests/test_i18n.py checks the catalogue)."""
    english = render_html(sample_certificate("en"), STANDARD)
    words = re.sub(r"<[^>]+>", " ", english.split("<body>", 1)[1])
    for dutch in ("Certificaat", "Hierbij", "afgerond", "activiteit", "registratienummer", "Verificatiecode",
                  "echt", "van", "Cursus", "versie", "PE-punten"):
        assert not re.search(rf"\b{dutch}\b", words), dutch
    assert '<html lang="en">' in english


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "tpl"
    shutil.copytree(DUTCH, folder)
    html = (folder / "certificate.html").read_text()
    assert old in html
    (folder / "certificate.html").write_text(html.replace(old, new))
    return folder


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("http://127.0.0.1:9/logo.png", "http://127.0.0.1:9/logo.png is not a file of the template folder"),
        ("../../outside.svg", "is outside the template folder"),
        ("images/missing.svg", "missing.svg"),
    ],
)
def test_templates_load_files_from_their_own_folder_only(tmp_path: Path, src: str, message: str) -> None:
    (tmp_path / "outside.svg").write_text((DUTCH / "images" / "seal.svg").read_text())
    folder = _copy(tmp_path, '<div class="seal"></div>', f'<img src="{src}" alt="Logo">')
    with pytest.raises(CertificateTemplateError, match=re.escape(message)):
        render_pdf(sample_certificate(), folder)


def test_a_misspelt_placeholder_is_an_error_with_its_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "{{ certificate.learner_name }}", "{{ certificate.learner_nmae }}")
    with pytest.raises(CertificateTemplateError, match=r"certificate\.html:\d+: .*learner_nmae"):
        render_html(sample_certificate(), folder)


def test_templates_are_listed_and_described() -> None:
    found = {t.folder: t for t in list_templates()}
    assert set(found) == {"standaard"}
    assert found["standaard"].languages == ("nl", "en")
    assert all(t.description for t in found.values())
    assert template_dir("standaard") == STANDARD
    for bad in ("../standaard", "Standaard", "nope"):
        with pytest.raises(CertificateTemplateError):
            template_dir(bad)
    assert (STANDARD / "style.css").is_file() and (STANDARD / "fonts" / "LICENSE.txt").is_file()
    assert any((STANDARD / "images").iterdir())


def test_standard_en_names_the_standard_template_in_english(tmp_path: Path) -> None:
    """Courses and stored certificates that name `standard-en` (once a folder of its own) still render."""
    assert template_dir("standard-en") == STANDARD
    assert template_language("standard-en", load_template(STANDARD)) == "en"
    assert template_language("standaard", load_template(STANDARD)) == "nl"
    own = tmp_path / "standard-en"  # a provider's folder of that name wins
    shutil.copytree(STANDARD, own)
    assert template_dir("standard-en", tmp_path) == own


def test_a_templates_folder_of_ones_own(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "This is to certify that", "Namens de Buurtacademie verklaren wij dat")
    assert template_dir("tpl", tmp_path) == folder
    assert "Namens de Buurtacademie" in render_html(sample_certificate("nl"), template_dir("tpl", tmp_path))
    with pytest.raises(CertificateTemplateError, match="Unknown certificate template 'standaard'"):
        template_dir("standaard", tmp_path)


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("name: X\nlanguage: nl\ncolour: red\n", "unknown key 'colour'"),
    ("name: X\nlanguage: fr\n", "language 'fr' must be 'nl' or 'en'"),
    ("name: X\nlanguages: [nl, de]\n", "language 'de' must be 'nl' or 'en'"),
    ("name: X\nlanguages: nl\n", "languages 'nl' must be a list such as [nl, en]"),
    ("name: X\nlanguage: nl\nlanguages: [nl]\n", "give either languages (a list) or language (one)"),
])
def test_template_yaml_mistakes_are_reported(tmp_path: Path, yaml_text: str, message: str) -> None:
    folder = _copy(tmp_path, "Certificate", "Certificate")
    (folder / "template.yaml").write_text(yaml_text)
    with pytest.raises(CertificateTemplateError, match=re.escape(message)):
        load_template(folder)


async def test_async_render_leaves_the_event_loop_free() -> None:
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    started = time.perf_counter()
    pdf = await render_pdf_async(sample_certificate(), DUTCH)
    took = time.perf_counter() - started
    task.cancel()
    assert pdf.startswith(b"%PDF-")
    during = [t for t in ticks if t > started]
    # Rendering on the loop would freeze the ticker for the whole render.
    assert len(during) >= 3, (len(during), took)


@pytest.mark.slow  # starts a worker process and renders in it
async def test_concurrent_renders_queue_and_can_run_in_a_worker_process() -> None:
    from elearning.certificates.render import RENDER_CONCURRENCY, render_limiter

    datas = [sample_certificate(code=code) for code in ("7KQ2-M4XD-9RTG", "AB12-CD34-EF56")]
    pdfs = await asyncio.gather(
        render_pdf_async(datas[0], DUTCH), render_pdf_async(datas[1], DUTCH, in_process=True)
    )
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    assert render_limiter().total_tokens == RENDER_CONCURRENCY
    assert render_limiter().borrowed_tokens == 0


def test_without_an_accreditation_the_certificate_says_no_points_are_attached(tmp_path: Path) -> None:
    data = dataclasses.replace(
        sample_certificate(), pe_points=0, register_name="", activity_id="", registration_number=None,
        accreditation_from=None, accreditation_until=None,
    )
    pdf = render_pdf(data, DUTCH)
    text = " ".join(_text(pdf, tmp_path).split())
    assert "Anouk de Vries-Bakker" in text and "activiteit" not in text and "Registerplein" not in text
    assert "Aan dit certificaat zijn geen PE-punten verbonden." in text and "4 PE-punten" not in text
    meta = PdfReader(BytesIO(pdf)).metadata
    assert meta is not None and meta.subject == (
        "Anouk de Vries-Bakker heeft afgerond op 28 november 2026: Van polarisatie naar verbinding"
    )


def test_the_pdf_is_tagged_for_screen_readers(dutch: tuple[CertificateData, bytes]) -> None:
    root = PdfReader(BytesIO(dutch[1])).root_object
    assert "/StructTreeRoot" in root
    mark = root["/MarkInfo"].get_object()
    assert bool(mark["/Marked"])
    assert root["/Lang"] == "nl"


def test_the_qr_code_is_a_full_qr_code_never_micro() -> None:
    from elearning.certificates.render import qr_svg

    for url in ("https://x.nl/v/1", "https://leren.example.nl/verify/7KQ2-M4XD-9RTG"):
        match = re.search(r'viewBox="0 0 (\d+) (\d+)"', str(qr_svg(url)))
        assert match is not None
        modules = int(match[1]) - 2 * 4  # minus the quiet zone
        assert modules >= 21 and (modules - 21) % 4 == 0  # QR versions 1-40; Micro QR is 11-17


def test_a_long_unbroken_name_wraps_inside_the_page(tmp_path: Path) -> None:
    """A 200-character name without spaces ran off the page edge and was clipped."""
    name = "Q" * 200
    pdf = render_pdf(sample_certificate(learner_name=name), DUTCH)
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftotext", "-bbox", str(tmp_path / "c.pdf"), str(tmp_path / "c.html")], check=True)
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)">', html)
    assert page
    width = float(page.group(1))
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(Q+)</word>', html)
    assert sum(len(w[2]) for w in words) == 200  # every letter is on the page ...
    assert all(float(x_max) <= width - 10 and float(x_min) >= 10 for x_min, x_max, _ in words)  # ... inside it
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
