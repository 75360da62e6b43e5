"""Administrators' PE-online page: the registration of every certificate, rejected ones with the
register's reason, a button to send a row again (after the learner corrected their number,
or to try a waiting row now), and one to mark a row flagged for follow-up (a revoked or changed
certificate whose points PE-online already holds) as handled once corrected in PE-online."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.certificates.data import Language, format_date
from elearning.storage import audit, registrations
from elearning.storage.certificates import completion_date
from elearning.web import i18n
from elearning.web.views._base import redirect, render, settings
from elearning.web.views.admin_certificates import _admin, registration_words

SHOWN = 200


async def index(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    _ = i18n.translator(i18n.language(request))
    status = request.query_params.get("status") or None
    if status not in (None, *registrations.STATUSES):
        status = None
    conf = settings(request)
    lang: Language = "en" if i18n.language(request) == "en" else "nl"
    notices = {"retried": _("The registration goes with the next batch sent to PE-online."),
               "handled": _("The registration is marked as handled.")}
    return render(request, "certificates/admin_pe_online.html", {
        "rows": await registrations.listing(status, limit=SHOWN), "counts": await registrations.counts(),
        "status": status, "status_text": registration_words(request), "enabled": conf.pe_online_enabled,
        "shown": SHOWN, "notice": notices.get(request.query_params.get("notice", "")),
        "day_text": lambda moment: format_date(completion_date(moment, conf.time_zone), lang),
    })


async def retry(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    if not await registrations.retry(request.path_params["registration_id"]):
        raise HTTPException(409, "Only a rejected or waiting registration can be sent again.")
    await audit.record(admin, "pe-online-retry", f"registration {request.path_params['registration_id']}")
    return redirect("/admin/certificates/pe-online?notice=retried")


async def handled(request: Request) -> Response:
    """Mark a registration flagged for follow-up as handled (corrected in PE-online by hand)."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    registration_id = request.path_params["registration_id"]
    if not await registrations.mark_handled(registration_id):
        raise HTTPException(409, "Only a registration that needs follow-up can be marked as handled.")
    await audit.record(admin, "pe-online-handled", f"registration {registration_id}")
    return redirect("/admin/certificates/pe-online?notice=handled")
