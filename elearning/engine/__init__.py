"""The runtime: pure functions over (Course, State). Imports only elearning.course."""

from elearning.engine.play import (
    ChoiceUnavailable,
    EngineError,
    Page,
    WrongCourse,
    answer,
    choose,
    course_passed,
    course_score,
    progress,
    start,
    view,
)
from elearning.engine.state import ModuleResult, State

__all__ = [
    "ChoiceUnavailable", "EngineError", "ModuleResult", "Page", "State", "WrongCourse",
    "answer", "choose", "course_passed", "course_score", "progress", "start", "view",
]
