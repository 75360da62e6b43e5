"""What guessing achieves: the chance that a uniform random guesser passes the course.

A uniform random guesser picks, at every question, one of the answers the form allows
(for a multiple-answer question: one of the non-empty sets of answers), and in a story
scene one of the choices on offer, all with equal chance. Over the explorer's situation
graph of each module (paths.py) that is a Markov chain; the outcome of the course (its
total score and whether every module the pass rule names is passed) is propagated through
it exactly, loops included (a loop gives no points, or the explorer reports point farming,
so only where a loop is left matters: the absorption probabilities of the loop). Where
that is not feasible (a loop too big, or one that takes points away) the same chain is
sampled with a fixed seed and the estimate comes with its Wilson interval.

The exact propagation also gives every outcome that can happen at all, so the lowest and
highest course total and whether the pass rule can be met at all come from it too.

Two functions decide what the analysis assumes of the format, so that question pools,
answer shuffling and a retake policy change one place each: `question_set` (the questions
a learner gets in a module) and `max_attempts` (how often a module may be taken).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass

from elearning.authoring.paths import SituationGraph, strongly_connected
from elearning.course.model import Course, Module, Scene
from elearning.engine import play
from elearning.engine.play import required_modules

LOOP_LIMIT = 80  # largest loop solved exactly (a dense linear system of this size)
SAMPLES = 20_000
WALK_LIMIT = 10_000  # moves in one module after which a sampled guesser counts as stuck (failing)
STEP_BUDGET = 2_000_000  # moves in all samples together; sampling stops early beyond it
SEED = 20261202
_Z = 1.959964  # 95%


def question_set(module: Module) -> list[Scene]:
    """The questions a learner answers in a module, as the file orders them: of a pool (`draw`)
    the first `count`, the draw the explorer plays (a pool's questions are worth the same)."""
    undrawn = {sid for pool in module.draw for sid in pool.pool[pool.count:]}
    return [s for s in module.scenes if s.type == "question" and s.id not in undrawn]


def max_attempts(module: Module) -> int | None:
    """How often a learner may take a module; None is without limit (retake: true without max_attempts)."""
    return module.max_attempts if module.retake else 1


@dataclass(frozen=True)
class Estimate:
    p: float
    low: float
    high: float
    samples: int  # 0: exact

    @property
    def exact(self) -> bool:
        return self.samples == 0


@dataclass(frozen=True)
class Outcomes:
    """The course's outcomes for a random guesser in one attempt."""

    passed: Estimate
    modules: dict[str, Estimate]  # per module the pass rule names: passing it in one try
    lowest: int | None  # lowest and highest course total that can happen (None: sampled, not known)
    highest: int | None
    reachable: bool | None  # can any learner meet the pass rule (None: not known)


def wilson(hits: int, n: int) -> Estimate:
    p = hits / n
    centre = (p + _Z * _Z / (2 * n)) / (1 + _Z * _Z / n)
    half = _Z * math.sqrt(p * (1 - p) / n + _Z * _Z / (4 * n * n)) / (1 + _Z * _Z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def within(p: float, attempts: int | None) -> float:
    """The chance of passing within the allowed attempts, each passed with chance p."""
    if attempts is None:
        return 1.0 if p > 0 else 0.0
    return 1 - (1 - p) ** attempts


class _NotExact(Exception):
    pass


# a key of the distribution inside a module: (score in this module, the entry it came in by)
_Key = tuple[int, int]


class _Chain:
    """The guesser's Markov chain over one module's situation graph."""

    def __init__(self, graph: SituationGraph) -> None:
        self.graph = graph
        self.comp = strongly_connected(graph.edges)
        self.members: dict[int, list[int]] = defaultdict(list)
        for v, c in enumerate(self.comp):
            self.members[c].append(v)
        self.ends = set(graph.ends)
        self._exits: dict[int, list[tuple[int, int, float]]] = {}

    def looped(self, c: int) -> bool:
        nodes = self.members[c]
        return len(nodes) > 1 or any(w == nodes[0] for w, _, _ in self.graph.edges[nodes[0]])

    def exits(self, u: int) -> list[tuple[int, int, float]]:
        """(target, points, chance) of leaving u's loop, entered at u."""
        if u not in self._exits:
            self._solve(self.comp[u])
        return self._exits[u]

    def _solve(self, c: int) -> None:
        """The way out of loop c from each of its situations: with Q the chances of moving inside
        the loop, the expected visits from u are row u of (I - Q)^-1."""
        nodes = self.members[c]
        if len(nodes) > LOOP_LIMIT:
            raise _NotExact
        pos = {v: i for i, v in enumerate(nodes)}
        n = len(nodes)
        a = [[1.0 if i == j else 0.0 for j in range(n)] + [1.0 if i == j else 0.0 for j in range(n)]
             for i in range(n)]
        for v in nodes:
            out = self.graph.edges[v]
            for w, pts, _ in out:
                if self.comp[w] == c:
                    if pts:
                        raise _NotExact  # a loop that takes points away: not a matter of where it is left
                    a[pos[v]][pos[w]] -= 1 / len(out)
        visits = _inverse(a)
        for u in nodes:
            row = visits[pos[u]]
            self._exits[u] = [(w, pts, row[pos[v]] / len(self.graph.edges[v]))
                              for v in nodes for w, pts, _ in self.graph.edges[v] if self.comp[w] != c]

    def propagate(self, start: dict[int, dict[_Key, float]]) -> dict[int, dict[_Key, float]]:
        """From the mass on entry situations to the mass on end situations."""
        pending: dict[int, dict[_Key, float]] = defaultdict(lambda: defaultdict(float))
        for v, mass in start.items():
            for key, p in mass.items():
                pending[v][key] += p
        done: dict[int, dict[_Key, float]] = {}
        for c in sorted(self.members, reverse=True):  # successors have lower numbers
            loop = self.looped(c)
            for v in self.members[c]:
                mass = pending.pop(v, {})
                if not mass:
                    continue
                if v in self.ends:
                    done[v] = mass
                    continue
                moves = self.exits(v) if loop else [
                    (w, pts, 1 / len(self.graph.edges[v])) for w, pts, _ in self.graph.edges[v]]
                for w, pts, chance in moves:
                    target = pending[w]
                    for (score, entry), p in mass.items():
                        target[(score + pts, entry)] += p * chance
        return done


def _inverse(a: list[list[float]]) -> list[list[float]]:
    """Gauss-Jordan on [M | I] (n rows of 2n): the rows of M's inverse."""
    n = len(a)
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        head = a[col][col]
        for r in range(n):
            if r != col and a[r][col]:
                f = a[r][col] / head
                row, top = a[r], a[col]
                for k in range(col, 2 * n):
                    row[k] -= f * top[k]
    return [[x / a[i][i] for x in a[i][n:]] for i in range(n)]


class _Course:
    """The modules' chains and how a module's ends lead into the next module's entries."""

    def __init__(self, course: Course, graphs: dict[str, SituationGraph]) -> None:
        self.course = course
        self.ids = [m for m in course.meta.modules if m in graphs]
        self.graphs = graphs
        self.chains = {m: _Chain(graphs[m]) for m in self.ids}
        self.required = set(required_modules(course))
        self._passes: dict[tuple[str, int], bool] = {}
        # end node of module i -> entry node of module i + 1, as the explorer made them
        self.onward: dict[str, dict[int, int]] = {}
        for i, mid in enumerate(self.ids[:-1]):
            graph, nxt = graphs[mid], graphs[self.ids[i + 1]]
            self.onward[mid] = {node: nxt.entries[j][0] for node, j in zip(graph.ends, graph.onward, strict=True)}

    def passes(self, mid: str, score: int) -> bool:
        found = self._passes.get((mid, score))
        if found is None:
            module = self.course.module(mid)
            found = play._reaches(score, module.pass_percentage or 0, self.course.max_scores.get(mid, 0))
            self._passes[(mid, score)] = found
        return found

    def course_passes(self, total: int) -> bool:
        top = sum(self.course.max_scores.get(m, 0) for m in self.course.meta.modules)
        return play._reaches(total, self.course.meta.passing.percentage, top)

    def complete(self) -> bool:
        return len(self.ids) == len(self.course.meta.modules) and not any(g.bound_hit for g in self.graphs.values())


def outcomes(course: Course, graphs: dict[str, SituationGraph]) -> Outcomes | None:
    """The guesser's outcomes, exact where feasible, else sampled; None when the course was
    not explored completely."""
    model = _Course(course, graphs)
    if not model.complete():
        return None
    try:
        return _exact(model)
    except _NotExact:
        return _sampled(model)


def _exact(model: _Course) -> Outcomes:
    """Module by module: inside a module only its own score travels (per entry situation);
    between modules the course total and whether every named module was passed."""
    first = model.graphs[model.ids[0]]
    # entry situation -> (course total before the module, every named module passed) -> chance
    arriving: dict[int, dict[tuple[int, bool], float]] = {first.entries[0][0]: {(0, True): 1.0}}
    module_pass: dict[str, float] = {}
    for i, mid in enumerate(model.ids):
        ends = model.chains[mid].propagate({e: {(0, e): 1.0} for e in arriving})
        weight = {e: sum(by.values()) for e, by in arriving.items()}
        leaving: dict[int, dict[tuple[int, bool], float]] = defaultdict(lambda: defaultdict(float))
        # first gather the ends by the entry they came in by and the entry of the next module they lead
        # to (many ends differ only in what the next module does not read), then add up the totals
        moves: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for node, by_key in ends.items():
            onward = model.onward[mid][node] if i + 1 < len(model.ids) else -1
            for (score, entry), p in by_key.items():
                moves[(entry, onward)][score] += p
        hit = 0.0
        for (entry, onward), scores in moves.items():
            target = leaving[onward]
            for score, p in scores.items():
                passed = model.passes(mid, score)
                hit += p * weight[entry] if passed else 0.0
                counts = passed or mid not in model.required
                for (total, ok), q in arriving[entry].items():
                    target[(total + score, ok and counts)] += p * q
        module_pass[mid] = hit
        arriving = leaving
    finals = arriving[-1]
    totals = [t for (t, _), p in finals.items() if p > 0]
    passing = [p for (t, ok), p in finals.items() if ok and model.course_passes(t)]
    exact = {m: Estimate(p, p, p, 0) for m, p in module_pass.items() if m in model.required}
    chance = min(1.0, sum(passing))
    return Outcomes(Estimate(chance, chance, chance, 0), exact, min(totals), max(totals), bool(passing))


def _sampled(model: _Course) -> Outcomes:
    rng = random.Random(SEED)  # noqa: S311 - sampling, not security
    hits = samples = steps = 0
    module_hits: dict[str, int] = defaultdict(int)
    while samples < SAMPLES and steps < STEP_BUDGET:
        samples += 1
        node = model.graphs[model.ids[0]].entries[0][0]
        total, ok = 0, True
        for i, mid in enumerate(model.ids):
            graph, score, walked = model.graphs[mid], 0, 0
            while node not in model.chains[mid].ends and walked < WALK_LIMIT:
                target, pts, _ = rng.choice(graph.edges[node])
                node, score, walked = target, score + pts, walked + 1
            steps += walked
            if walked == WALK_LIMIT:
                ok = False
                break
            passed = model.passes(mid, score)
            module_hits[mid] += passed
            total += score
            ok = ok and (passed or mid not in model.required)
            if i + 1 < len(model.ids):
                node = model.onward[mid][node]
        hits += ok and model.course_passes(total)
    modules = {m: wilson(module_hits[m], samples) for m in model.ids if m in model.required}
    return Outcomes(wilson(hits, samples), modules, None, None, None)
