"""A learner's certificates: the list, the PDF download, a re-issue in the right name.

Issuing is elearning/storage/issuing.py's `issue_earned`, called through `issue_earned`
here when an account passes (the choice that finishes the course) and when a guest's
attempts move to an account; the pages only read what was issued. The PDF is rendered off
the event loop, in a worker process or thread (the setting CERTIFICATE_RENDERING), right
after issuing in the background or else on the first download, and stored; later downloads
send the stored bytes. Only the owner and administrators get a certificate's PDF; anyone
else gets the same 404 as for a certificate that does not exist.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.certificates.data import Language, format_date, format_pe_points
from elearning.settings import Settings
from elearning.storage import certificates as store
from elearning.storage import issuing, registrations, throttle
from elearning.storage.models import Role, User
from elearning.web import i18n, session
from elearning.web.errors import error_page
from elearning.web.views._base import library, redirect, render, settings

log = logging.getLogger(__name__)


def status_words(request: Request) -> dict[str, str]:
    _ = i18n.translator(i18n.language(request))
    return {store.VALID: _("valid"), store.SUPERSEDED: _("superseded"), store.REVOKED: _("revoked")}


def _language(request: Request) -> Language:
    return "en" if i18n.language(request) == "en" else "nl"


def printed_fields(request: Request, certificate: store.CertificateRow) -> dict[str, Any]:
    """The certificate, its printed data, and its dates and points written out in the page's language."""
    lang = _language(request)
    data = certificate.data
    revoked = certificate.revoked_at
    return {
        "certificate": certificate, "data": data,
        "completed_on": format_date(data.completed_on, lang),
        "pe_points": format_pe_points(data.pe_points, lang),
        "revoked_on": format_date(store.completion_date(revoked, settings(request).time_zone), lang)
        if revoked else None,
    }


# -- issuing (called when an account passes, and when a guest's attempts move to an account) -------
STUDY_PENDING = "study_pending"  # session key: this account has a pass waiting for its minimum study time


def study_pending(request: Request) -> bool:
    return bool(request.session.get(STUDY_PENDING))


async def issue_earned(request: Request, user: User) -> BackgroundTask | None:
    """Issue what `user` earned and has not got yet; its PDFs render after the response is sent.

    A failure here never breaks playing or logging in: the step is already stored, and
    `elearning certificates issue` (or the next pass or login) issues what is missing.
    """
    conf = settings(request)
    try:
        issued = await issuing.issue_earned(user, library(request).version, base_url=conf.base_url,
                                            time_zone=conf.time_zone)
        # A pass that waits for its minimum study time: every next step of this session checks again.
        if await issuing.waiting(user.id):
            request.session[STUDY_PENDING] = True
        else:
            request.session.pop(STUDY_PENDING, None)
    except Exception:
        log.exception("Could not issue the certificates of user %s", user.id)
        return None
    if not issued:
        return None
    return BackgroundTask(_render, [c.id for c in issued], settings(request))


async def _render(certificate_ids: list[int], conf: Settings) -> None:
    for certificate_id in certificate_ids:
        try:
            await issuing.render_and_store(certificate_id, conf)
        except Exception:
            log.exception("Could not render certificate %s", certificate_id)


# -- the learner's pages ---------------------------------------------------------------------------
async def _learner(request: Request, next_url: str) -> User | Response:
    user = await session.load_user(request)
    if user is None:
        return redirect(f"/account/login?next={next_url}")
    return user


async def index(request: Request) -> Response:
    user = await _learner(request, "/certificates")
    if isinstance(user, Response):
        return user
    conf = settings(request)
    rows = await store.for_user(user.id)
    codes = {row.id: row.code for row in rows}
    _ = i18n.translator(i18n.language(request))
    notices = {"reissued": _("Your new certificate is ready. The old certificate is no longer valid.")}
    offers = {row.id: offer for row in rows if row.status == store.VALID
              and (offer := await issuing.reissue_offer(row, user)) is not None}
    return render(request, "certificates/index.html", {
        "certificates": rows, "codes": codes, "status_text": status_words(request), "offers": offers,
        "points_text": lambda data: format_pe_points(data.pe_points, _language(request)),
        "notice": notices.get(request.query_params.get("notice", "")),
        "account_name": user.name, "date_text": lambda day: format_date(day, _language(request)),
        "pe_online": await _pe_online(conf, rows),
        "pe_online_day": lambda moment: format_date(store.completion_date(moment, conf.time_zone), _language(request)),
    })


async def _pe_online(conf: Settings, rows: list[store.CertificateRow]) -> dict[int, registrations.Shown]:
    """Each certificate's registration in PE-online; one not yet in the outbox is on its way."""
    found = await registrations.for_certificates([row.id for row in rows])
    if conf.pe_online_enabled:
        waiting = registrations.Shown(registrations.PENDING, None, None)
        for row in rows:
            if row.id not in found and registrations.reportable(row.data):
                found[row.id] = waiting
    return found


async def download(request: Request) -> Response:
    """The PDF, for its owner (a session still valid, like the play pages) or an administrator."""
    certificate_id = request.path_params["certificate_id"]
    user = await session.load_user(request)
    if user is None:
        return redirect(f"/account/login?next=/certificates/{certificate_id}.pdf")
    found = await store.download(certificate_id)
    if found is None:
        raise HTTPException(404)
    admin = False
    if found.user_id != user.id:
        if user.role != Role.ADMIN.value:  # the role as it is now, not as it was at login
            raise HTTPException(404)  # the same answer as for a certificate that does not exist
        admin = True
    if found.status != store.VALID and not admin:
        return render(request, "certificates/gone.html", {"status": found.status}, status_code=410)
    pdf = await issuing.pdf_of(found, settings(request))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{found.filename()}"',
    })


REISSUES_PER_USER = throttle.Limit(5, timedelta(days=1))  # each one renders a PDF


async def reissue(request: Request) -> Response:
    certificate_id = request.path_params["certificate_id"]
    here = f"/certificates/{certificate_id}/reissue"
    user = await _learner(request, here)
    if isinstance(user, Response):
        return user
    certificate = await store.get(certificate_id)
    if certificate is None or certificate.user_id != user.id:
        raise HTTPException(404)
    offer = await issuing.reissue_offer(certificate, user)
    unchanged = offer is None
    status = 200
    _ = i18n.translator(i18n.language(request))
    if request.method == "POST":
        if certificate.status == store.SUPERSEDED:  # a double submit: the list shows the new one
            return redirect("/certificates?notice=reissued")
        if certificate.status == store.VALID and not unchanged:
            if not await throttle.allowed(f"reissue:{user.id}", REISSUES_PER_USER):
                return error_page(request, 429, detail=_(
                    "You had a new certificate made many times today. Try again tomorrow."))
            try:
                await issuing.reissue(certificate.id, user, base_url=settings(request).base_url)
            except store.NotReissuable:
                pass  # superseded or revoked meanwhile; the list shows which
            return redirect("/certificates?notice=reissued")
        status = 409 if certificate.status != store.VALID else 400
    return render(request, "certificates/reissue.html", {
        "certificate": certificate, "offer": offer or certificate.data, "unchanged": unchanged,
        "status_text": status_words(request),
        "points_text": lambda data: format_pe_points(data.pe_points, _language(request)),
    }, status_code=status)
