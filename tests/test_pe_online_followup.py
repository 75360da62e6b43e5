"""A registration flagged for follow-up (revoked after PE-online accepted it) is marked handled by an
administrator once corrected in PE-online: CSRF, administrators only, audit-logged, once."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from conftest import in_database, set_role
from pe_online_fake import (  # noqa: F401 - fixtures
    KEY,
    ORGANISATION,
    USER_ID,
    FakePeOnline,
    fake_fixture,
    make_certificates,
    pe_service_fixture,
)

from elearning.settings import Settings
from elearning.storage import certificates as store
from elearning.storage import pe_push, registrations
from elearning.storage.models import AuditEntry, PeRegistration, Role, User


def _flag_one(database_url: str, settings: Settings) -> tuple[int, str]:
    """A certificate whose points PE-online accepted, then revoked: its row needs follow-up."""

    async def work() -> tuple[int, str]:
        (certificate,) = await make_certificates(1)
        report = await pe_push.push_once(settings)
        assert report.accepted == 1
        assert await store.revoke(certificate, "Fraude")
        assert (await registrations.sync()).flagged == 1
        row = await PeRegistration.get(certificate_id=certificate)
        assert row.status == registrations.NEEDS_FOLLOWUP
        return row.id, (await store.code_of(certificate)) or ""

    return in_database(database_url, work)  # type: ignore[no-any-return]


def test_an_administrator_marks_a_flagged_registration_as_handled(
        web: Any, settings: Settings, fake: FakePeOnline, database_url: str, tmp_path: Path) -> None:
    pushing = dataclasses.replace(settings, pe_online_enabled=True, pe_online_url=fake.url,
                                  pe_online_user_id=USER_ID, pe_online_key=KEY,
                                  pe_online_organisation_id=ORGANISATION, pe_online_timeout=2)
    row, code = _flag_one(database_url, pushing)
    web.register(email="leerling@example.org", name="Leerling")
    # A learner may not mark it.
    assert web.post(f"/admin/certificates/pe-online/{row}/handled", token_from="/certificates",
                    follow=False).status_code == 403
    set_role(database_url, "leerling@example.org", Role.ADMIN)
    page = web.get("/admin/certificates/pe-online?status=needs_followup").text
    assert code in page and f'action="/admin/certificates/pe-online/{row}/handled"' in page
    assert "Markeer als afgehandeld" in page
    assert web.client.post(f"/admin/certificates/pe-online/{row}/handled").status_code == 403  # no CSRF token
    done = web.post(f"/admin/certificates/pe-online/{row}/handled", token_from="/admin/certificates/pe-online")
    assert "De registratie is gemarkeerd als afgehandeld." in done.text
    assert "handmatig afgehandeld (1)" in done.text and "handmatig nakijken (0)" in done.text
    handled = web.get("/admin/certificates/pe-online?status=handled").text
    assert code in handled and "In PE-online met de hand gecorrigeerd." in handled
    assert not re.search(r'/handled"', handled)  # no button any more
    again = web.post(f"/admin/certificates/pe-online/{row}/handled", token_from="/admin/certificates/pe-online",
                     follow=False)
    assert again.status_code == 409

    async def after() -> tuple[str, list[tuple[str, str, str]], int]:
        status = (await PeRegistration.get(id=row)).status
        log = [(a.actor_label, a.action, a.subject) for a in await AuditEntry.all()]
        await registrations.sync()  # a later sync leaves it handled
        calls = fake.calls
        await pe_push.push_once(pushing)
        return status, log, fake.calls - calls

    status, log, sent = in_database(database_url, after)
    assert status == registrations.HANDLED
    assert log == [("leerling@example.org", "pe-online-handled", f"registration {row}")]
    assert sent == 0

    async def final() -> str:
        assert await User.filter(email="leerling@example.org").exists()
        return (await PeRegistration.get(id=row)).status

    assert in_database(database_url, final) == registrations.HANDLED
