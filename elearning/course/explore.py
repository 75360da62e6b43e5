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

import bisect
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
_SAMPLES = 301


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
    var_caps: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # see _variable_caps


def _merge(parts: list[_Observed]) -> _Observed:
    obs = _Observed()
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


def _observe(course: Course, module: Module | None = None) -> _Observed:
    """What the conditions that decide where a learner can go read (text-block conditions only
    change a page's text, so they are left out): of the whole course, or of one module."""
    obs = _Observed()
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


def _variable_caps(course: Course) -> dict[str, tuple[int | None, int | None]]:
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
        stack = [node]
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
            for ch in scene.choices:
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


def _observe_locations(course: Course, obs: _Observed, node: Any, scene_id: str) -> None:
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


def _key(state: State, obs: _Observed, with_score: bool, entries: frozenset[str] | None) -> tuple[Any, ...]:
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


def _entries_read(course: Course, obs: _Observed) -> frozenset[str] | None:
    """The notebook entries some condition can tell apart; None when count() reads them all."""
    if None in obs.kinds:
        return None
    return frozenset(obs.entries) | frozenset(e.id for e in course.meta.notebook.entries if e.kind in obs.kinds)


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
    passed: set[str] = field(default_factory=set)  # scenes walked over in runs of plain scenes
    bound_hit: bool = False


class _Timer:
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
        seconds = words * 60.0 / self.wpm + (scene.minutes or 0) * 60.0
        if scene.type != "end":
            seconds += self.decision
        return seconds, [(b.when, self.words(b.text)) for b in scene.blocks]


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
    return [play.apply(course, state, scene, cid, item) for cid, item in play.moves(course, state)]


class _Chains:
    """Runs of plain 'Continue' scenes, walked in one step.

    A scene with a single choice that has no condition, effect, points, feedback or
    once-rule, and whose visits no condition reads, always leads to the same place
    and changes nothing that matters; the explorer jumps over such runs instead of
    making a situation of every scene on the way.
    """

    def __init__(self, course: Course, obs: _Observed) -> None:
        self.course = course
        self.next: dict[str, str] = {}
        for module in course.modules:
            for scene in module.scenes:
                if scene.type != "scene" or len(scene.choices) != 1 or scene.id in obs.visit_caps:
                    continue
                ch = scene.choices[0]
                if ch.when or ch.once or ch.points or ch.feedback or ch.flags or ch.set or ch.add or ch.notebook:
                    continue
                self.next[scene.id] = ch.goto

    def walk(self, state: State, timer: _Timer) -> tuple[State, float, list[str]]:
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


def _explore_module(course: Course, module: Module, entries: list[State], obs: _Observed,
                    max_states: int, timer: _Timer, chains: _Chains) -> _Graph:
    graph = _Graph()
    with_score = obs.score_in_choices or obs.percentage_in_choices
    entries_read = _entries_read(course, obs)
    index: dict[tuple[Any, ...], int] = {}
    queue: deque[tuple[int, State]] = deque()

    def node_for(state: State) -> tuple[int, bool]:
        key = _key(state, obs, with_score, entries_read)
        found = index.get(key)
        if found is not None:
            return found, False
        n = len(graph.scenes)
        index[key] = n
        graph.scenes.append(state.scene)
        graph.edges.append([])
        return n, True

    def jump(state: State) -> tuple[State, float]:
        final, seconds, passed = chains.walk(state, timer)
        graph.passed.update(passed)
        return final, seconds + timer.page(final)

    for state in entries:
        state, seconds = jump(state)
        n, new = node_for(state)
        graph.entries.append((n, seconds))
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
            new_state, seconds = jump(new_state)
            m, new = node_for(new_state)
            graph.edges[n].append((m, new_state.score - state.score, seconds))
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
    reached = set(scenes) | graph.passed
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
    firsts = sorted(set(entry_comps))
    first_table = _table([count[c] for c, _ in firsts])
    tables: dict[int, list[int]] = {}
    times = []
    for _ in range(_SAMPLES):
        c, elapsed = firsts[_draw(rng, first_table)]
        while exits[c]:
            table = tables.get(c)
            if table is None:
                # option 0: the path ends inside this component; then one option per exit
                own = count[c] - sum(count[d] for d, _, _ in exits[c])
                table = tables[c] = _table([own] + [count[d] for d, _, _ in exits[c]])
            pick = _draw(rng, table)
            if pick == 0:
                break
            c, _, secs = exits[c][pick - 1]
            elapsed += secs
        times.append(elapsed)
    times.sort()
    return times[len(times) // 2]


def _table(weights: list[int]) -> list[int]:
    """Cumulative weights, for drawing with bisect."""
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out


def _draw(rng: random.Random, table: list[int]) -> int:
    """An index into the weights behind table, drawn with probability proportional to its weight."""
    return bisect.bisect_right(table, rng.random() * table[-1])


# -- the whole course ------------------------------------------------------------------------------
def _run(course: Course, max_states: int) -> tuple[Exploration, dict[str, _Analysis], dict[str, _Graph]]:
    timer = _Timer(course)
    modules = [course.module(m) for m in course.meta.modules]
    per_module = [_observe(course, m) for m in modules]
    obs = _merge(per_module)
    obs.var_caps = _variable_caps(course)
    chains = _Chains(course, obs)
    # what the modules after module i read, for i = 0, 1, ...
    later_obs: list[_Observed] = [_Observed()] * len(modules)
    for i in range(len(modules) - 2, -1, -1):
        later_obs[i] = _merge([later_obs[i + 1], per_module[i + 1]])
    state, _ = play.start(course)
    entries = [state]
    analyses: dict[str, _Analysis] = {}
    graphs: dict[str, _Graph] = {}
    reports = []
    budget = max_states
    for i, module in enumerate(modules):
        graph = _explore_module(course, module, entries, obs, budget, timer, chains)
        graphs[module.id] = graph
        analysis = _analyse(course, module, graph, timer)
        analyses[module.id] = analysis
        reports.append(analysis.report)
        budget = max(1, budget - len(graph.scenes))
        if i + 1 < len(modules):
            later = later_obs[i]
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


_FIXED_POINT_ROUNDS = 5


def _upper_bounds(course: Course) -> dict[str, int]:
    """Per module, the points of every choice and the best answers of every question together."""
    bounds = {}
    for module in course.modules:
        total = 0
        for scene in module.scenes:
            total += sum(max(c.points, 0) for c in scene.choices)
            scores = [a.score for a in scene.answers]
            if scores:
                total += sum(x for x in scores if x > 0) if scene.multiple else max(max(scores), 0)
        bounds[module.id] = total
    return bounds


def explore_checks(comp: Compilation, course: Course, max_states: int = DEFAULT_MAX_STATES) -> Course:
    """Explore a sound course, report what exploration reveals, and fill in max_scores."""
    if _observe(course).percentage_in_choices:
        # Where choices read the percentage, the maxima decide which paths exist, and the paths
        # decide the maxima: start from what all points together could give, and explore until
        # the maxima found are the maxima assumed.
        guess = _upper_bounds(course)
        for _ in range(_FIXED_POINT_ROUNDS):
            course = course.model_copy(update={"max_scores": guess})
            exploration, analyses, graphs = _run(course, max_states)
            found = {**guess, **{r.module: max(r.max_score, 0) for r in exploration.modules}}
            if found == guess:
                break
            guess = found
        max_scores = found
    else:
        exploration, analyses, graphs = _run(course, max_states)
        max_scores = {r.module: max(r.max_score, 0) for r in exploration.modules}
    course = Course(
        meta=course.meta, modules=course.modules, content_hash=course.content_hash,
        max_scores=max_scores, sources=course.sources,
    )
    _report(comp, course, exploration, analyses, graphs)
    return course


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
            if exploration.bound_hit:
                continue  # the module before it was not explored to its ends
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
            level = "error" if pts > 0 else "warning"
            scene = course.scene(sid)
            # the score changes on a choice edge by exactly that choice's points
            culprit = next((j for j, c in enumerate(scene.choices) if c.points == pts and not c.once), None)
            if culprit is None:
                at(sid, f"scene '{sid}' gives {pts:+d} points on a choice that a learner can take again and again "
                        "(by coming back to it); make that choice 'once: true' or move the points", level)
                continue
            module_id, i = homes[sid]
            comp.add(comp.module_docs[module_id], ("scenes", i, "choices", culprit, "points"),
                     f"scene '{sid}' gives {pts:+d} points on a choice that a learner can take again and again "
                     f"(by coming back to it): '{scene.choices[culprit].label}'; make that choice 'once: true' "
                     "or move the points", level)  # type: ignore[arg-type]
        if module.pass_percentage and report.max_score <= 0:
            comp.add(comp.module_docs[module.id], ("pass_percentage",),
                     f"module '{module.id}' has a pass mark of {module.pass_percentage:g}%, but no path earns any points; "
                     "give points on choices or answers, or remove 'pass_percentage'")
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
    if course.meta.passing.percentage > 0 and total <= 0 and not exploration.bound_hit:
        comp.add(comp.course_doc, ("pass", "percentage"), "the course has a pass percentage, but no path earns any points; "
                 "give points on choices or answers, or remove 'percentage' under 'pass'")
