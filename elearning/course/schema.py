"""JSON Schemas of the course format, for editors that check YAML while authors type.

Derived from the pydantic models, so the schema cannot drift from what the compiler
accepts. A scene is checked against the definition of its `type` (SCENE_TYPE_KEYS in
model.py), so an editor flags `choices:` on an end scene as the compiler does. Given the
ids of one course (`course_ids`), the schemas offer them for completion: `goto:` lists
the scene ids, `notebook:` the entries, `set:`/`add:` the variables. VS Code's YAML
extension reads a first line such as `# yaml-language-server: $schema=../schemas/module.schema.json`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from elearning.course.keys import scene_keys
from elearning.course.loader import read_yaml
from elearning.course.model import SCENE_TYPES, CourseMeta, Module

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SCENE_DEFS = {"scene": "PlainScene", "hub": "HubScene", "question": "QuestionScene", "open": "OpenScene",
               "end": "EndScene"}


@dataclass
class CourseIds:
    """The ids one course defines, for completion in an editor."""

    scenes: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)


def json_schema(model: type[BaseModel], *, title: str, description: str) -> dict[str, Any]:
    """The JSON Schema of a model as written in YAML (aliases such as `pass:` and `register:`)."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def course_schema(ids: CourseIds | None = None) -> dict[str, Any]:
    schema = json_schema(
        CourseMeta,
        title="course.yaml",
        description="The course: title, study load, PE points, pass rules, modules in order, notebook, variables.",
    )
    if ids is not None:
        defs = schema["$defs"]
        _ids(schema["properties"]["modules"]["items"], ids.modules)
        _ids(defs["PassRules"]["properties"]["modules"], ids.modules)
        _ids(defs["NotebookEntry"]["properties"]["kind"], ids.kinds)
    return schema


def module_schema(ids: CourseIds | None = None) -> dict[str, Any]:
    schema = json_schema(
        Module,
        title="modules/<id>.yaml",
        description="One module of a course: its scenes, choices, questions and end scenes.",
    )
    defs = schema["$defs"]
    if ids is not None:
        _ids(schema["properties"]["start"], ids.scenes)
        _ids(defs["Draw"]["properties"]["from"], ids.questions)
        for name in ("Choice", "Location", "Scene"):
            _ids(defs[name]["properties"]["goto"], ids.scenes)
        _ids(defs["Choice"]["properties"]["notebook"], ids.entries)
        for key in ("set", "add"):
            _ids(defs["Choice"]["properties"][key]["propertyNames"], ids.variables)
        known = "; ".join(f"{what}: {', '.join(found)}" for what, found in (
            ("scenes", ids.scenes), ("places", ids.places), ("notebook entries", ids.entries),
            ("kinds", ids.kinds), ("variables", ids.variables)) if found)
        for name in ("Choice", "Location", "Block"):
            prop = defs[name]["properties"]["when"]
            prop["description"] = f"{prop.get('description', '')} The ids of this course: {known}.".strip()
    _per_type(defs)
    return schema


def _per_type(defs: dict[str, Any]) -> None:
    """Replace the one Scene definition by one per type, chosen by the scene's `type`."""
    scene = defs.pop("Scene")
    rules = []
    for kind in SCENE_TYPES:
        own = copy.deepcopy(scene)
        own["title"] = f"{kind} scene" if kind != "scene" else "scene"
        own["properties"] = {k: v for k, v in scene["properties"].items() if k in scene_keys(kind)}
        own["properties"]["type"] = {**scene["properties"]["type"], "const": kind}
        own["properties"]["type"].pop("enum", None)
        own["additionalProperties"] = False
        if kind != "scene":
            own["required"] = sorted({*own.get("required", []), "type"})
        defs[_SCENE_DEFS[kind]] = own
        has_type: dict[str, Any] = {"properties": {"type": {"const": kind}}, "required": ["type"]}
        condition = {"anyOf": [{"not": {"required": ["type"]}}, has_type]} if kind == "scene" else has_type
        rules.append({"if": condition, "then": {"$ref": f"#/$defs/{_SCENE_DEFS[kind]}"}})
    rules.append({  # a type that is none of these: the keys of any type may stand, nothing else
        "if": {"required": ["type"], "properties": {"type": {"not": {"enum": list(SCENE_TYPES)}}}},
        "then": {"properties": {k: True for k in scene["properties"]}, "additionalProperties": False},
    })
    defs["Scene"] = {
        "title": "Scene",
        "description": scene.get("description", "A scene; its keys depend on its type: scene, hub, question, open or end."),
        "type": "object",
        "required": ["id"],
        "properties": {"id": scene["properties"]["id"], "type": scene["properties"]["type"]},
        "allOf": rules,
    }


def _ids(prop: dict[str, Any], ids: list[str]) -> None:
    """Offer ids for completion where prop (or the string in it, or its items) holds an id."""
    if not ids:
        return
    target = prop
    if "items" in target:
        target = target["items"]
    for option in target.get("anyOf", []):
        if option.get("type") == "string":
            target = option
    target["enum"] = sorted(set(ids))


def course_ids(folder: Path) -> CourseIds:
    """The ids the files of the course in folder define, as far as they can be read."""
    ids = CourseIds()
    meta = read_yaml(folder / "course.yaml", "course.yaml").data
    if isinstance(meta, dict):
        found = meta.get("notebook")
        notebook: dict[str, Any] = found if isinstance(found, dict) else {}
        ids.entries = _list_ids(notebook.get("entries"))
        ids.kinds = _list_ids(notebook.get("kinds"))
        variables = meta.get("variables")
        ids.variables = [str(v) for v in variables] if isinstance(variables, dict) else []
    files = sorted((folder / "modules").glob("*.yaml")) if (folder / "modules").is_dir() else []
    ids.modules = [f.stem for f in files]
    for file in files:
        data = read_yaml(file, file.name).data
        scenes = data.get("scenes") if isinstance(data, dict) else None
        for scene in scenes if isinstance(scenes, list) else []:
            if isinstance(scene, dict) and isinstance(scene.get("id"), str):
                ids.scenes.append(scene["id"])
                if scene.get("type") == "question":
                    ids.questions.append(scene["id"])
                ids.places += _list_ids(scene.get("locations"))
    return ids


def _list_ids(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]


SCHEMAS: dict[str, Callable[..., dict[str, Any]]] = {"course": course_schema, "module": module_schema}


def dumps(schema: dict[str, Any]) -> str:
    """Stable, readable JSON text (what `elearning schema` writes)."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
