"""The PE-online push: the XML, the outbox, and a push against a local fake of the service.

The fake (tests/pe_online_fake.py) validates every request against the XSD in
tests/fixtures/pe_online/ and answers like the real service: accepted rows, rejected rows
with an Error, "already registered" for a repeat, an HTTP 500, or no answer in time.
The crash and two-worker tests are in tests/test_pe_online_workers.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from click.testing import CliRunner
from pe_online_fake import (  # noqa: F401 - fixtures
    KEY,
    ORGANISATION,
    USER_ID,
    XSD,
    FakePeOnline,
    fake_fixture,
    make_certificates,
    pe_service_fixture,
)

from elearning.certificates import pe_online
from elearning.cli import main
from elearning.settings import Settings, SettingsError
from elearning.storage import certificates as store
from elearning.storage import issuing, pe_push, registrations
from elearning.storage.attempts import now
from elearning.storage.models import Certificate, PeRegistration, User

DAY = date(2026, 11, 28)
LOGIN = pe_online.Credentials(url="http://127.0.0.1:9/attendance", user_id=USER_ID, key=KEY,
                              organisation_id=ORGANISATION)


# -- the XML -----------------------------------------------------------------------------------------
def _rows(n: int) -> list[pe_online.Attendance]:
    return [pe_online.Attendance("PE-123456", f"4610{i:06d}", DAY) for i in range(n)]


def test_the_request_is_valid_against_the_xsd() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    body = pe_online.entry_xml(LOGIN, _rows(100))
    schema.validate(body.decode("utf-8"))
    assert b"<UserRole>EDU</UserRole>" in body and body.count(b"<Attendance>") == 100
    with pytest.raises(ValueError, match="1 to 100 attendances, not 101"):
        pe_online.entry_xml(LOGIN, _rows(101))


def test_the_xsd_refuses_what_the_service_would_refuse() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    body = pe_online.entry_xml(LOGIN, _rows(1)).decode("utf-8")
    assert not schema.is_valid(body.replace("<UserRole>EDU<", "<UserRole>ADMIN<"))
    assert not schema.is_valid(body.replace("<EndDate>2026-11-28<", "<EndDate>28-11-2026<"))
    assert not schema.is_valid(body.replace("<ExternalPersonID>4610", "<ExternalPersonID>1234"))


def _answer(accepted: int, rejected: int, *errors: str) -> bytes:
    return (f"<?xml version='1.0'?><Summary><Accepted>{accepted}</Accepted><Rejected>{rejected}</Rejected>"
            + "".join(errors) + "</Summary>").encode()


def _error(code: str, message: str, row: pe_online.Attendance | None = None) -> str:
    where = "" if row is None else (f"<CourseID>{row.course_id}</CourseID><ExternalPersonID>{row.person_id}"
                                    f"</ExternalPersonID><EndDate>{row.end_date.isoformat()}</EndDate>")
    return f"<Error><Code>{code}</Code><Message>{message}</Message>{where}</Error>"


def test_the_answer_gives_each_row_its_outcome() -> None:
    rows = _rows(3)
    outcomes = pe_online.read_summary(_answer(1, 2, _error("ERROR1021", "Cursus bestaat niet", rows[1]),
                                              _error("ERROR1040", "Presentie is al geregistreerd", rows[2])), rows)
    assert outcomes[rows[0].key] == pe_online.Outcome(True)
    assert outcomes[rows[1].key] == pe_online.Outcome(False, "ERROR1021 Cursus bestaat niet")
    assert outcomes[rows[2].key] == pe_online.Outcome(True)  # already registered counts as accepted


@pytest.mark.parametrize(("body", "message"), [
    (b"<html>Service Unavailable</html>", "answered <html> instead of <Summary>"),
    (b"not xml at all", "not readable XML"),
    (_answer(0, 0, _error("400", "Geen toegang")), "refused the call: 400 Geen toegang"),
    (_answer(1, 0), "counts 1 accepted and 0 rejected rows for 2 sent"),
    (_answer(2, 0).replace(b"<Accepted>2", b"<Accepted>twee"), "no number in <Accepted>"),
    (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><Summary>&a;</Summary>', "not readable XML"),
])
def test_an_answer_that_does_not_add_up_fails_the_whole_call(body: bytes, message: str) -> None:
    with pytest.raises(pe_online.PushFailed, match=message.replace("(", r"\(")):
        pe_online.read_summary(body, _rows(2))


def test_settings_refuse_an_incomplete_or_oversized_configuration(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PE_ONLINE_ENABLED is true, but PE_ONLINE_KEY, "
                                            "PE_ONLINE_ORGANISATION_ID are not set"):
        Settings.load({"PE_ONLINE_ENABLED": "true", "PE_ONLINE_URL": "https://x.example", "PE_ONLINE_USER_ID": "u",
                       "DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="PE_ONLINE_BATCH_SIZE has value '101'. Use 1 to 100"):
        Settings.load({"PE_ONLINE_BATCH_SIZE": "101", "DATA_DIR": str(tmp_path)})
    assert Settings.load({"DATA_DIR": str(tmp_path)}).pe_online_enabled is False
    assert "geheim" not in repr(Settings.load({"DATA_DIR": str(tmp_path), "PE_ONLINE_KEY": "geheim"}))


# -- the fake and the settings that point at it ---------------------------------------------------------
@pytest.fixture
def pe_settings(tmp_path: Path, database_url: str, fake: FakePeOnline) -> Settings:
    return Settings.load({}, data_dir=tmp_path / "data", database_url=database_url, pe_online_enabled=True,
                         pe_online_url=fake.url, pe_online_user_id=USER_ID, pe_online_key=KEY,
                         pe_online_organisation_id=ORGANISATION, pe_online_timeout=2)


async def _statuses() -> dict[int, str]:
    return dict(await PeRegistration.all().values_list("certificate_id", "status"))


def test_the_push_command_says_when_pe_online_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PE_ONLINE_ENABLED", raising=False)
    result = CliRunner().invoke(main, ["pe-online", "push"])
    assert result.exit_code == 1
    assert "PE-online is off: set PE_ONLINE_ENABLED=true and its other settings" in result.output


# -- the push ------------------------------------------------------------------------------------------
async def test_only_valid_certificates_with_a_number_and_points_are_sent_and_only_once(
        orm: Any, fake: FakePeOnline, pe_settings: Settings) -> None:
    with orm:
        sent = await make_certificates(3)
        without_number = await make_certificates(1, first=10, number=None)
        without_points = await make_certificates(1, first=20, activity="", points=0)
        revoked = await make_certificates(1, first=30)
        assert await store.revoke(revoked[0], "Toets door een ander gemaakt")
        report = await pe_push.push_once(pe_settings)
        assert (report.accepted, report.rejected, report.failed, report.batches) == (3, 0, 0, 1)
        assert set(fake.registered) == {("PE-123456", f"4610{i:06d}", "2026-11-28") for i in range(3)}
        assert await _statuses() == dict.fromkeys(sent, registrations.ACCEPTED)
        assert not set(await _statuses()) & set(without_number + without_points + revoked)
        calls = fake.calls
        again = await pe_push.push_once(pe_settings)
        assert (again.batches, fake.calls) == (0, calls)  # nothing is sent twice once accepted


async def test_one_person_course_and_date_is_one_attendance_in_a_call(orm: Any, fake: FakePeOnline,
                                                                      pe_settings: Settings) -> None:
    with orm:
        await make_certificates(1)
        await make_certificates(1, first=1, number="4610000000")  # another account, the same number
        report = await pe_push.push_once(pe_settings)
        assert set((await _statuses()).values()) == {registrations.ACCEPTED} and len(await _statuses()) == 2
    assert fake.rows_per_call == [1] and report.accepted == 2 and not fake.repeats


async def test_batches_hold_at_most_the_batch_size(orm: Any, fake: FakePeOnline, pe_settings: Settings) -> None:
    with orm:
        await make_certificates(25)
        report = await pe_push.push_once(dataclasses.replace(pe_settings, pe_online_batch_size=10))
    assert fake.rows_per_call == [10, 10, 5] and report.accepted == 25


async def test_rejected_rows_are_reported_with_the_registers_reason_and_can_be_retried(
        orm: Any, fake: FakePeOnline, pe_settings: Settings) -> None:
    fake.reject["4610000001"] = ("ERROR1011", "Persoon niet gevonden")
    with orm:
        ids = await make_certificates(3)
        report = await pe_push.push_once(pe_settings)
        assert (report.accepted, report.rejected) == (2, 1)
        row = await PeRegistration.get(certificate_id=ids[1])
        assert (row.status, row.register_reason) == (registrations.REJECTED, "ERROR1011 Persoon niet gevonden")
        assert (await pe_push.push_once(pe_settings)).batches == 0  # a rejection waits for a person
        listed = await registrations.listing()
        assert [r.status for r in listed][0] == registrations.REJECTED  # problems first
        del fake.reject["4610000001"]
        assert await registrations.retry(row.id)
        assert not await registrations.retry((await PeRegistration.get(certificate_id=ids[0])).id)  # accepted
        assert (await pe_push.push_once(pe_settings)).accepted == 1
        assert set((await _statuses()).values()) == {registrations.ACCEPTED}
    assert sum(fake.registered.values()) == 3


async def test_a_server_error_is_retried_later_with_backoff(orm: Any, fake: FakePeOnline,
                                                          pe_settings: Settings) -> None:
    fake.mode = "error500"
    with orm:
        await make_certificates(2)
        report = await pe_push.push_once(pe_settings)
        assert (report.failed, report.accepted) == (2, 0) and "HTTP 500" in report.errors[0]
        rows = await PeRegistration.all().values("status", "attempts", "next_try_at", "last_error")
        assert {(r["status"], r["attempts"]) for r in rows} == {(registrations.PENDING, 1)}
        assert all(now() + timedelta(seconds=25) < r["next_try_at"] <= now() + timedelta(minutes=1) for r in rows)
        assert all(r["last_error"].startswith("PE-online answered HTTP 500") for r in rows)
        assert (await pe_push.push_once(pe_settings)).batches == 0  # not due yet
    assert registrations.backoff(5) <= timedelta(minutes=16) and registrations.backoff(40) <= timedelta(hours=6)
    assert registrations.backoff(40) >= timedelta(hours=3)


async def test_after_a_timeout_the_repeat_is_already_registered_and_counts_as_accepted(
        orm: Any, fake: FakePeOnline, pe_settings: Settings) -> None:
    fake.mode, fake.sleep = "timeout", 4  # the fake registers, then answers after the 2 s timeout
    with orm:
        await make_certificates(2)
        report = await pe_push.push_once(pe_settings)
        assert report.failed == 2 and "did not answer within 2 seconds" in report.errors[0]
        fake.mode = "accept"
        for row in await PeRegistration.all():
            assert await registrations.retry(row.id)  # the administrator's "try now"
        again = await pe_push.push_once(pe_settings)
        assert (again.accepted, again.rejected) == (2, 0)
    assert set(fake.registered.values()) == {1} and sum(fake.repeats.values()) == 2


async def test_a_revocation_after_acceptance_is_flagged_for_follow_up(orm: Any, fake: FakePeOnline,
                                                                    pe_settings: Settings) -> None:
    with orm:
        accepted, waiting = await make_certificates(2)
        await pe_push.push_once(pe_settings)
        await make_certificates(1, first=5)  # waiting: not yet synced into the outbox
        waiting = (await Certificate.filter(user__email="leerling5@example.org").first()).id  # type: ignore[union-attr]
        await registrations.sync()
        assert await store.revoke(accepted, "Fraude")
        assert await store.revoke(waiting, "Fraude")
        synced = await registrations.sync()
        assert (synced.flagged, synced.dropped) == (1, 1)
        assert (await _statuses())[accepted] == registrations.NEEDS_FOLLOWUP
        assert waiting not in await _statuses()
        calls = fake.calls
        assert (await pe_push.push_once(pe_settings)).batches == 0
    assert fake.calls == calls


async def test_a_reissue_moves_the_registration_or_flags_a_changed_one(orm: Any, fake: FakePeOnline,
                                                                     pe_settings: Settings) -> None:
    with orm:
        same, changed = await make_certificates(2)
        await pe_push.push_once(pe_settings)
        user = await User.get(certificates__id=same)
        user.name = "Leerling Nul"
        await user.save()
        renamed = await issuing.reissue(same, user, base_url="http://testserver")
        other = await User.get(certificates__id=changed)
        other.registration_number = "4610999999"
        await other.save()
        renumbered = await issuing.reissue(changed, other, base_url="http://testserver")
        report = await pe_push.push_once(pe_settings)
        assert report.synced is not None and (report.synced.moved, report.synced.flagged) == (1, 1)
        statuses = await _statuses()
        assert statuses[renamed.id] == registrations.ACCEPTED and same not in statuses
        assert statuses[changed] == registrations.NEEDS_FOLLOWUP  # the old number stands in PE-online
        assert statuses[renumbered.id] == registrations.ACCEPTED
    assert fake.registered[("PE-123456", "4610999999", "2026-11-28")] == 1
    assert set(fake.registered.values()) == {1} and not fake.repeats


async def test_wrong_credentials_fail_the_call_without_personal_data_in_the_log(
        orm: Any, fake: FakePeOnline, pe_settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with orm:
        await make_certificates(1)
        report = await pe_push.push_once(dataclasses.replace(pe_settings, pe_online_key="fout"))
        row = await PeRegistration.first()
    assert report.failed == 1 and row is not None and row.last_error == "PE-online refused the call: 400 Geen toegang"
    assert "4610" not in caplog.text and "Leerling" not in caplog.text


async def test_a_sync_that_ran_during_a_reissue_does_not_leave_a_false_follow_up(
        orm: Any, fake: FakePeOnline, pe_settings: Settings) -> None:
    with orm:
        (old,) = await make_certificates(1)
        await pe_push.push_once(pe_settings)
        user = await User.get(certificates__id=old)
        user.name = "Leerling Nul"
        await user.save()
        new = await issuing.reissue(old, user, base_url="http://testserver")
        await registrations._withdrawn(now())  # the second half of a sync that read before the re-issue
        assert (await _statuses())[old] == registrations.NEEDS_FOLLOWUP
        report = await pe_push.push_once(pe_settings)
        assert report.synced is not None and report.synced.moved == 1 and report.accepted == 1
        assert await _statuses() == {new.id: registrations.ACCEPTED}
    assert set(fake.registered.values()) == {1} and sum(fake.repeats.values()) == 1
