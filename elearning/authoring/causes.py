"""The root of a problem the explorer finds, said so that an author can act on it.

A choice whose condition never holds where it stands is the root of a cascade: every scene
behind it that can no longer reach an end, every scene it alone led to. `never_open` finds
those conditions, so that the author sees one problem at the `when:` instead of a dozen at
its echoes. `situation` says what a learner who is stuck has done: which once-only choices
they took, which flags hold, what the variables are.
"""

from __future__ import annotations

from dataclasses import dataclass

from elearning.authoring.paths import SituationGraph
from elearning.course.loader import PathKey
from elearning.course.model import Course, Module
from elearning.course.problems import Text, text
from elearning.engine.assessment import choice_id
from elearning.engine.state import State
from elearning.i18n import N_


@dataclass(frozen=True)
class NeverOpen:
    """A choice or place on a scene learners reach, whose condition never holds there."""

    scene: str
    path: PathKey  # below the scene: ("choices", i, "when") or ("locations", i, "when")
    condition: str
    label: str
    goto: str


def never_open(module: Module, graph: SituationGraph) -> list[NeverOpen]:
    reached = set(graph.scenes)
    out = []
    for scene in module.scenes:
        if scene.id not in reached:
            continue
        for i, loc in enumerate(scene.locations):
            if loc.when and (scene.id, f"loc-{loc.id}") not in graph.available:
                out.append(NeverOpen(scene.id, ("locations", i, "when"), loc.when, loc.label, loc.goto))
        for i, ch in enumerate(scene.choices):
            if ch.when and (scene.id, choice_id(ch, i)) not in graph.available:
                out.append(NeverOpen(scene.id, ("choices", i, "when"), ch.when, ch.label, ch.goto))
    return out


def situation(course: Course, state: State) -> Text:
    """What a learner in `state` has done, as far as conditions can tell."""
    taken = []
    for key in sorted(state.once):
        scene_id, _, cid = key.partition("/")
        scene = course.scene(scene_id)
        label = next((c.label for i, c in enumerate(scene.choices) if choice_id(c, i) == cid), cid)
        taken.append(text(N_("'{label}' in scene '{scene}'"), label=label, scene=scene_id))
    parts: list[Text] = []
    if taken:
        parts.append(text(N_("once-only choices taken: {choices}"), choices=_join(taken)))
    else:
        parts.append(text(N_("no once-only choice taken")))
    if state.flags:
        parts.append(text(N_("flags that hold: {flags}"), flags=", ".join(sorted(state.flags))))
    else:
        parts.append(text(N_("no flag holds")))
    if state.vars:
        parts.append(text(N_("variables: {values}"), values=", ".join(f"{n} = {v}" for n, v in state.vars)))
    return _join(parts, "; ")


def _join(parts: list[Text], sep: str = ", ") -> Text:
    values = {f"p{i}": p for i, p in enumerate(parts)}
    return Text(sep.join("{" + k + "}" for k in values), tuple(values.items()))
