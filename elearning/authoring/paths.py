"""The situation graph of one module, and what its paths say.

A breadth-first search from every state a learner can enter the module in, using the
engine's own `choose` and `answer`, gives a graph of situations (see situations.py).
Points and reading time live on its edges, so scores and study times come from path
algorithms over the graph, not from storing every path: loops are contracted into
strongly connected components (a loop that changes nothing is not a new path), paths are
counted over the contracted graph, and the median study time comes from paths drawn
uniformly from it.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from elearning.authoring.situations import Chains, Observed, PageTimer, entries_read, situation_key
from elearning.course.model import Course
from elearning.engine import play
from elearning.engine.state import State

_SAMPLES = 301


@dataclass
class SituationGraph:
    """The situations of one module (nodes, by number) and the learner's moves between them."""

    scenes: list[str] = field(default_factory=list)
    edges: list[list[tuple[int, int, float]]] = field(default_factory=list)  # (target, points, seconds)
    entries: list[tuple[int, float]] = field(default_factory=list)  # (node, seconds of the first page)
    ends: list[int] = field(default_factory=list)
    end_states: list[State] = field(default_factory=list)
    onward: list[int] = field(default_factory=list)  # per end: the entry of the next module it leads to
    collected: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)  # scenes walked over in runs of plain scenes
    bound_hit: bool = False


def _moves(course: Course, state: State) -> list[tuple[State, list[dict[str, Any]]]]:
    """Every (state, events) one action away: each available choice, or each set of answers
    (and on past the page that shows how the answer went)."""
    scene = course.scene(state.scene)
    if scene.type == "end":
        return []
    if scene.type == "question":
        ids = [play.answer_id(a, i) for i, a in enumerate(scene.answers)]
        if scene.multiple:
            picks = [[ids[i] for i in range(len(ids)) if mask >> i & 1] for mask in range(1, 1 << len(ids))]
        else:
            picks = [[i] for i in ids]
        return [play.answer_and_continue(course, state, p) for p in picks]
    if scene.type == "open":  # hand in an answer it accepts, and on past the model answer
        written, events = play.apply(course, state, scene, "write", "write")
        after, more = play.continue_open(course, written)
        return [(after, events + more)]
    return [play.apply(course, state, scene, cid, item) for cid, item in play.moves(course, state)]


def build_graph(course: Course, entries: list[State], obs: Observed, max_states: int, timer: PageTimer,
                chains: Chains) -> SituationGraph:
    """Every situation reachable from the states a learner enters a module in (at most about max_states)."""
    graph = SituationGraph()
    with_score = obs.score_in_choices or obs.percentage_in_choices
    read = entries_read(course, obs)
    index: dict[tuple[Any, ...], int] = {}
    queue: deque[tuple[int, State]] = deque()

    def node_for(state: State) -> tuple[int, bool]:
        key = situation_key(state, obs, with_score, read)
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


def strongly_connected(edges: list[list[tuple[int, int, float]]]) -> list[int]:
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


@dataclass(frozen=True)
class PathSummary:
    """What the paths through one module's graph add up to."""

    paths: int
    min_score: int
    max_score: int
    seconds: tuple[float, float, float]  # shortest, median, longest
    ends_reached: set[str]  # end scenes on some path
    dead_ends: set[str]
    no_exit: set[str]  # scenes from which every way loops back without reaching an end
    farming: set[tuple[str, int]]  # (scene, points) of edges inside loops that give points


def analyse(graph: SituationGraph) -> PathSummary:
    """Scores, path counts and study times over the graph with its loops contracted, and the
    places where a learner gets stuck, loops without end or earns points again and again."""
    edges, scenes = graph.edges, graph.scenes
    n = len(scenes)
    comp = strongly_connected(edges)
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
    count = [0] * ncomp
    exits: list[list[_Exit]] = [[] for _ in range(ncomp)]
    for c in range(ncomp):
        for v in members[c]:
            if v in end_set:
                best[c] = max(best[c], 0)
                worst[c] = min(worst[c], 0)
                count[c] += 1
            for w, pts, secs in edges[v]:
                d = comp[w]
                if d == c:
                    if pts != 0:
                        farming.add((scenes[v], pts))
                    continue
                if count[d] == 0:
                    continue
                exits[c].append(_Exit(d, w, v, secs))
                best[c] = max(best[c], pts + best[d])
                worst[c] = min(worst[c], pts + worst[d])
                count[c] += count[d]
    times = _Times(graph, comp, members, exits, count)
    no_exit = set() if graph.bound_hit else {scenes[v] for v in range(n) if count[comp[v]] == 0 and v not in end_set}
    no_exit -= dead_ends
    entry_nodes = [(v, secs) for v, secs in graph.entries if count[comp[v]] > 0]
    paths = sum(count[comp[v]] for v, _ in entry_nodes)
    if entry_nodes:
        max_score = int(max(best[comp[v]] for v, _ in entry_nodes))
        min_score = int(min(worst[comp[v]] for v, _ in entry_nodes))
        shortest = min(secs + times.span(v)[0] for v, secs in entry_nodes)
        longest = max(secs + times.span(v)[1] for v, secs in entry_nodes)
        median = times.median(entry_nodes)
    else:
        max_score = min_score = 0
        shortest = median = longest = 0.0
    return PathSummary(
        paths=paths,
        min_score=min_score,
        max_score=max_score,
        seconds=(shortest, median, longest),
        ends_reached={scenes[v] for v in graph.ends if count[comp[v]] > 0},
        dead_ends=dead_ends,
        no_exit=no_exit,
        farming=farming,
    )


@dataclass(frozen=True)
class _Exit:
    """An edge out of a component: to component `comp`, entered at node `to`, leaving from `at`."""

    comp: int
    to: int
    at: int
    seconds: float


class _Times:
    """Study times over the paths of a module's graph with its loops contracted.

    A path enters a loop (a component) at one situation and leaves it from another; on the
    way it takes the quickest route inside, so walking back to the map still takes the time
    of the pages on the way (a loop that changes nothing is not a new path, but not free).
    """

    def __init__(self, graph: SituationGraph, comp: list[int], members: list[list[int]], exits: list[list[_Exit]],
                 count: list[int]) -> None:
        self.graph, self.comp, self.members, self.exits, self.count = graph, comp, members, exits, count
        self.ends = set(graph.ends)
        self._inside: dict[int, dict[int, float]] = {}
        self._span: dict[int, tuple[float, float]] = {}

    def inside(self, entry: int) -> dict[int, float]:
        """Seconds from entry to every situation of its component, staying inside (Dijkstra)."""
        found = self._inside.get(entry)
        if found is None:
            c = self.comp[entry]
            found = {entry: 0.0}
            if len(self.members[c]) > 1:
                heap = [(0.0, entry)]
                while heap:
                    dist, v = heapq.heappop(heap)
                    if dist > found[v]:
                        continue
                    for w, _, secs in self.graph.edges[v]:
                        if self.comp[w] == c and dist + secs < found.get(w, float("inf")):
                            found[w] = dist + secs
                            heapq.heappush(heap, (dist + secs, w))
            self._inside[entry] = found
        return found

    def span(self, entry: int) -> tuple[float, float]:
        """(shortest, longest) seconds from entering the component at `entry` to an end."""
        done = self._span.get(entry)
        if done is not None:
            return done
        # Components are numbered successors first; fill in the entries this one leads to
        # bottom-up, so that no recursion is needed however long the module is.
        order = {entry}
        pending = [entry]
        while pending:
            v = pending.pop()
            for ex in self.exits[self.comp[v]]:
                if ex.to not in self._span and ex.to not in order:
                    order.add(ex.to)
                    pending.append(ex.to)
        for v in sorted(order, key=lambda node: self.comp[node]):
            if v in self._span:
                continue
            inside = self.inside(v)
            low, high = float("inf"), float("-inf")
            if v in self.ends:  # an end has no way out, so it is a component of its own
                low, high = 0.0, 0.0
            for ex in self.exits[self.comp[v]]:
                lo, hi = self._span[ex.to]
                low = min(low, inside[ex.at] + ex.seconds + lo)
                high = max(high, inside[ex.at] + ex.seconds + hi)
            self._span[v] = (low, high)
        return self._span[entry]

    def median(self, entries: list[tuple[int, float]]) -> float:
        """The median study time over all paths, from paths drawn uniformly (deterministic seed)."""
        rng = random.Random(20261128)  # noqa: S311 - sampling, not security
        comp, count, exits = self.comp, self.count, self.exits
        firsts = sorted(set(entries))
        first_table = _table([count[comp[v]] for v, _ in firsts])
        tables: dict[int, list[int]] = {}
        times = []
        for _ in range(_SAMPLES):
            v, elapsed = firsts[_draw(rng, first_table)]
            while exits[comp[v]]:
                c = comp[v]
                table = tables.get(c)
                if table is None:
                    # option 0: the path ends inside this component; then one option per exit
                    own = count[c] - sum(count[ex.comp] for ex in exits[c])
                    table = tables[c] = _table([own] + [count[ex.comp] for ex in exits[c]])
                pick = _draw(rng, table)
                if pick == 0:
                    break
                ex = exits[c][pick - 1]
                elapsed += self.inside(v)[ex.at] + ex.seconds
                v = ex.to
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
