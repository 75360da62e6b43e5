"""A certificate as an Open Badges 3.0 credential, signed with a Data Integrity proof.

Each certificate is also a W3C Verifiable Credential 2.0 of type OpenBadgeCredential: the
issuer is the provider (a did:web for BASE_URL, with the name, address and logo of the
provider settings), the achievement is the course, and the learner is named; the
registration number appears only as a salted SHA-256 hash in credentialSubject.identifier.

The proof is a DataIntegrityProof with the cryptosuite eddsa-rdfc-2022
(https://www.w3.org/TR/vc-di-eddsa/): the credential and the proof options are turned into
RDF and canonicalised (RDFC-1.0, which pyld calls URDNA2015), each hashed with SHA-256, and
the two hashes signed with Ed25519. JSON-LD contexts come from the `contexts/` folder next
to this file, through an offline document loader: nothing is ever fetched.

Revocation and supersession are published in one Bitstring Status List
(https://www.w3.org/TR/vc-bitstring-status-list/) of purpose "revocation": a set bit means
the certificate is no longer current (revoked, or replaced by a re-issued one); the
verification page tells which. A certificate's index in the list is its database id.

This module is pure: keys come in as arguments (storage/credential_keys.py keeps them).
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld  # type: ignore[import-untyped]

from elearning.certificates.data import CertificateData, format_number

CONTEXTS_DIR = Path(__file__).parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
CONTEXT_FILES = {
    VC_V2: "credentials-v2.json",
    OB_V3: "ob-3.0.3.json",
    DID_V1: "did-v1.json",
    MULTIKEY_V1: "multikey-v1.json",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
STATUS_LIST_PATH = "/credentials/status/1"
STATUS_LIST_MIN_BITS = 131072  # the smallest list the specification allows (16 KB), for privacy
_ED25519_PUB_PREFIX = b"\xed\x01"
_ED25519_PRIV_PREFIX = b"\x80\x26"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class CredentialError(ValueError):
    """A credential that does not verify; `reason` says why, in words for the verification page."""

    def __init__(self, reason: str, kind: str = "invalid") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # "signature" | "key" | "format"


# -- JSON-LD, offline ------------------------------------------------------------------------------
@cache
def _context(url: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))
    return document


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: the shipped contexts, nothing else (never the network)."""
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(f"The JSON-LD document {url[:120]} is not one of the shipped contexts.",
                                 "jsonld.LoadDocumentError", {"url": url}, code="loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(_context(url))}


def canonical_nquads(document: dict[str, Any]) -> str:
    """The document as canonical N-Quads (RDFC-1.0 / URDNA2015)."""
    try:
        nquads: str = jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                                  "documentLoader": document_loader})
    except jsonld.JsonLdError as exc:
        raise CredentialError(f"The credential is not valid JSON-LD: {str(exc)[:200]}", "format") from exc
    return nquads


# -- keys -----------------------------------------------------------------------------------------
def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = _B58[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def from_base58btc(text: str) -> bytes:
    number = 0
    for ch in text:
        index = _B58.find(ch)
        if index < 0:
            raise ValueError(f"{ch!r} is not a base58 character")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """The public key as Multikey: 'z' + base58btc(0xed01 + 32 bytes), 'z6Mk...'."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58btc(_ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = from_base58btc(value[1:])
    if not raw.startswith(_ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@dataclass(frozen=True)
class SigningKey:
    """The site's current key: its verification method id and the private key."""

    verification_method: str
    private_key: Ed25519PrivateKey


def did_web(base_url: str) -> str:
    """The issuer's DID for BASE_URL: https://leren.example.nl -> did:web:leren.example.nl
    (a port is written %3A, a path becomes more :parts)."""
    parts = urlsplit(base_url)
    host = quote(parts.netloc, safe="")
    path = [quote(p, safe="") for p in parts.path.strip("/").split("/") if p]
    return ":".join(["did:web", host, *path])


def verification_method_id(did: str, public_key_multibase: str) -> str:
    return f"{did}#{public_key_multibase}"


def did_document(did: str, public_keys: list[str]) -> dict[str, Any]:
    """did.json: every key the site ever signed with (the current one first), so old
    certificates keep verifying after a rotation."""
    methods = [
        {"id": verification_method_id(did, key), "type": "Multikey", "controller": did, "publicKeyMultibase": key}
        for key in public_keys
    ]
    ids = [method["id"] for method in methods]
    return {"@context": [DID_V1, MULTIKEY_V1], "id": did, "verificationMethod": methods,
            "assertionMethod": ids, "authentication": ids[:1]}


# -- signing and checking a proof -----------------------------------------------------------------
def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {"@context": document.get("@context"), **proof_options}
    config.pop("proofValue", None)
    return (hashlib.sha256(canonical_nquads(config).encode()).digest()
            + hashlib.sha256(canonical_nquads(unsecured).encode()).digest())


def sign(document: dict[str, Any], key: SigningKey, created: datetime) -> dict[str, Any]:
    """The document with a DataIntegrityProof (eddsa-rdfc-2022, proofPurpose assertionMethod)."""
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": _timestamp(created),
               "verificationMethod": key.verification_method, "proofPurpose": "assertionMethod"}
    signature = key.private_key.sign(_hash_data(document, options))
    return {**{k: v for k, v in document.items() if k != "proof"},
            "proof": {**options, "proofValue": "z" + base58btc(signature)}}


def check_proof(document: dict[str, Any], public_keys: dict[str, str]) -> str:
    """The verification method that signed `document`, or CredentialError saying why it does not
    verify. `public_keys` maps a verification method id to its public key (Multikey)."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise CredentialError("The credential has no proof (signature).", "format")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise CredentialError(f"The proof is not a DataIntegrityProof with {CRYPTOSUITE}.", "format")
    if proof.get("proofPurpose") != "assertionMethod":
        raise CredentialError("The proof is not made for assertions.", "format")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or method not in public_keys:
        raise CredentialError("The credential was signed with a key that is not one of this site's keys.", "key")
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError("not base58btc")
        signature = from_base58btc(value[1:])
        public_key_from_multibase(public_keys[method]).verify(signature, _hash_data(document, proof))
    except (InvalidSignature, ValueError) as exc:
        raise CredentialError("The signature does not match the content: the credential was changed after "
                              "it was signed, or it was not signed by this site.", "signature") from exc
    return method


# -- the certificate as a credential --------------------------------------------------------------
@dataclass(frozen=True)
class Issuer:
    """The provider, from the settings PROVIDER_*."""

    did: str
    name: str
    url: str
    email: str | None = None
    address: str | None = None
    logo_data_uri: str | None = None

    def profile(self) -> dict[str, Any]:
        profile: dict[str, Any] = {"id": self.did, "type": ["Profile"], "name": self.name, "url": self.url}
        if self.email:
            profile["email"] = self.email
        if self.address:
            profile["address"] = {"type": ["Address"], "streetAddress": self.address}
        if self.logo_data_uri:
            profile["image"] = {"id": self.logo_data_uri, "type": "Image", "caption": self.name}
        return profile


def status_list_url(base_url: str) -> str:
    return base_url.rstrip("/") + STATUS_LIST_PATH


def credential_url(verify_url: str) -> str:
    """Where the credential JSON of a certificate can be downloaded: /verify/CODE/credential.json."""
    return verify_url.rstrip("/") + "/credential.json"


def identity_hash(registration_number: str, salt: str) -> str:
    """Open Badges' salted hash of an identifier: 'sha256$' + hex(SHA-256(value + salt))."""
    return "sha256$" + hashlib.sha256((registration_number + salt).encode()).hexdigest()


def _criteria(data: CertificateData) -> str:
    if data.language == "nl":
        return ("De cursus helemaal doorlopen en de eindtoets gehaald "
                f"({data.score} van de {data.max_score} punten).")
    return f"Completed the whole course and passed the final test ({data.score} of {data.max_score} points)."


def _study_load(minutes: int, dutch: bool) -> str:
    hours = format_number(minutes / 60, "nl" if dutch else "en")
    return f" Studiebelasting: {hours} uur." if dutch else f" Study load: {hours} hours."


def openbadge_credential(data: CertificateData, issuer: Issuer, *, issued_at: datetime, base_url: str,
                         status_index: int | None, salt: str | None = None, sample: bool = False,
                         study_load_minutes: int | None = None) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for a certificate. `status_index` None leaves out
    credentialStatus (the sample of `certificates preview`, which is in no status list)."""
    dutch = data.language == "nl"
    load = _study_load(study_load_minutes, dutch) if study_load_minutes else ""
    achievement: dict[str, Any] = {
        "id": f"{base_url.rstrip('/')}/courses/{quote(data.course_id)}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": data.course_title,
        "description": (f"E-learning '{data.course_title}', versie {data.course_version}.{load}" if dutch
                        else f"E-learning '{data.course_title}', version {data.course_version}.{load}"),
        "criteria": {"narrative": _criteria(data)},
        "creator": issuer.profile(),
        "inLanguage": data.language,
        "version": data.course_version,
    }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "activityEndDate": _timestamp(datetime.combine(data.completed_on, time(12), UTC)),
        "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                        "identityHash": data.learner_name}],
    }
    if data.activity_id:  # accredited: the points, the register and the register's activity id
        achievement["creditsAvailable"] = data.pe_points
        achievement["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": data.activity_id,
                                            "identifierType": "ext:PEActivityId"}]
        achievement["alignment"] = [{
            "type": ["Alignment"], "targetName": f"{data.register_name} {data.activity_id}",
            "targetType": "ext:Accreditation",
            "targetDescription": (f"Geaccrediteerd door {data.register_name}: "
                                  f"{format_number(data.pe_points, data.language)} PE-punten" if dutch else
                                  f"Accredited by {data.register_name}: "
                                  f"{format_number(data.pe_points, data.language)} PE points"),
            "targetUrl": data.verify_url,
        }]
        subject["creditsEarned"] = data.pe_points
    if data.registration_number:
        salt = salt or secrets.token_hex(16)
        subject["identifier"].append({"type": "IdentityObject", "identityType": "identifier", "hashed": True,
                                      "identityHash": identity_hash(data.registration_number, salt), "salt": salt})
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": credential_url(data.verify_url),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.profile(),
        "validFrom": _timestamp(issued_at),
        "name": (("VOORBEELD - geen echt certificaat: " if dutch else "SAMPLE - not a real certificate: ")
                 if sample else "") + data.course_title,
        "credentialSubject": subject,
        "evidence": [{"id": data.verify_url, "type": ["Evidence"],
                      "name": "Verificatiepagina" if dutch else "Verification page",
                      "description": data.verify_url}],
    }
    if sample:
        credential["description"] = ("Voorbeeld van een certificaat, met een verzonnen deelnemer. Het zegt "
                                     "niets over een echte persoon." if dutch else
                                     "A sample certificate with a fictional learner. It says nothing about "
                                     "a real person.")
    if status_index is not None:
        url = status_list_url(base_url)
        credential["credentialStatus"] = {
            "id": f"{url}#{status_index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(status_index), "statusListCredential": url,
        }
    return credential


def code_of_credential(credential: dict[str, Any]) -> str | None:
    """The certificate code a credential is about (from its id, .../verify/CODE/credential.json)."""
    cid = credential.get("id")
    if not isinstance(cid, str) or not cid.endswith("/credential.json"):
        return None
    return cid.removesuffix("/credential.json").rsplit("/", 1)[-1] or None


# -- the status list ---------------------------------------------------------------------------
def encode_status_list(set_indexes: list[int]) -> str:
    """The bitstring (index 0 is the first, leftmost bit) gzipped, as multibase base64url ('u...')."""
    size = STATUS_LIST_MIN_BITS
    while set_indexes and max(set_indexes) >= size:
        size += STATUS_LIST_MIN_BITS
    bits = bytearray(size // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_status_list(encoded: str, max_bytes: int = 16 * 1024 * 1024) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("not a base64url multibase value")
    packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    bits = gzip.decompress(packed)
    if len(bits) > max_bytes:
        raise ValueError("status list too large")
    return bits


def status_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8))) if 0 <= index < len(bits) * 8 else False


def status_list_credential(issuer_did: str, base_url: str, set_indexes: list[int],
                           now: datetime) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential (sign it with `sign`)."""
    url = status_list_url(base_url)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": _timestamp(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encode_status_list(set_indexes)},
    }
