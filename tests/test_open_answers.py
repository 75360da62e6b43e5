"""Open answers in the format and the engine: what the learner writes, its limits, the model
answer afterwards, self-assessment, offline minutes; the example course docs/examples/praktijkopdracht."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


# -- storage: what a reviewer may see, review status, erasure ------------------------------------
async def _handed_in(course: Course, user_id: int, text: str, *, review: bool = True,
                     course_id: str | None = None) -> int:
    from elearning.storage import attempts, open_answers

    await attempts.store_snapshot(course)  # as the app does when a course is first played
    state, events = engine.start(course)
    record = await attempts.create_attempt(course, attempts.Owner(user_id=user_id), state, events)
    state, _ = engine.choose(course, state, "c1")
    row = await attempts.get_attempt(record.id)
    assert row is not None
    assert await attempts.record_step(course, row, engine.start(course)[0], state, [])
    before = state
    state, events = engine.write(course, state, text)
    also = [open_answers.submit_write(record.id, course_id or course.id, "verslag", text, review=review)]
    assert await attempts.record_step(course, row, before, state, events, also)
    return record.id


async def test_a_reviewer_sees_only_answers_for_review_in_their_own_courses(orm: Any, course: Course) -> None:
    from elearning.storage import accounts, open_answers

    with orm:
        learner = await accounts.create_user("leerling@example.org", "Lea Leerling", "een goed wachtwoord")
        mine = await accounts.create_user("rik@example.org", "Rik", "een goed wachtwoord")
        other = await accounts.create_user("olga@example.org", "Olga", "een goed wachtwoord")
        await open_answers.add_reviewer(mine, "praktijkopdracht")
        await open_answers.add_reviewer(other, "een-andere-cursus")
        reviewed = await _handed_in(course, learner.id, "Een verslag dat een beoordelaar moet lezen, lang genoeg.")
        await _handed_in(course, learner.id, "Een verslag zonder beoordeling, alleen voor mezelf bedoeld.", review=False)
        await open_answers.save_draft(await _handed_in(course, learner.id, "x" * 40), course.id, "ander", "concept")

        queue = await open_answers.queue(mine.id)
        assert [(i.scene, i.text) for i in queue][:1] == [("verslag", "Een verslag dat een beoordelaar moet lezen, lang genoeg.")]
        assert all("zonder beoordeling" not in i.text and i.text != "concept" for i in queue)
        assert set(vars(queue[0])) == {"id", "course_id", "course_hash", "scene", "text", "submitted_at"}
        assert await open_answers.queue(other.id) == []
        assert await open_answers.for_review(queue[0].id, other.id) is None
        assert await open_answers.review(queue[0].id, other, approve=True, comment="") is None

        assert not (await open_answers.review_status(reviewed)).complete
        assert await open_answers.review(queue[0].id, mine, approve=True, comment="Goed.") == reviewed
        status = await open_answers.review_status(reviewed)
        assert status.complete and status.approved_at is not None and status.waiting == 0
        assert await open_answers.review(queue[0].id, mine, approve=False, comment="nog eens") is None  # done already


async def test_erasure_blanks_the_text_of_open_answers(orm: Any, course: Course) -> None:
    from elearning.storage import accounts, open_answers, privacy

    with orm:
        learner = await accounts.create_user("leerling@example.org", "Lea Leerling", "een goed wachtwoord")
        attempt = await _handed_in(course, learner.id, "Mijn buurvrouw Jansen vertelde me iets persoonlijks.")
        assert (await open_answers.of_attempt(attempt))["verslag"].text.startswith("Mijn buurvrouw")
        await privacy.erase(learner)
        row = (await open_answers.of_attempt(attempt))["verslag"]
        assert row.text == "" and row.comment == "" and row.status == "submitted"


async def test_analytics_count_open_answers_without_their_text(orm: Any, course: Course) -> None:
    from elearning.analytics import Scope, report_tables
    from elearning.analytics.results import OpenAnswerCount
    from elearning.storage import accounts, analytics, open_answers

    with orm:
        learner = await accounts.create_user("leerling@example.org", "Lea Leerling", "een goed wachtwoord")
        reviewer = await accounts.create_user("rik@example.org", "Rik", "een goed wachtwoord")
        await open_answers.add_reviewer(reviewer, course.id)
        await _handed_in(course, learner.id, "Mijn buurvrouw Jansen vertelde me iets persoonlijks.")
        await _handed_in(course, learner.id, "Een tweede verslag, ook lang genoeg voor deze opdracht.")
        first, second = await open_answers.queue(reviewer.id)
        await open_answers.review(first.id, reviewer, approve=False, comment="Noem een plek.")
        await open_answers.review(second.id, reviewer, approve=True, comment="")
        report = await analytics.report(course, Scope(course.id))
    assert report.open_answers == (OpenAnswerCount("verslag", handed_in=2, resubmitted=0, approved=1, returned=1),)
    table = next(t for t in report_tables(course, report, "nl") if t.key == "open_answers")
    assert table.records() == [{"scene_id": "verslag", "scene": "Je verslag", "handed_in": 2, "resubmitted": 0,
                                "approved": 1, "returned": 1}]
    assert "Jansen" not in repr(report_tables(course, report, "nl"))
