"""Public verification: type a code at /verify, or open /verify/CODE (what the QR code opens).

Shows whether the certificate is valid, superseded (with a link to the new one) or revoked,
and exactly what is printed on it: never an e-mail address, an account or an internal id.
Also as JSON (/verify/CODE.json, or Accept: application/json). Lookups are rate-limited
per client address in the database, like logins.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from elearning.certificates.codes import InvalidCode, check_code
from elearning.storage import certificates as store
from elearning.web import i18n
from elearning.web.views._base import client_address, redirect, render, settings
from elearning.web.views.certificates import printed_fields

NO_INDEX = {"X-Robots-Tag": "noindex, nofollow"}
RETRY_AFTER = str(int(store.VERIFY_PER_ADDRESS.window.total_seconds()))
def _message(request: Request, exc: InvalidCode) -> str:
    return exc.message(i18n.language(request))


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def form(request: Request) -> Response:
    """The form; a typed code (GET ?code=) goes to its verification page."""
    raw = request.query_params.get("code")
    if raw is None:
        return render(request, "verify/form.html", {"code": "", "errors": {}}, headers=NO_INDEX)
    try:
        code = check_code(raw)
    except InvalidCode as exc:
        return render(request, "verify/form.html", {"code": raw[:40], "errors": {"code": _message(request, exc)}},
                      status_code=400, headers=NO_INDEX)
    return redirect(f"/verify/{code}")


async def show(request: Request) -> Response:
    return await _show(request, request.path_params["code"], as_json=_wants_json(request))


async def show_json(request: Request) -> Response:
    return await _show(request, request.path_params["code"], as_json=True)


async def _show(request: Request, raw: str, *, as_json: bool) -> Response:
    if not await store.verification_allowed(client_address(request)):
        headers = {**NO_INDEX, "Retry-After": RETRY_AFTER}
        if as_json:
            return JSONResponse({"status": "rate_limited"}, status_code=429, headers=headers)
        return render(request, "verify/limited.html", {}, status_code=429, headers=headers)
    try:
        code = check_code(raw)
    except InvalidCode as exc:
        message = _message(request, exc)
        if as_json:
            return JSONResponse({"status": "invalid", "error": exc.kind, "message": message}, status_code=400,
                                headers=NO_INDEX)
        return render(request, "verify/form.html", {"code": raw[:40], "errors": {"code": message}},
                      status_code=400, headers=NO_INDEX)
    certificate = await store.by_code(code)
    if certificate is None:
        if as_json:
            return JSONResponse({"status": "unknown", "code": code}, status_code=404, headers=NO_INDEX)
        return render(request, "verify/unknown.html", {"code": code}, status_code=404, headers=NO_INDEX)
    new_code = await store.code_of(certificate.superseded_by_id) if certificate.superseded_by_id else None
    if as_json:
        return JSONResponse(_public(request, certificate, new_code), headers=NO_INDEX)
    return render(request, "verify/result.html", {**printed_fields(request, certificate), "new_code": new_code},
                  headers=NO_INDEX)


# What anyone holding the code learns: enough to compare with the certificate in front of them
# (name, course, date, points, status). The registration number, score and version stay with the
# learner and the administrators.
PUBLIC_FIELDS = ("code", "learner_name", "course_id", "course_title", "completed_on", "pe_points",
                 "register_name", "activity_id", "verify_url")


def _public(request: Request, certificate: store.CertificateRow, new_code: str | None) -> dict[str, Any]:
    """What the JSON answer holds: the status and the public fields of the certificate, nothing else."""
    data = certificate.data.to_dict()
    printed = {name: data[name] for name in PUBLIC_FIELDS}
    base = settings(request).base_url
    return {
        "status": certificate.status,
        "code": certificate.code,
        "certificate": printed,
        "superseded_by": {"code": new_code, "url": f"{base}/verify/{new_code}"} if new_code else None,
        "revoked_on": store.completion_date(certificate.revoked_at, settings(request).time_zone).isoformat()
        if certificate.revoked_at else None,
    }
