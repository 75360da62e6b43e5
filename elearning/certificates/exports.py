"""Completions for the register: certificates as CSV, XLSX or lists for PE-online (one per completion date).

The caller (the admin page, `elearning certificates export`) queries one course and period
and hands over every certificate as an `ExportRow`. The filter lives here, in `reportable`,
and every writer applies it, so no caller can forget it: only certificates that are
``valid`` (not revoked, not superseded), carry PE points (an accreditation covered them: a
certificate of completion has none) and a registration number are reported.
Rows come out sorted by completion date, then name.

Spreadsheets guess the type of CSV cells, and two guesses hurt:
- a registration number such as 461012345678 becomes a number: Excel shows 4,61012E+11 and
  keeps only 15 digits; leading zeros vanish;
- text that starts with = + - @ becomes a formula ("CSV injection": a learner who calls
  themselves ``=HYPERLINK(...)`` would put a live link in the administrator's sheet).
So in `to_csv` (with ``for_spreadsheet=True``, the default) a registration number is written
as the formula ``="461012345678"``, which Excel and LibreOffice Calc (formulas are evaluated
on CSV import by default) show as exactly that text; a leading apostrophe would show up as
a character instead. Text that starts with a formula character gets a leading apostrophe
(OWASP's advice), so it stays inert text. The CSV is UTF-8 with a byte order mark (without
it Excel reads UTF-8 as Windows-1252 and mangles accents), separated by ``;`` (the list
separator of Dutch Excel, where ``,`` is the decimal comma), dates as YYYY-MM-DD (read as a
date in every locale) and points with a decimal comma. For tools, use
``for_spreadsheet=False``: plain values, no formulas.

The XLSX is the better choice for people: registration numbers and codes are text cells
(number format ``@``), dates are real date cells, points are numbers, and nothing is a
formula.
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from elearning.certificates.data import CertificateData, format_number

Status = Literal["valid", "superseded", "revoked"]
Format = Literal["csv", "xlsx", "pe-online"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "pe-online")
MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pe-online": "text/plain; charset=utf-8",
}
EXTENSIONS: dict[Format, str] = {"csv": "csv", "xlsx": "xlsx", "pe-online": "txt"}
HEADERS = (
    "Registratienummer",
    "Naam",
    "Datum afgerond",
    "PE-punten",
    "Activiteit-id",
    "Verificatiecode",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class ExportRow:
    """One certificate as the register needs it (from the stored snapshot and its status)."""

    registration_number: str | None
    learner_name: str
    completed_on: date
    pe_points: float
    activity_id: str
    code: str
    status: Status = "valid"


def export_rows(completions: Iterable[tuple[str, CertificateData]]) -> list[ExportRow]:
    """ExportRows from (status, printed data), as storage.certificates.completions gives them."""
    return [
        ExportRow(registration_number=data.registration_number, learner_name=data.learner_name,
                  completed_on=data.completed_on, pe_points=data.pe_points, activity_id=data.activity_id,
                  code=data.code, status=status)  # type: ignore[arg-type]
        for status, data in completions
    ]


def reportable(rows: Iterable[ExportRow]) -> list[ExportRow]:
    """Valid certificates with PE points (an accreditation covered them) and a registration number,
    by completion date and name."""
    kept = [row for row in rows
            if row.status == "valid" and row.registration_number and row.activity_id and row.pe_points > 0]
    return sorted(kept, key=lambda row: (row.completed_on, row.learner_name.casefold(), row.code))


def _inert(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(rows: Iterable[ExportRow], *, for_spreadsheet: bool = True) -> bytes:
    """Reportable rows as ;-separated UTF-8 CSV with a header row (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in reportable(rows):
        number = row.registration_number or ""
        cells = [number, row.learner_name, row.completed_on.isoformat(),
                 format_number(row.pe_points, "nl"), row.activity_id, row.code]
        if for_spreadsheet:
            cells = [f'="{number}"', *(_inert(cell) for cell in cells[1:])]
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[ExportRow]) -> bytes:
    """Reportable rows as an Excel workbook: header row, text cells for numbers and codes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new Workbook always has one sheet
    sheet.title = "Certificaten"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in reportable(rows):
        sheet.append([None, None, row.completed_on, row.pe_points, None, None])
        r = sheet.max_row
        for col, text in ((1, row.registration_number or ""), (2, row.learner_name),
                          (5, row.activity_id), (6, row.code)):
            cell = sheet.cell(row=r, column=col)
            cell.value = text
            cell.data_type = "s"  # never a formula, even when the text starts with "="
            cell.number_format = "@"
        sheet.cell(row=r, column=3).number_format = "DD-MM-YYYY"
    for col, width in enumerate((20, 34, 15, 11, 16, 18), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class PeOnlineGroup:
    """The registration numbers to paste into PE-online under one activity and completion date."""

    activity_id: str
    completed_on: date
    numbers: tuple[str, ...]


def pe_online_groups(rows: Iterable[ExportRow]) -> list[PeOnlineGroup]:
    """Reportable rows as one list per activity and completion date, in date order.

    For an e-learning, PE-online asks first for the date on which it was completed and then
    for the registration numbers of that date; one list for a whole period would give every
    learner the same date. A person is registered once per activity: at their first completion.
    """
    seen: set[tuple[str, str]] = set()
    groups: dict[tuple[date, str], list[str]] = {}
    for row in reportable(rows):
        assert row.registration_number  # noqa: S101 - reportable() keeps only rows with a number
        key = (row.activity_id, row.registration_number)
        if key in seen:
            continue
        seen.add(key)
        groups.setdefault((row.completed_on, row.activity_id), []).append(row.registration_number)
    return [PeOnlineGroup(activity, day, tuple(numbers)) for (day, activity), numbers in sorted(groups.items())]


def entry_deadline(accreditation_end: date) -> date:
    """The last day to enter attendance in PE-online: two months after the accreditation period ends."""
    month = accreditation_end.month + 2
    year = accreditation_end.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(accreditation_end.day, calendar.monthrange(year, month)[1]))


def to_pe_online(rows: Iterable[ExportRow], *, accreditation_end: date | None = None) -> bytes:
    """The lists for PE-online as text: per activity and completion date a heading, then one number a line.

    Lines starting with "#" are for the administrator; paste only the numbers under a heading,
    after entering that heading's date in PE-online. Empty when there is nothing to report.
    """
    groups = pe_online_groups(rows)
    if not groups:
        return b""
    if accreditation_end is not None:
        deadline = (f"# Uiterste datum om in te voeren: {entry_deadline(accreditation_end).isoformat()} "
                    f"(twee maanden na het einde van de accreditatieperiode, {accreditation_end.isoformat()}).")
    else:
        deadline = "# Voer de aanwezigheid in binnen twee maanden na het einde van de accreditatieperiode."
    lines = [
        "# PE-online: registratienummers per datum van afronding.",
        "# Kies in PE-online de activiteit, vul de datum van een blok in en plak de nummers van dat blok.",
        deadline,
    ]
    for group in groups:
        count = len(group.numbers)
        lines += ["", f"# {group.completed_on.isoformat()} - activiteit {group.activity_id} - "
                      f"{count} {'registratienummer' if count == 1 else 'registratienummers'}", *group.numbers]
    return ("\n".join(lines) + "\n").encode("utf-8")


def export(rows: Iterable[ExportRow], fmt: Format, *, accreditation_end: date | None = None) -> bytes:
    """The file for one of FORMATS (`accreditation_end` gives the PE-online list its deadline)."""
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "xlsx":
        return to_xlsx(rows)
    if fmt == "pe-online":
        return to_pe_online(rows, accreditation_end=accreditation_end)
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def filename(course_id: str, start: date, end: date, fmt: Format) -> str:
    """A download name such as 'polarisatie-certificaten-2026-01-01-2026-12-31.csv'."""
    return f"{course_id}-certificaten-{start.isoformat()}-{end.isoformat()}.{EXTENSIONS[fmt]}"
