"""Accreditation is an administrator's record, not course text: points only when one covers a certificate.

Without an accreditation a passed learner gets a certificate of completion without points,
and exports and the register push leave it out; once `elearning accreditation set` covers
its completion date, the learner is offered the re-issue with points, which supersedes the
old certificate and keeps its completion date.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import WEB_COURSE, in_database, set_role
from pypdf import PdfReader

from elearning.authoring import load_course
from elearning.cli import main
from elearning.course.model import Course
from elearning.storage import accreditations, audit, registrations
from elearning.storage import certificates as store
from elearning.storage.accreditations import Entry, InvalidAccreditation
from elearning.storage.models import Role

DAY = date(2026, 3, 2)
PLACEHOLDERS = ["INVULLEN-DOOR-AANBIEDER", "TODO", "XXX", "", "   ", "in te vullen", "PE-XXX-1"]


def _entry(**change: Any) -> Entry:
    base = Entry("buurtronde", "Registerplein", "PE-123456", 1, 15, date(2026, 1, 1), date(2026, 12, 31), ("1",))
    return dataclasses.replace(base, **change)


# -- storage -------------------------------------------------------------------------------------
@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_a_placeholder_activity_id_is_refused(placeholder: str) -> None:
    with pytest.raises(InvalidAccreditation, match="placeholder"):
        accreditations.check(_entry(activity_id=placeholder))


async def test_an_accreditation_is_entered_changed_and_audit_logged(orm) -> None:
    with orm:
        await accreditations.put(_entry(), actor=None)
        await accreditations.put(_entry(points=1.5), actor=None)  # the same course, register and id: changed
        [entry] = await accreditations.listed("buurtronde")
        assert entry.points == 1.5 and entry.versions == ("1",)
        with pytest.raises(InvalidAccreditation, match="overlaps activity PE-123456"):
            await accreditations.put(_entry(activity_id="PE-999", valid_from=date(2026, 12, 1),
                                            valid_until=date(2027, 12, 31)), actor=None)
        await accreditations.put(_entry(activity_id="PE-999", valid_from=date(2027, 1, 1),
                                        valid_until=date(2027, 12, 31)), actor=None)
        assert [e.activity_id for e in await accreditations.listed()] == ["PE-123456", "PE-999"]
        logged = await audit.recent()
        assert [e.action for e in logged] == ["accreditation"] * 3
        assert "Registerplein activity PE-123456: 1.5 points, 2026-01-01 - 2026-12-31, 1" in [e.detail for e in logged]


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Course]:
    """The fixture course as version 1 (15 minutes, 0.25 points) and a longer version 2 (60 minutes, 1 point)."""
    root = tmp_path_factory.mktemp("versions")
    shutil.copytree(WEB_COURSE, root / "v2" / "buurtronde")
    path = root / "v2" / "buurtronde" / "course.yaml"
    text = path.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"')
    text = text.replace("study_load_minutes: 15", "study_load_minutes: 60").replace("points: 0.25", "points: 1")
    path.write_text(text, encoding="utf-8")
    old, _ = load_course(WEB_COURSE)
    new, problems = load_course(root / "v2" / "buurtronde")
    assert old is not None and new is not None, problems
    return old, new


async def test_an_accreditation_covers_its_period_and_the_versions_that_match(orm, versions) -> None:
    old, new = versions
    with orm:
        # By default: the versions whose declared study load and points match (version 2 only).
        await accreditations.put(_entry(study_load_minutes=60, versions=()), actor=None)
        assert await accreditations.covering(old, DAY) is None  # the shorter version 1 never gets its points
        found = await accreditations.covering(new, DAY)
        assert found is not None and found.activity_id == "PE-123456"
        assert await accreditations.covering(new, date(2025, 12, 31)) is None
        assert await accreditations.covering(new, date(2027, 1, 1)) is None
        # Named versions: exactly those.
        await accreditations.put(_entry(activity_id="PE-777", register_name="Ander register", versions=("1",)),
                                 actor=None)
        found = await accreditations.covering(old, DAY)
        assert found is not None and found.activity_id == "PE-777"


# -- the command ---------------------------------------------------------------------------------
def _cli(database_url: str, tmp_path: Path, *args: str) -> Any:
    courses = tmp_path / "courses"
    if not courses.exists():
        shutil.copytree(WEB_COURSE, courses / "buurtronde")
    env = {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "cli-data"), "SECRET_KEY": "s" * 40,
           "COURSES_DIR": str(courses)}
    return CliRunner().invoke(main, ["accreditation", *args], env=env)


def test_the_command_refuses_a_placeholder_and_lists_what_was_set(database_url: str, tmp_path: Path) -> None:
    empty = _cli(database_url, tmp_path, "list")
    assert empty.exit_code == 0 and "No accreditations yet" in empty.output
    refused = _cli(database_url, tmp_path, "set", "--course", "buurtronde", "--activity-id", "INVULLEN-DOOR-AANBIEDER",
                   "--points", "1", "--study-load", "15", "--from", "2026-01-01", "--until", "2026-12-31")
    assert refused.exit_code == 1
    assert "the activity id 'INVULLEN-DOOR-AANBIEDER' is a placeholder" in refused.output
    bad = _cli(database_url, tmp_path, "set", "--course", "buurtronde", "--activity-id", "PE-1", "--points", "1",
               "--study-load", "15", "--from", "2026-12-31", "--until", "2026-01-01")
    assert bad.exit_code == 1 and "starts (2026-12-31) after it ends (2026-01-01)" in bad.output
    done = _cli(database_url, tmp_path, "set", "--course", "buurtronde", "--activity-id", "PE-1", "--points", "1",
                "--study-load", "15", "--from", "2026-01-01", "--until", "2026-12-31", "--version", "1")
    assert done.exit_code == 0, done.output
    listed = _cli(database_url, tmp_path, "list")
    assert "buurtronde\tRegisterplein\tPE-1\t1 points\t2026-01-01 - 2026-12-31" in listed.output


def test_the_command_takes_points_and_study_load_from_the_course(database_url: str, tmp_path: Path) -> None:
    done = _cli(database_url, tmp_path, "set", "--course", "buurtronde", "--activity-id", "PE-2",
                "--from", "2026-01-01", "--until", "2026-12-31")
    assert done.exit_code == 0, done.output
    assert "0.25 points" in done.output and "every version written for 0.25 points and 15 minutes" in done.output


# -- the learner's way: a certificate of completion, then the re-issue with points ----------------------
def _pass(web: Any, passing_path: list[tuple[str, str]]) -> None:
    attempt = web.start()
    for kind, value in passing_path:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))


def _pdf_text(web: Any, certificate_id: str) -> str:
    response = web.get(f"/certificates/{certificate_id}.pdf")
    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def test_without_an_accreditation_a_certificate_of_completion_then_the_reissue_with_points(
        web, passing_path, database_url: str, tmp_path: Path) -> None:
    web.register(number="4610123456")
    _pass(web, passing_path)
    listed = web.get("/certificates").text
    first_id = re.search(r'href="/certificates/(\d+)\.pdf"', listed).group(1)  # type: ignore[union-attr]
    assert "geen: een bewijs dat je de cursus hebt afgerond" in listed
    assert "Goed nieuws" not in listed
    text = _pdf_text(web, first_id)
    assert "Aan dit certificaat zijn geen PE-punten verbonden." in text
    assert "PE-punt " not in text and "4610123456" not in text

    async def rows() -> list[store.CertificateRow]:
        return await store.search(course_id="buurtronde")

    [first] = in_database(database_url, rows)
    assert not first.data.accredited and first.data.registration_number is None
    assert not registrations.reportable(first.data)
    day = first.completed_on.isoformat()
    env = {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "cli"), "SECRET_KEY": "s" * 40}
    export = CliRunner().invoke(main, ["certificates", "export", "--course", "buurtronde", "--from", day, "--to", day],
                                env=env)
    assert export.exit_code == 0 and "0 certificate(s) of buurtronde" in export.output

    # The administrator enters the accreditation that covers the completion date.
    set_ = CliRunner().invoke(main, ["accreditation", "set", "--course", "buurtronde", "--activity-id", "PE-4242",
                                     "--points", "1", "--study-load", "15", "--from", "2026-01-01", "--until",
                                     "2999-12-31", "--version", "1"], env=env)
    assert set_.exit_code == 0, set_.output
    listed = web.get("/certificates").text
    assert "Goed nieuws: er is nu een accreditatie voor de dag waarop je deze cursus hebt afgerond. " \
           "Je kunt een nieuw certificaat krijgen met 1 PE-punt." in listed
    offer = web.get(f"/certificates/{first_id}/reissue").text
    assert "1 PE-punt (Registerplein)" in offer and "4610123456" in offer
    web.post(f"/certificates/{first_id}/reissue", {}, token_from=f"/certificates/{first_id}/reissue")

    old, new = sorted(in_database(database_url, rows), key=lambda r: r.revision)
    assert (old.status, new.status, old.superseded_by_id) == ("superseded", "valid", new.id)
    assert new.completed_on == old.completed_on and new.data.completed_on == old.data.completed_on
    assert (new.data.pe_points, new.data.activity_id, new.data.registration_number) == (1, "PE-4242", "4610123456")
    assert new.data.accreditation_from == date(2026, 1, 1)
    text = _pdf_text(web, str(new.id))
    assert "1 PE-punt" in text and "activiteit PE-4242" in text and "geen PE-punten" not in text
    export = CliRunner().invoke(main, ["certificates", "export", "--course", "buurtronde", "--from", day, "--to", day,
                                       "--format", "pe-online"], env=env)
    assert export.exit_code == 0 and export.stdout.strip().endswith("4610123456")
    assert "Goed nieuws" not in web.get("/certificates").text  # nothing more to offer


def test_the_admin_page_enters_an_accreditation_and_refuses_a_placeholder(web, database_url: str) -> None:
    web.register(email="beheer@example.org")
    set_role(database_url, "beheer@example.org", Role.ADMIN)
    page = web.get("/admin/accreditations")
    assert page.status_code == 200 and "Nog geen accreditaties" in page.text
    form = {"course": "buurtronde", "register": "Registerplein", "activity_id": "INVULLEN-DOOR-AANBIEDER",
            "points": "1", "study_load": "", "from": "2026-01-01", "until": "2026-12-31", "versions": ""}
    refused = web.post("/admin/accreditations", form, token_from="/admin/accreditations")
    assert refused.status_code == 400 and "geen tijdelijke tekst zoals INVULLEN of TODO" in refused.text
    saved = web.post("/admin/accreditations", {**form, "activity_id": "PE-31", "points": "0,25"},
                     token_from="/admin/accreditations", follow=False)
    assert saved.status_code == 303
    page = web.get(saved.headers["location"]).text
    assert "De accreditatie is opgeslagen." in page and "PE-31" in page
    assert "elke versie voor 0,25 punten en 15 minuten" in page
    no_token = web.client.post("/admin/accreditations", data={**form, "activity_id": "PE-32"})
    assert no_token.status_code == 403

    web.logout()
    web.register(email="leerling@example.org")
    assert web.get("/admin/accreditations").status_code == 403
    assert web.post("/admin/accreditations", {**form, "activity_id": "PE-33"},
                    token_from="/certificates").status_code == 403


def test_the_admin_certificate_page_shows_the_active_time_and_the_public_page_does_not(
        web, passing_path, database_url: str) -> None:
    web.register(email="beheer@example.org")
    set_role(database_url, "beheer@example.org", Role.ADMIN)
    _pass(web, passing_path)
    certificate_id = re.search(r'href="/certificates/(\d+)\.pdf"', web.get("/certificates").text).group(1)  # type: ignore[union-attr]
    admin = web.get(f"/admin/certificates/{certificate_id}").text
    assert "Actieve studietijd" in admin and "studielast: 15 minuten" in admin
    assert "geen: een bewijs van afronding, zonder PE-punten" in admin
    code = re.search(r'href="/verify/([0-9A-Z-]{14})"', admin).group(1)  # type: ignore[union-attr]
    public = web.get(f"/verify/{code}.json").json()["certificate"]
    assert not {"active_minutes", "study_load_minutes", "accreditation_from", "accreditation_until"} & set(public)
    assert "Actieve studietijd" not in web.get(f"/verify/{code}").text


def test_the_preview_is_marked_as_a_sample(tmp_path: Path) -> None:
    target = tmp_path / "voorbeeld.pdf"
    result = CliRunner().invoke(main, ["certificates", "preview", "-o", str(target)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(target)
    assert "Voorbeeld: geen geldig certificaat".upper() in reader.pages[0].extract_text().upper()
    assert reader.metadata is not None and str(reader.metadata.title).startswith("Voorbeeld - ")
