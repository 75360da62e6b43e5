"""CSV files of the analytics tables: one header row of stable column keys, then the raw values.

Shares are fractions (0.625), durations seconds, missing values empty. A text cell that a
spreadsheet would run as a formula (starting with = + - @ or a tab/CR) gets a leading
apostrophe (OWASP's advice against CSV injection): course texts come from authors.
"""

from __future__ import annotations

import csv
import io

from elearning.analytics.formatting import Cell
from elearning.analytics.tables import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, float):
        return repr(value)
    return value


def to_csv(table: Table) -> str:
    """The table as CSV text (RFC 4180: comma separated, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in table.columns])
    writer.writerows([_value(v) for v in row] for row in table.rows)
    return out.getvalue()


def to_csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read accents correctly."""
    return to_csv(table).encode("utf-8-sig")


def filename(table: Table, course_id: str) -> str:
    """e.g. polarisatie-funnel.csv (course ids and table keys are already file-name safe)."""
    return f"{course_id}-{table.key}.csv"
