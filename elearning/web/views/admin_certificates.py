"""Administrators' certificate pages: find certificates, revoke one, export completions for the register."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.certificates import exports
from elearning.certificates.codes import InvalidCode, check_code
from elearning.storage import audit, registrations
from elearning.storage import certificates as store
from elearning.storage.models import Role, User
from elearning.web import forms, i18n, session
from elearning.web.views._base import library, redirect, render
from elearning.web.views.certificates import printed_fields, status_words

MAX_REASON = 500
SHOWN = 200


def registration_words(request: Request) -> dict[str, str]:
    """The status of a certificate's registration in PE-online, in words."""
    _ = i18n.translator(i18n.language(request))
    return {
        registrations.PENDING: _("waiting"), registrations.SENDING: _("being sent"),
        registrations.ACCEPTED: _("registered"), registrations.REJECTED: _("rejected"),
        registrations.NEEDS_FOLLOWUP: _("check by hand"), registrations.HANDLED: _("handled by hand"),
    }


async def _admin(request: Request) -> User | Response:
    user = await session.load_user(request)
    if user is None:
        return redirect(f"/account/login?next={request.url.path}")
    if user.role != Role.ADMIN.value:
        raise HTTPException(403)
    return user


def _date(raw: str | None, field: str, errors: dict[str, str], request: Request) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        _ = i18n.translator(i18n.language(request))
        errors[field] = _("Enter a date as YYYY-MM-DD, for example 2026-11-28.")
        return None


async def _course_choices(request: Request) -> list[tuple[str, str]]:
    """(id, title) of every course that is served or has certificates."""
    titles = {c.id: c.meta.title for c in library(request).courses()}
    for course_id in await store.course_ids():
        titles.setdefault(course_id, course_id)
    return sorted(titles.items(), key=lambda item: item[1].lower())


def _code(text: str) -> str | None:
    """The certificate code typed (as people type it) in the search box, or None for a piece of a name."""
    try:
        return check_code(text) if text else None
    except InvalidCode:
        return None


async def index(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    params = request.query_params
    errors: dict[str, str] = {}
    start = _date(params.get("from"), "from", errors, request)
    end = _date(params.get("to"), "to", errors, request)
    text = (params.get("q") or "").strip()[:100]
    course_id = params.get("course") or ""
    code = _code(text)
    rows = [] if errors else await store.search(
        course_id=course_id or None, start=start, end=end, code=code, text=None if code else text or None,
        limit=SHOWN + 1,
    )
    return render(request, "certificates/admin_list.html", {
        "certificates": rows[:SHOWN], "more": len(rows) > SHOWN, "shown": SHOWN,
        "courses": await _course_choices(request), "errors": errors, "status_text": status_words(request),
        "form": {"course": course_id, "from": params.get("from", ""), "to": params.get("to", ""), "q": text},
    }, status_code=400 if errors else 200)


async def _detail(request: Request, certificate_id: int, *, errors: dict[str, str], reason: str = "",
                  notice: str | None = None, status: int = 200) -> Response:
    certificate = await store.get(certificate_id)
    if certificate is None:
        raise HTTPException(404)
    emails = await store.owner_emails([certificate.user_id])
    new_code = await store.code_of(certificate.superseded_by_id) if certificate.superseded_by_id else None
    registration = (await registrations.for_certificates([certificate.id])).get(certificate.id)
    return render(request, "certificates/admin_detail.html", {
        **printed_fields(request, certificate), "email": emails.get(certificate.user_id, ""),
        "new_code": new_code, "status_text": status_words(request), "errors": errors, "reason": reason,
        "notice": notice, "max_reason": MAX_REASON, "registration": registration,
        "registration_text": registration_words(request),
    }, status_code=status)


async def detail(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    _ = i18n.translator(i18n.language(request))
    notice = _("The certificate has been revoked.") if request.query_params.get("notice") == "revoked" else None
    return await _detail(request, request.path_params["certificate_id"], errors={}, notice=notice)


async def revoke(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    certificate_id = request.path_params["certificate_id"]
    _ = i18n.translator(i18n.language(request))
    reason = forms.text(await request.form(), "reason", limit=10_000)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Write down why you revoke the certificate.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = _("The reason is too long ({n} characters at most).", n=MAX_REASON)
    elif forms.has_hidden_characters(reason, multiline=True):
        errors["reason"] = _("The reason must not contain control characters or invisible characters.")
    elif not await store.revoke(certificate_id, reason):
        errors["reason"] = _("Only a valid certificate can be revoked.")
    if errors:
        return await _detail(request, certificate_id, errors=errors, reason=reason[:MAX_REASON], status=400)
    await audit.record(admin, "revoke", f"certificate {certificate_id}", reason)
    return redirect(f"/admin/certificates/{certificate_id}?notice=revoked")


async def export(request: Request) -> Response:
    """The form; with course, period and format filled in, the file to download."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    _ = i18n.translator(i18n.language(request))
    params = request.query_params
    form: dict[str, Any] = {k: params.get(k, "") for k in ("course", "from", "to", "format", "accreditation_end")}
    courses = await _course_choices(request)
    errors: dict[str, str] = {}
    if params.get("format") is not None:
        course_id = form["course"]
        if course_id not in {c for c, _title in courses}:
            errors["course"] = _("Choose a course.")
        start = _date(form["from"], "from", errors, request)
        end = _date(form["to"], "to", errors, request)
        if start is None and "from" not in errors:
            errors["from"] = _("Enter the first date.")
        if end is None and "to" not in errors:
            errors["to"] = _("Enter the last date.")
        if start and end and start > end:
            errors["to"] = _("The last date is before the first date.")
        accreditation_end = _date(form["accreditation_end"], "accreditation_end", errors, request)
        fmt = form["format"]
        if fmt not in exports.FORMATS:
            errors["format"] = _("Choose a file format.")
        if not errors and start and end:
            rows = exports.export_rows(await store.completions(course_id, start, end))
            await audit.record(admin, "export", f"course {course_id}", f"{start.isoformat()} - {end.isoformat()}, {fmt}")
            data = await anyio.to_thread.run_sync(
                functools.partial(exports.export, rows, fmt, accreditation_end=accreditation_end))
            name = exports.filename(course_id, start, end, fmt)
            return Response(data, media_type=exports.MEDIA_TYPES[fmt], headers={
                "Content-Disposition": f'attachment; filename="{name}"',
            })
    return render(request, "certificates/admin_export.html", {
        "courses": courses, "form": form, "errors": errors, "formats": exports.FORMATS,
    }, status_code=400 if errors else 200)


async def audit_log(request: Request) -> Response:
    """What administrators did, newest first: read only."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    return render(request, "certificates/admin_audit.html", {"entries": await audit.recent(SHOWN)})
