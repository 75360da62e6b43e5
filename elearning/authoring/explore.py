"""Exploring every reachable situation of a course with the real engine.

Module by module, in course order: the graph of the situations a learner can be in
(situations.py says what a situation is, paths.py builds the graph and adds up its
paths), entered in every state the module before it can end in, carrying over only
what later modules read.

From the graph: scenes never reached, dead ends, situations with no way to an
end, points that can be earned again and again in a loop, the highest and lowest
score, the number of distinct paths, and the shortest, median and longest study
time. Paths are counted over the graph with its loops contracted (a loop that
changes nothing is not a new path).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from elearning.authoring.assessment import Assessment, assess
from elearning.authoring.assessment_checks import check_assessment
from elearning.authoring.causes import never_open, situation
from elearning.authoring.paths import PathSummary, SituationGraph, analyse, build_graph
from elearning.authoring.situations import (
    Chains,
    Observed,
    PageTimer,
    carry,
    merge,
    observe,
    variable_caps,
)
from elearning.course.checks import scene_homes
from elearning.course.compilation import Compilation
from elearning.course.model import Course, Module
from elearning.course.problems import Text, text
from elearning.engine import play
from elearning.engine.state import State
from elearning.i18n import N_

DEFAULT_MAX_STATES = 300_000


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
    minutes: tuple[float, float, float]  # shortest, median, longest: online, at the screen
    bound_hit: bool
    offline_minutes: float = 0  # declared work away from the screen (offline_minutes) of the scenes reached


@dataclass(frozen=True)
class Exploration:
    modules: list[ModuleReport]
    max_states: int
    assessment: Assessment | None = None  # the guessing analysis and the reach of the pass rule

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

    @property
    def offline_minutes(self) -> float:
        """Work away from the screen that the scenes learners reach declare: part of the study load,
        not of the time online."""
        return round(sum(m.offline_minutes for m in self.modules), 1)

    def module(self, module_id: str) -> ModuleReport:
        return next(m for m in self.modules if m.module == module_id)


@dataclass
class _Analysis:
    report: ModuleReport
    summary: PathSummary


def _analyse(module: Module, graph: SituationGraph) -> _Analysis:
    summary = analyse(graph)
    shortest, median, longest = summary.seconds
    reached = set(graph.scenes) | graph.passed
    for pool in module.draw:  # the explorer plays one draw (the first questions); another draw asks the others
        if reached & set(pool.pool):
            reached |= set(pool.pool)
    ends = [s.id for s in module.scenes if s.type == "end"]
    report = ModuleReport(
        module=module.id,
        states=len(graph.scenes),
        paths=summary.paths,
        ends_reached=[e for e in ends if e in summary.ends_reached],
        ends_unreached=[e for e in ends if e not in summary.ends_reached],
        min_score=summary.min_score,
        max_score=summary.max_score,
        unreached=[s.id for s in module.scenes if s.id not in reached],
        minutes=(round(shortest / 60, 1), round(median / 60, 1), round(longest / 60, 1)),
        bound_hit=graph.bound_hit,
        offline_minutes=round(sum(s.offline_minutes or 0 for s in module.scenes if s.id in reached), 1),
    )
    return _Analysis(report, summary)


def _run(course: Course, max_states: int) -> tuple[Exploration, dict[str, _Analysis], dict[str, SituationGraph]]:
    timer = PageTimer(course)
    modules = [course.module(m) for m in course.meta.modules]
    per_module = [observe(course, m) for m in modules]
    obs = merge(per_module)
    obs.var_caps = variable_caps(course)
    chains = Chains(course, obs)
    # what the modules after module i read, for i = 0, 1, ...
    later_obs: list[Observed] = [Observed()] * len(modules)
    for i in range(len(modules) - 2, -1, -1):
        later_obs[i] = merge([later_obs[i + 1], per_module[i + 1]])
    state, _ = play.start(course)
    entries = [state]
    analyses: dict[str, _Analysis] = {}
    graphs: dict[str, SituationGraph] = {}
    reports = []
    budget = max_states
    for i, module in enumerate(modules):
        graph = build_graph(course, entries, obs, budget, timer, chains)
        graphs[module.id] = graph
        analysis = _analyse(module, graph)
        analyses[module.id] = analysis
        reports.append(analysis.report)
        budget = max(1, budget - len(graph.scenes))
        if i + 1 < len(modules):
            later = later_obs[i]
            carried: dict[State, int] = {}
            for end in graph.end_states:
                nxt, _ = play.choose(course, carry(end, later, course), "next")
                graph.onward.append(carried.setdefault(nxt, len(carried)))
            entries = list(carried)
            if not entries:
                break
    return Exploration(reports, max_states), analyses, graphs


def explore(course: Course, max_states: int = DEFAULT_MAX_STATES) -> Exploration:
    """Explore a compiled course (one whose max_scores are known), with its assessment analysis."""
    exploration, _, graphs = _run(course, max_states)
    return _assessed(course, exploration, graphs)


def _assessed(course: Course, exploration: Exploration, graphs: dict[str, SituationGraph]) -> Exploration:
    lowest = sum(r.min_score for r in exploration.modules)
    highest = sum(r.max_score for r in exploration.modules)
    return replace(exploration, assessment=assess(course, graphs, lowest, highest))


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
    if observe(course).percentage_in_choices:
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
    def compiled() -> Course:
        return Course(meta=course.meta, modules=course.modules, content_hash=course.content_hash,
                      max_scores=max_scores, sources=course.sources, transcripts=course.transcripts)

    result = compiled()
    _report(comp, result, exploration, analyses, graphs)
    if comp.errors == 0:
        # on a twin, so that the course handed out carries no caches (a snapshot equals it)
        twin = compiled()
        exploration = _assessed(twin, exploration, graphs)
        complete = not exploration.bound_hit and len(exploration.modules) == len(course.modules)
        extremes = {r.module: (r.min_score, r.max_score) for r in exploration.modules} if complete else None
        if exploration.assessment is not None:
            check_assessment(comp, twin, exploration.assessment, extremes)
    return result


def _report(comp: Compilation, course: Course, exploration: Exploration,
            analyses: dict[str, _Analysis], graphs: dict[str, SituationGraph]) -> None:
    homes = scene_homes(comp)

    def at(scene_id: str, message: str | Text, level: str = "error") -> None:
        module_id, i = homes[scene_id]
        comp.add(comp.module_docs[module_id], ("scenes", i, "id"), message, level)  # type: ignore[arg-type]

    if exploration.bound_hit:
        comp.add(comp.course_doc, ("modules",),
                 text(N_('the course has more than {max_states} distinct situations, so it could not be checked completely; use fewer independent flags, variables or notebook entries in conditions'), max_states=f"{exploration.max_states:,}"))
    linked = {m.start for m in course.modules}
    for m in course.modules:
        for s in m.scenes:
            linked.update(c.goto for c in s.choices)
            linked.update(loc.goto for loc in s.locations)
            linked.update(a.goto for a in s.answers if a.goto)
            if s.goto:
                linked.add(s.goto)
    explored = {r.module for r in exploration.modules}
    cut_off = False  # an earlier module cannot be finished: what comes after it is an echo
    for module in course.modules:
        if module.id not in explored:
            if exploration.bound_hit or cut_off:
                continue  # the module before it was not explored to its ends
            comp.add(comp.module_docs[module.id], ("id",), text(N_("module '{module}' can never be reached: no path through the module before it reaches its end"), module=module.id))
            continue
        analysis = analyses[module.id]
        report = analysis.report
        if report.bound_hit:
            continue
        unreached = [sid for sid in report.unreached if sid not in linked]
        roots = _roots(comp, course, module, graphs[module.id], analysis, report, homes)
        if roots:
            cut_off = cut_off or bool(analysis.summary.no_exit)
        else:
            unreached = report.unreached
        for sid in unreached:
            kind = text(N_("end scene") if course.scene(sid).type == "end" else N_("scene"))
            why = text(N_("no choice leads to it") if sid not in linked
                       else N_("the conditions on every way to it never hold"))
            at(sid, text(N_("the {type} '{scene}' can never be reached: {why}"), type=kind, scene=sid, why=why), "warning")
        for sid in sorted(analysis.summary.dead_ends):
            at(sid, text(N_("a learner can get stuck at scene '{scene}': none of its choices is available in this "
                            "situation: {situation}"), scene=sid,
                         situation=situation(course, graphs[module.id].stuck[sid])))
        if not roots:
            for sid in sorted(analysis.summary.no_exit):
                at(sid, text(N_("a learner who reaches scene '{scene}' can never finish module '{module}': every way from there loops back without reaching an end scene"), scene=sid, module=module.id))
        for sid, pts in sorted(analysis.summary.farming):
            level = "error" if pts > 0 else "warning"
            scene = course.scene(sid)
            # the score changes on a choice edge by exactly that choice's points
            culprit = next((j for j, c in enumerate(scene.choices) if c.points == pts and not c.once), None)
            if culprit is None:
                at(sid, text(N_("scene '{scene}' gives {points} points on a choice that a learner can take again and again (by coming back to it); make that choice 'once: true' or move the points"), scene=sid, points=f"{pts:+d}"), level)
                continue
            module_id, i = homes[sid]
            comp.add(comp.module_docs[module_id], ("scenes", i, "choices", culprit, "points"),
                     text(N_("scene '{scene}' gives {points} points on a choice that a learner can take again and again (by coming back to it): '{label}'; make that choice 'once: true' or move the points"), scene=sid, points=f"{pts:+d}", label=scene.choices[culprit].label), level)  # type: ignore[arg-type]
        if module.pass_percentage and report.max_score <= 0:
            comp.add(comp.module_docs[module.id], ("pass_percentage",),
                     text(N_("module '{module}' has a pass mark of {pass_percentage}%, but no path earns any points; give points on choices or answers, or remove 'pass_percentage'"), module=module.id, pass_percentage=f"{module.pass_percentage:g}"))
    collected: set[str] = set()
    for g in graphs.values():
        collected |= g.collected
    if not exploration.bound_hit and len(exploration.modules) == len(course.modules):
        statically = {e for m in course.modules for s in m.scenes for c in s.choices for e in c.notebook}
        for i, entry in enumerate(course.meta.notebook.entries):
            if entry.id in statically and entry.id not in collected:
                comp.add(comp.course_doc, ("notebook", "entries", i, "id"),
                         text(N_("the notebook entry '{entry}' can never be collected: the choices that add it can never be taken"), entry=entry.id),
                         "warning")
    total = sum(r.max_score for r in exploration.modules)
    if course.meta.passing.percentage > 0 and total <= 0 and not exploration.bound_hit and not cut_off:
        comp.add(comp.course_doc, ("pass", "percentage"), text(N_("the course has a pass percentage, but no path earns any points; give points on choices or answers, or remove 'percentage' under 'pass'")))


def _roots(comp: Compilation, course: Course, module: Module, graph: SituationGraph, analysis: _Analysis,
           report: ModuleReport, homes: dict[str, tuple[str, int]]) -> bool:
    """Report the conditions that never hold when a module has scenes that cannot reach an end
    or cannot be reached (their root, once, instead of every echo). True when there were any."""
    summary = analysis.summary
    if not summary.no_exit and not report.unreached:
        return False
    found = never_open(module, graph)
    if not found:
        return False
    blocked = sorted(summary.no_exit)
    for root in found:
        module_id, i = homes[root.scene]
        where = ("scenes", i, *root.path)
        if blocked:
            message = text(N_("the condition '{condition}' never holds when a learner is at scene '{scene}', so "
                              "'{label}' is never available; because of that, a learner who reaches scene "
                              "'{first}' can never finish module '{module}'"), condition=root.condition,
                           scene=root.scene, label=root.label, module=module.id,
                           first=root.scene if root.scene in summary.no_exit else blocked[0])
        else:
            message = text(N_("the condition '{condition}' never holds when a learner is at scene '{scene}', so "
                              "'{label}' is never available and scene '{goto}' is never reached that way"),
                           condition=root.condition, scene=root.scene, label=root.label, goto=root.goto)
        comp.add(comp.module_docs[module_id], where, message, "error" if blocked else "warning")
    return True
