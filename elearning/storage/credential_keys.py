"""The site's signing keys for certificate credentials, kept in the database.

Every process on every machine must sign with the same current key and serve the same
did.json, so the keys live in the database (table credential_key), not in one machine's
folder. The private key is encrypted with AES-256-GCM under a key derived from SECRET_KEY
(HKDF-SHA256): a copy of the database alone does not let anyone sign. Back up SECRET_KEY
with the database; with another SECRET_KEY the keys cannot be read (KeyUnreadable).

`current_key` makes the first key when there is none (first start). `rotate` retires the
current key and makes a new one; retired keys stay listed in did.json, so certificates
signed before keep verifying. When two processes make a first key at the same moment, both
keys are kept and listed, and every process signs with the newest one.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from tortoise.exceptions import IntegrityError

from elearning.certificates.credentials import (
    SigningKey,
    public_multibase,
    verification_method_id,
)
from elearning.storage.attempts import now
from elearning.storage.models import CredentialKey

_FORMAT = "v1"
_INFO = b"elearning: certificate credential signing keys"


class KeyUnreadable(RuntimeError):
    """A stored private key cannot be decrypted: SECRET_KEY is not the one it was stored with."""


@dataclass(frozen=True)
class PublicKey:
    public_key: str  # Multikey
    created_at: datetime
    retired_at: datetime | None


def _cipher(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return AESGCM(key)


def encrypt(private_key: Ed25519PrivateKey, secret_key: str, public_key: str) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = secrets.token_bytes(12)
    sealed = _cipher(secret_key).encrypt(nonce, raw, public_key.encode())
    return f"{_FORMAT}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, secret_key: str, public_key: str) -> Ed25519PrivateKey:
    version, _, body = stored.partition(":")
    if version != _FORMAT:
        raise KeyUnreadable(f"The signing key {public_key[:16]}... is stored in an unknown format.")
    blob = base64.b64decode(body)
    try:
        raw = _cipher(secret_key).decrypt(blob[:12], blob[12:], public_key.encode())
    except InvalidTag:
        raise KeyUnreadable(
            f"The signing key {public_key[:16]}... cannot be decrypted: SECRET_KEY is not the one it was "
            "stored with. Restore that SECRET_KEY (see docs/operations.md, 'Signing keys')."
        ) from None
    private_key = Ed25519PrivateKey.from_private_bytes(raw)
    if public_multibase(private_key.public_key()) != public_key:
        raise KeyUnreadable(f"The signing key {public_key[:16]}... does not match its public key.")
    return private_key


async def _create(secret_key: str) -> CredentialKey:
    private_key = Ed25519PrivateKey.generate()
    public_key = public_multibase(private_key.public_key())
    return await CredentialKey.create(public_key=public_key, private_key=encrypt(private_key, secret_key, public_key),
                                      created_at=now())


async def current_key(did: str, secret_key: str) -> SigningKey:
    """The key to sign with now (the newest that is not retired); made on first use."""
    row = await CredentialKey.filter(retired_at__isnull=True).order_by("-id").first()
    if row is None:
        try:
            row = await _create(secret_key)
        except IntegrityError:  # pragma: no cover - the same random key twice
            row = await CredentialKey.filter(retired_at__isnull=True).order_by("-id").first()
        # another process may have made one at the same moment: sign with the newest
        row = await CredentialKey.filter(retired_at__isnull=True).order_by("-id").first() or row
    assert row is not None  # noqa: S101 - just made
    return SigningKey(verification_method_id(did, row.public_key), decrypt(row.private_key, secret_key, row.public_key))


async def ensure_key(secret_key: str) -> None:
    """Make the first key if there is none (at start-up), and check that the current one can be read."""
    await current_key("did:web:check", secret_key)


async def rotate(secret_key: str) -> tuple[list[str], str]:
    """Retire every current key and make a new one: (the retired public keys, the new public key)."""
    current = await CredentialKey.filter(retired_at__isnull=True).values_list("public_key", flat=True)
    await CredentialKey.filter(retired_at__isnull=True).update(retired_at=now())
    created = await _create(secret_key)
    return [str(key) for key in current], created.public_key


async def public_keys() -> list[PublicKey]:
    """Every key, the current one first, then the others newest first."""
    rows = await CredentialKey.all().order_by("-id").values("public_key", "created_at", "retired_at")
    keys = [PublicKey(str(r["public_key"]), r["created_at"], r["retired_at"]) for r in rows]
    return sorted(keys, key=lambda k: k.retired_at is not None)


async def verification_methods(did: str) -> dict[str, str]:
    """Verification method id -> public key, for every key the site ever signed with."""
    return {verification_method_id(did, key.public_key): key.public_key for key in await public_keys()}
