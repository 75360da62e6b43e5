"""Open answers in the format and the engine: what the learner writes, its limits, the model
answer afterwards, self-assessment, offline minutes; the example course docs/examples/praktijkopdracht."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from elearning import engine
from elearning.authoring import load_course
from elearning.authoring.explore import explore
from elearning.authoring.playthrough import run_course_tests
from elearning.cli import main
from elearning.course.model import Course

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "praktijkopdracht"
OLD_EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "kennismaking"


@pytest.fixture(scope="module")
def course() -> Course:
    course, problems = load_course(EXAMPLE)
    assert problems == []
    assert course is not None
    return course


def _at_report(course: Course) -> engine.State:
    state, _ = engine.start(course)
    state, _ = engine.choose(course, state, "c1")
    assert state.scene == "verslag"
    return state


def test_the_example_validates_strictly_and_its_playthroughs_pass() -> None:
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE), "--strict"])
    assert result.exit_code == 0, result.output
    course, _ = load_course(EXAMPLE)
    assert course is not None
    results = run_course_tests(course, EXAMPLE / "tests")
    assert results and all(r.passed for r in results), [str(f) for r in results for f in r.failures]


def test_an_open_scene_offers_no_choices_until_the_answer_is_handed_in(course: Course) -> None:
    state = _at_report(course)
    page = engine.view(course, state)
    assert page.scene.type == "open"
    assert page.choices == []
    with pytest.raises(engine.ChoiceUnavailable):
        engine.choose(course, state, "continue")
    with pytest.raises(engine.ChoiceUnavailable):
        engine.choose(course, state, "write")  # the explorer's move, not the learner's


def test_the_length_limits_count_characters_without_blank_ends(course: Course) -> None:
    state = _at_report(course)
    with pytest.raises(engine.TextRejected) as short:
        engine.write(course, state, "  " + "x" * 39 + "\r\n\r\n")
    assert short.value.reason == "too_short"
    with pytest.raises(engine.TextRejected) as long:
        engine.write(course, state, "x" * 3001)
    assert long.value.reason == "too_long"
    new, events = engine.write(course, state, "x" * 40)
    assert new.reviewing and new.step == state.step + 1
    assert events == [{"type": "open_answer_submitted", "scene": "verslag", "review": True, "length": 40}]


def test_the_text_is_in_neither_the_state_nor_the_events(course: Course) -> None:
    secret = "Mijn buurvrouw Jansen op nummer 12 zei iets heel persoonlijks."
    state, events = engine.write(course, _at_report(course), secret)
    assert "Jansen" not in state.dumps()
    assert "Jansen" not in repr(events)


def test_after_handing_in_the_learner_sees_the_checklist_and_assesses_against_it(course: Course) -> None:
    state, _ = engine.write(course, _at_report(course), "Bij het buurthuis drinken mensen koffie samen, elke week.")
    page = engine.view(course, state)
    assert page.reviewing and [c.id for c in page.choices] == ["continue"]
    with pytest.raises(engine.ChoiceUnavailable):
        engine.write(course, state, "nog een keer, een tweede tekst die lang genoeg is")
    with pytest.raises(engine.ChoiceUnavailable):
        engine.continue_open(course, state, ["k9"])
    new, events = engine.continue_open(course, state, ["k3", "k1", "k1"])
    assert events[0] == {"type": "open_answer_assessed", "scene": "verslag", "checked": ["k1", "k3"], "of": 3}
    assert new.scene == "klaar" and new.finished


def test_offline_minutes_count_in_the_study_load_not_online(course: Course) -> None:
    result = explore(course)
    assert result.offline_minutes == 30
    assert result.minutes[1] < 10  # online: reading and writing, without the walk
    out = CliRunner().invoke(main, ["explore", str(EXAMPLE)])
    assert "offline (away from the screen) 30 min" in out.output


def test_old_courses_compile_unchanged() -> None:
    course, problems = load_course(OLD_EXAMPLE)
    assert problems == [] and course is not None
    assert all(s.open is None and s.offline_minutes is None for m in course.modules for s in m.scenes)
