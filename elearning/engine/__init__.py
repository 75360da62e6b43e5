"""The runtime: pure functions over (Course, State). Imports only elearning.course."""

from elearning.engine.play import (
    ChoiceUnavailable,
    EngineError,
    Page,
    WrongCourse,
    answer,
    answer_and_continue,
    choose,
    course_passed,
    course_score,
    progress,
    start,
    view,
)
from elearning.engine.state import ModuleResult, State
from elearning.engine.versions import rebase

__all__ = [
    "ChoiceUnavailable", "EngineError", "ModuleResult", "Page", "State", "WrongCourse",
    "answer", "answer_and_continue", "choose", "course_passed", "course_score", "progress", "rebase", "start", "view",
]
