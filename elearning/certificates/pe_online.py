"""PE-online's attendance web service: the request we send, the answer we read, one call.

One call sends an `Entry`: the provider's `Settings` (UserID, role EDU, key, the professional
organisation's id) and one `Attendance` per learner (the activity's course id, the learner's
registration number as external person id, the completion date). PE-online answers with a
`Summary`: how many rows it accepted and rejected, and an `Error` per rejected row. The
element names follow PE-online's public description where it gives them; where it is silent
they are our choice, written down in tests/fixtures/pe_online/attendance.xsd and
docs/operations.md.

A row PE-online already holds (the same person, course and date) comes back as an `Error`
with a code in `ALREADY_REGISTERED`: we count it as accepted, so sending a batch again after
a crash never makes a second registration and never bothers an administrator.

The answer comes from outside: it is parsed with defusedxml, its size is capped, and
anything we cannot account for row by row makes the whole call a `PushFailed` (the rows are
sent again later; the service answers "already registered" for those it did take).
"""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET  # noqa: S405 - only to build our own request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import httpx
from defusedxml import ElementTree as SafeET

ROLE = "EDU"
MAX_BATCH = 100
ALREADY_REGISTERED = frozenset({"ERROR1040"})  # "Presentie is al geregistreerd"
MAX_ANSWER = 1_000_000  # bytes; 100 rows with errors fit many times over
_SHOWN = 300  # characters of an unreadable answer kept for the administrator


class PushFailed(Exception):
    """The call as a whole did not work (network, timeout, HTTP error, an answer we cannot read)."""


@dataclass(frozen=True)
class Credentials:
    url: str
    user_id: str
    key: str
    organisation_id: str


@dataclass(frozen=True)
class Attendance:
    course_id: str  # the activity id PE-online gave the accredited course
    person_id: str  # the learner's registration number
    end_date: date

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.course_id, self.person_id, self.end_date.isoformat())


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    reason: str | None = None  # the register's code and message for a rejected row


def entry_xml(credentials: Credentials, rows: Sequence[Attendance]) -> bytes:
    """The request body: one Entry with Settings and one Attendance per row."""
    if not 1 <= len(rows) <= MAX_BATCH:
        raise ValueError(f"a call holds 1 to {MAX_BATCH} attendances, not {len(rows)}")
    entry = ET.Element("Entry")
    settings = ET.SubElement(entry, "Settings")
    for name, value in (("UserID", credentials.user_id), ("UserRole", ROLE), ("UserKey", credentials.key),
                        ("SettingOrgID", credentials.organisation_id)):
        ET.SubElement(settings, name).text = value
    for row in rows:
        attendance = ET.SubElement(entry, "Attendance")
        ET.SubElement(attendance, "CourseID").text = row.course_id
        ET.SubElement(attendance, "ExternalPersonID").text = row.person_id
        ET.SubElement(attendance, "EndDate").text = row.end_date.isoformat()
    return ET.tostring(entry, encoding="utf-8", xml_declaration=True)


def _text(element: ET.Element, name: str) -> str:
    found = element.find(name)
    return (found.text or "").strip() if found is not None else ""


def _count(summary: ET.Element, name: str) -> int:
    raw = _text(summary, name)
    try:
        return int(raw)
    except ValueError:
        raise PushFailed(f"PE-online's answer has no number in <{name}>: {raw[:40]!r}") from None


def read_summary(body: bytes, rows: Sequence[Attendance]) -> dict[tuple[str, str, str], Outcome]:
    """The outcome of every row sent, by Attendance.key; PushFailed when the answer does not add up."""
    if len(body) > MAX_ANSWER:
        raise PushFailed(f"PE-online's answer is too long ({len(body)} bytes)")
    try:
        summary = SafeET.fromstring(body)
    except Exception:  # defusedxml raises ParseError and its own refusals (entities, DTDs)
        raise PushFailed(f"PE-online's answer is not readable XML: {_snippet(body)}") from None
    if summary.tag != "Summary":
        raise PushFailed(f"PE-online answered <{summary.tag}> instead of <Summary>")
    accepted, rejected = _count(summary, "Accepted"), _count(summary, "Rejected")
    sent = {row.key for row in rows}
    outcomes = {key: Outcome(True) for key in sent}
    general: list[str] = []
    for error in summary.findall("Error"):
        reason = " ".join(part for part in (_text(error, "Code"), _text(error, "Message")) if part)
        key = (_text(error, "CourseID"), _text(error, "ExternalPersonID"), _text(error, "EndDate"))
        if key not in sent:
            general.append(reason or "an error without a code")
        elif _text(error, "Code") not in ALREADY_REGISTERED:
            outcomes[key] = Outcome(False, reason or "afgewezen zonder reden")
    if general:
        raise PushFailed(f"PE-online refused the call: {'; '.join(general)[:_SHOWN]}")
    if accepted + rejected != len(rows):
        raise PushFailed(f"PE-online's answer counts {accepted} accepted and {rejected} rejected "
                         f"rows for {len(rows)} sent")
    return outcomes


def _snippet(body: bytes) -> str:
    return repr(body[:_SHOWN].decode("utf-8", "replace"))


async def send(credentials: Credentials, rows: Sequence[Attendance], *, timeout: float,
               client: httpx.AsyncClient | None = None) -> dict[tuple[str, str, str], Outcome]:
    """One call to the service; the whole call, answer included, gets `timeout` seconds."""
    body = entry_xml(credentials, rows)
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    try:
        async with asyncio.timeout(timeout):
            if client is None:
                async with httpx.AsyncClient(timeout=timeout) as own:
                    response = await own.post(credentials.url, content=body, headers=headers)
            else:
                response = await client.post(credentials.url, content=body, headers=headers)
    except TimeoutError:
        raise PushFailed(f"PE-online did not answer within {timeout:g} seconds") from None
    except httpx.HTTPError as exc:
        raise PushFailed(f"Cannot reach PE-online: {type(exc).__name__}: {exc}"[:_SHOWN]) from None
    if response.status_code != 200:
        raise PushFailed(f"PE-online answered HTTP {response.status_code}: {_snippet(response.content)}")
    return read_summary(response.content, rows)

