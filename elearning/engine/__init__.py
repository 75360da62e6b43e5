"""The runtime: pure functions over (Course, State). Imports only elearning.course."""

from elearning.engine.play import (
    ChoiceUnavailable,
    EngineError,
    Page,
    PassCheck,
    WrongCourse,
    answer,
    answer_and_continue,
    choose,
    course_passed,
    course_score,
    pass_checks,
    progress,
    progress_percent,
    start,
    view,
)
from elearning.engine.state import ModuleResult, State
from elearning.engine.versions import rebase

__all__ = [
    "ChoiceUnavailable", "EngineError", "ModuleResult", "Page", "PassCheck", "State", "WrongCourse",
    "answer", "answer_and_continue", "choose", "course_passed", "course_score", "pass_checks", "progress", "progress_percent", "rebase", "start", "view",
]
