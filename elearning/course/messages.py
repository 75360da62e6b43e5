"""Turning pydantic's validation errors into messages an author understands."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from elearning.course.loader import PathKey

_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "string": "text",
    "str": "text",
    "list": "a list (lines starting with '- ')",
    "dict": "a mapping (lines of 'key: value')",
    "model": "a mapping (lines of 'key: value')",
}


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when an option is close to word, else ''."""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def describe(path: PathKey, data: Any) -> str:
    """A human name for the place at path: "scene 'bakker-1', choice 2", "notebook entry 'sig-1'"."""
    parts: list[str] = []
    node = data
    parent_key: str | int | None = None
    for part in path:
        child = node[part] if _has(node, part) else None
        if isinstance(part, int):
            noun = {
                "scenes": "scene",
                "choices": "choice",
                "locations": "location",
                "answers": "answer",
                "blocks": "text block",
                "entries": "notebook entry",
                "kinds": "notebook kind",
                "modules": "module",
            }.get(str(parent_key), "item")
            ident = child.get("id") if isinstance(child, dict) else None
            if isinstance(ident, str):
                parts.append(f"{noun} '{ident}'")
            else:
                parts.append(f"{noun} {part + 1}")
        node = child
        parent_key = part
    return ", ".join(parts)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    if isinstance(node, list) and isinstance(part, int):
        return 0 <= part < len(node)
    return False


def field_names(model: type[BaseModel]) -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        names.append(info.alias or name)
    return names


def _model_at(model: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    """The pydantic model class that describes the mapping at path (for key suggestions)."""
    import typing

    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = None
        for name, info in current.model_fields.items():
            if (info.alias or name) == part:
                field = info
        if field is None:
            return None
        ann = field.annotation
        # unwrap Optional[...] / list[...] / dict[..., X]
        for _ in range(3):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            origin = typing.get_origin(ann)
            if origin in (list, dict) and args:
                ann = args[-1]
            elif origin is typing.Union and args:
                ann = args[0]
            elif origin is typing.Annotated:
                ann = args[0]
        current = ann
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def friendly(err: dict[str, Any], model: type[BaseModel], data: Any, prefix: PathKey = ()) -> tuple[PathKey, bool, str]:
    """(path, point-at-key?, message) for one pydantic error dict."""
    loc: PathKey = prefix + tuple(p for p in err["loc"] if isinstance(p, int | str))
    kind = err["type"]
    where = describe(loc[:-1], data)
    in_where = f" in {where}" if where else ""
    last = loc[-1] if loc else ""
    value = err.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[len(prefix):-1])
        hint = suggest(str(last), field_names(owner)) if owner else ""
        return loc, True, f"unknown key '{last}'{in_where}{hint}"
    if kind == "missing":
        return loc, False, f"missing required key '{last}'{in_where}"
    if kind == "string_pattern_mismatch":
        return loc, False, (
            f"'{value}' is not a valid id{in_where}: use lower-case letters, digits, - and _ "
            "(no spaces), starting with a letter or digit"
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loc, False, f"'{last}'{in_where} must be one of {expected}, not '{value}'"
    if kind in ("too_short", "string_too_short"):
        if last == "alt":
            return loc, False, f"the image{in_where} has no alt text; describe what it shows"
        what = "empty" if kind == "string_too_short" else "too short"
        need = err.get("ctx", {}).get("min_length")
        extra = f" (at least {need} needed)" if need and kind == "too_short" else ""
        return loc, False, f"'{last}'{in_where} is {what}{extra}"
    if kind == "string_too_long":
        return loc, False, f"'{last}'{in_where} is too long (at most {err.get('ctx', {}).get('max_length')} characters)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return loc, False, f"'{last}'{in_where} {err['msg'].lower()}, not {value!r}"
    for prefix_word, words in _EXPECTED.items():
        if kind.startswith(prefix_word + "_") or kind == prefix_word + "_type":
            shown = "nothing" if value is None else repr(value) if not isinstance(value, dict | list) else type(value).__name__
            if isinstance(value, dict):
                shown = "a mapping"
            elif isinstance(value, list):
                shown = "a list"
            return loc, False, f"'{last}'{in_where} must be {words}, not {shown}"
    return loc, False, f"'{last}'{in_where}: {err['msg']}"
