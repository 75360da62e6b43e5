"""Public verification: type a code at /verify, or open /verify/CODE (what the QR code opens),
or upload the certificate PDF (or its credential JSON) at /verify/upload.

Shows whether the certificate is valid, superseded (with a link to the new one) or revoked,
and exactly what is printed on it: never an e-mail address, an account or an internal id.
Also as JSON (/verify/CODE.json, or Accept: application/json). The signed Open Badges
credential of a certificate is offered for download (for wallets) at
/verify/CODE/credential.json. An upload is checked for this site's signature (genuine and
unaltered) and the certificate's status; nothing of it is stored. Lookups and uploads are
rate-limited per client address in the database, like logins.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from elearning.certificates.codes import InvalidCode, check_code
from elearning.certificates.embedded import MAX_UPLOAD_BYTES, UploadProblem, read_credential
from elearning.storage import badges
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


def _limited(request: Request, *, as_json: bool) -> Response:
    headers = {**NO_INDEX, "Retry-After": RETRY_AFTER}
    if as_json:
        return JSONResponse({"status": "rate_limited"}, status_code=429, headers=headers)
    return render(request, "verify/limited.html", {}, status_code=429, headers=headers)


async def _show(request: Request, raw: str, *, as_json: bool) -> Response:
    if not await store.verification_allowed(client_address(request)):
        return _limited(request, as_json=as_json)
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


# -- the credential, for wallets --------------------------------------------------------------------
async def credential(request: Request) -> Response:
    """The certificate's signed Open Badges credential (the JSON embedded in its PDF), as a download."""
    if not await store.verification_allowed(client_address(request)):
        return _limited(request, as_json=True)
    try:
        code = check_code(request.path_params["code"])
    except InvalidCode as exc:
        return JSONResponse({"status": "invalid", "error": exc.kind, "message": _message(request, exc)},
                            status_code=400, headers=NO_INDEX)
    certificate = await store.by_code(code)
    signed = await badges.credential_of(certificate.id, settings(request)) if certificate else None
    if certificate is None or signed is None:
        return JSONResponse({"status": "unknown", "code": code}, status_code=404, headers=NO_INDEX)
    body = json.dumps(signed, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(body, media_type="application/vc+ld+json", headers={
        **NO_INDEX, "Content-Disposition": f'attachment; filename="openbadge-{code}.json"',
        "Access-Control-Allow-Origin": "*",
    })


# -- an uploaded certificate ---------------------------------------------------------------------------
def _problem_text(request: Request, kind: str) -> str:
    _ = i18n.translator(i18n.language(request))
    texts = {
        "empty": _("Choose a file: the certificate (PDF) or its credential (JSON)."),
        "too_large": _("The file is larger than 5 MB. A certificate from this site is much smaller: check that "
                       "you chose the certificate (PDF) or its credential (JSON)."),
        "not_pdf": _("This file is not a PDF or JSON file. Choose the certificate (PDF) as you received or "
                     "downloaded it."),
        "unreadable": _("This PDF cannot be read: it is damaged or built in an unusual way. Ask the learner for "
                        "the certificate as downloaded, or check it with its verification code."),
        "bomb": _("This PDF holds an attachment that unpacks to far more than a credential. It was not read "
                  "further. It is not a certificate as this site makes them."),
        "no_credential": _("This PDF holds no signed credential. A printed and scanned certificate, or one made "
                           "before certificates carried a credential, has none: check it with its verification "
                           "code instead."),
        "not_json": _("The credential in this file is not readable JSON, so it cannot be checked. The file was "
                      "probably changed."),
    }
    return texts.get(kind, texts["unreadable"])


def _upload_error(request: Request, kind: str, *, as_json: bool) -> Response:
    status = 413 if kind == "too_large" else 400
    message = _problem_text(request, kind)
    if as_json:
        return JSONResponse({"outcome": "unreadable", "error": kind, "message": message}, status_code=status,
                            headers=NO_INDEX)
    return render(request, "verify/form.html", {"code": "", "errors": {}, "upload_error": message},
                  status_code=status, headers=NO_INDEX)


async def upload(request: Request) -> Response:
    """Check an uploaded certificate PDF (or credential JSON): genuine, unaltered, and its status."""
    as_json = _wants_json(request)
    if not await store.verification_allowed(client_address(request)):
        return _limited(request, as_json=as_json)
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            sent = form.get("certificate")
            content = await sent.read(MAX_UPLOAD_BYTES + 1) if isinstance(sent, UploadFile) else b""
    except HTTPException:
        return _upload_error(request, "unreadable", as_json=as_json)
    try:
        found = await anyio.to_thread.run_sync(read_credential, content)
    except UploadProblem as exc:
        return _upload_error(request, exc.kind, as_json=as_json)
    checked = await badges.check(found, settings(request))
    row = checked.certificate
    if as_json:
        answer: dict[str, Any] = {"outcome": checked.outcome, "reason": checked.reason}
        if row is not None:
            answer.update(_public(request, row, checked.new_code))
        return JSONResponse(answer, headers=NO_INDEX)
    context: dict[str, Any] = {"checked": checked, "new_code": checked.new_code}
    if row is not None:
        context.update(printed_fields(request, row))
    return render(request, "verify/checked.html", context, headers=NO_INDEX)
