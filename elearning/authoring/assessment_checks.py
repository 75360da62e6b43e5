"""The checks of `validate` on the assessment: guessing, answer positions and the pass rule.

- error: the pass rule can never be met (proven over every outcome of the course);
- warning: a random guesser passes within the attempts allowed with a chance above the
  course's `assessment: max_guess_pass` (default 5%);
- warning: the correct answers of a module's questions cluster on one position, or the
  longest answer is the correct one in most questions;
- warning: a module that cannot be retaken can leave a learner below the pass rule for good.
"""

from __future__ import annotations

from elearning.authoring.assessment import Assessment, Positions, attempts_text, chance, describe
from elearning.authoring.guessing import max_attempts
from elearning.course.compilation import Compilation
from elearning.course.model import Course
from elearning.course.problems import Text, text
from elearning.engine import play
from elearning.i18n import N_

MIN_QUESTIONS = 4  # fewer questions say too little about positions and lengths
CLUSTER_SHARE = 0.5  # more than this share of the correct answers on one position
LONGEST_SHARE = 0.5  # the longest answer correct in more than this share of the questions


def check_assessment(comp: Compilation, course: Course, found: Assessment,
                     extremes: dict[str, tuple[int, int]] | None) -> None:
    """extremes: per module its lowest and highest score, when the whole course was explored."""
    _check_reach(comp, course, found)
    _check_guessing(comp, course, found)
    counting = set(course.meta.modules) if course.meta.passing.percentage > 0 else set(play.required_modules(course))
    for p in found.positions:
        if p.module in counting:
            _check_positions(comp, course, p)
    if extremes is not None:
        _check_sinks(comp, course, extremes)


def _check_reach(comp: Compilation, course: Course, found: Assessment) -> None:
    if found.reachable is not False:
        return
    top = sum(found.module_max.values())
    named = play.required_modules(course)
    modules = ", ".join(repr(m) for m in named)
    parts: list[Text] = []
    if named:
        parts.append(text(N_("passes modules {modules}") if len(named) > 1 else N_("passes module {modules}"), modules=modules))
    if course.meta.passing.percentage > 0:
        parts.append(text(N_("reaches {percentage}% of the {top} points of the course"),
                          percentage=f"{course.meta.passing.percentage:g}", top=top))
    join_parts: Text | str = text(N_("{one} and {other}"), one=parts[0], other=parts[1]) if len(parts) == 2 else (parts[0] if parts else "")
    comp.add(comp.course_doc, ("pass",),
             text(N_('the course pass mark cannot be reached: no path through the course {join_parts} (the course total ranges from {lowest_total} to {highest_total}); lower the pass mark or give more points on the paths that pass'), join_parts=join_parts, lowest_total=found.lowest_total, highest_total=found.highest_total), key=True)


def _check_guessing(comp: Compilation, course: Course, found: Assessment) -> None:
    if found.guess is None or found.within is None or found.guess.p <= 0:
        return
    limit = course.meta.assessment.max_guess_pass
    if found.within * 100 <= limit:
        return
    allowed = text(N_("more than the {limit}% that 'assessment: max_guess_pass' allows"), limit=f"{limit:g}")
    message: Text
    if found.attempts is None:
        retakable = [m.id for m in course.modules if max_attempts(m) is None]
        names = ", ".join(repr(m) for m in retakable)
        modules = text(N_("modules {names}") if len(retakable) > 1 else N_("module {names}"), names=names)
        pe = course.meta.pe
        points: Text | str = ""
        if pe:
            points = text(N_("; the course awards {points} PE point") if pe.points == 1
                          else N_("; the course awards {points} PE points"), points=f"{pe.points:g}")
        message = text(N_("a random guesser passes the course with a chance of {chance} in one attempt, and {modules} "
                          "may be retaken without limit, so guessing passes in the end ({allowed}{points}); limit the "
                          "retakes, ask more questions or raise the pass mark"),
                       chance=describe(found.guess), modules=modules, allowed=allowed, points=points)
    else:
        message = text(N_("a random guesser passes the course with a chance of {chance} within the {attempts} allowed "
                          "({guess} in one attempt), {allowed}; ask more questions, raise the pass mark or allow fewer "
                          "attempts"), chance=chance(found.within), attempts=attempts_text(found.attempts),
                       guess=describe(found.guess), allowed=allowed)
    comp.add(comp.course_doc, ("pass",), message, "warning", key=True)


def _check_positions(comp: Compilation, course: Course, p: Positions) -> None:
    doc = comp.module_docs[p.module]
    if p.single_answer >= MIN_QUESTIONS:
        most = max(p.correct_at)
        position = p.correct_at.index(most) + 1
        if most > CLUSTER_SHARE * p.single_answer:
            guesser = p.constant[position - 1]
            outcome = "" if guesser.passes is None else " and passes" if guesser.passes else " and still fails"
            comp.add(doc, ("id",),
                     text(N_("the correct answer is answer {position} in {most} of the {single_answer} questions of module '{module}' with one correct answer; a learner who always picks answer {position} scores {score} of the {max} points{outcome}; vary the position of the correct answer"), position=position, most=most, single_answer=p.single_answer, module=p.module, score=guesser.score, max=course.max_scores.get(p.module, 0), outcome=outcome), "warning")
    if p.longest_questions >= MIN_QUESTIONS and p.longest_correct > LONGEST_SHARE * p.longest_questions:
        comp.add(doc, ("id",),
                 text(N_("in {longest_correct} of the {longest_questions} questions of module '{module}' the longest answer is the correct one, so a learner can pick it without knowing; make the wrong answers as long and as careful as the right one"), longest_correct=p.longest_correct, longest_questions=p.longest_questions, module=p.module), "warning")


def _check_sinks(comp: Compilation, course: Course, extremes: dict[str, tuple[int, int]]) -> None:
    """A module that cannot be retaken and can leave a learner below the pass rule for good."""
    named = set(play.required_modules(course))
    pct = course.meta.passing.percentage
    top = sum(course.max_scores.get(m, 0) for m in course.meta.modules)
    best = sum(high for _, high in extremes.values())
    for module in course.modules:
        if max_attempts(module) != 1:  # retakes (limited or not) are the learner's way back
            continue
        low, high = extremes[module.id]
        if module.id in named and module.pass_percentage and not play._reaches(
                low, module.pass_percentage, course.max_scores.get(module.id, 0)):
            comp.add(comp.module_docs[module.id], ("pass_percentage",),
                     text(N_("module '{module}' cannot be retaken, and a learner who scores {low} of its {max} points fails its pass mark of {pass_percentage}%; 'pass' requires it, so that learner can never pass the course; allow 'retake: true' or let the module's points count less"), module=module.id, low=low, max=course.max_scores.get(module.id, 0), pass_percentage=f"{module.pass_percentage:g}"), "warning")
        elif pct > 0 and not play._reaches(best - high + low, pct, top):
            comp.add(comp.course_doc, ("pass", "percentage"),
                     text(N_("module '{module}' cannot be retaken, and a learner who scores {low} of its {max} points there stays below the course pass mark of {pct}% ({top} points in all) for good, however well they do in the rest; allow 'retake: true' on module '{module}' or lower 'percentage' under 'pass'"), module=module.id, low=low, max=course.max_scores.get(module.id, 0), pct=f"{pct:g}", top=top), "warning")
