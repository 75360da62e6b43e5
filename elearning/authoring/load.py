"""load_course: compile a course folder, then explore it with the engine, in one pass.

What `elearning validate`, the server and the tests call: the compiler (elearning.course)
finds every problem in the files; when there is no error, the explorer plays every
reachable situation through the real engine, reports what only that reveals (scenes never
reached, dead ends, points to farm) and fills in each module's maximum score.
"""

from __future__ import annotations

from pathlib import Path

from elearning.authoring.explore import DEFAULT_MAX_STATES, explore_checks
from elearning.course import Course, Problem, compile_course
from elearning.course.compilation import collector_paused


def load_course(path: str | Path, *, max_states: int | None = None) -> tuple[Course | None, list[Problem]]:
    """The course at path (None when any problem is an error) and every problem, sorted by place.

    max_states bounds the exploration of the course's situations (default: the explorer's).
    """
    with collector_paused():
        comp = compile_course(path)
        course = comp.course
        if course is not None:
            course = explore_checks(comp, course, max_states or DEFAULT_MAX_STATES)
        return comp.result(course)
