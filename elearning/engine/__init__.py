"""The runtime: pure functions over (Course, State). Imports only elearning.course."""

from elearning.engine.play import (
    ChoiceUnavailable,
    EngineError,
    Page,
    PassCheck,
    TextRejected,
    WrongCourse,
    answer,
    answer_and_continue,
    choose,
    continue_open,
    course_passed,
    course_score,
    open_length,
    pass_checks,
    progress,
    progress_percent,
    start,
    view,
    write,
)
from elearning.engine.state import ModuleResult, State
from elearning.engine.versions import rebase

__all__ = [
    "ChoiceUnavailable", "EngineError", "ModuleResult", "Page", "PassCheck", "State", "TextRejected", "WrongCourse",
    "answer", "answer_and_continue", "choose", "continue_open", "course_passed", "course_score", "open_length",
    "pass_checks", "progress", "progress_percent", "rebase", "start", "view", "write",
]
