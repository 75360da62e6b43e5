"""load_course: compile a course folder, then explore it with the engine, in one pass.

What `elearning validate`, the server and the tests call: the compiler (elearning.course)
finds every problem in the files; when there is no error, the explorer plays every
reachable situation through the real engine, reports what only that reveals (scenes never
reached, dead ends, points to farm) and fills in each module's maximum score.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from elearning.authoring.explore import DEFAULT_MAX_STATES, explore_checks
from elearning.course import Course, Problem, compile_course
from elearning.course.compilation import Compilation, collector_paused
from elearning.course.messages import suggest
from elearning.course.problems import text
from elearning.i18n import N_


def load_course(path: str | Path, *, max_states: int | None = None,
                templates: Mapping[str, tuple[str, ...]] | None = None) -> tuple[Course | None, list[Problem]]:
    """The course at path (None when any problem is an error) and every problem, sorted by place.

    max_states bounds the exploration of the course's situations (default: the explorer's).
    templates: the certificate templates there are, folder name -> language (the caller reads
    them from certificates/; this layer does not); when given, the course's must be one of them.
    """
    comp = load_compilation(path, max_states=max_states, templates=templates)
    return comp.result(comp.course)


def load_compilation(path: str | Path, *, max_states: int | None = None,
                     templates: Mapping[str, tuple[str, ...]] | None = None) -> Compilation:
    """As load_course, with the whole compilation: its `course` (explored; None after an error),
    its problems, and its `draft` (what could be read even with errors, for the studio's map)."""
    with collector_paused():
        comp = compile_course(path)
        course = comp.course
        if course is not None and templates is not None:
            check_certificate(comp, course, templates)
        if course is not None:
            comp.course = explore_checks(comp, course, max_states or DEFAULT_MAX_STATES)
        return comp


def check_certificate(comp: Compilation, course: Course, templates: Mapping[str, tuple[str, ...]]) -> None:
    """The certificate template the course names exists and prints in the course's language."""
    name, language = course.meta.certificate_template, course.meta.language
    fitting = sorted(t for t, langs in templates.items() if language in langs)
    choose = text(N_("the templates in '{language}': {names}"), language=language, names=", ".join(fitting)) if fitting else \
        text(N_("there is no template in '{language}' yet; add one to certificates/"), language=language)
    if name not in templates:
        comp.add(comp.course_doc, ("certificate",),
                 text(N_("there is no certificate template '{name}' in certificates/{hint}; {choose}"), name=name, hint=suggest(name, templates), choose=choose))
    elif language not in templates[name]:
        comp.add(comp.course_doc, ("certificate",),
                 text(N_("the certificate template '{name}' has its texts in '{join_templates_name}', not in the course language '{language}'; {choose}"), name=name, join_templates_name=', '.join(templates[name]), language=language, choose=choose))
