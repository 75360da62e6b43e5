"""The pure engine on the mini course: start, view, choose and answer; events, scores and
state; what a learner may and may not do; determinism; JSON round trips; rebasing a state
onto a new version of its course. (The layering of the packages: test_layers.py.)"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from elearning.authoring import load_course
from elearning.course import Course
from elearning.engine import (
    ChoiceUnavailable,
    ModuleResult,
    State,
    WrongCourse,
    answer,
    choose,
    course_passed,
    course_score,
    progress,
    rebase,
    start,
    view,
)
from elearning.engine.play import Event, answer_and_continue, moves

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded, problems = load_course(MINI)
    assert problems == [] and loaded is not None
    return loaded


def play(course: Course, state: State, *steps: str | list[str]) -> tuple[State, list[Event]]:
    """Choices by id; a list is an answer to a question. Returns the last state and all events."""
    events: list[Event] = []
    for step in steps:
        state, new = answer_and_continue(course, state, step) if isinstance(step, list) else choose(course, state, step)
        events += new
    return state, events


# The best walk through module 'wijk': both places, both once-only choices with points.
BEST_WIJK = ("c1", "loc-bakkerij", "c1", "c1", "loc-plein", "c1", "c1")


def types(events: list[Event]) -> list[str]:
    return [e["type"] for e in events]


# -- start and view -------------------------------------------------------------------------------
def test_start_enters_the_first_scene_of_the_first_module(course: Course) -> None:
    state, events = start(course)
    assert events == [
        {"type": "course_started", "course": "mini"},
        {"type": "scene_entered", "scene": "welkom", "module": "wijk"},
    ]
    assert (state.module, state.scene, state.step, state.score) == ("wijk", "welkom", 1, 0)
    assert state.vars == (("vertrouwen", 0),)
    assert state.course_hash == course.content_hash
    page = view(course, state)
    assert page.texts == ["Je loopt de wijk in. Wat doe je eerst?"]
    assert [(c.id, c.label, c.available) for c in page.choices] == [("c1", "Naar de kaart", True)]
    assert (page.module, page.result, page.finished, page.passed) == ("wijk", None, False, False)


def test_a_hub_shows_locked_and_open_places_and_a_disabled_choice_with_its_reason(course: Course) -> None:
    state, _ = play(course, start(course)[0], "c1")
    page = view(course, state)
    assert page.scene.id == "kaart"
    assert [(loc.choice_id, loc.available, loc.done, loc.reason, loc.x, loc.y) for loc in page.locations] == [
        ("loc-bakkerij", True, False, None, 100, 100),
        ("loc-plein", False, False, "De bakker vertelt je eerst over het plein.", 300, 200),
    ]
    assert [(c.id, c.available, c.reason) for c in page.choices] == [("c1", False, "Bezoek eerst beide plekken.")]
    with pytest.raises(ChoiceUnavailable) as locked:
        choose(course, state, "loc-plein")
    assert locked.value.reason == "De bakker vertelt je eerst over het plein."
    with pytest.raises(ChoiceUnavailable, match="Bezoek eerst beide plekken"):
        choose(course, state, "c1")


def test_a_choice_gives_points_notebook_entries_variables_and_events(course: Course) -> None:
    state, _ = play(course, start(course)[0], "c1", "loc-bakkerij")
    assert view(course, state).scene.id == "bakker"
    after, events = choose(course, state, "c1")
    assert events == [
        {"type": "choice_made", "scene": "bakker", "choice": "c1", "label": "Vraag hoe het gaat in de straat",
         "points": 2},
        {"type": "notebook_entry_added", "entry": "sig-groeten"},
        {"type": "notebook_entry_added", "entry": "verb-bakker"},
        {"type": "scene_entered", "scene": "bakker-2", "module": "wijk"},
    ]
    assert after.score == 2
    assert after.notebook == frozenset({"sig-groeten", "verb-bakker"})
    assert after.var("vertrouwen") == 1
    assert after.once == frozenset({"bakker/c1"})
    assert after.step == state.step + 1
    assert state.score == 0 and state.notebook == frozenset()  # states are values: the old one is unchanged


def test_a_location_choice_event_and_done_places(course: Course) -> None:
    state, events = play(course, start(course)[0], "c1", "loc-bakkerij")
    assert events[-2:] == [
        {"type": "location_chosen", "scene": "kaart", "location": "bakkerij"},
        {"type": "scene_entered", "scene": "bakker", "module": "wijk"},
    ]
    state, _ = choose(course, state, "c2")
    page = view(course, state)
    assert [(loc.id, loc.available, loc.done) for loc in page.locations] == [
        ("bakkerij", True, True), ("plein", True, False),
    ]


def test_a_once_only_choice_is_hidden_after_it_was_taken(course: Course) -> None:
    state, _ = play(course, start(course)[0], "c1", "loc-bakkerij", "c1", "c1", "loc-bakkerij")
    page = view(course, state)
    assert [c.id for c in page.choices] == ["c2"]
    with pytest.raises(ChoiceUnavailable) as taken:
        choose(course, state, "c1")
    assert (taken.value.scene, taken.value.choice, taken.value.reason) == ("bakker", "c1", "al gekozen")


def test_blocks_flags_and_the_notebook_shape_the_end_of_the_walk(course: Course) -> None:
    state, events = play(course, start(course)[0], *BEST_WIJK)
    assert state.flags == frozenset({"app-gezien"})
    assert state.notebook == frozenset({"sig-groeten", "verb-bakker", "sig-app"})
    page = view(course, state)
    assert page.scene.id == "einde"
    assert page.texts == ["Je wandeling is klaar.", "Je hebt alle signalen gevonden."]
    assert [(c.id, c.available) for c in page.choices] == [("next", True)]  # no retake in this module
    assert page.result == ModuleResult(score=3, max=3, passed=True, tries=1)
    assert events[-2:] == [
        {"type": "scene_entered", "scene": "einde", "module": "wijk"},
        {"type": "module_finished", "module": "wijk", "score": 3, "max": 3, "passed": True, "try": 1},
    ]


def test_the_plein_text_block_depends_on_a_variable(course: Course) -> None:
    without, _ = play(course, start(course)[0], "c1", "loc-bakkerij", "c2", "loc-plein")
    with_trust, _ = play(course, start(course)[0], "c1", "loc-bakkerij", "c1", "c1", "loc-plein")
    assert view(course, without).texts == ["Op het plein is het stil."]
    assert view(course, with_trust).texts == ["Op het plein is het stil.", "De bakker had je al gewaarschuwd."]


# -- questions --------------------------------------------------------------------------------------
@pytest.fixture
def at_test(course: Course) -> State:
    state, events = play(course, start(course)[0], *BEST_WIJK, "next")
    assert events[-2:] == [
        {"type": "module_started", "module": "toets"},
        {"type": "scene_entered", "scene": "v1", "module": "toets"},
    ]
    assert (state.module, state.score, state.feedback) == ("toets", 0, ())
    return state


def test_a_single_answer_question(course: Course, at_test: State) -> None:
    page = view(course, at_test)
    assert [(a.id, a.text) for a in page.answers] == [("a", "Wij-zij-denken tussen groepen"),
                                                      ("b", "Een ruzie tussen twee buren")]
    assert page.choices == []
    right, events = answer(course, at_test, ["a"])
    assert events[0] == {"type": "question_answered", "scene": "v1", "answers": ["a"], "points": 1, "correct": True}
    # reveal: after_each (the default): the learner stays on the question, sees how it went, then goes on
    assert (right.score, right.feedback, right.scene, right.reviewing) == (1, ("Goed.",), "v1", True)
    page = view(course, right)
    assert (page.feedback, page.reviewing, page.correct) == (("Goed.",), True, True)
    assert [(a.id, a.picked, a.correct) for a in page.answers] == [("a", True, True), ("b", False, False)]
    assert [c.id for c in page.choices] == ["continue"]
    with pytest.raises(ChoiceUnavailable, match="answered already"):
        answer(course, right, ["b"])
    onward, _ = choose(course, right, "continue")
    assert (onward.scene, onward.feedback, onward.reviewing, onward.step) == ("v2", (), False, right.step + 1)
    wrong, events = answer(course, at_test, ["b"])
    assert (events[0]["points"], events[0]["correct"], wrong.score) == (0, False, 0)
    assert wrong.feedback == ("Dat is een conflict.",)


@pytest.mark.parametrize(("picked", "points", "correct"), [
    (["a", "b"], 2, True),
    (["b", "a"], 2, True),
    (["a"], 1, False),
    (["a", "b", "c"], 1, False),
    (["a", "c"], 0, False),
    (["c"], 0, False),  # -1, but a question never takes points away
    (["a", "a", "b"], 2, True),  # the same answer twice counts once
])
def test_a_multiple_answer_question(course: Course, at_test: State, picked: list[str], points: int,
                                    correct: bool) -> None:
    state, _ = answer_and_continue(course, at_test, ["a"])
    after, events = answer(course, state, picked)
    assert events[0]["points"] == points and events[0]["correct"] is correct
    assert after.score == 1 + points


@pytest.mark.parametrize(("picked", "reason"), [
    ([], "pick exactly one answer"),
    (["a", "b"], "pick exactly one answer"),
    (["z"], "unknown answer 'z'"),
])
def test_impossible_answers_are_refused(course: Course, at_test: State, picked: list[str], reason: str) -> None:
    with pytest.raises(ChoiceUnavailable) as refused:
        answer(course, at_test, picked)
    assert refused.value.reason == reason


def test_a_question_has_no_choices_and_a_scene_takes_no_answers(course: Course, at_test: State) -> None:
    with pytest.raises(ChoiceUnavailable, match="there is no such choice here"):
        choose(course, at_test, "c1")
    with pytest.raises(ChoiceUnavailable, match="this scene is not a question"):
        answer(course, start(course)[0], ["a"])


# -- finishing, passing, retaking ------------------------------------------------------------------
def test_passing_the_last_module_finishes_and_passes_the_course(course: Course, at_test: State) -> None:
    state, events = play(course, at_test, ["a"], ["a", "b"])
    assert types(events)[-3:] == ["scene_entered", "module_finished", "course_finished"]
    assert events[-2] == {"type": "module_finished", "module": "toets", "score": 3, "max": 3, "passed": True, "try": 1}
    assert events[-1] == {"type": "course_finished", "score": 6, "max": 6, "passed": True}
    assert (state.finished, state.passed) == (True, True)
    page = view(course, state)
    assert page.texts == ["De toets is klaar.", "Je bent geslaagd."]
    assert [c.id for c in page.choices] == ["retake"]  # the last module has no 'next'
    assert (page.finished, page.passed) == (True, True)
    assert course_score(course, state) == (6, 6) and course_passed(course, state)
    with pytest.raises(ChoiceUnavailable):
        choose(course, state, "next")


def test_failing_the_assessment_fails_the_course(course: Course, at_test: State) -> None:
    state, events = play(course, at_test, ["b"], ["c"])
    assert events[-2]["passed"] is False and events[-1] == {
        "type": "course_finished", "score": 3, "max": 6, "passed": False}
    assert (state.finished, state.passed) == (True, False)
    assert view(course, state).texts == ["De toets is klaar.", "Je bent nog niet geslaagd. Probeer het opnieuw."]


def test_the_pass_mark_is_a_share_of_the_module_maximum(course: Course, at_test: State) -> None:
    # 1 of 3 points is 33%, under the 50% of module 'toets'; 2 of 3 is enough
    low, _ = play(course, at_test, ["a"], ["a", "c"])
    assert low.result("toets") == ModuleResult(score=1, max=3, passed=False, tries=1)
    enough, _ = play(course, at_test, ["b"], ["a", "b"])
    assert enough.result("toets") == ModuleResult(score=2, max=3, passed=True, tries=1)
    assert enough.passed


def test_the_course_percentage_counts_too(course: Course) -> None:
    # pass the assessment (2 of 3) after a walk without points: 2 of 6 is under the course's 50%
    state, _ = play(course, start(course)[0], "c1", "loc-bakkerij", "c2", "loc-plein", "c2", "c1", "next",
                    ["b"], ["a", "b"])
    assert state.result("wijk") == ModuleResult(score=0, max=3, passed=True, tries=1)
    assert state.result("toets") == ModuleResult(score=2, max=3, passed=True, tries=1)
    assert course_score(course, state) == (2, 6)
    assert (state.finished, state.passed) == (True, False)


def test_a_retake_resets_score_visits_and_once_but_keeps_the_notebook(course: Course, at_test: State) -> None:
    failed, _ = play(course, at_test, ["b"], ["c"])
    again, events = choose(course, failed, "retake")
    assert events == [
        {"type": "module_retaken", "module": "toets"},
        {"type": "scene_entered", "scene": "v1", "module": "toets"},
    ]
    assert (again.scene, again.score, again.finished, again.passed) == ("v1", 0, False, False)
    assert again.visit_count("v1") == 1 and again.visit_count("klaar") == 0
    assert again.visit_count("einde") == 1  # other modules' visits stay
    assert again.notebook == failed.notebook and again.flags == failed.flags and again.vars == failed.vars
    assert again.once == failed.once == frozenset({"bakker/c1", "plein/c1"})  # once-only choices of 'wijk'
    assert progress(course, again) == {"wijk": "done", "toets": "current"}
    passed, events = play(course, again, ["a"], ["a", "b"])
    assert events[-2] == {"type": "module_finished", "module": "toets", "score": 3, "max": 3, "passed": True, "try": 2}
    assert passed.result("toets") == ModuleResult(score=3, max=3, passed=True, tries=2)
    assert passed.passed


def test_a_worse_retake_keeps_the_best_try(course: Course, at_test: State) -> None:
    good, _ = play(course, at_test, ["a"], ["a", "b"])
    worse, events = play(course, good, "retake", ["b"], ["c"])
    assert events[-2]["passed"] is False  # this try failed ...
    assert worse.result("toets") == ModuleResult(score=3, max=3, passed=True, tries=2)  # ... the best one counts
    assert events[-1] == {"type": "course_finished", "score": 6, "max": 6, "passed": True}


def test_a_retake_resets_once_only_choices_of_its_own_module(tmp_path: Path) -> None:
    import shutil
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    wijk = folder / "modules" / "wijk.yaml"
    wijk.write_text(wijk.read_text(encoding="utf-8").replace("start: welkom\n", "start: welkom\nretake: true\n"),
                    encoding="utf-8")
    course, problems = load_course(folder)
    assert course is not None, problems
    state, _ = play(course, start(course)[0], *BEST_WIJK)
    assert [c.id for c in view(course, state).choices] == ["retake", "next"]
    again, _ = choose(course, state, "retake")
    assert again.once == frozenset() and again.score == 0 and again.scene == "welkom"
    assert again.notebook == state.notebook
    twice, _ = play(course, again, *BEST_WIJK)
    assert twice.score == 3 and twice.result("wijk") == ModuleResult(3, 3, True, 2)


def test_progress_per_module(course: Course, at_test: State) -> None:
    first = start(course)[0]
    assert progress(course, first) == {"wijk": "current", "toets": "todo"}
    at_end, _ = play(course, first, *BEST_WIJK)
    assert progress(course, at_end) == {"wijk": "done", "toets": "todo"}
    assert progress(course, at_test) == {"wijk": "done", "toets": "current"}
    finished, _ = play(course, at_test, ["a"], ["a", "b"])
    assert progress(course, finished) == {"wijk": "done", "toets": "done"}


# -- refusing what is not possible ---------------------------------------------------------------------
def test_unknown_choices_are_refused(course: Course) -> None:
    state = start(course)[0]
    for choice in ("c2", "next", "retake", "loc-bakkerij", "", "C1"):
        with pytest.raises(ChoiceUnavailable) as refused:
            choose(course, state, choice)
        assert refused.value.reason == "there is no such choice here"
        assert str(refused.value) == f"Choice {choice!r} is not available on scene 'welkom': there is no such choice here"


def test_a_state_of_another_course_version_is_refused(course: Course) -> None:
    state = start(course)[0]
    other = course.model_copy(update={"content_hash": "0" * 64})
    for action in (lambda: view(other, state), lambda: choose(other, state, "c1"),
                   lambda: answer(other, state, ["a"])):
        with pytest.raises(WrongCourse, match=f"belongs to course version {course.content_hash[:12]}, not 000000000000"):
            action()


# -- state ---------------------------------------------------------------------------------------------
def _walk(course: Course, seed: int, steps: int = 40) -> list[tuple[State, list[Event]]]:
    """A random learner (seeded), as a list of (state, events) after each action."""
    rng = random.Random(seed)
    state, events = start(course)
    out = [(state, events)]
    for _ in range(steps):
        scene = course.scene(state.scene)
        if scene.type == "question":
            ids = [a.id for a in view(course, state).answers]
            picked = rng.sample(ids, rng.randint(1, len(ids))) if scene.multiple else [rng.choice(ids)]
            state, events = answer(course, state, picked) if not state.reviewing else choose(course, state, "continue")
        else:
            options = [cid for cid, _ in moves(course, state)]
            if not options:
                break
            state, events = choose(course, state, rng.choice(options))
        out.append((state, events))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_state_round_trips_through_json_at_every_step(course: Course, seed: int) -> None:
    for state, _ in _walk(course, seed):
        text = state.dumps()
        again = State.from_json(text)
        assert again == state and hash(again) == hash(state)
        assert again.dumps() == text
        assert State.from_json(json.loads(json.dumps(state.to_json()))) == state
        assert view(course, again) == view(course, state)


def test_json_of_a_finished_state(course: Course, at_test: State) -> None:
    state, _ = play(course, at_test, ["a"], ["a", "b"])
    data = json.loads(state.dumps())
    assert data == {
        "format": 2, "course_hash": course.content_hash, "module": "toets", "scene": "klaar", "step": state.step,
        "score": 3, "flags": ["app-gezien"], "vars": {"vertrouwen": 1},
        "notebook": ["sig-app", "sig-groeten", "verb-bakker"],
        "visits": {"bakker": 1, "bakker-2": 1, "einde": 1, "kaart": 3, "klaar": 1, "plein": 1, "v1": 1, "v2": 1,
                   "welkom": 1},
        "once": ["bakker/c1", "plein/c1"],
        "results": {"toets": {"score": 3, "max": 3, "passed": True, "tries": 1, "at": None},
                    "wijk": {"score": 3, "max": 3, "passed": True, "tries": 1, "at": None}},
        "feedback": [], "finished": True, "passed": True,
        "seed": None, "rounds": {"toets": 1, "wijk": 1}, "drawn": {},
        "answered": [["v1", ["a"]], ["v2", ["a", "b"]]], "reviewing": False,
    }
    with pytest.raises(ValueError, match="Unknown state format 3; expected 2"):
        State.from_json({**data, "format": 3})


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "Expecting value"),
    ("[]", "A saved state is a JSON object, not list."),
    ("{}", "Unknown state format None; expected 2."),
    ('{"format": 1}', "The saved state is damaged (KeyError: 'course_hash')."),
    ('{"format": 1, "course_hash": "h", "module": "m", "scene": "s", "step": "x"}',
     "The saved state is damaged (ValueError: invalid literal for int() with base 10: 'x')."),
])
def test_a_damaged_state_is_a_value_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        State.from_json(text)


def test_the_step_counts_every_action(course: Course) -> None:
    steps = [state.step for state, _ in _walk(course, 7)]
    assert steps == list(range(1, len(steps) + 1))


@pytest.mark.parametrize("seed", range(3))
def test_the_engine_is_deterministic(course: Course, seed: int) -> None:
    first = [(s.dumps(), json.dumps(e, sort_keys=True)) for s, e in _walk(course, seed)]
    second = [(s.dumps(), json.dumps(e, sort_keys=True)) for s, e in _walk(course, seed)]
    assert first == second
    reloaded, _ = load_course(MINI)  # a fresh compile of the same files plays the same
    assert reloaded is not None
    third = [(s.dumps(), json.dumps(e, sort_keys=True)) for s, e in _walk(reloaded, seed)]
    assert third == first


def test_events_are_plain_json(course: Course) -> None:
    for _, events in _walk(course, 3, steps=60):
        for event in events:
            assert json.loads(json.dumps(event)) == event
            assert isinstance(event["type"], str)


# -- rebase: a state moved onto another version of its course ----------------------------------------
def _versioned(content_hash: str, modules: dict[str, list[str]], entries: list[str]) -> Course:
    """A course of plain scenes, each module a chain of them ending in an end scene."""
    from elearning.course.model import (
        Choice,
        CourseMeta,
        Module,
        Notebook,
        NotebookEntry,
        NotebookKind,
        Scene,
    )

    built = []
    for module_id, ids in modules.items():
        scenes = [Scene(id=sid, text=sid, choices=[Choice(label="Verder", goto=nxt)])
                  for sid, nxt in zip(ids, ids[1:], strict=False)]
        scenes.append(Scene(id=ids[-1], type="end", text="Eind."))
        built.append(Module(id=module_id, title=module_id, start=ids[0], scenes=scenes))
    notebook = Notebook(kinds=[NotebookKind(id="k", label="K")],
                        entries=[NotebookEntry(id=e, kind="k", title=e) for e in entries])
    meta = CourseMeta(id="versies", title="Versies", study_load_minutes=1, modules=list(modules), notebook=notebook)
    return Course(meta=meta, modules=built, content_hash=content_hash)


OLD = _versioned("v1", {"m1": ["a", "b", "m1-eind"], "m2": ["c", "d", "m2-eind"]}, ["e1", "e2"])


def test_rebase_keeps_a_state_of_the_same_version_as_it_is() -> None:
    state = start(OLD)[0].evolve(notebook=frozenset({"e1"}), score=3)
    assert rebase(OLD, state) is state


def test_rebase_keeps_the_scene_where_it_now_lives_and_drops_what_is_gone() -> None:
    new = _versioned("v2", {"m2": ["c", "b", "m2-eind"], "m3": ["x", "m3-eind"]}, ["e2"])
    done = ModuleResult(score=1, max=1, passed=True)
    state = State(course_hash="v1", module="m1", scene="b", score=2, flags=frozenset({"f"}),
                  notebook=frozenset({"e1", "e2"}), results=(("m1", done), ("m2", done)))
    moved = rebase(new, state)
    assert moved == State(course_hash="v2", module="m2", scene="b", score=2, flags=frozenset({"f"}),
                          notebook=frozenset({"e2"}), results=(("m2", done),))
    assert view(new, moved).scene.id == "b"


def test_rebase_sends_a_learner_whose_scene_is_gone_to_the_start_of_their_module() -> None:
    new = _versioned("v2", {"m1": ["a", "m1-eind"], "m2": ["c", "d", "m2-eind"]}, ["e1", "e2"])
    state = State(course_hash="v1", module="m1", scene="b", notebook=frozenset({"e1"}))
    assert rebase(new, state) == State(course_hash="v2", module="m1", scene="a", notebook=frozenset({"e1"}))


def test_rebase_starts_the_course_again_when_scene_and_module_are_gone() -> None:
    new = _versioned("v2", {"m2": ["c", "d", "m2-eind"]}, [])
    state = State(course_hash="v1", module="m1", scene="b", notebook=frozenset({"e1"}))
    assert rebase(new, state) == start(new)[0]


# -- a course built from the models, for what the mini course does not show ---------------------------
def _built() -> Course:
    from elearning.course.model import Choice, CourseMeta, Location, Map, Module, Scene

    scenes = [
        Scene(id="hal", type="hub", text="De hal.", map=Map(src="m.svg", alt="Plattegrond", width=10, height=10),
              locations=[
                  Location(id="kamer", label="Kamer", goto="kamer", x=1, y=1, done_when="flag(opgeruimd)"),
                  Location(id="zolder", label="Zolder", goto="zolder", x=2, y=2, when="done(kamer)"),
              ],
              choices=[
                  Choice(label="Geheim", goto="slot", when="flag(nooit)"),
                  Choice(id="munt", label="Pak een munt", goto="hal", points=1, once=True, unavailable="show"),
                  Choice(label="Naar het einde", goto="slot", when="percentage >= 50 and done_count(hal) >= 1",
                         unavailable="show"),
              ]),
        Scene(id="kamer", text="Een kamer.", choices=[
            Choice(label="Ruim op", goto="hal", flags={"opgeruimd": True}),
            Choice(label="Terug", goto="hal"),
        ]),
        Scene(id="zolder", text="Stof.", choices=[Choice(label="Terug", goto="hal", when="score >= 1")]),
        Scene(id="slot", type="end", text="Klaar."),
    ]
    meta = CourseMeta(id="gebouwd", title="Gebouwd", study_load_minutes=1, modules=["huis"])
    return Course(meta=meta, modules=[Module(id="huis", title="Huis", start="hal", scenes=scenes)],
                  content_hash="h", max_scores={"huis": 2})


def test_hidden_and_shown_unavailable_choices_and_their_reasons() -> None:
    course = _built()
    state = start(course)[0]
    page = view(course, state)
    assert [(c.id, c.available, c.reason) for c in page.choices] == [("munt", True, None), ("c3", False, None)]
    with pytest.raises(ChoiceUnavailable) as hidden:
        choose(course, state, "c1")
    assert hidden.value.reason == "its condition does not hold"
    state, _ = choose(course, state, "munt")
    assert [(c.id, c.available, c.reason) for c in view(course, state).choices] == [
        ("munt", False, "al gekozen"), ("c3", False, None),
    ]


def test_done_when_done_count_score_and_percentage_in_play() -> None:
    course = _built()
    state, _ = play(course, start(course)[0], "loc-kamer", "c2")
    assert [(loc.id, loc.done, loc.available) for loc in view(course, state).locations] == [
        ("kamer", False, True), ("zolder", False, False),  # visited, but done only when tidied up
    ]
    state, _ = play(course, state, "loc-kamer", "c1")
    assert [(loc.id, loc.done, loc.available) for loc in view(course, state).locations] == [
        ("kamer", True, True), ("zolder", False, True),
    ]
    assert not view(course, state).choices[1].available  # 0 of 2 points is 0%
    zolder, _ = choose(course, state, "loc-zolder")
    assert view(course, zolder).choices == []  # its only way back needs a point: hidden
    state, _ = choose(course, state, "munt")  # 1 of 2 points: 50%
    assert view(course, state).choices[1].available
    finished, events = choose(course, state, "c3")
    assert events[-1] == {"type": "course_finished", "score": 1, "max": 2, "passed": True}


def test_choice_feedback_is_shown_on_the_next_page_only() -> None:
    from elearning.course.model import Choice, CourseMeta, Module, Scene

    scenes = [
        Scene(id="a", text="A.", choices=[Choice(label="Doe het", goto="b", feedback="Goed gedaan.")]),
        Scene(id="b", text="B.", choices=[Choice(label="Verder", goto="c")]),
        Scene(id="c", type="end", text="C."),
    ]
    course = Course(meta=CourseMeta(id="fb", title="FB", study_load_minutes=1, modules=["m"]),
                    modules=[Module(id="m", title="M", start="a", scenes=scenes)], content_hash="h")
    state, _ = choose(course, start(course)[0], "c1")
    assert view(course, state).feedback == ("Goed gedaan.",)
    state, _ = choose(course, state, "c1")
    assert view(course, state).feedback == ()


def test_a_single_answer_question_may_take_points_away() -> None:
    from elearning.course.model import Answer, CourseMeta, Module, Scene

    scenes = [
        Scene(id="q", type="question", text="?", goto="q2", feedback="Zo zit het.", answers=[
            Answer(text="Goed", correct=True, points=2), Answer(text="Schadelijk", points=-2, feedback="Pas op."),
        ]),
        Scene(id="q2", type="question", text="??", multiple=True, goto="eind", answers=[
            Answer(id="x", text="Goed", correct=True), Answer(id="y", text="Fout", points=-3),
        ]),
        Scene(id="eind", type="end", text="Klaar."),
    ]
    course = Course(meta=CourseMeta(id="q", title="Q", study_load_minutes=1, modules=["m"]),
                    modules=[Module(id="m", title="M", start="q", scenes=scenes)], content_hash="h",
                    max_scores={"m": 3})
    state, events = answer_and_continue(course, start(course)[0], ["b"])
    assert (events[0]["points"], events[0]["correct"], state.score) == (-2, False, -2)
    assert state.feedback == ("Pas op.", "Zo zit het.")  # the answer's feedback, then the question's
    state, events = answer_and_continue(course, state, ["x", "y"])
    assert (events[0]["points"], events[0]["correct"], state.score) == (0, False, -2)  # 1 - 3, floored at 0
    # no pass mark (percentage 0) asks nothing: a learner below zero still passes
    assert events[-1] == {"type": "course_finished", "score": -2, "max": 3, "passed": True}
