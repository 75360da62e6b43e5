"""What a situation is: the parts of a learner's state that decide where they can go.

Two states are the same situation when everything a condition on a choice or a place
could ever read is equal: the scene, flags, variables, notebook entries, the visit counts
that conditions look at, once-only choices taken, and the score where a choice's condition
reads it. A counter that only goes one way is capped where no condition can tell its
values apart any more, so a loop that counts stays a loop. Between modules a learner
carries only what later modules read. Runs of plain 'Continue' scenes are walked in one
step, and every page has a reading time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elearning.course import conditions
from elearning.course.checks import iter_conditions
from elearning.course.model import Course, Module
from elearning.engine import play
from elearning.engine.state import State


@dataclass
class Observed:
    """The parts of a state that conditions can read, for the whole course."""

    visit_caps: dict[str, int] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)
    kinds: set[str | None] = field(default_factory=set)
    score_in_choices: bool = False
    percentage_in_choices: bool = False
    var_caps: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # see variable_caps


def merge(parts: list[Observed]) -> Observed:
    """What any of the parts reads (var_caps are for the whole course and are not merged)."""
    obs = Observed()
    for part in parts:
        for scene, cap in part.visit_caps.items():
            obs.visit_caps[scene] = max(obs.visit_caps.get(scene, 1), cap)
        obs.flags |= part.flags
        obs.variables |= part.variables
        obs.entries |= part.entries
        obs.kinds |= part.kinds
        obs.score_in_choices |= part.score_in_choices
        obs.percentage_in_choices |= part.percentage_in_choices
    return obs


def observe(course: Course, module: Module | None = None) -> Observed:
    """What the conditions that decide where a learner can go read (text-block conditions only
    change a page's text, so they are left out): of the whole course, or of one module."""
    obs = Observed()
    source = course if module is None else Course.model_construct(meta=course.meta, modules=[module])
    for scene, text in iter_conditions(source, blocks=False):
        node = course.condition(text)
        assert node is not None  # noqa: S101 - iter_conditions yields only present conditions
        top = _max_constant(node)
        for fn, arg, _ in conditions.references(node):
            if fn == "visited":
                obs.visit_caps[arg] = max(obs.visit_caps.get(arg, 1), top + 1)
            elif fn == "flag":
                obs.flags.add(arg)
            elif fn == "var":
                obs.variables.add(arg)
            elif fn == "has":
                obs.entries.add(arg)
            elif fn == "count":
                obs.kinds.add(arg)
            elif fn in ("done", "done_count"):
                pass  # resolved below through the locations
        if _calls_without_argument(node, "count"):
            obs.kinds.add(None)  # count() of all entries
        obs.score_in_choices |= conditions.uses(node, "score")
        obs.percentage_in_choices |= conditions.uses(node, "percentage")
        _observe_locations(course, obs, node, scene.id)
    return obs


def variable_caps(course: Course) -> dict[str, tuple[int | None, int | None]]:
    """Per variable, the (lowest, highest) value still worth telling apart.

    Conditions that compare a variable with numbers up to N alone cannot tell N + 1 from
    N + 2; and a variable that only ever goes up (or only down) never comes back below
    (above) that. Capping such a variable keeps a counter that goes up in a loop from making
    new situations without end, so the loop shows up as a loop (and its points as farming).
    """
    tops: dict[str, int] = {}
    unsafe: set[str] = set()
    for _, text in iter_conditions(course, blocks=False):
        node = course.condition(text)
        top = _max_constant(node)
        stack: list[Any] = [node]
        while stack:
            n = stack.pop()
            if n[0] == "call" and n[1] == "var":  # as a truth value: != 0
                tops[n[2]] = max(tops.get(n[2], 0), top)
            elif n[0] == "cmp":
                for side, other in ((n[2], n[3]), (n[3], n[2])):
                    if side[0] == "call" and side[1] == "var":
                        tops[side[2]] = max(tops.get(side[2], 0), top)
                        if other[0] != "num":
                            unsafe.add(side[2])
                    else:
                        stack.append(side)
            else:
                stack.extend(x for x in n[1:] if isinstance(x, tuple))
    up: set[str] = set()
    down: set[str] = set()
    for module in course.modules:
        for scene in module.scenes:
            for ch in (*scene.choices, *scene.answers, *([scene.on_enter] if scene.on_enter else [])):
                for name, delta in ch.add.items():
                    if delta > 0:
                        up.add(name)
                    elif delta < 0:
                        down.add(name)
    caps: dict[str, tuple[int | None, int | None]] = {}
    for name, top in tops.items():
        if name in unsafe or (name in up and name in down):
            continue
        if name in up:
            caps[name] = (None, top + 1)
        elif name in down:
            caps[name] = (-top - 1, None)
    return caps


def _capped(value: int, cap: tuple[int | None, int | None]) -> int:
    low, high = cap
    if high is not None and value > high:
        return high
    if low is not None and value < low:
        return low
    return value


def _observe_locations(course: Course, obs: Observed, node: Any, scene_id: str) -> None:
    """done(x) reads x's first scene; done_count(hub) the hub's places; done_count() the module's."""
    def mark(loc: Any) -> None:
        if loc.done_when is None:
            obs.visit_caps.setdefault(loc.goto, 1)

    for fn, arg, _ in conditions.references(node):
        if fn == "done":
            mark(course.location(arg)[1])
        elif fn == "done_count":
            for loc in course.scene(arg).locations:
                mark(loc)
    if _calls_without_argument(node, "done_count"):
        for scene in course.module_of(scene_id).scenes:
            for loc in scene.locations:
                mark(loc)


def _calls_without_argument(node: Any, fn: str) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == "call" and n[1] == fn and n[2] is None:
            return True
        stack.extend(x for x in n[1:] if isinstance(x, tuple))
    return False


def _max_constant(node: Any) -> int:
    best = 1
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == "num":
            best = max(best, abs(n[1]))
        stack.extend(x for x in n[1:] if isinstance(x, tuple))
    return best


def situation_key(state: State, obs: Observed, with_score: bool, entries: frozenset[str] | None) -> tuple[Any, ...]:
    """What tells situations apart: only what some choice's condition can read (flags, variables
    and entries read by text blocks alone would split situations without end, for instance a
    variable counted up in a loop)."""
    caps = obs.visit_caps
    visits = tuple((s, min(n, caps[s])) for s, n in state.visits if s in caps)
    return (
        state.scene,
        state.flags & obs.flags,
        tuple((n, _capped(v, obs.var_caps[n]) if n in obs.var_caps else v) for n, v in state.vars
              if n in obs.variables),
        state.notebook if entries is None else state.notebook & entries,
        visits,
        state.once,
        state.score if with_score else None,
    )


def entries_read(course: Course, obs: Observed) -> frozenset[str] | None:
    """The notebook entries some condition can tell apart; None when count() reads them all."""
    if None in obs.kinds:
        return None
    return frozenset(obs.entries) | frozenset(e.id for e in course.meta.notebook.entries if e.kind in obs.kinds)


def carry(state: State, later: Observed, course: Course) -> State:
    """The state a learner starts the next module with, stripped of what nothing later reads."""
    keep_all_entries = None in later.kinds
    notebook = frozenset(
        e for e in state.notebook
        if keep_all_entries or e in later.entries or course.entry(e).kind in later.kinds
    )
    return state.evolve(
        flags=frozenset(f for f in state.flags if f in later.flags),
        vars=tuple(p for p in state.vars if p[0] in later.variables),
        notebook=notebook,
        visits=tuple(p for p in state.visits if p[0] in later.visit_caps),
        once=frozenset(),
        results=(),
        feedback=(),
        step=0,
    )


class PageTimer:
    """Reading time of pages: words at the course's reading speed, plus a scene's own minutes and
    the time to decide on a choice."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.wpm = course.meta.words_per_minute
        self.decision = course.meta.seconds_per_decision
        self._words: dict[str, int] = {}
        self._base: dict[str, tuple[float, list[tuple[str | None, int]]]] = {}

    def words(self, text: str) -> int:
        n = self._words.get(text)
        if n is None:
            n = len(text.split())
            self._words[text] = n
        return n

    def page(self, state: State, scene_id: str | None = None) -> float:
        """Seconds to read the page a state shows (or scene_id in that state), think, and decide."""
        sid = scene_id or state.scene
        base = self._base.get(sid)
        if base is None:
            base = self._base[sid] = self._static(sid)
        seconds, blocks = base
        if scene_id is None or scene_id == state.scene:
            seconds += sum(self.words(f) for f in state.feedback) * 60.0 / self.wpm
        for when, words in blocks:
            if play.holds(self.course, state, when):
                seconds += words * 60.0 / self.wpm
        return seconds

    def _static(self, scene_id: str) -> tuple[float, list[tuple[str | None, int]]]:
        scene = self.course.scene(scene_id)
        words = self.words(scene.text)
        words += sum(self.words(c.label) for c in scene.choices) + sum(self.words(a.text) for a in scene.answers)
        words += sum(self.words(line.text) for line in scene.dialogue if not line.when)
        if scene.open is not None:
            words += self.words(scene.open.model_answer or "") + sum(self.words(c) for c in scene.open.checklist)
        seconds = words * 60.0 / self.wpm + (scene.minutes or 0) * 60.0
        if scene.type != "end":
            seconds += self.decision
        shown_when = [(b.when, b.text) for b in scene.blocks] + [(ln.when, ln.text) for ln in scene.dialogue if ln.when]
        return seconds, [(when, self.words(text)) for when, text in shown_when]


class Chains:
    """Runs of plain 'Continue' scenes, walked in one step.

    A scene with a single choice that has no condition, effect, points, feedback or
    once-rule, and whose visits no condition reads, always leads to the same place
    and changes nothing that matters; the explorer jumps over such runs instead of
    making a situation of every scene on the way.
    """

    def __init__(self, course: Course, obs: Observed) -> None:
        self.course = course
        self.next: dict[str, str] = {}
        for module in course.modules:
            for scene in module.scenes:
                if scene.type != "scene" or len(scene.choices) != 1 or scene.id in obs.visit_caps or scene.on_enter:
                    continue  # (passing a scene by is not entering it: its on_enter would be missed)
                ch = scene.choices[0]
                if ch.when or ch.once or ch.points or ch.feedback or ch.flags or ch.set or ch.add or ch.notebook:
                    continue
                self.next[scene.id] = ch.goto

    def walk(self, state: State, timer: PageTimer) -> tuple[State, float, list[str]]:
        """The state after the run that starts at state.scene, the seconds spent on the way, the scenes passed."""
        passed: list[str] = []
        seconds = 0.0
        scene = state.scene
        seen = {scene}
        while scene in self.next:
            target = self.next[scene]
            if target in seen:  # a loop of plain scenes: leave it to the loop checks
                return state, 0.0, []
            seen.add(target)
            passed.append(scene)
            seconds += timer.page(state, scene)
            scene = target
        if not passed:
            return state, 0.0, []
        return play.enter(self.course, state, scene), seconds, passed

