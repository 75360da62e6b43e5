"""Completions for the register, from the database: `elearning certificates export` and the admin page.

Four learners pass the fixture course: one with a long registration number, one without a
number, one whose certificate is revoked, and one who had theirs re-issued in a corrected
name. The exports hold the first and the re-issued one, and nothing else.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import in_database
from openpyxl import load_workbook

from elearning.certificates import exports
from elearning.cli import main
from elearning.commands import certificates as command
from elearning.settings import Settings
from elearning.storage import accounts
from elearning.storage import certificates as store
from elearning.storage.models import Certificate, Role

pytestmark = [pytest.mark.usefixtures("accredited")]  # the fixture course carries 1 PE point

PASSWORD = "een goed wachtwoord"  # noqa: S105 - a test account
LONG = "461000000000123456"  # 18 digits: a spreadsheet that reads it as a number keeps only 15



def _run(database_url: str, work: Any) -> Any:
    return in_database(database_url, work)


def _learner(web: Any, passing_path: list[tuple[str, str]], email: str, name: str, number: str) -> None:
    web.client.cookies.clear()
    web.register(email=email, name=name, number=number)
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303


@pytest.fixture
def completions(web, passing_path, database_url: str) -> dict[str, Any]:
    _learner(web, passing_path, "lang@example.org", "Lange Nummer", LONG)
    _learner(web, passing_path, "geen@example.org", "Zonder Nummer", "")
    _learner(web, passing_path, "weg@example.org", "Ingetrokken Certificaat", "4610 222 333")
    _learner(web, passing_path, "fout@example.org", "Naam Met Fuot", "4610-444-555")
    # The last learner corrects their name and asks for a new certificate.
    web.post("/account", {"name": "Naam Met Fout", "email": "fout@example.org",
                          "registration_number": "4610444555", "current_password": ""})
    old_id = re.search(r'href="/certificates/(\d+)\.pdf"', web.get("/certificates").text).group(1)  # type: ignore[union-attr]
    web.post(f"/certificates/{old_id}/reissue", {})
    web.logout()

    async def work() -> dict[str, Any]:
        revoked = await Certificate.filter(data__contains="4610222333").first()
        assert revoked is not None and await store.revoke(revoked.id, "Toets door een ander gemaakt")
        rows = await Certificate.all().order_by("id").values("code", "status", "completed_on")
        user = await accounts.find_user("geen@example.org")
        assert user is not None
        await accounts.set_role(user, Role.ADMIN)  # the learner without a number also administers
        return {"rows": rows}

    found = _run(database_url, work)
    statuses = [r["status"] for r in found["rows"]]
    assert statuses == ["valid", "valid", "revoked", "superseded", "valid"]
    day = found["rows"][0]["completed_on"]
    return {"day": day, "codes": [r["code"] for r in found["rows"]]}


def _cli(database_url: str, tmp_path: Path, *args: str) -> Any:
    env = {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "cli-data"), "SECRET_KEY": "s" * 40}
    return CliRunner().invoke(main, ["certificates", "export", *args], env=env)


def test_the_cli_exports_valid_certificates_with_a_number(completions, database_url: str, tmp_path: Path) -> None:
    day, codes = completions["day"], completions["codes"]
    period = ["--course", "buurtronde", "--from", day.isoformat(), "--to", day.isoformat()]
    target = tmp_path / "register.csv"
    result = _cli(database_url, tmp_path, *period, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "2 certificate(s) of buurtronde written to" in result.output
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == list(exports.HEADERS)
    assert sorted(rows[1:]) == sorted([
        [f'="{LONG}"', "Lange Nummer", day.isoformat(), "1", "TEST-0001", codes[0]],
        ['="4610444555"', "Naam Met Fout", day.isoformat(), "1", "TEST-0001", codes[4]],
    ])

    pe_online = _cli(database_url, tmp_path, *period, "--format", "pe-online")
    assert pe_online.exit_code == 0, pe_online.output
    numbers = [line for line in pe_online.stdout.splitlines() if line and not line.startswith("#")]
    assert sorted(numbers) == sorted(["4610444555", LONG])
    assert f"# {day.isoformat()} - activiteit TEST-0001 - 2 registratienummers" in pe_online.stdout

    book_path = tmp_path / "register.xlsx"
    xlsx = _cli(database_url, tmp_path, *period, "--format", "xlsx", "-o", str(book_path))
    assert xlsx.exit_code == 0, xlsx.output
    sheet = load_workbook(book_path).active
    assert sheet is not None
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == {"Lange Nummer", "Naam Met Fout"}
    number = cells["Lange Nummer"][0]
    assert number.value == LONG and number.data_type == "s" and number.number_format == "@"
    assert cells["Lange Nummer"][2].value.date() == day

    before = day - timedelta(days=1)
    empty = _cli(database_url, tmp_path, "--course", "buurtronde", "--from", "2020-01-01", "--to",
                 before.isoformat(), "--format", "pe-online")
    assert empty.exit_code == 0 and empty.stdout == ""
    assert "0 certificate(s) of buurtronde" in empty.output
    other = _cli(database_url, tmp_path, "--course", "iets-anders", "--from", day.isoformat(), "--to",
                 day.isoformat(), "--format", "pe-online")
    assert other.exit_code == 0 and other.stdout == ""


def test_the_cli_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'leeg.sqlite3'}"
    result = _cli(url, tmp_path, "--course", "c", "--from", "2026-01-01", "--to", "2026-01-31")
    assert result.exit_code == 1
    assert "is not up to date" in result.output and "elearning migrate" in result.output


def test_the_export_command_stays_light() -> None:
    assert command.FORMATS == exports.FORMATS
    import subprocess
    import sys

    code = ("import sys, elearning.commands.certificates; "
            "print(sorted(m for m in ('weasyprint', 'openpyxl', 'tortoise') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_admin_page_downloads_the_same_export(completions, web, database_url: str, tmp_path: Path) -> None:
    day = completions["day"]
    web.login("geen@example.org", PASSWORD)
    form = web.get("/admin/certificates/export")
    assert form.status_code == 200 and "Export voor het register" in form.text
    assert '<option value="buurtronde"' in form.text
    query = {"course": "buurtronde", "from": day.isoformat(), "to": day.isoformat()}
    for fmt in exports.FORMATS:
        response = web.get("/admin/certificates/export", params={**query, "format": fmt})
        assert response.status_code == 200, response.text[:500]
        assert response.headers["content-type"].startswith(exports.MEDIA_TYPES[fmt].split(";")[0])
        name = exports.filename("buurtronde", day, day, fmt)
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        if fmt != "xlsx":  # a workbook carries its creation time
            target = tmp_path / f"cli.{fmt}"
            _cli(database_url, tmp_path, "--course", "buurtronde", "--from", day.isoformat(), "--to",
                 day.isoformat(), "--format", fmt, "-o", str(target))
            assert response.content == target.read_bytes()
    with_end = web.get("/admin/certificates/export", params={**query, "format": "pe-online",
                                                             "accreditation_end": "2026-12-31"})
    assert "# Uiterste datum om in te voeren: 2027-02-28" in with_end.text
    bad_end = web.get("/admin/certificates/export", params={**query, "format": "pe-online",
                                                            "accreditation_end": "eind december"})
    assert bad_end.status_code == 400 and "Vul een datum in als JJJJ-MM-DD" in bad_end.text
    errors = web.get("/admin/certificates/export", params={"course": "", "from": "morgen", "to": "",
                                                           "format": "csv"})
    assert errors.status_code == 400
    for message in ("Kies een cursus.", "Vul een datum in als JJJJ-MM-DD", "Vul de laatste datum in."):
        assert message in errors.text
    backwards = web.get("/admin/certificates/export", params={**query, "from": (day + timedelta(days=1)).isoformat(),
                                                             "format": "csv"})
    assert "De laatste datum ligt voor de eerste datum." in backwards.text
    web.logout()
    web.login("lang@example.org", PASSWORD)
    assert web.get("/admin/certificates/export", params={**query, "format": "csv"}).status_code == 403


def test_completion_dates_are_in_the_configured_time_zone() -> None:
    late = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # 00:30 on the 28th in Amsterdam
    assert store.completion_date(late, "Europe/Amsterdam") == date(2026, 11, 28)
    assert store.completion_date(late, "UTC") == date(2026, 11, 27)
    assert Settings.load({}, data_dir=Path("/nonexistent"), secret_key="k" * 40).time_zone == "Europe/Amsterdam"
