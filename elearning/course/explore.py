"""Exploring every reachable situation of a course with the real engine.

For each module, a breadth-first search from every state a learner can enter it
in, using the engine's own `choose` and `answer`. Two states count as the same
situation when everything a condition could ever read is equal (scene, flags,
variables, notebook, the visit counts that conditions look at, once-only choices
taken, and the score where a choice's condition reads it). Points and reading
time live on the edges of the resulting graph, so scores and study times come
from path algorithms over the graph, not from storing every path.

From the graph: scenes never reached, dead ends, situations with no way to an
end, points that can be earned again and again in a loop, the highest and lowest
score, the number of distinct paths, and the shortest, median and longest study
time. Paths are counted over the graph with its loops contracted (a loop that
changes nothing is not a new path).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from elearning.course import conditions
from elearning.course.checks import iter_conditions, scene_homes
from elearning.course.model import Course, Module
from elearning.engine import play
from elearning.engine.state import State

if TYPE_CHECKING:
    from elearning.course.compiler import Compilation

DEFAULT_MAX_STATES = 300_000
_SAMPLES = 401


@dataclass(frozen=True)
class ModuleReport:
    module: str
    states: int
    paths: int
    ends_reached: list[str]
    ends_unreached: list[str]
    min_score: int
    max_score: int
    unreached: list[str]
    minutes: tuple[float, float, float]  # shortest, median, longest
    bound_hit: bool


@dataclass(frozen=True)
class Exploration:
    modules: list[ModuleReport]
    max_states: int

    @property
    def bound_hit(self) -> bool:
        return any(m.bound_hit for m in self.modules)

    @property
    def minutes(self) -> tuple[float, float, float]:
        """Shortest, typical (sum of module medians) and longest study time of the course."""
        return (
            sum(m.minutes[0] for m in self.modules),
            sum(m.minutes[1] for m in self.modules),
            sum(m.minutes[2] for m in self.modules),
        )

    def module(self, module_id: str) -> ModuleReport:
        return next(m for m in self.modules if m.module == module_id)


# -- what a situation is made of ---------------------------------------------------------
@dataclass
class _Observed:
    """The parts of a state that conditions can read, for the whole course."""

    visit_caps: dict[str, int] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)
    kinds: set[str | None] = field(default_factory=set)
    score_in_choices: bool = False
    percentage_in_choices: bool = False


def _observe(course: Course, scenes: set[str] | None = None) -> _Observed:
    """What conditions read: of the whole course, or only of the given scenes (and later ones)."""
    obs = _Observed()
    for scene, text in iter_conditions(course):
        if scenes is not None and scene.id not in scenes:
            continue
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
        if conditions.uses(node, "count") and not any(fn == "count" for fn, *_ in conditions.references(node)):
            obs.kinds.add(None)  # count() of all entries
        is_transition = any(text in (c.when,) for c in scene.choices) or any(text == loc.when for loc in scene.locations)
        if is_transition:
            obs.score_in_choices |= conditions.uses(node, "score")
            obs.percentage_in_choices |= conditions.uses(node, "percentage")
        if conditions.uses(node, "done") or conditions.uses(node, "done_count"):
            _observe_locations(course, obs)
    for module in course.modules:
        for scene in module.scenes:
            for loc in scene.locations:
                if loc.done_when is None and (scenes is None or scene.id in scenes):
                    obs.visit_caps.setdefault(loc.goto, 1)
    return obs


def _observe_locations(course: Course, obs: _Observed) -> None:
    for module in course.modules:
        for scene in module.scenes:
            for loc in scene.locations:
                if loc.done_when is None:
                    obs.visit_caps.setdefault(loc.goto, 1)


def _max_constant(node: Any) -> int:
    best = 1
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == "num":
            best = max(best, abs(n[1]))
        stack.extend(x for x in n[1:] if isinstance(x, tuple))
    return best


def _key(state: State, obs: _Observed, with_score: bool) -> tuple[Any, ...]:
    caps = obs.visit_caps
    visits = tuple((s, min(n, caps[s])) for s, n in state.visits if s in caps)
    return (
        state.scene,
        state.flags,
        state.vars,
        state.notebook,
        visits,
        state.once,
        state.score if with_score else None,
    )


def _carry(state: State, later: _Observed, course: Course) -> State:
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


# -- the graph of one module -------------------------------------------------------------------
@dataclass
class _Graph:
    scenes: list[str] = field(default_factory=list)
    edges: list[list[tuple[int, int, float]]] = field(default_factory=list)  # (target, points, seconds)
    entries: list[tuple[int, float]] = field(default_factory=list)  # (node, seconds of the first page)
    ends: list[int] = field(default_factory=list)
    end_states: list[State] = field(default_factory=list)
    collected: set[str] = field(default_factory=set)
    bound_hit: bool = False


class _Timer:
    def __init__(self, course: Course) -> None:
        self.course = course
        self.wpm = course.meta.words_per_minute
        self.decision = course.meta.seconds_per_decision
        self._words: dict[str, int] = {}

    def words(self, text: str) -> int:
        n = self._words.get(text)
        if n is None:
            n = len(text.split())
            self._words[text] = n
        return n

    def page(self, state: State) -> float:
        """Seconds to read the page a state shows, think, and decide."""
        scene = self.course.scene(state.scene)
        words = self.words(scene.text) + sum(self.words(f) for f in state.feedback)
        for block in scene.blocks:
            if play.holds(self.course, state, block.when):
                words += self.words(block.text)
        words += sum(self.words(c.label) for c in scene.choices) + sum(self.words(a.text) for a in scene.answers)
        seconds = words * 60.0 / self.wpm + (scene.minutes or 0) * 60.0
        if scene.type != "end":
            seconds += self.decision
        return seconds


def _moves(course: Course, state: State) -> list[tuple[State, list[dict[str, Any]]]]:
    scene = course.scene(state.scene)
    if scene.type == "end":
        return []
    if scene.type == "question":
        ids = [play.answer_id(a, i) for i, a in enumerate(scene.answers)]
        if scene.multiple:
            picks = [[ids[i] for i in range(len(ids)) if mask >> i & 1] for mask in range(1, 1 << len(ids))]
        else:
            picks = [[i] for i in ids]
        return [play.answer(course, state, p) for p in picks]
    out = []
    for cid, _item, ok, _reason in play._scene_choices(course, state, scene):
        if ok:
            out.append(play.choose(course, state, cid))
    return out


def _explore_module(course: Course, module: Module, entries: list[State], obs: _Observed,
                    max_states: int, timer: _Timer) -> _Graph:
    graph = _Graph()
    with_score = obs.score_in_choices or obs.percentage_in_choices
    index: dict[tuple[Any, ...], int] = {}
    queue: deque[tuple[int, State]] = deque()

    def node_for(state: State) -> tuple[int, bool]:
        key = _key(state, obs, with_score)
        found = index.get(key)
        if found is not None:
            return found, False
        n = len(graph.scenes)
        index[key] = n
        graph.scenes.append(state.scene)
        graph.edges.append([])
        return n, True

    for state in entries:
        n, new = node_for(state)
        graph.entries.append((n, timer.page(state)))
        if new:
            queue.append((n, state))
    while queue:
        if len(graph.scenes) > max_states:
            graph.bound_hit = True
            break
        n, state = queue.popleft()
        if course.scene(state.scene).type == "end":
            graph.ends.append(n)
            graph.end_states.append(state)
            continue
        for new_state, events in _moves(course, state):
            m, new = node_for(new_state)
            graph.edges[n].append((m, new_state.score - state.score, timer.page(new_state)))
            for ev in events:
                if ev["type"] == "notebook_entry_added":
                    graph.collected.add(ev["entry"])
            if new:
                queue.append((m, new_state))
    return graph


def _sccs(edges: list[list[tuple[int, int, float]]]) -> list[int]:
    """Tarjan's algorithm, iterative. Returns the component of every node; components are
    numbered in reverse topological order (a component's successors have lower numbers)."""
    n = len(edges)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    comp = [-1] * n
    stack: list[int] = []
    counter = 0
    ncomp = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            recurse = False
            out = edges[v]
            while i < len(out):
                w = out[i][0]
                i += 1
                if index[w] == -1:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if on_stack[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp[w] = ncomp
                    if w == v:
                        break
                ncomp += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comp


@dataclass
class _Analysis:
    report: ModuleReport
    dead_ends: set[str]
    no_exit: set[str]
    farming: set[tuple[str, int]]  # (scene, points) of edges inside loops that give points


def _analyse(course: Course, module: Module, graph: _Graph, timer: _Timer) -> _Analysis:
    edges, scenes = graph.edges, graph.scenes
    n = len(scenes)
    comp = _sccs(edges)
    ncomp = max(comp) + 1 if comp else 0
    end_set = set(graph.ends)
    dead_ends = {scenes[v] for v in range(n) if v not in end_set and not edges[v] and not graph.bound_hit}
    farming: set[tuple[str, int]] = set()
    # Per component, in topological order of successors first (ascending numbers).
    members: list[list[int]] = [[] for _ in range(ncomp)]
    for v in range(n):
        members[comp[v]].append(v)
    NEG = float("-inf")
    best = [NEG] * ncomp  # max points to an end
    worst = [float("inf")] * ncomp
    tmin = [float("inf")] * ncomp
    tmax = [NEG] * ncomp
    count = [0] * ncomp
    exits: list[list[tuple[int, int, float]]] = [[] for _ in range(ncomp)]
    for c in range(ncomp):
        for v in members[c]:
            if v in end_set:
                best[c] = max(best[c], 0)
                worst[c] = min(worst[c], 0)
                tmin[c] = min(tmin[c], 0.0)
                tmax[c] = max(tmax[c], 0.0)
                count[c] += 1
            for w, pts, secs in edges[v]:
                d = comp[w]
                if d == c:
                    if pts != 0:
                        farming.add((scenes[v], pts))
                    continue
                if count[d] == 0:
                    continue
                exits[c].append((d, pts, secs))
                best[c] = max(best[c], pts + best[d])
                worst[c] = min(worst[c], pts + worst[d])
                tmin[c] = min(tmin[c], secs + tmin[d])
                tmax[c] = max(tmax[c], secs + tmax[d])
                count[c] += count[d]
    no_exit = set() if graph.bound_hit else {scenes[v] for v in range(n) if count[comp[v]] == 0 and v not in end_set}
    no_exit -= dead_ends
    entry_comps = [(comp[v], secs) for v, secs in graph.entries if count[comp[v]] > 0]
    paths = sum(count[c] for c, _ in entry_comps)
    if entry_comps:
        max_score = int(max(best[c] for c, _ in entry_comps))
        min_score = int(min(worst[c] for c, _ in entry_comps))
        shortest = min(secs + tmin[c] for c, secs in entry_comps)
        longest = max(secs + tmax[c] for c, secs in entry_comps)
        median = _median_time(entry_comps, exits, count)
    else:
        max_score = min_score = 0
        shortest = median = longest = 0.0
    reached = set(scenes)
    ends = [s.id for s in module.scenes if s.type == "end"]
    end_reached = {scenes[v] for v in graph.ends if count[comp[v]] > 0}
    report = ModuleReport(
        module=module.id,
        states=n,
        paths=paths,
        ends_reached=[e for e in ends if e in end_reached],
        ends_unreached=[e for e in ends if e not in end_reached],
        min_score=min_score,
        max_score=max_score,
        unreached=[s.id for s in module.scenes if s.id not in reached],
        minutes=(round(shortest / 60, 1), round(median / 60, 1), round(longest / 60, 1)),
        bound_hit=graph.bound_hit,
    )
    return _Analysis(report, dead_ends, no_exit, farming)


def _median_time(entry_comps: list[tuple[int, float]], exits: list[list[tuple[int, int, float]]],
                 count: list[int]) -> float:
    """The median study time over all paths, from paths drawn uniformly (deterministic seed)."""
    rng = random.Random(20261128)  # noqa: S311 - sampling, not security
    times = []
    for _ in range(_SAMPLES):
        c, elapsed = _weighted(rng, [(count[c], (c, secs)) for c, secs in entry_comps])
        while exits[c]:
            # paths that end inside this component weigh what is left after the exits
            own = count[c] - sum(count[d] for d, _, _ in exits[c])
            step = _weighted(rng, [(own, None)] + [(count[d], (d, secs)) for d, _, secs in exits[c]])
            if step is None:
                break
            c, secs = step
            elapsed += secs
        times.append(elapsed)
    times.sort()
    return times[len(times) // 2]


def _weighted(rng: random.Random, options: list[tuple[int, Any]]) -> Any:
    """One value, drawn with probability proportional to its (integer) weight."""
    pick = rng.randrange(sum(w for w, _ in options))
    for weight, value in options:
        if pick < weight:
            return value
        pick -= weight
    raise AssertionError("unreachable: pick is below the total weight")


# -- the whole course ------------------------------------------------------------------------------
def _run(course: Course, max_states: int) -> tuple[Exploration, dict[str, _Analysis], dict[str, _Graph]]:
    timer = _Timer(course)
    obs = _observe(course)
    modules = [course.module(m) for m in course.meta.modules]
    later_scenes: list[set[str]] = []
    for i in range(len(modules)):
        later_scenes.append({s.id for m in modules[i + 1:] for s in m.scenes})
    state, _ = play.start(course)
    entries = [state]
    analyses: dict[str, _Analysis] = {}
    graphs: dict[str, _Graph] = {}
    reports = []
    budget = max_states
    for i, module in enumerate(modules):
        graph = _explore_module(course, module, entries, obs, budget, timer)
        graphs[module.id] = graph
        analysis = _analyse(course, module, graph, timer)
        analyses[module.id] = analysis
        reports.append(analysis.report)
        budget = max(1, budget - len(graph.scenes))
        if i + 1 < len(modules):
            later = _observe(course, later_scenes[i])
            carried: dict[State, None] = {}
            for end in graph.end_states:
                nxt, _ = play.choose(course, _carry(end, later, course), "next")
                carried[nxt] = None
            entries = list(carried)
            if not entries:
                break
    return Exploration(reports, max_states), analyses, graphs


def explore(course: Course, max_states: int = DEFAULT_MAX_STATES) -> Exploration:
    """Explore a compiled course (one whose max_scores are known)."""
    return _run(course, max_states)[0]


def explore_checks(comp: Compilation, course: Course, max_states: int = DEFAULT_MAX_STATES) -> Course:
    """Explore a sound course, report what exploration reveals, and fill in max_scores."""
    exploration, analyses, graphs = _run(course, max_states)
    max_scores = {r.module: max(r.max_score, 0) for r in exploration.modules}
    if _uses_percentage(course):
        # percentage conditions need the maxima; explore once more with them known
        course = course.model_copy(update={"max_scores": max_scores})
        exploration, analyses, graphs = _run(course, max_states)
        max_scores = {r.module: max(r.max_score, 0) for r in exploration.modules}
    course = Course(
        meta=course.meta, modules=course.modules, content_hash=course.content_hash,
        max_scores=max_scores, sources=course.sources,
    )
    _report(comp, course, exploration, analyses, graphs)
    return course


def _uses_percentage(course: Course) -> bool:
    return any(conditions.uses(course.condition(t), "percentage") for _, t in iter_conditions(course))  # type: ignore[arg-type]


def _report(comp: Compilation, course: Course, exploration: Exploration,
            analyses: dict[str, _Analysis], graphs: dict[str, _Graph]) -> None:
    homes = scene_homes(comp)

    def at(scene_id: str, message: str, level: str = "error") -> None:
        module_id, i = homes[scene_id]
        comp.add(comp.module_docs[module_id], ("scenes", i, "id"), message, level)  # type: ignore[arg-type]

    if exploration.bound_hit:
        comp.add(comp.course_doc, ("modules",),
                 f"the course has more than {exploration.max_states:,} distinct situations, so it could not be "
                 "checked completely; use fewer independent flags, variables or notebook entries in conditions")
    linked = {m.start for m in course.modules}
    for m in course.modules:
        for s in m.scenes:
            linked.update(c.goto for c in s.choices)
            linked.update(loc.goto for loc in s.locations)
            if s.goto:
                linked.add(s.goto)
    explored = {r.module for r in exploration.modules}
    for module in course.modules:
        if module.id not in explored:
            comp.add(comp.module_docs[module.id], ("id",), f"module '{module.id}' can never be reached: "
                     "no path through the module before it reaches its end")
            continue
        analysis = analyses[module.id]
        report = analysis.report
        if report.bound_hit:
            continue
        for sid in report.unreached:
            kind = "end scene" if course.scene(sid).type == "end" else "scene"
            why = ("no choice leads to it" if sid not in linked
                   else "the conditions on every way to it never hold")
            at(sid, f"the {kind} '{sid}' can never be reached: {why}", "warning")
        for sid in sorted(analysis.dead_ends):
            at(sid, f"a learner can get stuck at scene '{sid}': in some situations none of its choices is available")
        for sid in sorted(analysis.no_exit):
            at(sid, f"a learner who reaches scene '{sid}' can never finish module '{module.id}': "
                    "every way from there loops back without reaching an end scene")
        for sid, pts in sorted(analysis.farming):
            at(sid, f"scene '{sid}' gives {pts:+d} points on a choice that a learner can take again and again "
                    "(by coming back to it); make that choice 'once: true' or move the points")
        if module.pass_percentage and report.max_score <= 0:
            comp.add(comp.module_docs[module.id], ("pass_percentage",),
                     f"module '{module.id}' has a pass mark of {module.pass_percentage:g}%, but no path earns any points")
    collected: set[str] = set()
    for g in graphs.values():
        collected |= g.collected
    if not exploration.bound_hit and len(exploration.modules) == len(course.modules):
        statically = {e for m in course.modules for s in m.scenes for c in s.choices for e in c.notebook}
        for i, entry in enumerate(course.meta.notebook.entries):
            if entry.id in statically and entry.id not in collected:
                comp.add(comp.course_doc, ("notebook", "entries", i, "id"),
                         f"the notebook entry '{entry.id}' can never be collected: the choices that add it can never be taken",
                         "warning")
    total = sum(r.max_score for r in exploration.modules)
    if course.meta.passing.percentage > 0 and total <= 0:
        comp.add(comp.course_doc, ("pass",), "the course has a pass percentage, but no path earns any points")
