"""`elearning certificates preview` and the export command's formatting, through click."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from elearning.certificates.exports import ExportRow
from elearning.commands.certificates import certificates, make_export_command

ROWS = [
    ExportRow("461012345678", "Zoë Jansen", date(2026, 3, 2), 4, "PE-123456", "7KQ2-M4XD-9RTG"),
    ExportRow("461099999999", "Was Revoked", date(2026, 3, 1), 4, "PE-123456", "AB12-CD34-EF56", "revoked"),
]


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", out.stdout)


def test_preview_is_attached_to_the_elearning_command() -> None:
    from elearning.cli import main

    assert isinstance(main, click.Group)
    assert "certificates" in main.commands
    result = CliRunner().invoke(main, ["certificates", "preview", "--help"])
    assert result.exit_code == 0 and "--template" in result.output


def test_preview_writes_a_sample_pdf_and_prints_its_path(tmp_path: Path) -> None:
    target = tmp_path / "voorbeeld.pdf"
    result = CliRunner().invoke(
        certificates, ["preview", "-o", str(target), "--name", '<i>Test</i> & "Co"']
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    text = _text(target)
    assert '<i>Test</i> & "Co"' in text and "4 PE-punten" in text and "28 november 2026" in text
    assert len(PdfReader(target).pages) == 1


def test_preview_english_template_to_the_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(certificates, ["preview", "--template", "standard-en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "certificate-preview-standard-en.pdf"
    assert "4 PE points" in _text(tmp_path / "certificate-preview-standard-en.pdf")


def test_preview_in_english_with_the_standard_template(tmp_path: Path) -> None:
    target = tmp_path / "en.pdf"
    result = CliRunner().invoke(certificates, ["preview", "--language", "en", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = _text(target)
    assert "Buurtacademie Oost certifies that" in text and "4 PE points" in text and "verklaart" not in text


def test_preview_takes_the_templates_of_certificates_dir(tmp_path: Path) -> None:
    from elearning.certificates.templates import TEMPLATES_DIR

    shutil.copytree(TEMPLATES_DIR / "standaard", tmp_path / "eigen")
    html = tmp_path / "eigen" / "certificate.html"
    html.write_text(html.read_text().replace('{{ _("has successfully completed the e-learning course") }}',
                                             "Bewijs van deelname voor"))
    target = tmp_path / "eigen.pdf"
    result = CliRunner().invoke(certificates, ["preview", "--template", "eigen", "-o", str(target)],
                                env={"CERTIFICATES_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "Bewijs van deelname voor" in _text(target)
    result = CliRunner().invoke(certificates, ["preview"], env={"CERTIFICATES_DIR": str(tmp_path)})
    assert result.exit_code == 1 and "Unknown template 'standaard'" in result.output
    assert re.search(r"eigen\s+Standaard \(nl, en\)", result.output)


def test_preview_with_an_unknown_template_lists_the_templates() -> None:
    result = CliRunner().invoke(certificates, ["preview", "--template", "fancy"])
    assert result.exit_code == 1
    assert "Error: Unknown template 'fancy'." in result.output
    assert "Available templates:" in result.output
    assert re.search(r"standaard\s+Standaard \(nl, en\)", result.output)


def _loader(calls: list[tuple[str, date, date]]):  # type: ignore[no-untyped-def]
    def load(course_id: str, start: date, end: date) -> Iterable[ExportRow]:
        calls.append((course_id, start, end))
        return ROWS

    return load


def test_export_writes_csv_of_valid_certificates(tmp_path: Path) -> None:
    calls: list[tuple[str, date, date]] = []
    command = make_export_command(_loader(calls))
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(
        command, ["--course", "polarisatie", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert calls == [("polarisatie", date(2026, 1, 1), date(2026, 12, 31))]
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows] == ["Naam", "Zoë Jansen"]
    assert "1 certificate(s) of polarisatie written to" in result.output


def test_export_pe_online_to_standard_output_from_an_async_loader() -> None:
    async def load(course_id: str, start: date, end: date) -> list[ExportRow]:
        return ROWS

    result = CliRunner().invoke(
        make_export_command(load),
        ["--course", "polarisatie", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "pe-online"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n# 2026-03-02 - activiteit PE-123456 - 1 registratienummer\n461012345678\n")
    with_end = CliRunner().invoke(
        make_export_command(load),
        ["--course", "polarisatie", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "pe-online",
         "--accreditation-end", "2026-12-31"],
    )
    assert "# Uiterste datum om in te voeren: 2027-02-28" in with_end.stdout


def test_export_xlsx_and_date_errors(tmp_path: Path) -> None:
    command = make_export_command(_loader([]))
    target = tmp_path / "out.xlsx"
    ok = CliRunner().invoke(command, ["--course", "c", "--from", "2026-01-01", "--to", "2026-01-01",
                                      "--format", "xlsx", "-o", str(target)])
    assert ok.exit_code == 0 and target.read_bytes().startswith(b"PK")
    backwards = CliRunner().invoke(command, ["--course", "c", "--from", "2026-02-01", "--to", "2026-01-01"])
    assert backwards.exit_code == 2
    assert "--from 2026-02-01 is after --to 2026-01-01" in backwards.output
    wrong = CliRunner().invoke(command, ["--course", "c", "--from", "1-2-2026", "--to", "2026-01-01"])
    assert wrong.exit_code == 2 and "'1-2-2026' does not match the format '%Y-%m-%d'" in wrong.output


def test_preview_names_the_provider_and_signatory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without provider settings a fictional sample provider signs; with them, the site's own."""
    target = tmp_path / "voorbeeld.pdf"
    for name in ("PROVIDER_NAME", "SIGNATORY_NAME", "SIGNATORY_TITLE"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(certificates, ["preview", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = _text(target)
    assert "Buurtacademie Oost verklaart dat" in text and "Mirjam de Boer" in text
    assert "Hierbij verklaren wij" not in text and "4 uur" in text

    monkeypatch.setenv("PROVIDER_NAME", "Kennisinstituut Zuid")
    monkeypatch.setenv("SIGNATORY_NAME", "Sam Jansen")
    monkeypatch.setenv("SIGNATORY_TITLE", "Directeur")
    result = CliRunner().invoke(certificates, ["preview", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = _text(target)
    assert "Kennisinstituut Zuid verklaart dat" in text and "Sam Jansen" in text and "Buurtacademie" not in text
