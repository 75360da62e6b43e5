"""The guessing analysis against a brute-force count through the real engine.

A small course without loops is played to the end along every way a uniform random guesser
can take, with exact fractions; the analysis (over the explorer's situation graphs) must give
the same chance of passing, the same chance per module and the same range of course totals.
The mini course has a hub that a guesser can walk around in for ever: there the count runs
until less than 1e-5 of the chance is left undecided.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from elearning.authoring import guessing, load_course
from elearning.authoring.assessment import chance, positions
from elearning.authoring.explore import explore
from elearning.authoring.guessing import max_attempts, question_set, wilson, within
from elearning.course import Course
from elearning.engine import play
from elearning.engine.state import State

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "courses" / "mini"
POLARISATIE = Path(__file__).parent.parent / "courses" / "polarisatie"

COURSE = """\
id: gok
title: Gokken
study_load_minutes: 5
pass:
  percentage: 50
  modules: [toets]
modules: [verhaal, toets]
assessment:
  max_guess_pass: 100
"""
VERHAAL = """\
id: verhaal
title: Verhaal
start: deur
scenes:
  - id: deur
    text: Je staat bij de deur.
    choices:
      - {label: Aanbellen, goto: binnen, points: 2, flags: {gebeld: true}}
      - {label: Wachten, goto: binnen}
      - {label: Weglopen, goto: vraag, points: -1}
  - id: binnen
    text: Je bent binnen.
    choices:
      - {label: Verder, goto: vraag}
  - id: vraag
    type: question
    text: Wat zie je?
    answers:
      - {text: Een buur, correct: true}
      - {text: Niets}
    goto: eind
  - id: eind
    type: end
    text: Klaar.
"""
TOETS = """\
id: toets
title: Toets
start: t0
pass_percentage: 60
retake: true
scenes:
  - id: t0
    text: De toets.
    choices:
      - {label: Begin met een bonus, goto: t1, points: 1, when: flag(gebeld)}
      - {label: Begin, goto: t1}
  - id: t1
    type: question
    text: Vraag 1
    answers:
      - {text: A, correct: true}
      - {text: B}
      - {text: C}
    goto: t2
  - id: t2
    type: question
    multiple: true
    text: Vraag 2
    answers:
      - {text: A, correct: true}
      - {text: B, correct: true}
      - {text: C, points: -1}
    goto: t3
  - id: t3
    type: question
    text: Vraag 3
    answers:
      - {text: A}
      - {text: B, correct: true, points: 2}
    goto: klaar
  - id: klaar
    type: end
    text: Klaar.
"""


def _options(course: Course, state: State) -> list[State]:
    """Every state one guess away, each as likely as the others (a finished module goes on)."""
    scene = course.scene(state.scene)
    if scene.type == "end":
        return [play.choose(course, state, "next")[0]] if not state.finished else []
    if scene.type == "question":
        ids = [play.answer_id(a, i) for i, a in enumerate(scene.answers)]
        picks = ([[ids[i] for i in range(len(ids)) if mask >> i & 1] for mask in range(1, 1 << len(ids))]
                 if scene.multiple else [[i] for i in ids])
        return [play.answer_and_continue(course, state, p)[0] for p in picks]
    return [play.apply(course, state, scene, cid, item)[0] for cid, item in play.moves(course, state)]


def brute_force(course: Course, max_steps: int, one: Any = Fraction(1)) -> tuple[Any, dict[str, Any], set[int], Any]:
    """(chance the course is passed, per module the chance it is passed, the course totals that
    happen, the chance still undecided after max_steps), stepping every state at once; in
    exact fractions, or in floats with one=1.0."""
    start, _ = play.start(course)
    now: dict[State, Any] = {start: one}
    passed = one * 0
    module_passed: dict[str, Any] = defaultdict(lambda: one * 0)
    totals: set[int] = set()
    for _ in range(max_steps):
        nxt: dict[State, Any] = defaultdict(lambda: one * 0)
        for state, p in now.items():
            if state.finished:
                passed += p if state.passed else 0
                totals.add(play.course_score(course, state)[0])
                for mid, result in state.results:
                    module_passed[mid] += p if result.passed else 0
                continue
            options = _options(course, state)
            for option in options:
                nxt[option.evolve(step=0)] += p / len(options)
        now = nxt
        if not now:
            break
    return passed, module_passed, totals, sum(now.values(), one * 0)


@pytest.fixture
def small(tmp_path: Path) -> Course:
    (tmp_path / "modules").mkdir()
    (tmp_path / "course.yaml").write_text(COURSE, encoding="utf-8")
    (tmp_path / "modules" / "verhaal.yaml").write_text(VERHAAL, encoding="utf-8")
    (tmp_path / "modules" / "toets.yaml").write_text(TOETS, encoding="utf-8")
    course, problems = load_course(tmp_path)
    assert problems == [] and course is not None, problems
    return course


def test_the_exact_chance_equals_a_brute_force_count(small: Course) -> None:
    passed, module_passed, totals, undecided = brute_force(small, 50)
    assert undecided == 0
    found = explore(small).assessment
    assert found is not None and found.guess is not None
    assert found.guess.exact
    assert found.guess.p == pytest.approx(float(passed), abs=1e-12)
    assert found.modules["toets"].p == pytest.approx(float(module_passed["toets"]), abs=1e-12)
    assert (found.lowest_total, found.highest_total) == (min(totals), max(totals))
    assert found.reachable is True
    assert 0 < passed < 1  # the count decides something: not every guesser passes, nor none


def test_the_count_is_right_by_hand_too(small: Course) -> None:
    """Toets: 60% of 6 points (bonus 1, then 1 + 2 + 2) is 4 points. With the bonus (a guesser
    rings the bell with 1/3, then picks the bonus of the two ways in with 1/2) 3 more will do,
    else 4; the multiple-answer question gives 0, 1 or 2."""
    # t1: 1 point with 1/3; t2 over its 7 answer sets: 2 points 1/7 (A+B), 1 point 3/7, 0 points 3/7; t3: 2 with 1/2
    t1, t3 = Fraction(1, 3), Fraction(1, 2)
    t2 = {2: Fraction(1, 7), 1: Fraction(3, 7), 0: Fraction(3, 7)}
    scores: dict[int, Fraction] = defaultdict(Fraction)
    for a, pa in ((1, t1), (0, 1 - t1)):
        for b, pb in t2.items():
            for c, pc in ((2, t3), (0, 1 - t3)):
                scores[a + b + c] += pa * pb * pc
    with_bonus = sum(p for s, p in scores.items() if s + 1 >= 4)
    without = sum(p for s, p in scores.items() if s >= 4)
    bonus = Fraction(1, 3) * Fraction(1, 2)  # ring the bell, then take the bonus of the two ways in
    toets = bonus * with_bonus + (1 - bonus) * without
    assert brute_force(small, 50)[1]["toets"] == toets
    found = explore(small).assessment
    assert found is not None
    assert found.modules["toets"].p == pytest.approx(float(toets), abs=1e-12)


def test_a_hub_a_guesser_can_walk_around_in_for_ever() -> None:
    course, _ = load_course(MINI)
    assert course is not None
    passed, _, totals, undecided = brute_force(course, 80, 1.0)
    assert undecided < 1e-5
    found = explore(course).assessment
    assert found is not None and found.guess is not None and found.guess.exact
    assert passed - 1e-12 <= found.guess.p <= passed + undecided + 1e-12
    assert found.guess.p == pytest.approx(1 / 3)  # 0.333...: the explorer's number, now proven
    assert (found.lowest_total, found.highest_total) == (min(totals), max(totals))


def test_a_loop_too_big_to_solve_is_sampled_with_its_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    course, _ = load_course(MINI)
    assert course is not None
    exact = explore(course).assessment
    monkeypatch.setattr(guessing, "LOOP_LIMIT", 1)
    sampled = explore(course).assessment
    assert exact is not None and exact.guess is not None and sampled is not None and sampled.guess is not None
    assert sampled.guess.samples == guessing.SAMPLES and not sampled.guess.exact
    assert sampled.guess.low <= exact.guess.p <= sampled.guess.high
    assert sampled.guess.high - sampled.guess.low < 0.02
    assert (sampled.lowest_total, sampled.highest_total, sampled.reachable) == (0, 6, None)  # bounds, not proof


def test_attempts_come_from_one_place() -> None:
    course, _ = load_course(MINI)
    assert course is not None
    assert max_attempts(course.module("toets")) is None  # retake: true
    assert max_attempts(course.module("wijk")) == 1
    assert [q.id for q in question_set(course.module("toets"))] == ["v1", "v2"]
    assert within(0.1, 3) == pytest.approx(1 - 0.9**3)
    assert within(0.001, None) == 1.0 and within(0.0, None) == 0.0


def test_wilson_interval() -> None:
    est = wilson(0, 1000)
    assert est.p == 0 and est.low == pytest.approx(0, abs=1e-12) and est.high == pytest.approx(0.00383, abs=1e-4)
    est = wilson(500, 1000)
    assert est.low == pytest.approx(0.469, abs=1e-3) and est.high == pytest.approx(0.531, abs=1e-3)


def test_positions_and_longest_answers_of_the_polarisatie_toets() -> None:
    course, _ = load_course(POLARISATIE)
    assert course is not None
    found = positions(course, "toets")
    assert found is not None
    # an assessment shuffles its answers per attempt: no position to cluster on; lengths still tell
    assert (found.questions, found.single_answer, found.correct_at) == (12, 0, [0, 0, 0, 0])
    assert (found.longest_correct, found.longest_questions) == (0, 9)
    unshuffled = course.model_copy(update={"modules": [
        m.model_copy(update={"scenes": [s.model_copy(update={"shuffle": False}) for s in m.scenes]}) for m in course.modules
    ]})
    unshuffled._idx = None  # the copy would keep the original's index
    found = positions(unshuffled, "toets")
    assert found is not None
    # in the file's order too, the right answer stands on every position equally often
    assert (found.questions, found.single_answer, found.correct_at) == (12, 12, [3, 3, 3, 3])
    always = {g.position: (g.score, g.passes) for g in found.constant}
    assert always == {1: (3, False), 2: (3, False), 3: (3, False), 4: (3, False)}


def test_chances_read_well() -> None:
    assert [chance(p) for p in (0, 0.0012, 0.05, 0.333, 1, 1e-9)] == [
        "0%", "0.12%", "5%", "33%", "100%", "less than 0.001%"]
