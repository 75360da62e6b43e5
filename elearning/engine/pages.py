"""What a page shows: the views of choices, places and answers, and how answers went.

Plain data the engine's `view` returns (see play.py); the web and the terminal player render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elearning.course.model import Course, Scene
from elearning.engine.assessment import answer_id, answer_value, answers_in_order, reveals_now
from elearning.engine.state import ModuleResult, State
from elearning.engine.values import DialogueLine


@dataclass(frozen=True)
class ChoiceView:
    id: str
    label: str
    available: bool
    reason: str | None = None
    until: int | None = None  # a retake that must wait: allowed from this moment on
    value: str = ""  # what the form posts: the id, or an opaque value where choices are shuffled


@dataclass(frozen=True)
class LocationView:
    id: str
    choice_id: str
    label: str
    x: float
    y: float
    description: str | None
    available: bool
    done: bool
    reason: str | None


@dataclass(frozen=True)
class AnswerView:
    id: str
    text: str
    value: str = ""  # what the form posts: opaque, per attempt (assessment.answer_value)
    picked: bool = False  # when reviewing: the learner chose it
    correct: bool | None = None  # when reviewing: whether it is a right answer; None when not revealed


@dataclass(frozen=True)
class QuestionReview:
    """One question of the module's try, at its end (reveal: after_submit or after_pass)."""

    scene: Scene
    answers: list[AnswerView]
    correct: bool
    feedback: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    scene: Scene
    module: str
    texts: list[str]  # Markdown: the scene text, then the blocks whose condition holds
    choices: list[ChoiceView] = field(default_factory=list)
    locations: list[LocationView] = field(default_factory=list)
    answers: list[AnswerView] = field(default_factory=list)
    feedback: tuple[str, ...] = ()
    reviewing: bool = False  # a question just answered: answers marked, feedback, then `continue`
    correct: bool | None = None  # when reviewing: was the answer right
    summary: list[QuestionReview] = field(default_factory=list)  # on an end scene, where the module reveals
    result: ModuleResult | None = None  # on an end scene: this module's result (its best try)
    this_try: int | None = None  # on an end scene: the score of the try just finished
    finished: bool = False
    passed: bool = False
    dialogue: list[DialogueLine] = field(default_factory=list)  # the lines whose condition holds
    values: dict[str, str] = field(default_factory=dict)  # {{ ... }} key -> value, for the texts above (not 'name')


def answer_views(course: Course, state: State, scene: Scene, picked: tuple[str, ...] | None, *,
                  reveal: bool) -> list[AnswerView]:
    return [
        AnswerView(aid, a.text, answer_value(state, scene.id, aid), picked is not None and aid in picked,
                   a.correct if reveal else None)
        for aid, a in answers_in_order(course, state, scene)
    ]


def is_correct(scene: Scene, picked: tuple[str, ...]) -> bool:
    by_id = {answer_id(a, i): a for i, a in enumerate(scene.answers)}
    if scene.multiple:
        return set(picked) == {k for k, a in by_id.items() if a.correct}
    return bool(picked) and by_id[picked[0]].correct


def answer_feedback(scene: Scene, picked: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    chosen = [a for i, a in enumerate(scene.answers) if answer_id(a, i) in picked]
    return tuple(a.feedback for a in chosen if a.feedback) + ((scene.feedback,) if scene.feedback else ())


def summary(course: Course, state: State) -> list[QuestionReview]:
    if not reveals_now(course.module(state.module), state):
        return []
    out = []
    for sid, picked in state.answered:
        scene = course.scene(sid)
        out.append(QuestionReview(scene, answer_views(course, state, scene, picked, reveal=True),
                                  is_correct(scene, picked), answer_feedback(scene, picked)))
    return out
