"""Certificates as signed Open Badges credentials: make, keep, publish and check them.

certificates/credentials.py says what a credential holds and how it is signed;
credential_keys.py keeps the keys. This module puts them together with the certificate rows:

- `credential_of(certificate_id, conf)`: the signed credential of a certificate, made once
  (when its PDF is first rendered) and kept, so the JSON embedded in the PDF and the JSON
  offered at /verify/CODE/credential.json are the same;
- `did_document(conf)`: /.well-known/did.json, listing every key ever used;
- `status_list(conf)`: the signed Bitstring Status List (revoked and superseded certificates);
- `check(credential, conf)`: what /verify says of an uploaded credential.

Canonicalising a credential costs 15-50 ms of CPU (pyld is Python), so signing and checking run
in a worker thread, never on the event loop.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import anyio.to_thread
from tortoise.exceptions import IntegrityError

from elearning.certificates import credentials as vc
from elearning.certificates.data import CertificateData
from elearning.settings import Settings
from elearning.storage import certificates as store
from elearning.storage import credential_keys
from elearning.storage.attempts import load_snapshot, now
from elearning.storage.models import Certificate, CertificateCredential

LOGO_MAX_BYTES = 100_000  # a larger logo is left out of the issuer profile (it travels in every credential)


def issuer_did(conf: Settings) -> str:
    return vc.did_web(conf.base_url)


def issuer(conf: Settings) -> vc.Issuer:
    """The provider as the credential's issuer, from the PROVIDER_* settings."""
    logo = None
    path = conf.provider_logo_file
    if path is not None and path.is_file() and path.stat().st_size <= LOGO_MAX_BYTES:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        logo = f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"
    return vc.Issuer(did=issuer_did(conf), name=conf.provider_name, url=conf.provider_url or conf.base_url,
                     email=conf.provider_email, address=conf.provider_address, logo_data_uri=logo)


async def signing_key(conf: Settings) -> vc.SigningKey:
    return await credential_keys.current_key(issuer_did(conf), conf.secret_key)


async def stored_credential(certificate_id: int) -> dict[str, Any] | None:
    rows: list[Any] = await CertificateCredential.filter(certificate_id=certificate_id).values_list(
        "credential", flat=True)
    return json.loads(rows[0]) if rows else None


async def credential_of(certificate_id: int, conf: Settings) -> dict[str, Any] | None:
    """The signed credential of a certificate (made and kept on first use); None: no such certificate."""
    found = await stored_credential(certificate_id)
    if found is not None:
        return found
    row = await store.get(certificate_id)
    if row is None:
        return None
    course = await load_snapshot(row.course_hash)  # the version it was earned on: its study load
    unsigned = vc.openbadge_credential(row.data, issuer(conf), issued_at=row.issued_at, base_url=conf.base_url,
                                       status_index=row.id,
                                       study_load_minutes=course.meta.study_load_minutes if course else None)
    signed = await _sign(unsigned, await signing_key(conf), row.issued_at)
    try:
        await CertificateCredential.create(certificate_id=certificate_id, credential=json.dumps(signed),
                                           created_at=now())
    except IntegrityError:  # made at the same moment by another request: that one is kept
        kept = await stored_credential(certificate_id)
        if kept is not None:
            return kept
    return signed


async def sample_credential(data: CertificateData, conf: Settings) -> dict[str, Any]:
    """A credential for a sample certificate (`certificates preview`), signed with the site's key
    and marked as a sample: not in the status list, not a certificate anyone earned."""
    moment = datetime.now(UTC)
    unsigned = vc.openbadge_credential(data, issuer(conf), issued_at=moment, base_url=conf.base_url,
                                       status_index=None, sample=True)
    return await _sign(unsigned, await signing_key(conf), moment)


async def _sign(document: dict[str, Any], key: vc.SigningKey, created: datetime) -> dict[str, Any]:
    return await anyio.to_thread.run_sync(vc.sign, document, key, created)


async def did_document(conf: Settings) -> dict[str, Any]:
    """did.json: the current key and every retired one (made on first use, like the key)."""
    await signing_key(conf)
    keys = await credential_keys.public_keys()
    return vc.did_document(issuer_did(conf), [key.public_key for key in keys])


async def status_list(conf: Settings) -> dict[str, Any]:
    """The signed status list: the bit of every revoked or superseded certificate is set."""
    ids: list[Any] = await Certificate.filter(status__in=[store.SUPERSEDED, store.REVOKED]).values_list(
        "id", flat=True)
    moment = datetime.now(UTC)
    key = await signing_key(conf)
    return await anyio.to_thread.run_sync(lambda: vc.sign(
        vc.status_list_credential(issuer_did(conf), conf.base_url, [int(i) for i in ids], moment), key, moment))


Outcome = Literal["genuine", "tampered", "foreign", "unknown", "sample"]


@dataclass(frozen=True)
class Check:
    """What an uploaded credential turned out to be.

    genuine: signed by this site, unaltered, of a certificate it issued (then `certificate` says
    whether it is valid, superseded or revoked); tampered: the signature does not match the
    content; foreign: not signed with one of this site's keys; unknown: signed by this site but
    no certificate of that code exists; sample: the sample of `certificates preview`.
    """

    outcome: Outcome
    reason: str = ""
    certificate: store.CertificateRow | None = None
    new_code: str | None = None


async def check(credential: dict[str, Any], conf: Settings) -> Check:
    """Check an uploaded credential: our signature, unaltered, and the certificate's current status."""
    did = issuer_did(conf)
    methods = await credential_keys.verification_methods(did)
    try:
        await anyio.to_thread.run_sync(vc.check_proof, credential, methods)
    except vc.CredentialError as exc:
        return Check("foreign" if exc.kind == "key" else "tampered", exc.reason)
    issuer_id = credential.get("issuer", {}).get("id") if isinstance(credential.get("issuer"), dict) \
        else credential.get("issuer")
    if issuer_id != did:
        return Check("foreign", "The credential names another issuer than this site.")
    if "credentialStatus" not in credential and str(credential.get("name", "")).startswith(("VOORBEELD", "SAMPLE")):
        return Check("sample", "This is a sample certificate, signed by this site, about a fictional learner.")
    code = vc.code_of_credential(credential)
    row = await store.by_code(code) if code else None
    if row is None:
        return Check("unknown", "This site signed the credential, but has no certificate with its code.")
    new_code = await store.code_of(row.superseded_by_id) if row.superseded_by_id else None
    return Check("genuine", "", row, new_code)
