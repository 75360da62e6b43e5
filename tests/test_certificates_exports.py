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
    entry_deadline,
    export,
    filename,
    pe_online_groups,
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


def _numbers_under(text: str) -> dict[str, list[str]]:
    """Each '# date - activiteit X - n ...' heading of a PE-online list, with the numbers below it."""
    groups: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("# 20"):
            heading = line[2:]
            groups[heading] = []
        elif line and not line.startswith("#"):
            assert heading is not None, f"a number before any heading: {line}"
            groups[heading].append(line)
    return groups


def test_pe_online_gives_one_list_per_completion_date() -> None:
    """PE-online takes the completion date first, then the numbers: one period-wide list would misdate them."""
    doubled = [*ROWS, ExportRow("461012345678", "Zoë Jansen", date(2026, 3, 9), 4, "PE-123456", "5555-5555-5555")]
    text = to_pe_online(doubled).decode("utf-8")
    assert _numbers_under(text) == {
        "2026-03-01 - activiteit PE-123456 - 1 registratienummer": ["46100000000000000001"],
        "2026-03-02 - activiteit PE-123456 - 1 registratienummer": ["461012345678"],
        "2026-03-03 - activiteit PE-123456 - 1 registratienummer": ["0461000123"],
        "2026-03-04 - activiteit PE-123456 - 1 registratienummer": ["461077777777"],
    }  # Zoë once, at her first completion; no revoked, superseded or number-less rows
    same_day = [ExportRow(f"46100000000{i}", f"L{i}", date(2026, 5, 6), 4, "PE-1", f"{i}") for i in range(3)]
    assert _numbers_under(to_pe_online(same_day).decode()) == {
        "2026-05-06 - activiteit PE-1 - 3 registratienummers": ["461000000000", "461000000001", "461000000002"],
    }
    assert "binnen twee maanden na het einde van de accreditatieperiode" in text
    assert to_pe_online([]) == b""


def test_pe_online_names_the_deadline_two_months_after_the_accreditation_period() -> None:
    text = to_pe_online(ROWS, accreditation_end=date(2026, 12, 31)).decode("utf-8")
    assert "# Uiterste datum om in te voeren: 2027-02-28 (twee maanden na het einde van de " \
           "accreditatieperiode, 2026-12-31)." in text
    assert entry_deadline(date(2026, 6, 30)) == date(2026, 8, 30)
    assert entry_deadline(date(2027, 11, 15)) == date(2028, 1, 15)


def test_pe_online_keeps_activities_apart() -> None:
    mixed = [*ROWS, ExportRow("461066666666", "Other", date(2026, 3, 1), 3, "PE-999", "6666-6666-6666")]
    groups = pe_online_groups(mixed)
    assert [(g.completed_on.isoformat(), g.activity_id, g.numbers) for g in groups][:2] == [
        ("2026-03-01", "PE-123456", ("46100000000000000001",)), ("2026-03-01", "PE-999", ("461066666666",)),
    ]
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
