"""Readable names for the ids analytics count by, from the compiled course.

An id the course does not know (it came from another version) is shown as the id itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elearning.course.model import Course, Scene
from elearning.engine.play import answer_id, choice_id

MAX_LABEL = 80


def short(text: str, limit: int = MAX_LABEL) -> str:
    """The first line of a text, without Markdown emphasis marks, cut at `limit` characters."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.lstrip("#> ").replace("**", "").replace("__", "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Labels:
    course: Course
    _choices: dict[tuple[str, str], str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        table = self._choices
        for module in self.course.modules:
            for scene in module.scenes:
                for loc in scene.locations:
                    table[scene.id, f"loc-{loc.id}"] = loc.label
                for i, ch in enumerate(scene.choices):
                    table[scene.id, choice_id(ch, i)] = ch.label
                for i, ans in enumerate(scene.answers):
                    table[scene.id, f"answer:{answer_id(ans, i)}"] = ans.text

    def _scene(self, scene_id: str) -> Scene | None:
        try:
            return self.course.scene(scene_id)
        except KeyError:
            return None

    def scene(self, scene_id: str | None) -> str:
        if not scene_id:
            return ""
        scene = self._scene(scene_id)
        if scene is None:
            return scene_id
        if scene.title:
            return short(scene.title)
        return short(scene.text) or scene_id

    def module_of(self, scene_id: str) -> str:
        scene = self._scene(scene_id)
        return self.course.module_of(scene_id).id if scene is not None else ""

    def module(self, module_id: str) -> str:
        try:
            return self.course.module(module_id).title
        except KeyError:
            return module_id

    def choice(self, scene_id: str, choice: str) -> str:
        return short(self._choices.get((scene_id, choice), choice))

    def answer(self, scene_id: str, answer: str) -> str:
        return short(self._choices.get((scene_id, f"answer:{answer}"), answer))

    def answer_is_correct(self, scene_id: str, answer: str) -> bool | None:
        scene = self._scene(scene_id)
        if scene is None:
            return None
        for i, ans in enumerate(scene.answers):
            if answer_id(ans, i) == answer:
                return ans.correct
        return None

    def entry(self, entry_id: str) -> str:
        try:
            return short(self.course.entry(entry_id).title)
        except KeyError:
            return entry_id

    def entry_kind(self, entry_id: str) -> str:
        try:
            kind = self.course.entry(entry_id).kind
        except KeyError:
            return ""
        return next((k.label for k in self.course.meta.notebook.kinds if k.id == kind), kind)

    def scene_order(self) -> list[str]:
        """Every scene id in course order: modules as listed, scenes as written."""
        return [s.id for m in self.course.modules for s in m.scenes]

    def choice_order(self, scene_id: str) -> list[tuple[str, str]]:
        """(kind, choice id) of every choice a scene offers, in the order the page shows them."""
        scene = self._scene(scene_id)
        if scene is None:
            return []
        out = [("location", f"loc-{loc.id}") for loc in scene.locations]
        out += [("choice", choice_id(ch, i)) for i, ch in enumerate(scene.choices)]
        return out

    def answer_order(self, scene_id: str) -> list[str]:
        scene = self._scene(scene_id)
        return [answer_id(a, i) for i, a in enumerate(scene.answers)] if scene is not None else []
