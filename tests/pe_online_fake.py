"""A local fake of PE-online's attendance web service, for the push tests.

It checks every request against tests/fixtures/pe_online/attendance.xsd and the
credentials, remembers what it registered (so a repeat of the same person, course and date
is answered "already registered", code ERROR1040, as the real service does), and can be
switched per test into a mode:

- ``accept``: register every row, except persons listed in ``reject`` (answered with that Error);
- ``error500``: answer HTTP 500 and register nothing;
- ``timeout``: register, then answer only after ``sleep`` seconds (past the client's timeout);
- ``hold``: register, set ``received``, and answer only once ``release`` is set (the crash test
  kills the client in between).

``delay`` seconds are spent on every call before answering (to make two workers overlap).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET  # noqa: S405 - our own test service reading our own client

import pytest
import uvicorn
import xmlschema
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from elearning.certificates.codes import generate_code
from elearning.certificates.data import sample_certificate
from elearning.storage.attempts import now
from elearning.storage.models import Attempt, Certificate, User
from elearning.testing import free_port

XSD = Path(__file__).parent / "fixtures" / "pe_online" / "attendance.xsd"
ALREADY = ("ERROR1040", "Presentie is al geregistreerd")
USER_ID, KEY, ORGANISATION = "aanbieder-17", "geheime-sleutel", "ORG-REGISTERPLEIN"

Key = tuple[str, str, str]  # course id, person id, end date
DAY = date(2026, 11, 28)


class FakePeOnline:
    def __init__(self) -> None:
        self.schema = xmlschema.XMLSchema(str(XSD))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/attendance"
        self.reset()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def reset(self) -> None:
        self.mode = "accept"
        self.reject: dict[str, tuple[str, str]] = {}  # person id -> (code, message)
        self.sleep = 5.0
        self.delay = 0.0
        self.registered: Counter[Key] = Counter()  # new registrations: each key must stay at 1
        self.repeats: Counter[Key] = Counter()  # rows answered "already registered"
        self.calls = 0
        self.rows_per_call: list[int] = []
        self.invalid: list[str] = []
        self.received = threading.Event()
        self.release = threading.Event()

    # -- the service --------------------------------------------------------------------------
    async def attendance(self, request: Request) -> Response:
        body = await request.body()
        self.calls += 1
        errors = [str(e.reason or e.message) for e in self.schema.iter_errors(body.decode("utf-8"))]
        if errors:
            self.invalid.extend(errors)
            return _summary(0, 0, [("505", "Ongeldige XML structuur", None)])
        entry = ET.fromstring(body)  # noqa: S314 - validated above; our own client's request
        settings = entry.find("Settings")
        assert settings is not None
        login = tuple(settings.findtext(name) for name in ("UserID", "UserKey", "SettingOrgID"))
        if login != (USER_ID, KEY, ORGANISATION):
            return _summary(0, 0, [("400", "Geen toegang", None)])
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.mode == "error500":
            return Response("Internal Server Error", status_code=500)
        rows = [(a.findtext("CourseID") or "", a.findtext("ExternalPersonID") or "", a.findtext("EndDate") or "")
                for a in entry.findall("Attendance")]
        self.rows_per_call.append(len(rows))
        accepted, problems = 0, []
        for key in rows:
            if key[1] in self.reject:
                code, message = self.reject[key[1]]
                problems.append((code, message, key))
            elif self.registered[key]:
                self.repeats[key] += 1
                problems.append((*ALREADY, key))
            else:
                self.registered[key] += 1
                accepted += 1
        answer = _summary(accepted, len(rows) - accepted, problems)
        if self.mode == "timeout":
            await asyncio.sleep(self.sleep)
        elif self.mode == "hold":
            self.received.set()
            await asyncio.to_thread(self.release.wait, 60)
        return answer

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> None:
        app = Starlette(routes=[Route("/attendance", self.attendance, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "the fake PE-online did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def _summary(accepted: int, rejected: int, errors: list[tuple[str, str, Key | None]]) -> Response:
    summary = ET.Element("Summary")
    ET.SubElement(summary, "Accepted").text = str(accepted)
    ET.SubElement(summary, "Rejected").text = str(rejected)
    for code, message, key in errors:
        error = ET.SubElement(summary, "Error")
        ET.SubElement(error, "Code").text = code
        ET.SubElement(error, "Message").text = message
        if key is not None:
            for name, value in zip(("CourseID", "ExternalPersonID", "EndDate"), key, strict=True):
                ET.SubElement(error, name).text = value
    return Response(ET.tostring(summary, encoding="utf-8", xml_declaration=True), media_type="text/xml")


# -- fixtures and data (import them into a test module) ---------------------------------------
def pe_env(fake: FakePeOnline, **extra: str) -> dict[str, str]:
    """The PE_ONLINE_* environment of a server or command that pushes to this fake."""
    return {"PE_ONLINE_ENABLED": "true", "PE_ONLINE_URL": fake.url, "PE_ONLINE_USER_ID": USER_ID,
            "PE_ONLINE_KEY": KEY, "PE_ONLINE_ORGANISATION_ID": ORGANISATION, **extra}


@pytest.fixture(scope="module", name="pe_service")
def pe_service_fixture() -> Iterator[FakePeOnline]:
    service = FakePeOnline()
    service.start()
    yield service
    service.stop()


@pytest.fixture(name="fake")
def fake_fixture(pe_service: FakePeOnline) -> Iterator[FakePeOnline]:
    pe_service.reset()
    yield pe_service
    pe_service.release.set()
    assert not pe_service.invalid, f"requests the XSD refuses: {pe_service.invalid}"


async def make_certificates(n: int, *, first: int = 0, number: str | None = "4610{i:06d}", activity: str = "PE-123456",
                            points: float = 4, day: date = DAY) -> list[int]:
    """n learners who each passed and got a certificate (rows as `certificates.issue` makes them)."""
    ids = []
    for i in range(first, first + n):
        user = await User.create(email=f"leerling{i}@example.org", name=f"Leerling {i}", password_hash="x",
                                 registration_number=number.format(i=i) if number else None)
        at = now()
        attempt = await Attempt.create(user_id=user.id, course_id="polarisatie", course_hash="h", state="{}",
                                       module="m", scene="s", started_at=at, updated_at=at, finished_at=at,
                                       passed=True, score=42, max_score=50)
        code = generate_code()
        data = dataclasses.replace(sample_certificate(code=code), learner_name=user.name,
                                   registration_number=user.registration_number, activity_id=activity,
                                   pe_points=points, completed_on=day)
        certificate = await Certificate.create(
            code=code, user_id=user.id, attempt_id=attempt.id, course_id="polarisatie", course_hash="h",
            template="standaard", completed_on=day, status="valid", issued_at=at, data=data.to_json())
        ids.append(certificate.id)
    return ids


