"""The administrators' accreditation page: which register accredited which course, for how many
points, under which activity id and in which period (`elearning accreditation set` does the same)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from elearning.course.placeholders import looks_like_placeholder
from elearning.storage import accreditations
from elearning.web import forms, i18n
from elearning.web.views._base import library, redirect, render
from elearning.web.views.admin_certificates import _admin, _course_choices, _date

FIELDS = ("course", "register", "activity_id", "points", "study_load", "from", "until", "versions")


async def index(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    _ = i18n.translator(i18n.language(request))
    notice = _("The accreditation has been saved.") if request.query_params.get("notice") == "saved" else None
    return await _page(request, {**dict.fromkeys(FIELDS, ""), "register": "Registerplein"}, {}, notice=notice)


async def _page(request: Request, form: dict[str, str], errors: dict[str, str], *, notice: str | None = None,
                status: int = 200) -> Response:
    return render(request, "certificates/admin_accreditations.html", {
        "accreditations": await accreditations.listed(), "courses": await _course_choices(request),
        "form": form, "errors": errors, "notice": notice,
    }, status_code=status)


async def save(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    _ = i18n.translator(i18n.language(request))
    data = await request.form()
    form = {name: forms.text(data, name, limit=200) for name in FIELDS}
    errors: dict[str, str] = {}
    courses = {c for c, _title in await _course_choices(request)}
    if form["course"] not in courses:
        errors["course"] = _("Choose a course.")
    if not form["register"]:
        errors["register"] = _("Enter the register.")
    if looks_like_placeholder(form["activity_id"]):
        errors["activity_id"] = _("Enter the activity id the register gave, not a placeholder such as INVULLEN or TODO.")
    points = _number(form["points"])
    if points is None or points <= 0:
        errors["points"] = _("Enter the points as a number above 0, for example 1 or 1,5.")
    served = library(request).current(form["course"]) if form["course"] in courses else None
    study_load = _number(form["study_load"]) if form["study_load"] else (
        served.meta.study_load_minutes if served is not None else None)
    if study_load is None or study_load <= 0 or study_load != int(study_load):
        errors["study_load"] = _("Enter the study load in whole minutes.")
    start = _date(form["from"], "from", errors, request)
    end = _date(form["until"], "until", errors, request)
    if start is None and "from" not in errors:
        errors["from"] = _("Enter the first date.")
    if end is None and "until" not in errors:
        errors["until"] = _("Enter the last date.")
    if start and end and start > end:
        errors["until"] = _("The last date is before the first date.")
    if any(forms.has_hidden_characters(value) for value in form.values()):
        errors.setdefault("register", _("The fields must not contain control characters or invisible characters."))
    if not errors and points is not None and study_load is not None and start and end:
        versions = tuple(v.strip() for v in form["versions"].split(",") if v.strip())
        entry = accreditations.Entry(form["course"], form["register"], form["activity_id"], points, int(study_load),
                                     start, end, versions)
        try:
            await accreditations.put(entry, actor=admin)
        except accreditations.InvalidAccreditation as exc:
            errors["activity_id"] = str(exc)
        else:
            return redirect("/admin/accreditations?notice=saved")
    return await _page(request, form, errors, status=400)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
