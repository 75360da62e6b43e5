"""Analytics of an assessment with question pools and shuffled answers, on SQLite and PostgreSQL.

Twelve seeded attempts of tests/fixtures/courses/assess, stored step by step as the web player
does; each picks the answer shown at a fixed position. The funnel, the answer counts and the
question figures must count per question id and answer id (what the file defines), not per
slot or displayed position: the expected numbers are tallied here from the engine's own events.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from elearning import engine
from elearning.analytics import Scope
from elearning.authoring import load_course
from elearning.course.model import Course
from elearning.engine.play import Event
from elearning.storage import analytics
from elearning.storage import attempts as store
from elearning.storage.attempts import Owner

ASSESS = Path(__file__).parent / "fixtures" / "courses" / "assess"
SEEDS = range(12)


@pytest.fixture(scope="module")
def course() -> Course:
    loaded, problems = load_course(ASSESS)
    assert loaded is not None and problems == []
    return loaded


async def play(course: Course, seed: int, owner: Owner) -> tuple[list[Event], list[int]]:
    """Play one attempt to the end of the test, picking the answer at position seed % 4."""
    state, events = engine.start(course, seed=seed)
    attempt = await store.create_attempt(course, owner, state, events)
    log, positions = list(events), []

    async def step(new: engine.State, new_events: list[Event]) -> None:
        nonlocal state
        assert await store.record_step(course, attempt, state, new, new_events)
        state = new
        log.extend(new_events)

    await step(*engine.choose(course, state, engine.view(course, state).choices[0].id))
    while not state.finished:
        page = engine.view(course, state)
        if page.scene.type == "question" and not page.reviewing:
            pick = page.answers[seed % len(page.answers)]
            positions.append(seed % len(page.answers))
            await step(*engine.answer(course, state, [pick.id]))
        else:
            await step(*engine.choose(course, state, "next" if page.scene.type == "end" else
                                      "continue" if page.reviewing else page.choices[0].id))
    return log, positions


@pytest.fixture
async def played(orm: Any, course: Course) -> list[list[Event]]:
    with orm:
        await store.store_snapshot(course)
        return [(await play(course, seed, Owner(guest_key=f"guest-{seed}")))[0] for seed in SEEDS]


async def test_questions_and_answers_count_per_id_not_per_slot(orm: Any, played: list[list[Event]],
                                                               course: Course) -> None:
    answered = [e for log in played for e in log if e["type"] == "question_answered" and e["scene"] != "oefenvraag"]
    asked = Counter(e["scene"] for e in answered)
    right = Counter(e["scene"] for e in answered if e["correct"])
    picked = Counter((e["scene"], ",".join(e["answers"])) for e in answered)
    assert len(asked) == 8 and sum(asked.values()) == 4 * len(SEEDS)  # every pool question was drawn by someone
    assert len({a for _, a in picked}) == 4  # the same position meant different answers
    with orm:
        questions = {q.scene: q for q in await analytics.questions(Scope("assess"))}
        funnel = {r.scene: r.attempts for r in await analytics.funnel(Scope("assess"))}
        choices = {(c.scene, c.choice): c.times for c in await analytics.choice_distribution(Scope("assess"))
                   if c.kind == "answer" and c.scene != "oefenvraag"}
    assert {s: (q.attempts, q.answers, q.correct) for s, q in questions.items() if s != "oefenvraag"} == {
        s: (n, n, right[s]) for s, n in asked.items()
    }
    assert all(questions[s].scored == n for s, n in asked.items())  # every attempt finished the test
    assert {s: funnel.get(s, 0) for s in asked} == dict(asked)  # a question not drawn was not entered
    assert choices == dict(picked)


def test_position_and_id_differ_across_attempts(course: Course) -> None:
    """The premise of the test above: with shuffling, "the answer in slot 2" is no one answer."""
    ids_in_slot = set()
    for seed in SEEDS:
        state = engine.start(course, seed=seed)[0]
        state = engine.choose(course, state, engine.view(course, state).choices[0].id)[0]
        state = engine.answer_and_continue(course, state, ["a"])[0]
        state = engine.choose(course, state, "next")[0]
        state = engine.choose(course, state, "c1")[0]
        ids_in_slot.add(engine.view(course, state).answers[1].id)
    assert len(ids_in_slot) > 1
