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
        what = (f"the activity id '{pe.activity_id}' is a placeholder" if looks_like_placeholder(pe.activity_id)
                else f"the activity id '{pe.activity_id}' is no longer read from the course file")
        comp.add(doc, ("pe", "activity_id"),
                 f"{what}; the register's activity id, points and period are the provider's accreditation: remove "
                 "'activity_id' here and enter it with 'elearning accreditation set' (or on the administrator's "
                 "accreditation page)", "warning")
    raw = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    if pe is not None and "study_load_minutes" in raw and not {"pe", "study_load_minutes"} & comp.unsound_meta:
        norm = points_norm(pe.register_name)
        if norm is not None and pe.points > norm * meta.study_load_minutes / 60 + 1e-9:
            allowed = norm * meta.study_load_minutes / 60
            comp.add(doc, ("pe", "points"),
                     f"the course is written for {pe.points:g} PE point{'' if pe.points == 1 else 's'} with {pe.register_name}, but its study load of "
                     f"{meta.study_load_minutes} minutes is worth at most {_number(allowed)} ({norm:g} point per net hour of "
                     "study); lower 'points' or check 'study_load_minutes'",
                     "warning")
    own = meta.own_min_active_minutes
    if own is not None and own > meta.study_load_minutes:
        comp.add(doc, ("certificate", "min_active_minutes"),
                 f"'min_active_minutes' is {own:g}, more than the study load of {meta.study_load_minutes} minutes; "
                 "learners who study as planned would get no certificate", "warning")
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
            for sub, text in _texts(scene):
                found = hard_coded_points(text)
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


def _message(found: str) -> str:
    return (f"the text names a number of PE points ('{found}'); the points a certificate carries come from the "
            "accreditation and can change, so leave the number out (the course page and the certificate show it)")
