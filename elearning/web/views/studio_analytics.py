"""Analytics pages: how learners move through a course, per version and period, as SVG charts
with the same numbers in tables, and as CSV files. Counts and distributions only.

Each section runs only the queries it shows (elearning.storage.analytics), so that every page
stays fast on a large event log.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from elearning.analytics import Report, Scope, Table, Version, figures, to_csv_bytes
from elearning.analytics import tables as build
from elearning.analytics.evaluation import comments_table, ratings_table, summarise
from elearning.analytics.export import filename
from elearning.analytics.formatting import cell
from elearning.analytics.labels import Labels
from elearning.analytics.results import Overview
from elearning.course import Course
from elearning.storage import analytics, evaluations
from elearning.web import i18n
from elearning.web.views._base import library
from elearning.web.views._studio import author_only, current_course, render_studio, zone

SECTIONS = ("overview", "funnel", "choices", "questions", "notebook", "evaluation")
TABLE_SECTION = {
    "overview": "overview", "duration": "overview", "histogram": "overview", "funnel": "funnel",
    "choices": "choices", "questions": "questions", "answers": "questions", "entries": "notebook",
    "ratings": "evaluation", "comments": "evaluation",
}


@dataclass(frozen=True)
class Filter:
    """The chosen version and period, as the form shows them and as a Scope."""

    version: str  # content hash, or "" for every version
    since: str  # yyyy-mm-dd or ""
    until: str
    scope: Scope

    @property
    def query(self) -> str:
        values = {k: v for k, v in (("version", self.version), ("from", self.since), ("to", self.until)) if v}
        return urlencode(values)


def _filter(request: Request, course: Course, versions: list[Version]) -> tuple[Filter, dict[str, str]]:
    _ = i18n.translator(i18n.language(request))
    params = request.query_params
    errors: dict[str, str] = {}
    version = params.get("version", "")
    if version and version not in {v.course_hash for v in versions}:
        errors["version"] = _("Choose a version from the list.")
        version = ""
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = params.get(name, "").strip()
        days[name] = None
        if raw:
            try:
                days[name] = date.fromisoformat(raw)
            except ValueError:
                errors[name] = _("Enter a date as yyyy-mm-dd, for example 2025-03-01.")
    first, last = days["from"], days["to"]
    if first and last and first > last:
        errors["to"] = _("The end date is before the start date.")
        last = None
    here = zone()
    since = datetime.combine(first, time.min, tzinfo=here) if first else None
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=here) if last else None
    scope = Scope(course.id, course_hash=version or None, since=since, until=until)
    shown = Filter(version, first.isoformat() if first else "", last.isoformat() if last else "", scope)
    return shown, errors


async def _labels(request: Request, course: Course, version: str) -> Labels:
    """Labels from the version looked at (an older one may have other scenes)."""
    if version and version != course.content_hash:
        older = await library(request).version(version)
        if older is not None:
            return Labels(older)
    return Labels(course)


async def _tables(section: str, course: Course, labels: Labels, scope: Scope, lang: str) -> list[Table]:
    # A section's queries are independent: run them side by side (on PostgreSQL each on its own
    # pooled connection), so that the page takes as long as its slowest query, not their sum.
    empty = Overview(0, 0, 0)
    if section == "overview":
        report = Report(scope, await analytics.overview(scope))
        return [build.overview_table(report, lang), build.duration_table(report, lang),
                build.histogram_table(report, lang)]
    if section == "funnel":
        overview, funnel = await asyncio.gather(analytics.overview(scope), analytics.funnel(scope))
        report = Report(scope, overview, funnel=tuple(funnel))
        return [build.funnel_table(labels, report, lang)]
    if section == "choices":
        report = Report(scope, empty, choices=tuple(await analytics.choice_distribution(scope)))
        return [build.choices_table(labels, report, lang)]
    if section == "questions":
        questions, choices = await asyncio.gather(analytics.questions(scope), analytics.choice_distribution(scope))
        report = Report(scope, empty, questions=tuple(questions), choices=tuple(choices))
        return [build.questions_table(labels, report, lang), build.answers_table(labels, report, lang)]
    if section == "evaluation":
        # stored by month: the months of the chosen days count whole
        last = scope.until - timedelta(days=1) if scope.until else None
        summary = summarise(await evaluations.evaluations(
            scope.course_id, scope.course_hash, scope.since.date() if scope.since else None,
            last.date() if last else None))
        return [ratings_table(summary, lang), comments_table(summary, lang)]
    entries, written = await asyncio.gather(analytics.missed_entries(labels.course, scope), analytics.open_answers(scope))
    report = Report(scope, empty, entries=tuple(entries), open_answers=tuple(written))
    return [build.entries_table(labels, report, lang), build.open_answers_table(labels, report, lang)]


def _shown(table: Table, lang: str) -> dict[str, Any]:
    """A table ready for the template: its charts (SVG) and its cells as text."""
    return {
        "table": table,
        "figures": [Markup(f.svg) for f in figures(table, lang, id_prefix=f"chart-{table.key}")],  # noqa: S704 - built with ElementTree: every text is escaped
        "rows": [[(cell(v, c.kind, lang), c.kind) for v, c in zip(row, table.columns, strict=True)]
                 for row in table.rows],
    }


@author_only
async def page(request: Request) -> Response:
    course = current_course(request)
    section = request.path_params.get("section", "overview")
    if section not in SECTIONS:
        raise HTTPException(404)
    lang = i18n.language(request)
    versions = await analytics.versions(course.id)
    chosen, errors = _filter(request, course, versions)
    labels = await _labels(request, course, chosen.version)
    tables = await _tables(section, course, labels, chosen.scope, lang)
    return render_studio(request, "studio/analytics.html", {
        "course": course, "section": section, "sections": SECTIONS, "versions": versions,
        "filter": chosen, "errors": errors, "tables": [_shown(t, lang) for t in tables],
        "active": "analytics", "live_url": None, "live_stamp": None,
    }, status_code=400 if errors else 200)


@author_only
async def csv(request: Request) -> Response:
    course = current_course(request)
    key = request.path_params["table"]
    section = TABLE_SECTION.get(key)
    if section is None:
        raise HTTPException(404)
    versions = await analytics.versions(course.id)
    chosen, errors = _filter(request, course, versions)
    if errors:
        raise HTTPException(400)
    labels = await _labels(request, course, chosen.version)
    lang = i18n.language(request)
    table = next(t for t in await _tables(section, course, labels, chosen.scope, lang) if t.key == key)
    return Response(to_csv_bytes(table), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename(table, course.id)}"',
    })
