"""The rules of play: pure functions over (Course, State) -> (State, events).

    state, events = start(course, seed=1234)  # the seed orders answers and draws pools (assessment.py)
    page = view(course, state, now=...)       # what to show: text, choices, map, answers
    state, events = choose(course, state, page.choices[0].id, now=...)
    state, events = answer(course, state, ["a", "c"], now=...)   # on a question scene
    state, events = write(course, state, "My answer ...")           # on an open scene

Choice ids are local to the current scene: an author's `id`, or `c1`, `c2`, ...
by position; a hub location is `loc-<location id>`; an end scene offers
`next` (onward, or finish the course) and `retake` (where the module allows); a question
just answered shows how it went (the module's `reveal`) and offers `continue`.
An open scene takes the learner's text with `write` (its length checked; the text itself is
the caller's to store, never in the state or the events), then shows the model answer and
checklist and offers `continue`, which may carry the checklist points the learner ticked.
`now` (seconds since 1970) is the caller's clock: the engine has none; without it there is
no waiting time between retakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elearning.course import conditions
from elearning.course.model import Answer, Choice, Course, Effects, Location, Scene
from elearning.engine.assessment import (
    answer_id,
    choice_id,
    choice_value,
    choices_in_order,
    new_round,
    retake_block,
    skipped,
)
from elearning.engine.pages import (
    ChoiceView,
    LocationView,
    Page,
    answer_feedback,
    answer_views,
    is_correct,
    summary,
)
from elearning.engine.state import ModuleResult, State, with_item
from elearning.engine.values import DialogueLine, page_values
from elearning.i18n import translator

Event = dict[str, Any]


class EngineError(Exception):
    """Base of the engine's typed errors."""


class ChoiceUnavailable(EngineError):
    def __init__(self, scene: str, choice: str, reason: str) -> None:
        super().__init__(f"Choice {choice!r} is not available on scene {scene!r}: {reason}")
        self.scene, self.choice, self.reason = scene, choice, reason


class WrongCourse(EngineError):
    pass


class TextRejected(ChoiceUnavailable):
    """An open answer that is too short or too long (`reason`: 'too_short' or 'too_long')."""


# -- facts: conditions read the state through this -------------------------------
class StateFacts:
    __slots__ = ("course", "state")

    def __init__(self, course: Course, state: State) -> None:
        self.course, self.state = course, state

    def visited(self, scene: str) -> int:
        return self.state.visit_count(scene)

    def flag(self, name: str) -> bool:
        return name in self.state.flags

    def var(self, name: str) -> int:
        return self.state.var(name)

    def has(self, entry: str) -> bool:
        return entry in self.state.notebook

    def count(self, kind: str | None) -> int:
        if kind is None:
            return len(self.state.notebook)
        entry = self.course.entry
        return sum(1 for e in self.state.notebook if entry(e).kind == kind)

    def done(self, location: str) -> bool:
        return location_done(self.course, self.state, self.course.location(location)[1])

    def done_count(self, hub: str | None) -> int:
        # A hub page's conditions ask this again and again of the same state.
        return self.state.memo(f"done_count:{hub}", lambda: self._done_count(hub))

    def _done_count(self, hub: str | None) -> int:
        if hub is None:
            hubs = [s for s in self.course.module(self.state.module).scenes if s.type == "hub"]
        else:
            hubs = [self.course.scene(hub)]
        return sum(1 for h in hubs for loc in h.locations if location_done(self.course, self.state, loc))

    def score(self) -> int:
        return self.state.score

    def percentage(self) -> int:
        top = self.course.max_scores.get(self.state.module, 0)
        return (self.state.score * 100) // top if top > 0 else 0


def holds(course: Course, state: State, text: str | None) -> bool:
    return conditions.holds(course.condition(text), StateFacts(course, state))


def location_done(course: Course, state: State, loc: Location) -> bool:
    if loc.done_when is not None:
        return holds(course, state, loc.done_when)
    return state.visit_count(loc.goto) > 0


# -- what a page shows ------------------------------------------------------------
def _scene_choices(course: Course, state: State, scene: Scene,
                   now: int | None = None) -> list[tuple[str, Any, bool, str | None]]:
    """(id, choice-or-location-or-keyword, available, reason) for every choice of the scene."""
    out: list[tuple[str, Any, bool, str | None]] = []
    if scene.type in ("question", "open") and state.reviewing:
        return [("continue", "continue", True, None)]
    if scene.type == "open":
        return []  # the learner writes (`write`); `moves` offers that to the explorer
    if scene.type == "hub":
        for loc in scene.locations:
            ok = holds(course, state, loc.when)
            out.append((f"loc-{loc.id}", loc, ok, None if ok else loc.reason))
    for i, ch in choices_in_order(course, state, scene, list(enumerate(scene.choices))):
        cid = choice_id(ch, i)
        if ch.once and f"{scene.id}/{cid}" in state.once:
            _ = translator(course.meta.language)
            out.append((cid, ch, False, _("already chosen")))
            continue
        ok = holds(course, state, ch.when)
        out.append((cid, ch, ok, None if ok else ch.reason))
    if scene.type == "end":
        module = course.module(state.module)
        if module.retake:
            block = retake_block(module, state, now)
            out.append(("retake", "retake", block is None, block[0] if block else None))
        if not _is_last_module(course, state.module):
            out.append(("next", "next", True, None))
    return out


def view(course: Course, state: State, now: int | None = None) -> Page:
    _check(course, state)
    scene = course.scene(state.scene)
    texts = [scene.text] if scene.text else []
    texts += [b.text for b in scene.blocks if holds(course, state, b.when)]
    choices: list[ChoiceView] = []
    locations: list[LocationView] = []
    for cid, item, ok, reason in _scene_choices(course, state, scene, now):
        if isinstance(item, Location):
            locations.append(
                LocationView(
                    item.id, cid, item.label, item.x, item.y, item.description, ok,
                    location_done(course, state, item), reason,
                )
            )
        elif isinstance(item, Choice):
            if ok or item.unavailable == "show":
                choices.append(ChoiceView(cid, item.label, ok, reason, value=choice_value(course, state, scene, cid)))
        else:
            block = retake_block(course.module(state.module), state, now) if cid == "retake" else None
            choices.append(ChoiceView(cid, item, ok, reason, block[1] if block else None, cid))
    answered = dict(state.answered) if state.reviewing else {}
    answers = answer_views(course, state, scene, answered.get(scene.id), reveal=state.reviewing)
    dialogue = [DialogueLine(line.speaker, line.text) for line in scene.dialogue if holds(course, state, line.when)]
    page_summary = summary(course, state) if scene.type == "end" else []
    shown = [*texts, *state.feedback, *(c.label for c in choices), *(c.reason or "" for c in choices),
             *(a.text for a in answers), *(line.text for line in dialogue),
             *(t for review in page_summary for t in (review.scene.text, *review.feedback, *(a.text for a in review.answers)))]
    return Page(
        scene=scene,
        module=state.module,
        texts=texts,
        choices=choices,
        locations=locations,
        answers=answers,
        feedback=state.feedback,
        reviewing=state.reviewing,
        correct=is_correct(scene, answered[scene.id]) if scene.id in answered else None,
        summary=page_summary,
        result=state.result(state.module) if scene.type == "end" else None,
        this_try=state.score if scene.type == "end" else None,
        finished=state.finished,
        passed=state.passed,
        dialogue=dialogue,
        values=page_values(shown, StateFacts(course, state), course_score(course, state)[0]),
    )


# -- playing -------------------------------------------------------------------------
def start(course: Course, seed: int | None = None) -> tuple[State, list[Event]]:
    """A new attempt. `seed` (the caller's randomness) orders answers and draws pools; None keeps the file's order."""
    first = course.modules[0]
    state = State(course_hash=course.content_hash, module=first.id, scene=first.start, seed=seed)
    state = new_round(course, state.evolve(vars=tuple(sorted(course.meta.variables.items()))), first.id)
    return _enter(course, state, first.start, [{"type": "course_started", "course": course.id, **_drawn(state, first.id)}])


def choose(course: Course, state: State, choice: str, now: int | None = None) -> tuple[State, list[Event]]:
    _check(course, state)
    scene = course.scene(state.scene)
    for cid, item, ok, reason in _scene_choices(course, state, scene, now):
        if cid != choice:
            continue
        if not ok:
            raise ChoiceUnavailable(scene.id, choice, reason or "its condition does not hold")
        return apply(course, state, scene, cid, item, now)
    raise ChoiceUnavailable(scene.id, choice, "there is no such choice here")


def moves(course: Course, state: State) -> list[tuple[str, Any]]:
    """The (choice id, item) pairs available now; `apply` takes one. For the explorer: on an open
    scene, `write` stands for handing in an answer the scene accepts."""
    scene = course.scene(state.scene)
    if scene.type == "open" and not state.reviewing:
        return [("write", "write")]
    return [(cid, item) for cid, item, ok, _ in _scene_choices(course, state, scene) if ok]


def apply(course: Course, state: State, scene: Scene, cid: str, item: Any,
          now: int | None = None) -> tuple[State, list[Event]]:
    """Take an available choice (as found by _scene_choices); choose() checks availability first."""
    if item == "continue":
        # Every learner action is an event: going on from an answered question too.
        read: Event = {"type": "feedback_read", "scene": scene.id}
        target = after_answer(scene, dict(state.answered).get(scene.id, ())) if scene.type == "question" else scene.goto
        assert target is not None  # noqa: S101 - the compiler requires goto on questions and open scenes
        return _enter(course, state.evolve(reviewing=False, feedback=()), target, [read], now)
    if item == "write":
        return _written(course, state, scene, None)
    if item == "next":
        return _next_module(course, state)
    if item == "retake":
        return _retake(course, state)
    if isinstance(item, Location):
        ev: Event = {"type": "location_chosen", "scene": scene.id, "location": item.id}
        return _enter(course, state.evolve(feedback=()), item.goto, [ev])
    return _take(course, state, scene, cid, item)


def enter(course: Course, state: State, scene_id: str) -> State:
    """Move straight to a scene of the current module as if by a plain choice. For the explorer."""
    return _enter(course, state.evolve(feedback=()), scene_id, [])[0]


def answer(course: Course, state: State, answer_ids: list[str], now: int | None = None) -> tuple[State, list[Event]]:
    """Answer the current question. Where the module reveals after each question, the learner
    stays on it (`reviewing`) until `continue`; otherwise straight on, without feedback."""
    _check(course, state)
    scene = course.scene(state.scene)
    if scene.type != "question":
        raise ChoiceUnavailable(scene.id, ",".join(answer_ids), "this scene is not a question")
    if state.reviewing:
        raise ChoiceUnavailable(scene.id, ",".join(answer_ids), "this question is answered already")
    by_id = {answer_id(a, i): a for i, a in enumerate(scene.answers)}
    picked = list(dict.fromkeys(answer_ids))
    unknown = [a for a in picked if a not in by_id]
    if unknown or not picked or (len(picked) > 1 and not scene.multiple):
        why = "pick exactly one answer" if not scene.multiple else "pick one or more of the answers"
        if unknown:
            why = f"unknown answer {unknown[0]!r}"
        raise ChoiceUnavailable(scene.id, ",".join(answer_ids), why)
    chosen = [by_id[a] for a in picked]
    points = max(0, sum(a.score for a in chosen)) if scene.multiple else chosen[0].score
    ev: Event = {
        "type": "question_answered", "scene": scene.id, "answers": picked,
        "points": points, "correct": is_correct(scene, tuple(picked)),
    }
    events: list[Event] = [ev]
    for ans in chosen:
        state, effected = _effects(state, ans, events)
        if effected:
            ev.setdefault("effects", {}).update(effected)
    state = state.evolve(score=state.score + points, answered=(*state.answered, (scene.id, tuple(picked))))
    if course.module(state.module).reveal == "after_each":
        return state.evolve(reviewing=True, feedback=answer_feedback(scene, picked), step=state.step + 1), events
    return _enter(course, state.evolve(feedback=()), after_answer(scene, picked), events, now)


def after_answer(scene: Scene, picked: tuple[str, ...] | list[str]) -> str:
    """Where a question leads after these answers: the answer's own goto, else the question's."""
    if len(picked) == 1 and not scene.multiple:
        for i, ans in enumerate(scene.answers):
            if ans.goto and answer_id(ans, i) == picked[0]:
                return ans.goto
    assert scene.goto is not None  # noqa: S101 - the compiler requires goto where an answer has none
    return scene.goto


def open_length(text: str) -> int:
    """The length of an open answer as its limits count it: characters, without the blank ends."""
    return len(normalise_text(text).strip())


def normalise_text(text: str) -> str:
    """An open answer as stored: as typed, with the browser's line ends (CR LF) made plain LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def write(course: Course, state: State, text: str, now: int | None = None) -> tuple[State, list[Event]]:
    """Hand in the answer to the current open scene: then the model answer and checklist show,
    until `continue` (see `continue_open`). The text is the caller's to store."""
    _check(course, state)
    scene = course.scene(state.scene)
    if scene.type != "open" or scene.open is None:
        raise ChoiceUnavailable(scene.id, "write", "this scene does not ask for an open answer")
    if state.reviewing:
        raise ChoiceUnavailable(scene.id, "write", "this answer is handed in already")
    length = open_length(text)
    if length < scene.open.min_length:
        raise TextRejected(scene.id, "write", "too_short")
    if length > scene.open.max_length:
        raise TextRejected(scene.id, "write", "too_long")
    return _written(course, state, scene, length)


def _written(course: Course, state: State, scene: Scene, length: int | None) -> tuple[State, list[Event]]:
    assert scene.open is not None  # noqa: S101 - the compiler requires open: on an open scene
    ev: Event = {"type": "open_answer_submitted", "scene": scene.id, "review": scene.open.review}
    if length is not None:
        ev["length"] = length
    return state.evolve(reviewing=True, feedback=(), step=state.step + 1), [ev]


def continue_open(course: Course, state: State, checked: list[str] | None = None,
                  now: int | None = None) -> tuple[State, list[Event]]:
    """Go on from an open answer handed in; with self-assessment, `checked` holds the checklist
    points (k1, k2, ... by position) the learner says the answer covers."""
    _check(course, state)
    scene = course.scene(state.scene)
    if scene.type != "open" or scene.open is None or not state.reviewing:
        raise ChoiceUnavailable(scene.id, "continue", "there is no open answer to go on from here")
    known = checklist_ids(scene)
    picked = list(dict.fromkeys(checked or []))
    unknown = [k for k in picked if k not in known]
    if unknown:
        raise ChoiceUnavailable(scene.id, "continue", f"unknown checklist point {unknown[0]!r}")
    events: list[Event] = []
    if scene.open.self_assessment:
        events.append({"type": "open_answer_assessed", "scene": scene.id,
                       "checked": [k for k in known if k in picked], "of": len(known)})
    new, more = choose(course, state, "continue", now)
    return new, events + more


def checklist_ids(scene: Scene) -> list[str]:
    """The ids of an open scene's checklist points: k1, k2, ... by position."""
    return [f"k{i + 1}" for i in range(len(scene.open.checklist))] if scene.open else []


def answer_and_continue(course: Course, state: State, answer_ids: list[str]) -> tuple[State, list[Event]]:
    """Answer and go on past the review of the answer: for tools that walk a course (explorer,
    playthroughs). The feedback read on the review stays in the state, so study time counts it."""
    state, events = answer(course, state, answer_ids)
    if state.reviewing:
        feedback = state.feedback
        state, more = choose(course, state, "continue")
        state, events = state.evolve(feedback=feedback), events + more
    return state, events


def _take(course: Course, state: State, scene: Scene, cid: str, ch: Choice) -> tuple[State, list[Event]]:
    events: list[Event] = [{
        "type": "choice_made", "scene": scene.id, "choice": cid, "label": ch.label, "points": ch.points,
    }]
    state, _ = _effects(state, ch, events)
    once = state.once | {f"{scene.id}/{cid}"} if ch.once else state.once
    state = state.evolve(
        score=state.score + ch.points,
        once=once,
        feedback=(ch.feedback,) if ch.feedback else (),
    )
    return _enter(course, state, ch.goto, events)


def _effects(state: State, effects: Effects | Answer, events: list[Event]) -> tuple[State, dict[str, Any]]:
    """Apply flags, set, add and notebook; a notebook_entry_added event for each new entry.
    Returns the new state and what it changed (for the event that caused it)."""
    if not (effects.flags or effects.set or effects.add or effects.notebook):
        return state, {}
    flags = set(state.flags)
    for name, on in effects.flags.items():
        (flags.add if on else flags.discard)(name)
    variables = dict(state.vars)
    variables.update(effects.set)
    for name, delta in effects.add.items():
        variables[name] = variables.get(name, 0) + delta
    new_entries = [e for e in effects.notebook if e not in state.notebook]
    events += [{"type": "notebook_entry_added", "entry": e} for e in new_entries]
    state = state.evolve(
        flags=frozenset(flags),
        vars=tuple(sorted(variables.items())) if (effects.set or effects.add) else state.vars,
        notebook=state.notebook | frozenset(new_entries) if new_entries else state.notebook,
    )
    changed: dict[str, Any] = {key: value for key, value in (
        ("flags", dict(effects.flags)), ("set", dict(effects.set)), ("add", dict(effects.add)),
        ("notebook", list(effects.notebook)),
    ) if value}
    return state, changed


def _enter(course: Course, state: State, scene_id: str, events: list[Event],
           now: int | None = None) -> tuple[State, list[Event]]:
    passed_by: set[str] = set()
    while scene_id not in passed_by and skipped(course, state, scene_id):  # a pool question not drawn this try
        passed_by.add(scene_id)
        scene_id = course.scene(scene_id).goto or scene_id
    module = course.module_of(scene_id)
    state = state.evolve(
        scene=scene_id,
        module=module.id,
        step=state.step + 1,
        visits=with_item(state.visits, scene_id, state.visit_count(scene_id) + 1),
    )
    entered: Event = {"type": "scene_entered", "scene": scene_id, "module": module.id}
    events.append(entered)
    on_enter = course.scene(scene_id).on_enter
    if on_enter is not None:
        state, effected = _effects(state, on_enter, events)
        if effected:
            entered["effects"] = effected
    if course.scene(scene_id).type == "end":
        state, more = _finish_module(course, state, now)
        events += more
    return state, events


def _finish_module(course: Course, state: State, now: int | None) -> tuple[State, list[Event]]:
    module = course.module(state.module)
    top = course.max_scores.get(module.id, 0)
    passed = _reaches(state.score, module.pass_percentage or 0, top)
    before = state.result(module.id)
    tries = before.tries + 1 if before else 1
    result = ModuleResult(score=state.score, max=top, passed=passed, tries=tries, at=now)
    if before and (before.passed, before.score) > (result.passed, result.score):
        result = ModuleResult(before.score, before.max, before.passed, tries, now)  # keep the best try
    state = state.evolve(results=with_item(state.results, module.id, result))
    events: list[Event] = [{
        "type": "module_finished", "module": module.id, "score": state.score, "max": top,
        "passed": passed, "try": tries,
    }]
    if _is_last_module(course, module.id):
        ok = course_passed(course, state)
        state = state.evolve(finished=True, passed=ok)
        total, top_total = course_score(course, state)
        events.append({"type": "course_finished", "score": total, "max": top_total, "passed": ok})
    return state, events


def _next_module(course: Course, state: State) -> tuple[State, list[Event]]:
    ids = course.meta.modules
    nxt = course.module(ids[ids.index(state.module) + 1])
    state = new_round(course, state.evolve(score=0, feedback=()), nxt.id)
    return _enter(course, state, nxt.start, [{"type": "module_started", "module": nxt.id, **_drawn(state, nxt.id)}])


def _drawn(state: State, module_id: str) -> dict[str, Any]:
    questions = dict(state.drawn).get(module_id)
    return {"questions": list(questions)} if questions is not None else {}


def _retake(course: Course, state: State) -> tuple[State, list[Event]]:
    module = course.module(state.module)
    own = {s.id for s in module.scenes}
    state = state.evolve(
        score=0,
        feedback=(),
        visits=tuple(p for p in state.visits if p[0] not in own),
        once=frozenset(o for o in state.once if o.split("/", 1)[0] not in own),
        finished=False,
        passed=False,
    )
    state = new_round(course, state, module.id)
    return _enter(course, state, module.start, [{"type": "module_retaken", "module": module.id, **_drawn(state, module.id)}])


def _is_last_module(course: Course, module_id: str) -> bool:
    return course.meta.modules[-1] == module_id


def _check(course: Course, state: State) -> None:
    if state.course_hash != course.content_hash:
        raise WrongCourse(
            f"This attempt belongs to course version {state.course_hash[:12]}, not {course.content_hash[:12]}."
        )


# -- results ----------------------------------------------------------------------------
def course_score(course: Course, state: State) -> tuple[int, int]:
    total = sum(r.score for _, r in state.results)
    top = sum(course.max_scores.get(m, 0) for m in course.meta.modules)
    return total, top


def required_modules(course: Course) -> list[str]:
    rules = course.meta.passing
    if rules.modules is not None:
        return list(rules.modules)
    return [m.id for m in course.modules if m.pass_percentage is not None]


@dataclass(frozen=True, slots=True)
class PassCheck:
    """One requirement of passing the course and how the learner stands: a module's pass mark
    (module is its id) or the share of all points (module is None)."""

    module: str | None
    score: int
    max: int
    percentage: float
    passed: bool


def pass_checks(course: Course, state: State) -> list[PassCheck]:
    """What decides the course's pass, each with its own figures (a module not finished counts as 0)."""
    out = []
    for mid in required_modules(course):
        r = state.result(mid)
        top = course.max_scores.get(mid, 0)
        out.append(PassCheck(mid, r.score if r else 0, top, course.module(mid).pass_percentage or 0,
                             bool(r and r.passed)))
    if course.meta.passing.percentage > 0:
        total, top = course_score(course, state)
        out.append(PassCheck(None, total, top, course.meta.passing.percentage,
                             _reaches(total, course.meta.passing.percentage, top)))
    return out


def course_passed(course: Course, state: State) -> bool:
    for mid in required_modules(course):
        r = state.result(mid)
        if r is None or not r.passed:
            return False
    total, top = course_score(course, state)
    return _reaches(total, course.meta.passing.percentage, top)


def _reaches(score: int, percentage: float, top: int) -> bool:
    """score is at least percentage % of top; a pass mark of 0 asks nothing, not even 0 points
    (a learner who lost points on the way still passes it)."""
    return percentage <= 0 or score * 100 >= percentage * top


def progress_percent(course: Course, state: State) -> int:
    """How far the learner is, for a progress bar: finished modules, plus the share of places done
    on the current module's maps (100 only when the course is finished)."""
    if state.finished:
        return 100
    status = progress(course, state)
    done = sum(1 for s in status.values() if s == "done")
    places = [loc for s in course.module(state.module).scenes if s.type == "hub" for loc in s.locations]
    part = sum(location_done(course, state, loc) for loc in places) / len(places) if places else 0.0
    if status.get(state.module) == "done":
        part = 0.0
    return min(99, int(100 * (done + part) / len(course.meta.modules)))


def progress(course: Course, state: State) -> dict[str, str]:
    """Per module: 'done', 'current' or 'todo'."""
    out: dict[str, str] = {}
    for m in course.meta.modules:
        if state.result(m) is not None and not (m == state.module and not state.finished and
                                                 course.scene(state.scene).type != "end"):
            out[m] = "done"
        elif m == state.module:
            out[m] = "current"
        else:
            out[m] = "todo"
    return out
