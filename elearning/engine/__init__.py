"""The runtime: pure functions over (Course, State). Imports only elearning.course."""

from elearning.engine.play import (
    ChoiceUnavailable,
    EngineError,
    Page,
    TextRejected,
    WrongCourse,
    answer,
    answer_and_continue,
    choose,
    continue_open,
    course_passed,
    course_score,
    open_length,
    progress,
    start,
    view,
    write,
)
from elearning.engine.state import ModuleResult, State
from elearning.engine.versions import rebase

__all__ = [
    "ChoiceUnavailable", "EngineError", "ModuleResult", "Page", "State", "TextRejected", "WrongCourse",
    "answer", "answer_and_continue", "choose", "continue_open", "course_passed", "course_score", "open_length", "progress",
    "rebase",
    "start", "view", "write",
]
