"""The issuer's public documents for verifiers of the certificates' credentials.

/.well-known/did.json: the DID document of did:web for BASE_URL, listing every signing key the
site ever used (the current one first), so credentials signed before a key rotation keep
verifying. /credentials/status/1: the signed Bitstring Status List credential in which the bit
of every revoked or superseded certificate is set. Both are public, small and cacheable for a
few minutes; neither holds personal data.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from elearning.storage import badges
from elearning.web.views._base import settings

_HEADERS = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


def _json(document: object, media_type: str) -> Response:
    return Response(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"), media_type=media_type,
                    headers=_HEADERS)


async def did_json(request: Request) -> Response:
    return _json(await badges.did_document(settings(request)), "application/did+ld+json")


async def status_list(request: Request) -> Response:
    return _json(await badges.status_list(settings(request)), "application/vc+ld+json")
