"""What `validate` says of the PE points a course is written for, and of its study time.

The points a certificate carries come from an administrator's accreditation (storage), not
from the course file; the course declares its study load and the points it is written for
(`pe: {points, register}`). These checks hold the declaration to the register's norm and keep
a number of points out of the course text, where it would go stale.
"""

from __future__ import annotations

import re

from elearning.course.compilation import Compilation
from elearning.course.model import Course, Scene
from elearning.course.placeholders import looks_like_placeholder
from elearning.course.problems import Text, text
from elearning.i18n import N_

# Points per hour of net study that a register allows (Registerplein: one point per net hour).
POINTS_PER_HOUR: dict[str, float] = {"registerplein": 1.0}

_POINTS_IN_TEXT = re.compile(
    r"\b\d+(?:[.,]\d+)?\s+(?:PE[- ]?punt(?:en)?\b|PE[- ]?points?\b|"
    r"(?:accreditatie)?punt(?:en)?\b(?:\s+\w+){0,2}?\s+(?:voor\s+)?(?:de\s+)?permanente\s+educatie)",
    re.IGNORECASE,
)


def points_norm(register: str) -> float | None:
    return POINTS_PER_HOUR.get(register.strip().casefold())


def hard_coded_points(text: str) -> str | None:
    """The first piece of text that names a number of PE points, if any."""
    found = _POINTS_IN_TEXT.search(text)
    return found.group(0) if found else None


def check_pe(comp: Compilation, course: Course) -> None:
    meta, doc = course.meta, comp.course_doc
    pe = meta.pe
    if pe is not None and pe.activity_id is not None:
        what = (text(N_("the activity id '{id}' is a placeholder"), id=pe.activity_id) if looks_like_placeholder(pe.activity_id)
                else text(N_("the activity id '{id}' is no longer read from the course file"), id=pe.activity_id))
        comp.add(doc, ("pe", "activity_id"),
                 text(N_("{what}; the register's activity id, points and period are the provider's accreditation: remove 'activity_id' here and enter it with 'elearning accreditation set' (or on the administrator's accreditation page)"), what=what),
                 "warning")
    raw = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    if pe is not None and "study_load_minutes" in raw and not {"pe", "study_load_minutes"} & comp.unsound_meta:
        norm = points_norm(pe.register_name)
        if norm is not None and pe.points > norm * meta.study_load_minutes / 60 + 1e-9:
            allowed = norm * meta.study_load_minutes / 60
            message = (N_("the course is written for {points} PE point with {register}, but its study load of {minutes} minutes is worth at most {allowed} ({norm} point per net hour of study); lower 'points' or check 'study_load_minutes'")
                       if pe.points == 1 else
                       N_("the course is written for {points} PE points with {register}, but its study load of {minutes} minutes is worth at most {allowed} ({norm} point per net hour of study); lower 'points' or check 'study_load_minutes'"))
            comp.add(doc, ("pe", "points"),
                     text(message, points=f"{pe.points:g}", register=pe.register_name, minutes=meta.study_load_minutes,
                          allowed=_number(allowed), norm=f"{norm:g}"),
                     "warning")
    own = meta.own_min_active_minutes
    if own is not None and own > meta.study_load_minutes:
        comp.add(doc, ("certificate", "min_active_minutes"),
                 text(N_("'min_active_minutes' is {minutes}, more than the study load of {load} minutes; learners who study as planned would get no certificate"),
                      minutes=f"{own:g}", load=meta.study_load_minutes), "warning")
    _check_texts(comp, course)


def _check_texts(comp: Compilation, course: Course) -> None:
    found = hard_coded_points(course.meta.description)
    if found:
        comp.add(comp.course_doc, ("description",), _message(found), "warning")
    for module in course.modules:
        doc = comp.module_docs.get(module.id)
        if doc is None:
            continue
        raw = doc.data.get("scenes") if isinstance(doc.data, dict) else None
        index = {s.get("id"): i for i, s in enumerate(raw if isinstance(raw, list) else []) if isinstance(s, dict)}
        for scene in module.scenes:
            if scene.id not in index:
                continue
            for sub, value in _texts(scene):
                found = hard_coded_points(value)
                if found:
                    comp.add(doc, ("scenes", index[scene.id], *sub), _message(found), "warning")


def _texts(scene: Scene) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = [(("text",), scene.text)]
    out += [(("blocks", i, "text"), b.text) for i, b in enumerate(scene.blocks)]
    out += [(("choices", i, "feedback"), c.feedback or "") for i, c in enumerate(scene.choices)]
    out += [(("answers", i, "feedback"), a.feedback or "") for i, a in enumerate(scene.answers)]
    out += [(("feedback",), scene.feedback or "")]
    return out


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _message(found: str) -> Text:
    return text(N_("the text names a number of PE points ('{found}'); the points a certificate carries come from the accreditation and can change, so leave the number out (the course page and the certificate show it)"), found=found)
