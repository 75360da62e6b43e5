"""Every key belongs somewhere: a key a scene of its type does not take, or a key that
belongs one level deeper or higher, is an error at its line that says where it goes.

The classic case is a choice's `feedback:` indented one level too little: YAML puts it on
the scene, where (on a scene that is not a question) it would mean nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from elearning.course.loader import Document, PathKey
from elearning.course.model import (
    SCENE_TYPE_KEYS,
    SCENE_TYPES,
    Answer,
    Block,
    Choice,
    Location,
    Scene,
)
from elearning.course.problems import Text, text
from elearning.i18n import N_

# the lists of a scene whose items have keys of their own, and what an item is called
CHILDREN: dict[str, tuple[type[BaseModel], str, str]] = {
    "choices": (Choice, N_("a choice"), N_("the choice")),
    "answers": (Answer, N_("an answer"), N_("the answer")),
    "locations": (Location, N_("a location"), N_("the location")),
    "blocks": (Block, N_("a text block"), N_("the text block")),
}


def _names(model: type[BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


SCENE_KEYS = _names(Scene)


def scene_keys(kind: str) -> list[str]:
    """The keys a scene of type `kind` takes, in the order of the model."""
    return [k for k in Scene.model_fields if kind in SCENE_TYPE_KEYS.get(k, SCENE_TYPES)]


@dataclass
class KeyProblems:
    """Misplaced keys found in one module file, and the pydantic errors they make echoes of."""

    found: list[tuple[PathKey, Text]] = field(default_factory=list)
    reported: set[PathKey] = field(default_factory=set)  # keys reported here (pydantic's word on them is dropped)
    moved: dict[PathKey, set[str]] = field(default_factory=dict)  # scene path -> keys misplaced on it

    def echoes(self, loc: PathKey, kind: str) -> bool:
        """True for a pydantic error that only repeats a misplaced key: the key itself, or a
        'missing' key of a choice that stands one level too high on its scene."""
        if loc in self.reported:
            return True
        if kind == "missing" and len(loc) == 5 and loc[2] in CHILDREN:
            return loc[-1] in self.moved.get(loc[:2], set())
        return False


def check_keys(doc: Document, data: dict[str, Any]) -> KeyProblems:
    out = KeyProblems()
    scenes = data.get("scenes")
    for i, raw in enumerate(scenes if isinstance(scenes, list) else []):
        if not isinstance(raw, dict):
            continue
        kind = raw.get("type", "scene")
        if kind not in SCENE_TYPES:
            continue
        allowed = set(scene_keys(kind))
        path: PathKey = ("scenes", i)
        for key in raw:
            if key in allowed or not isinstance(key, str):
                continue
            message = _misplaced_on_scene(doc, path, raw, kind, key)
            if message is not None:
                out.found.append((path + (key,), message))
                out.reported.add(path + (key,))
                out.moved.setdefault(path, set()).add(key)
        for list_key, (model, noun, _) in CHILDREN.items():
            items = raw.get(list_key)
            for j, item in enumerate(items if isinstance(items, list) else []):
                if not isinstance(item, dict):
                    continue
                own = _names(model)
                for key in item:
                    if isinstance(key, str) and key not in own and key in allowed and key != "id":
                        where = doc.locate(path + ("id",), key=True)
                        out.found.append((path + (list_key, j, key), text(N_(
                            "'{key}' belongs to the scene, not to {noun}: indent it less, in line with 'id' on "
                            "line {line}"), key=key, noun=text(noun), line=where.line)))
                        out.reported.add(path + (list_key, j, key))
    return out


def _misplaced_on_scene(doc: Document, path: PathKey, raw: dict[str, Any], kind: str, key: str) -> Text | None:
    """What to say about `key` on a scene of type `kind` that does not take it; None for an
    unknown key that belongs nowhere near (pydantic's "unknown key, did you mean" says that)."""
    key_line = doc.locate(path + (key,), key=True).line
    for list_key, (model, noun, the_noun) in CHILDREN.items():
        items = raw.get(list_key)
        if key not in _names(model) or not isinstance(items, list) or not items:
            continue
        above = [j for j in range(len(items)) if doc.locate(path + (list_key, j)).line < key_line]
        if not above or not isinstance(items[above[-1]], dict) or not items[above[-1]]:
            return text(N_("'{key}' belongs to {noun}, not to the scene: move it into {the_noun} it is for"),
                        key=key, noun=text(noun), the_noun=text(the_noun))
        j = above[-1]
        first = next(iter(items[j]))
        where = doc.locate(path + (list_key, j, first), key=True)
        return text(N_("this key belongs to {noun}: indent it under {the_noun}, in line with '{first}' on line "
                       "{line} (now it stands on scene '{scene}', where it means nothing)"),
                    noun=text(noun), the_noun=text(the_noun), first=first, line=where.line, scene=raw.get("id", "?"))
    if key not in SCENE_KEYS:
        return None
    takers = [t for t in SCENE_TYPES if t in SCENE_TYPE_KEYS.get(key, SCENE_TYPES)]
    if kind == "end" and key == "choices":
        return text(N_("a scene of type '{type}' cannot have '{key}' (an end scene offers 'next' and 'retake' by "
                       "itself)"), type=kind, key=key)
    return text(N_("a scene of type '{type}' cannot have '{key}'; only a scene of type {takers} can"),
                type=kind, key=key, takers=", ".join(f"'{t}'" for t in takers))
