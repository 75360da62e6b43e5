"""Register exports read back: CSV with the csv module, XLSX with openpyxl, the PE-online list."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from elearning.certificates.exports import (
    HEADERS,
    MEDIA_TYPES,
    ExportRow,
    export,
    filename,
    reportable,
    to_csv,
    to_pe_online,
    to_xlsx,
)

ROWS = [
    ExportRow("461012345678", "Zoë Jansen", date(2026, 3, 2), 4, "PE-123456", "7KQ2-M4XD-9RTG"),
    ExportRow("46100000000000000001", "Anouk de Vries", date(2026, 3, 1), 2.5, "PE-123456", "AB12-CD34-EF56"),
    ExportRow("0461000123", "Leading Zero", date(2026, 3, 3), 4, "PE-123456", "0000-0000-0000"),
    ExportRow(None, "No Number", date(2026, 3, 1), 4, "PE-123456", "1111-1111-1111"),
    ExportRow("461099999999", "Was Revoked", date(2026, 3, 1), 4, "PE-123456", "2222-2222-2222", "revoked"),
    ExportRow("461088888888", "Old Name", date(2026, 3, 1), 4, "PE-123456", "3333-3333-3333", "superseded"),
    ExportRow("461077777777", '=HYPERLINK("http://evil.example","klik")', date(2026, 3, 4), 4,
              "PE-123456", "4444-4444-4444"),
]


def test_only_valid_certificates_with_a_number_are_reported_in_date_order() -> None:
    kept = reportable(ROWS)
    assert [row.learner_name for row in kept] == [
        "Anouk de Vries", "Zoë Jansen", "Leading Zero", '=HYPERLINK("http://evil.example","klik")',
    ]


def test_csv_reads_back_with_the_csv_module() -> None:
    data = to_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # byte order mark for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == HEADERS
    assert rows[1:] == [
        ['="46100000000000000001"', "Anouk de Vries", "2026-03-01", "2,5", "PE-123456", "AB12-CD34-EF56"],
        ['="461012345678"', "Zoë Jansen", "2026-03-02", "4", "PE-123456", "7KQ2-M4XD-9RTG"],
        ['="0461000123"', "Leading Zero", "2026-03-03", "4", "PE-123456", "0000-0000-0000"],
        ['="461077777777"', "'=HYPERLINK(\"http://evil.example\",\"klik\")", "2026-03-04", "4",
         "PE-123456", "4444-4444-4444"],
    ]
    assert b"\r\n" in data


def test_plain_csv_for_tools() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(ROWS, for_spreadsheet=False).decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [
        "46100000000000000001", "461012345678", "0461000123", "461077777777",
    ]
    assert rows[4][1] == '=HYPERLINK("http://evil.example","klik")'


def test_xlsx_has_text_numbers_real_dates_and_no_formulas() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(ROWS)))
    sheet = book.active
    assert sheet is not None and sheet.title == "Certificaten"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == HEADERS
    assert values[1:] == [
        ["46100000000000000001", "Anouk de Vries", datetime(2026, 3, 1), 2.5, "PE-123456", "AB12-CD34-EF56"],
        ["461012345678", "Zoë Jansen", datetime(2026, 3, 2), 4, "PE-123456", "7KQ2-M4XD-9RTG"],
        ["0461000123", "Leading Zero", datetime(2026, 3, 3), 4, "PE-123456", "0000-0000-0000"],
        ["461077777777", '=HYPERLINK("http://evil.example","klik")', datetime(2026, 3, 4), 4,
         "PE-123456", "4444-4444-4444"],
    ]
    for row in sheet.iter_rows(min_row=2):
        number, name, day, points, activity, code = row
        assert number.data_type == "s" and number.number_format == "@"
        assert code.data_type == "s" and code.number_format == "@"
        assert name.data_type == "s"  # the hostile name stays text, not a formula
        assert day.is_date and points.data_type == "n"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"


def test_pe_online_is_the_plain_list_of_numbers() -> None:
    doubled = [*ROWS, ExportRow("461012345678", "Zoë Jansen", date(2026, 3, 9), 4, "PE-123456", "5555-5555-5555")]
    assert to_pe_online(doubled) == b"46100000000000000001\n461012345678\n0461000123\n461077777777\n"
    assert to_pe_online([]) == b""


def test_pe_online_refuses_a_mix_of_activities() -> None:
    mixed = [*ROWS, ExportRow("461066666666", "Other", date(2026, 3, 5), 3, "PE-999", "6666-6666-6666")]
    with pytest.raises(ValueError) as exc:
        to_pe_online(mixed)
    assert str(exc.value) == (
        "The certificates belong to 2 activities (PE-123456, PE-999); PE-online takes one list "
        "per activity: choose a period within one activity"
    )
    assert to_csv(mixed).count(b"\r\n") == 6  # the other formats list both


def test_export_dispatch_and_names() -> None:
    assert export(ROWS, "pe-online") == to_pe_online(ROWS)
    assert export(ROWS, "csv") == to_csv(ROWS)
    assert export(ROWS, "xlsx").startswith(b"PK")
    with pytest.raises(ValueError, match="Unknown export format 'pdf'"):
        export(ROWS, "pdf")  # type: ignore[arg-type]
    assert filename("polarisatie", date(2026, 1, 1), date(2026, 12, 31), "pe-online") == (
        "polarisatie-certificaten-2026-01-01-2026-12-31.txt"
    )
    assert set(MEDIA_TYPES) == {"csv", "xlsx", "pe-online"}
