"""Is the assessment credible? The guessing analysis and the reach of the pass rule.

From the explored course: the chance that a random guesser passes (guessing.py), within the
attempts the course allows; what a learner who always picks the same answer position
scores (as the file orders the answers, before any shuffling); how the correct answers
spread over the positions; how often the longest answer is the correct one; and the lowest
and highest course total. `explore` prints it, `validate` turns it into warnings and errors
(assessment_checks.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from elearning.authoring.guessing import (
    Estimate,
    Outcomes,
    max_attempts,
    outcomes,
    question_set,
    within,
)
from elearning.authoring.paths import SituationGraph
from elearning.course.model import Course, Scene
from elearning.engine import play
from elearning.engine.assessment import shuffles_answers


@dataclass(frozen=True)
class ConstantGuesser:
    position: int  # 1-based, as the file orders the answers
    score: int  # points from the module's questions
    passes: bool | None  # passes the module's pass mark (None: the module has none)


@dataclass(frozen=True)
class Positions:
    """One module's questions, answered by position."""

    module: str
    questions: int
    correct_at: list[int]  # per position (1st, 2nd, ...): the questions whose answer there is correct
    single_answer: int  # questions with one correct answer (correct_at counts those the same)
    constant: list[ConstantGuesser]
    longest_correct: int  # questions whose one longest answer is correct
    longest_questions: int  # questions with one longest answer


@dataclass(frozen=True)
class Assessment:
    guess: Estimate | None  # the course passed in one attempt (None: the course was not explored completely)
    modules: dict[str, Estimate]  # per module the pass rule names, one try
    attempts: int | None  # attempts allowed (None: without limit)
    within: float | None  # passed within the attempts allowed
    lowest_total: int  # lowest and highest course total
    highest_total: int
    exact_totals: bool  # the totals are those that can happen (else the sums of the module extremes)
    reachable: bool | None  # can the pass rule be met at all (None: not known)
    module_max: dict[str, int]
    positions: list[Positions]


def course_attempts(course: Course) -> int | None:
    """The attempts a learner has at the course's pass rule: the most any module it names allows."""
    named = play.required_modules(course) or list(course.meta.modules)
    counts = [max_attempts(course.module(m)) for m in named if m in {x.id for x in course.modules}]
    if any(c is None for c in counts):
        return None
    return max((c for c in counts if c is not None), default=1)


def assess(course: Course, graphs: dict[str, SituationGraph], lowest: int, highest: int) -> Assessment:
    """lowest and highest: the sums of the modules' lowest and highest scores (the explorer's)."""
    found: Outcomes | None = outcomes(course, graphs)
    attempts = course_attempts(course)
    exact = found is not None and found.lowest is not None and found.highest is not None
    return Assessment(
        guess=found.passed if found else None,
        modules=found.modules if found else {},
        attempts=attempts,
        within=within(found.passed.p, attempts) if found else None,
        lowest_total=found.lowest if found and found.lowest is not None else lowest,
        highest_total=found.highest if found and found.highest is not None else highest,
        exact_totals=exact,
        reachable=found.reachable if found else None,
        module_max={m: course.max_scores.get(m, 0) for m in course.meta.modules},
        positions=[p for m in course.modules if (p := positions(course, m.id)) is not None],
    )


def _picked(scene: Scene, position: int) -> int:
    answer = scene.answers[min(position, len(scene.answers)) - 1]
    return max(0, answer.score) if scene.multiple else answer.score


def positions(course: Course, module_id: str) -> Positions | None:
    module = course.module(module_id)
    questions = question_set(module)
    if not questions:
        return None
    # where answers are shuffled per attempt (engine/assessment.py), a position means nothing
    fixed = [q for q in questions if not shuffles_answers(module, q)]
    width = max(len(q.answers) for q in questions)
    single = [q for q in fixed if sum(a.correct for a in q.answers) == 1]
    correct_at = [sum(1 for q in single if i < len(q.answers) and q.answers[i].correct) for i in range(width)]
    constant = []
    for pos in range(1, width + 1 if fixed else 1):
        score = sum(_picked(q, pos) for q in fixed)
        passes = None
        if module.pass_percentage is not None:
            passes = play._reaches(score, module.pass_percentage, course.max_scores.get(module_id, 0))
        constant.append(ConstantGuesser(pos, score, passes))
    longest_correct = longest_questions = 0
    for q in questions:
        lengths = Counter(len(a.text) for a in q.answers)
        top = max(lengths)
        if lengths[top] == 1:
            longest_questions += 1
            longest_correct += next(a for a in q.answers if len(a.text) == top).correct
    return Positions(module_id, len(questions), correct_at, len(single), constant, longest_correct, longest_questions)


def chance(p: float) -> str:
    """A chance as an author reads it: 12%, 0.31%, less than 0.001%."""
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    pct = p * 100
    if pct < 0.001:
        return "less than 0.001%"
    return f"{pct:.2g}%" if pct < 10 else f"{pct:.0f}%"


def describe(estimate: Estimate) -> str:
    if estimate.exact:
        return chance(estimate.p)
    return f"about {chance(estimate.p)} (95% interval {chance(estimate.low)} to {chance(estimate.high)}, " \
           f"{estimate.samples:,} sampled guessers)"


def attempts_text(attempts: int | None) -> str:
    if attempts is None:
        return "unlimited retakes"
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def report_lines(course: Course, found: Assessment) -> list[str]:
    """The assessment part of `elearning explore`."""
    lines = []
    top = sum(found.module_max.values())
    maxima = ", ".join(f"{m} {v}" for m, v in found.module_max.items())
    kind = "" if found.exact_totals else " (bounds: the sums of the module extremes)"
    lines.append(f"course total: lowest {found.lowest_total}, highest {found.highest_total} of {top} points{kind}; "
                 f"module maxima: {maxima}")
    rules = course.meta.passing
    named = play.required_modules(course)
    rule = [f"{rules.percentage:g}% of the course total"] if rules.percentage > 0 else []
    rule += [f"module '{m}' passed ({course.module(m).pass_percentage or 0:g}%)" for m in named]
    lines.append(f"pass rule: {' and '.join(rule) or 'none'}; "
                 + ("can be met" if found.reachable else "can NOT be met" if found.reachable is False
                    else "not known whether it can be met"))
    if found.guess is None:
        lines.append("random guesser: not computed (the course was not explored completely)")
    else:
        within_text = ("passes in the end" if found.attempts is None and found.guess.p > 0
                       else chance(found.within or 0))
        lines.append(f"random guesser passes the course: {describe(found.guess)} in one attempt; "
                     f"{attempts_text(found.attempts)}: {within_text}")
        for mid, est in found.modules.items():
            lines.append(f"  module '{mid}' passed in one try: {describe(est)}")
    for p in found.positions:
        spread = ", ".join(f"{i + 1}: {n}" for i, n in enumerate(p.correct_at))
        lines.append(f"{p.module}: {p.questions} questions; correct answer by position "
                     f"(of {p.single_answer} with one correct answer): {spread}")
        guessers = "; ".join(
            f"always answer {g.position}: {g.score} points" + ("" if g.passes is None else
                                                               " (passes)" if g.passes else " (fails)")
            for g in p.constant)
        lines.append(f"{p.module}: {guessers or 'answers shuffled per attempt: no position scores by itself'}")
        lines.append(f"{p.module}: the longest answer is correct in {p.longest_correct} of "
                     f"{p.longest_questions} questions with one longest answer")
    return lines
