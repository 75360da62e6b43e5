"""JSON Schemas of the course format, for editors that check YAML while authors type.

Derived from the pydantic models, so the schema cannot drift from what the compiler
accepts. VS Code's YAML extension reads a first line such as
`# yaml-language-server: $schema=../schemas/course.schema.json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from elearning.course.model import CourseMeta, Module

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(model: type[BaseModel], *, title: str, description: str) -> dict[str, Any]:
    """The JSON Schema of a model as written in YAML (aliases such as `pass:` and `register:`)."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def course_schema() -> dict[str, Any]:
    return json_schema(
        CourseMeta,
        title="course.yaml",
        description="The course: title, study load, PE points, pass rules, modules in order, notebook, variables.",
    )


def module_schema() -> dict[str, Any]:
    return json_schema(
        Module,
        title="modules/<id>.yaml",
        description="One module of a course: its scenes, choices, questions and end scenes.",
    )


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {"course": course_schema, "module": module_schema}


def dumps(schema: dict[str, Any]) -> str:
    """Stable, readable JSON text (what `elearning schema` writes)."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
