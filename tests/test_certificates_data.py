"""The certificate snapshot: what is printed, stored as JSON and read back unchanged."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from elearning.certificates.data import (
    Accreditation,
    CertificateData,
    certificate_data,
    format_date,
    format_pe_points,
    sample_certificate,
)
from elearning.certificates.registration import InvalidRegistrationNumber
from elearning.course.model import PE, Course, CourseMeta, Module, Scene

PRINTED = {
    "code", "learner_name", "registration_number", "course_id", "course_title",
    "course_version", "completed_on", "score", "max_score", "pe_points", "register_name",
    "activity_id", "verify_url", "language", "study_load_minutes", "offline_minutes",
}
# Stored with the printed fields, shown to administrators only (never on the public verification).
KEPT = {"study_load_minutes", "active_minutes", "accreditation_from", "accreditation_until"}
ACCREDITATION = Accreditation(register_name="Registerplein", activity_id="PE-123456", points=4,
                              valid_from=date(2026, 1, 1), valid_until=date(2028, 12, 31))


def test_snapshot_round_trips_through_json() -> None:
    data = sample_certificate(learner_name='<b>Jan</b> & "Piet" Ünal')
    text = data.to_json()
    assert CertificateData.from_json(text) == data
    assert CertificateData.from_json(text.encode()) == data
    stored = json.loads(text)
    assert set(stored) == PRINTED | KEPT | {"format"}
    assert stored["completed_on"] == "2026-11-28"
    assert set(data.to_dict()) == PRINTED | KEPT


def test_snapshot_is_frozen() -> None:
    data = sample_certificate()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.learner_name = "Someone else"  # type: ignore[misc]


def test_without_registration_number() -> None:
    data = dataclasses.replace(sample_certificate(), registration_number=None)
    assert CertificateData.from_json(data.to_json()).registration_number is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "7kq2-m4xd-9rtg"}, "code '7kq2-m4xd-9rtg' is not in its printed form '7KQ2-M4XD-9RTG'"),
        ({"code": "7KQ2-M4XD-9RTH"}, "klopt niet"),
        ({"registration_number": "4610 1234 5678"}, "registration_number '4610 1234 5678' is not normalised"),
        ({"registration_number": "12345678"}, "begint met 4610"),
        ({"learner_name": "  "}, "learner_name '  ' must be 1 to 300 characters"),
        ({"score": 51}, "score 51 must be between 0 and max_score 50"),
        ({"pe_points": -1}, "pe_points -1 must not be negative"),
        ({"verify_url": "javascript:alert(1)"}, "verify_url 'javascript:alert(1)' must be an http(s) URL"),
        ({"language": "de"}, "language 'de' must be 'nl' or 'en'"),
    ],
)
def test_bad_snapshots_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as exc:
        dataclasses.replace(sample_certificate(), **change)
    assert message in str(exc.value)


def test_from_json_refuses_other_json() -> None:
    good = json.loads(sample_certificate().to_json())
    with pytest.raises(ValueError, match="not a certificate snapshot of format 2"):
        CertificateData.from_json(json.dumps({**good, "format": 3}))
    with pytest.raises(ValueError, match="not a certificate snapshot"):
        CertificateData.from_json("[]")
    with pytest.raises(ValueError, match="email"):
        CertificateData.from_json(json.dumps({**good, "email": "jan@example.nl"}))
    with pytest.raises(ValueError, match="completed_on"):
        CertificateData.from_json(json.dumps({**good, "completed_on": "gisteren"}))


def test_dates_and_points_are_written_out() -> None:
    assert format_date(date(2026, 11, 28), "nl") == "28 november 2026"
    assert format_date(date(2026, 3, 1), "en") == "1 March 2026"
    assert format_pe_points(4, "nl") == "4 PE-punten"
    assert format_pe_points(1, "nl") == "1 PE-punt"
    assert format_pe_points(2.5, "nl") == "2,5 PE-punten"
    assert format_pe_points(4.0, "en") == "4 PE points"
    assert format_pe_points(1, "en") == "1 PE point"
    assert format_pe_points(0.25, "en") == "0.25 PE points"
    data = sample_certificate()
    assert (data.completed_on_text, data.pe_points_text) == ("28 november 2026", "4 PE-punten")


def _course(pe: dict[str, object] | None) -> Course:
    meta = CourseMeta(
        id="polarisatie", title="Van polarisatie naar verbinding", version="3",
        study_load_minutes=60, modules=["m1"], pe=PE.model_validate(pe) if pe else None,
    )
    module = Module(id="m1", title="Eén", start="s1", scenes=[Scene(id="s1", type="end")])
    return Course(meta=meta, modules=[module], content_hash="x", max_scores={"m1": 0})


def test_a_format_1_snapshot_reads_with_the_new_fields_empty() -> None:
    old = {key: value for key, value in json.loads(sample_certificate().to_json()).items() if key not in KEPT}
    data = CertificateData.from_json(json.dumps({**old, "format": 1}))
    assert (data.active_minutes, data.study_load_minutes, data.accreditation_from) == (None, None, None)
    assert data.pe_points == 4 and data.accredited


def test_certificate_data_takes_the_points_from_the_accreditation() -> None:
    course = _course({"points": 4, "register": "Registerplein"})
    data = certificate_data(
        course, code="7KQ2-M4XD-9RTG", base_url="https://leren.example.nl/",
        learner_name=" Anouk ", registration_number="4610.1234.5678",
        completed_on=date(2026, 11, 28), score=42, max_score=50, accreditation=ACCREDITATION, active_minutes=41,
    )
    assert data == dataclasses.replace(
        sample_certificate(), learner_name="Anouk", course_version="3", study_load_minutes=60, active_minutes=41,
        accreditation_from=date(2026, 1, 1), accreditation_until=date(2028, 12, 31),
    )


def test_without_an_accreditation_it_is_a_certificate_of_completion() -> None:
    course = _course({"points": 4, "register": "Registerplein"})  # written for 4 points, but none covers it
    data = certificate_data(
        course, code="7KQ2-M4XD-9RTG", base_url="https://leren.example.nl/", learner_name="Anouk",
        registration_number="461012345678", completed_on=date(2026, 11, 28), score=42, max_score=50,
    )
    assert (data.pe_points, data.register_name, data.activity_id, data.registration_number) == (0, "", "", None)
    assert not data.accredited and data.accreditation_from is None


def test_certificate_data_for_a_course_without_pe_points() -> None:
    data = certificate_data(
        _course(None), code="7KQ2-M4XD-9RTG", base_url="https://leren.example.nl",
        learner_name="Anouk", registration_number="461012345678",
        completed_on=date(2026, 11, 28), score=42, max_score=50,
    )
    assert (data.pe_points, data.register_name, data.activity_id) == (0, "", "")
    assert data.registration_number is None  # not printed without PE points, so not stored


def test_certificate_data_checks_the_registration_number() -> None:
    course = _course({"points": 4, "register": "Registerplein"})
    with pytest.raises(InvalidRegistrationNumber):
        certificate_data(
            course, code="7KQ2-M4XD-9RTG", base_url="https://x.nl", learner_name="A",
            registration_number="12345678", completed_on=date(2026, 1, 1), score=0, max_score=0,
            accreditation=ACCREDITATION,
        )


def test_the_study_load_is_printed_with_its_online_and_offline_parts() -> None:
    """Issue 14: the certificate states the study load of both parts (the tour and the assignment)."""
    from elearning.certificates.render import render_html
    from elearning.certificates.templates import TEMPLATES_DIR

    data = dataclasses.replace(sample_certificate(), study_load_minutes=259, offline_minutes=185)
    assert data.study_load_text == "259 minuten" and data.study_load_parts_text == "74 minuten online, 185 minuten buiten het scherm"
    html = render_html(data, TEMPLATES_DIR / "standaard")
    assert "Studiebelasting: 259 minuten (74 minuten online, 185 minuten buiten het scherm)." in " ".join(html.split())
    english = dataclasses.replace(data, language="en")
    assert english.study_load_parts_text == "74 minutes online, 185 minutes away from the screen"
    online_only = dataclasses.replace(sample_certificate(), offline_minutes=None)
    assert online_only.study_load_parts_text is None
    assert "buiten het scherm" not in render_html(online_only, TEMPLATES_DIR / "standaard")


def test_the_offline_part_comes_from_the_course() -> None:
    from elearning.authoring import load_course

    course, problems = load_course(Path(__file__).parent.parent / "docs" / "examples" / "buurthuis")
    assert course is not None, problems
    data = certificate_data(course, code="7KQ2-M4XD-9RTG", base_url="https://leren.example.nl/", learner_name="Anouk",
                            registration_number=None, completed_on=date(2026, 11, 28), score=1, max_score=1)
    assert (data.study_load_minutes, data.offline_minutes) == (15, 10)
    assert data.study_load_parts_text == "5 minuten online, 10 minuten buiten het scherm"
