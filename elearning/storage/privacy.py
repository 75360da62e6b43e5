"""A learner's rights over what is kept about them: take it all (an archive), or have it erased.

Erasing keeps what the register may audit and what the public verification page shows: the
certificate's code, name, course, date, points and status. Everything else that links to the
person goes: the account's address, password, registration number and sessions, mailed links,
the stored PDFs (which print the registration number), and the link from attempts to the
account (the attempts and their events stay, anonymous, so the figures of analytics stay right),
and the text of the open answers and the reviewers' comments on them.
The account row itself stays as an empty, unusable anchor for the certificates.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import anyio.to_thread
from tortoise.transactions import in_transaction

from elearning.certificates.data import CertificateData
from elearning.storage import open_answers
from elearning.storage.attempts import now
from elearning.storage.models import (
    Attempt,
    Certificate,
    EmailConfirmation,
    Event,
    PasswordReset,
    PeRegistration,
    User,
    UserSession,
)

ERASED_DOMAIN = "erased.invalid"  # a reserved name: no mail can ever reach it
NO_PASSWORD = "!"  # noqa: S105 - not a password but an unusable hash: verifying anything against it fails


def _plain(row: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if key in skip:
            continue
        out[key] = value.isoformat() if isinstance(value, datetime | date) else value
    return out


async def export(user: User) -> bytes:
    """A zip with everything kept about `user`: gegevens.json and the certificate PDFs."""
    attempts = await Attempt.filter(user_id=user.id).order_by("id").values()
    events = await Event.filter(attempt_id__in=[a["id"] for a in attempts]).order_by("attempt_id", "seq").values()
    certificates = await Certificate.filter(user_id=user.id).order_by("id").values()
    by_attempt: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        by_attempt.setdefault(event["attempt_id"], []).append(_plain(event))
    [account] = await User.filter(id=user.id).values()
    data = {
        "exported_at": now().isoformat(),
        "account": _plain(account, skip=("password_hash",)),
        "sessions": [_plain(s, skip=("key_hash",))
                     for s in await UserSession.filter(user_id=user.id).order_by("id").values()],
        "pending_address_changes": [
            _plain(c, skip=("token_hash", "password_hash"))
            for c in await EmailConfirmation.filter(user_id=user.id, used_at=None).order_by("id").values()
        ],
        "password_resets": [_plain(r, skip=("token_hash",))
                            for r in await PasswordReset.filter(user_id=user.id).order_by("id").values()],
        "attempts": [{**_plain(a), "events": by_attempt.get(a["id"], [])} for a in attempts],
        "open_answers": [_plain(r) for r in await open_answers.export_rows([a["id"] for a in attempts])],
        "certificates": [{**_plain(c, skip=("pdf", "data")), "data": json.loads(c["data"]),
                          "pdf": f"certificaten/{c['code']}.pdf" if c["pdf"] else None} for c in certificates],
        "pe_online_registrations": [
            _plain(r) for r in await PeRegistration.filter(
                certificate_id__in=[c["id"] for c in certificates]).order_by("id").values()
        ],
    }
    pdfs = {f"certificaten/{c['code']}.pdf": bytes(c["pdf"]) for c in certificates if c["pdf"]}
    return await anyio.to_thread.run_sync(_zip, data, pdfs)


def _zip(data: dict[str, Any], files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


async def erase(user: User) -> None:
    """Erase the account (see the module docstring): it cannot log in again, nothing names the person
    except each certificate's public fields."""
    at = now()
    async with in_transaction() as conn:
        mine = await Certificate.filter(user_id=user.id).using_db(conn).values_list("id", flat=True)
        # Not sent yet: never send it now. Sent: PE-online has it; our copy of the number goes.
        await PeRegistration.filter(certificate_id__in=list(mine)).exclude(status="accepted").using_db(conn).delete()
        await PeRegistration.filter(certificate_id__in=list(mine)).using_db(conn).update(registration_number="")
        for certificate in await Certificate.filter(user_id=user.id).using_db(conn):
            kept = replace(CertificateData.from_json(certificate.data), registration_number=None)
            await Certificate.filter(id=certificate.id).using_db(conn).update(data=kept.to_json(), pdf=None)
        mine_attempts = await Attempt.filter(user_id=user.id).using_db(conn).values_list("id", flat=True)
        await open_answers.blank([int(i) for i in mine_attempts], conn)  # type: ignore[call-overload]
        await Attempt.filter(user_id=user.id).using_db(conn).update(user_id=None, guest_key=None, updated_at=at)
        await UserSession.filter(user_id=user.id).using_db(conn).delete()
        await PasswordReset.filter(user_id=user.id).using_db(conn).delete()
        await EmailConfirmation.filter(user_id=user.id).using_db(conn).delete()
        await EmailConfirmation.filter(email=user.email).using_db(conn).delete()  # the registration's own links
        await User.filter(id=user.id).using_db(conn).update(
            email=f"erased-{user.id}@{ERASED_DOMAIN}", name="", password_hash=NO_PASSWORD, registration_number=None,
            role="learner", auth_epoch=user.auth_epoch + 1,
        )
