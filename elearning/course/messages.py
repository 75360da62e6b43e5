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


_BOUNDS = {
    "greater_than": ("more than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}


_NOUNS = {
    "scenes": "scene",
    "choices": "choice",
    "locations": "location",
    "answers": "answer",
    "blocks": "text block",
    "entries": "notebook entry",
    "kinds": "notebook kind",
    "modules": "module",
    "dialogue": "line",
    "characters": "character",
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
            noun = _NOUNS.get(str(parent_key), "item")
            ident = child.get("id") if isinstance(child, dict) else None
            if isinstance(ident, str):
                parts.append(f"{noun} '{ident}'")
            else:
                parts.append(f"{noun} {part + 1}")
        elif parent_key is None and isinstance(child, dict):  # a section of course.yaml: pass, pe, notebook
            parts.append(f"'{part}'")
        node = child
        parent_key = part
    if len(parts) > 1 and parts[0].startswith("'"):
        parts = parts[1:]  # "notebook entry 'x'" says enough; "'notebook', notebook entry 'x'" says it twice
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
    import types
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
            elif origin in (typing.Union, types.UnionType) and args:
                ann = args[0]
            elif origin is typing.Annotated:
                ann = args[0]
        current = ann
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def without_echoes(errors: list[Any]) -> list[Any]:
    """Pydantic's errors minus a 'missing' key that an unknown key beside it misspells: the
    unknown key's "did you mean" already says what to do."""
    extras: dict[tuple[Any, ...], list[str]] = {}
    for err in errors:
        if err["type"] == "extra_forbidden" and err["loc"]:
            extras.setdefault(tuple(err["loc"][:-1]), []).append(str(err["loc"][-1]))
    kept = []
    for err in errors:
        if err["type"] == "missing" and err["loc"]:
            near = extras.get(tuple(err["loc"][:-1]), [])
            if difflib.get_close_matches(str(err["loc"][-1]), near, n=1, cutoff=0.6):
                continue
        kept.append(err)
    return kept


def friendly(err: dict[str, Any], model: type[BaseModel], data: Any, prefix: PathKey = ()) -> tuple[PathKey, bool, str]:
    """(path, point-at-key?, message) for one pydantic error dict."""
    loc: PathKey = prefix + tuple(p for p in err["loc"] if isinstance(p, int | str))
    kind = err["type"]
    if len(loc) >= 2 and loc[-1] == "[key]":  # a key of a mapping such as variables or flags
        loc = loc[:-1]
        where = describe(loc[:-2], data)
        owner = f"'{loc[-2]}'" + (f" of {where}" if where else "")
        if kind == "string_pattern_mismatch":
            return loc, True, (f"'{loc[-1]}' in {owner} is not a valid id: use lower-case letters, digits, - and _ "
                               "(no spaces), starting with a letter or digit")
        return loc, True, f"the key '{loc[-1]}' in {owner}: {err['msg']}"
    where = describe(loc[:-1], data)
    in_where = f" in {where}" if where else ""
    last = loc[-1] if loc else ""
    value = err.get("input")
    if isinstance(last, int) and len(loc) >= 2:  # an item of a list: "choice 2 in scene 'x'", "module 3 of 'modules'"
        subject = f"{_NOUNS.get(str(loc[-2]), 'item')} {last + 1}" + (in_where or f" of '{loc[-2]}'")
    else:
        subject = f"'{last}'{in_where}"
    if kind == "extra_forbidden":
        described = _model_at(model, loc[len(prefix):-1])
        hint = suggest(str(last), field_names(described)) if described else ""
        return loc, True, f"unknown key '{last}'{in_where}{hint}"
    if kind == "missing":
        if last == "alt":
            return loc, False, f"the image{in_where} has no alt text; add 'alt:' that describes what it shows"
        if last in ("transcript", "captions") and len(loc) >= 2 and loc[-2] in ("audio", "video"):
            need = ("a transcript (a text file with what is said and heard)" if last == "transcript"
                    else "captions (a WebVTT .vtt file)")
            return loc, False, (f"the {loc[-2]}{in_where} has no '{last}'; learners who cannot hear or see it need "
                                f"{need}")
        return loc, False, f"missing required key '{last}'{in_where}"
    if kind == "string_pattern_mismatch":
        return loc, False, (
            f"'{value}' is not a valid id{in_where}: use lower-case letters, digits, - and _ "
            "(no spaces), starting with a letter or digit"
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loc, False, f"{subject} must be one of {expected}, not '{value}'"
    if kind in ("too_short", "string_too_short"):
        if last == "alt":
            return loc, False, f"the image{in_where} has no alt text; describe what it shows"
        what = "empty" if kind == "string_too_short" else "too short"
        need = err.get("ctx", {}).get("min_length")
        extra = f" (at least {need} needed)" if need and kind == "too_short" else ""
        return loc, False, f"{subject} is {what}{extra}"
    if kind == "string_too_long":
        return loc, False, f"{subject} is too long (at most {err.get('ctx', {}).get('max_length')} characters)"
    if kind in _BOUNDS:
        phrase, ctx_key = _BOUNDS[kind]
        return loc, False, f"{subject} must be {phrase} {err.get('ctx', {}).get(ctx_key, 0):g}, not {value!r}"
    if kind == "finite_number":
        return loc, False, f"{subject} must be a number, not {value!r}"
    for prefix_word, words in _EXPECTED.items():
        if kind.startswith(prefix_word + "_") or kind == prefix_word + "_type":
            shown = "nothing" if value is None else repr(value) if not isinstance(value, dict | list) else type(value).__name__
            if isinstance(value, dict):
                shown = "a mapping"
            elif isinstance(value, list):
                shown = "a list"
            return loc, False, f"{subject} must be {words}, not {shown}"
    return loc, False, f"{subject}: {err['msg']}"
