"""Answers with effects and their own goto, and the effects of entering a scene (on_enter):
the compiler's checks, what the engine does, and the events that record it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from elearning.authoring import load_course
from elearning.course.model import Course
from elearning.engine import play
from elearning.engine.state import State

COURSE = """\
id: tak
title: Takken
study_load_minutes: 1
modules: [m]
assessment: {max_guess_pass: 100}
variables: {vertrouwen: 0}
notebook:
  kinds: [{id: signaal, label: Signalen}]
  entries:
    - {id: sig-a, kind: signaal, title: Een signaal}
    - {id: sig-b, kind: signaal, title: Nog een signaal}
"""

SCENES = """\
id: m
title: M
start: vraag
retake: true
pass_percentage: 50
scenes:
  - id: vraag
    type: question
    text: Wat doe je?
    answers:
      - text: Doorvragen
        correct: true
        points: 2
        add: {vertrouwen: 2}
        flags: {doorgevraagd: true}
        notebook: [sig-a]
        goto: goed
      - text: Wegwuiven
        add: {vertrouwen: -1}
        goto: fout
      - text: Niets zeggen
  - id: goed
    on_enter:
      notebook: [sig-b]
      add: {vertrouwen: 1}
    text: Goed.
    blocks:
      - when: flag(doorgevraagd)
        text: Je vroeg door.
    choices:
      - {label: Nog eens hier, goto: goed}
      - {label: Klaar, goto: einde}
  - id: fout
    text: Fout.
    choices: [{label: Klaar, goto: einde}]
  - id: neutraal
    text: Niets.
    choices: [{label: Klaar, goto: einde}]
  - id: einde
    type: end
"""


def write(folder: Path, course: str = COURSE, module: str = SCENES) -> Path:
    (folder / "modules").mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text(textwrap.dedent(course), encoding="utf-8")
    (folder / "modules" / "m.yaml").write_text(textwrap.dedent(module), encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    _, problems = load_course(folder)
    return [str(p).replace(f"{folder}/", "") for p in problems if p.level == "error"]


def compiled(tmp_path: Path, module: str) -> Course:
    course, problems = load_course(write(tmp_path, module=module))
    assert course is not None, [str(p) for p in problems]
    return course


def test_a_question_without_goto_for_every_answer_is_an_error(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path)) == [
        "modules/m.yaml:7:9: error: question 'vraag' needs 'goto': the scene after answering "
        "(for the answers without a 'goto' of their own)",
    ]


BRANCHING = SCENES.replace("      - text: Niets zeggen\n", "      - text: Niets zeggen\n        goto: neutraal\n")


def test_an_answer_leads_to_its_own_scene_with_its_effects_recorded(tmp_path: Path) -> None:
    course = compiled(tmp_path, BRANCHING)
    state, _ = play.start(course)
    state, events = play.answer(course, state, ["a"])
    answered = events[0]
    assert answered["type"] == "question_answered"
    assert answered["effects"] == {"flags": {"doorgevraagd": True}, "add": {"vertrouwen": 2}, "notebook": ["sig-a"]}
    assert {"type": "notebook_entry_added", "entry": "sig-a"} in events
    assert state.reviewing  # after_each: the learner sees the feedback first
    state, events = play.choose(course, state, "continue")
    assert state.scene == "goed"
    entered = next(e for e in events if e["type"] == "scene_entered")
    assert entered["effects"] == {"add": {"vertrouwen": 1}, "notebook": ["sig-b"]}
    assert state.var("vertrouwen") == 3 and state.notebook == {"sig-a", "sig-b"} and "doorgevraagd" in state.flags
    assert "Je vroeg door." in play.view(course, state).texts
    state, _ = play.start(course)
    state, _ = play.answer_and_continue(course, state, ["b"])
    assert (state.scene, state.var("vertrouwen"), state.score) == ("fout", -1, 0)
    state, _ = play.start(course)
    state, _ = play.answer_and_continue(course, state, ["c"])
    assert state.scene == "neutraal"


def test_on_enter_applies_on_every_entry_and_never_on_showing_the_page(tmp_path: Path) -> None:
    course = compiled(tmp_path, BRANCHING)
    state, _ = play.start(course)
    state, _ = play.answer_and_continue(course, state, ["a"])
    assert state.var("vertrouwen") == 3
    for _ in range(3):  # a reload shows the page again: nothing changes
        play.view(course, state)
    assert State.from_json(state.dumps()) == state and state.var("vertrouwen") == 3
    again, events = play.choose(course, state, "c1")  # entering the scene again: a new visit
    assert again.var("vertrouwen") == 4 and again.visit_count("goed") == 2
    assert not [e for e in events if e["type"] == "notebook_entry_added"]  # sig-b was collected already
    # the same state and choice give the same result (replay-stable)
    assert play.choose(course, state, "c1") == (again, events)


def test_a_multiple_answer_question_cannot_branch(tmp_path: Path) -> None:
    module = BRANCHING.replace("    type: question\n", "    type: question\n    multiple: true\n    goto: einde\n")
    assert problems_of(write(tmp_path, module=module)) == [
        "modules/m.yaml:19:9: error: an answer of the multiple-answer question 'vraag' cannot have its own "
        "'goto'; only a question with one answer can branch",
        "modules/m.yaml:22:9: error: an answer of the multiple-answer question 'vraag' cannot have its own "
        "'goto'; only a question with one answer can branch",
        "modules/m.yaml:24:9: error: an answer of the multiple-answer question 'vraag' cannot have its own "
        "'goto'; only a question with one answer can branch",
    ]


def test_answer_and_on_enter_effects_are_checked_like_a_choice(tmp_path: Path) -> None:
    module = BRANCHING.replace("add: {vertrouwen: 2}", "add: {vertruwen: 2}").replace(
        "notebook: [sig-b]", "notebook: [sig-c]").replace("goto: fout", "goto: foud")
    assert problems_of(write(tmp_path, module=module)) == [
        "modules/m.yaml:14:15: error: the variable 'vertruwen' is not declared (did you mean 'vertrouwen'?); "
        "declare it under 'variables:' in course.yaml",
        "modules/m.yaml:20:15: error: scene 'vraag' leads to 'foud', but there is no scene with that id "
        "(did you mean 'fout'?)",
        "modules/m.yaml:25:18: error: the notebook entry 'sig-c' does not exist (did you mean 'sig-b'?); "
        "declare it under notebook: entries: in course.yaml",
    ]


def test_a_flag_set_only_by_an_answer_counts_as_set(tmp_path: Path) -> None:
    _, problems = load_course(write(tmp_path, module=BRANCHING))
    assert not [p for p in problems if "flag" in p.message], [str(p) for p in problems]


def test_the_explorer_follows_answer_gotos(tmp_path: Path) -> None:
    course = compiled(tmp_path, BRANCHING)
    assert course.max_scores == {"m": 2}
    _, problems = load_course(tmp_path)
    assert not [p for p in problems if "never be reached" in p.message or "unreachable" in p.message]


def test_a_question_drawn_from_a_pool_cannot_branch(tmp_path: Path) -> None:
    module = BRANCHING.replace("retake: true\n", "retake: true\ndraw:\n  - {from: [vraag, vraag-2], count: 1}\n").replace(
        "  - id: goed\n", "  - id: vraag-2\n    type: question\n    goto: einde\n    answers:\n"
        "      - {text: Ja, correct: true, points: 2}\n      - {text: Nee}\n  - id: goed\n")
    pooled = ("error: question 'vraag' is drawn from a pool, so its answers cannot have their own 'goto'; "
              "a learner who is not asked it goes on to the question's goto")
    assert problems_of(write(tmp_path, module=module)) == [
        "modules/m.yaml:9:9: error: question 'vraag' needs 'goto': the scene after answering "
        "(for the answers without a 'goto' of their own)",
        f"modules/m.yaml:19:9: {pooled}", f"modules/m.yaml:22:9: {pooled}", f"modules/m.yaml:24:9: {pooled}",
    ]


def test_the_scenario_map_draws_an_edge_per_branching_answer(tmp_path: Path) -> None:
    from elearning.authoring.graph import module_dot

    course = compiled(tmp_path, BRANCHING)
    dot = module_dot(course, "m")
    for target in ("goed", "fout", "neutraal"):
        assert f'"vraag" -> "{target}"' in dot
