"""Turning pydantic's validation errors into messages an author understands."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from elearning.course.loader import PathKey
from elearning.course.problems import Text, text
from elearning.i18n import N_

_EXPECTED = {
    "int": N_("a whole number"),
    "float": N_("a number"),
    "bool": N_("true or false"),
    "string": N_("text"),
    "str": N_("text"),
    "list": N_("a list (lines starting with '- ')"),
    "dict": N_("a mapping (lines of 'key: value')"),
    "model": N_("a mapping (lines of 'key: value')"),
}


_BOUNDS = {
    "greater_than": (N_("{subject} must be more than {bound}, not {value}"), "gt"),
    "greater_than_equal": (N_("{subject} must be at least {bound}, not {value}"), "ge"),
    "less_than": (N_("{subject} must be less than {bound}, not {value}"), "lt"),
    "less_than_equal": (N_("{subject} must be at most {bound}, not {value}"), "le"),
}


_NOUNS = {
    "scenes": N_("scene"),
    "choices": N_("choice"),
    "locations": N_("location"),
    "answers": N_("answer"),
    "blocks": N_("text block"),
    "entries": N_("notebook entry"),
    "kinds": N_("notebook kind"),
    "modules": N_("module"),
    "dialogue": N_("line"),
    "characters": N_("character"),
}
_NAMED = N_("{noun} '{id}'")
_NUMBERED = N_("{noun} {n}")


def suggest(word: str, options: Iterable[str]) -> Text | str:
    """' (did you mean 'x'?)' when an option is close to word, else ''."""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return text(N_(" (did you mean '{option}'?)"), option=match[0]) if match else ""


def describe(path: PathKey, data: Any) -> Text | str:
    """A human name for the place at path: "scene 'bakker-1', choice 2", "notebook entry 'sig-1'"."""
    parts: list[Text] = []
    node = data
    parent_key: str | int | None = None
    section = False
    for part in path:
        child = node[part] if _has(node, part) else None
        if isinstance(part, int):
            noun = text(_NOUNS.get(str(parent_key), N_("item")))
            ident = child.get("id") if isinstance(child, dict) else None
            if isinstance(ident, str):
                parts.append(text(_NAMED, noun=noun, id=ident))
            else:
                parts.append(text(_NUMBERED, noun=noun, n=part + 1))
        elif parent_key is None and isinstance(child, dict):  # a section of course.yaml: pass, pe, notebook
            parts.append(text("'{key}'", key=part))
            section = True
        node = child
        parent_key = part
    if len(parts) > 1 and section:
        parts = parts[1:]  # "notebook entry 'x'" says enough; "'notebook', notebook entry 'x'" says it twice
    return joined(parts)


def joined(parts: list[Text]) -> Text | str:
    """The parts as one text, separated by commas ("scene 'x', choice 2")."""
    if not parts:
        return ""
    values = {f"p{i}": p for i, p in enumerate(parts)}
    return Text(", ".join("{" + k + "}" for k in values), tuple(values.items()))


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


def _in(where: Text | str) -> Text | str:
    return text(N_(" in {where}"), where=where) if where else ""


def _quotes_hint(source: str | None, value: Any) -> Text | str:
    """Why a text came out as true/false or a number, when YAML read a word such as `no` so."""
    if not source or isinstance(value, str):
        return ""
    if isinstance(value, bool):
        return text(N_("; YAML reads {word} as {value} (yes, no, on, off, true and false are true or false to YAML): "
                       "to show the word, put it between double quotes: \"{word}\""),
                    word=source, value=str(value).lower())
    if value is not None and not isinstance(value, dict | list):
        return text(N_("; to use it as text, put it between double quotes: \"{word}\""), word=source)
    return ""


def friendly(err: dict[str, Any], model: type[BaseModel], data: Any, prefix: PathKey = (),
             source: Callable[[PathKey], str | None] | None = None) -> tuple[PathKey, bool, Text]:
    """(path, point-at-key?, message) for one pydantic error dict; source gives the text of a value
    as written in the file (to explain a `no` that YAML read as false)."""
    loc: PathKey = prefix + tuple(p for p in err["loc"] if isinstance(p, int | str))
    kind = err["type"]
    if len(loc) >= 2 and loc[-1] == "[key]":  # a key of a mapping such as variables or flags
        loc = loc[:-1]
        where = describe(loc[:-2], data)
        owner = text(N_("'{key}' of {where}"), key=loc[-2], where=where) if where else text("'{key}'", key=loc[-2])
        if kind == "string_pattern_mismatch":
            return loc, True, text(N_("'{key}' in {owner} is not a valid id: use lower-case letters, digits, - and _ "
                                      "(no spaces), starting with a letter or digit"), key=loc[-1], owner=owner)
        return loc, True, text(N_("the key '{key}' in {owner}: {problem}"), key=loc[-1], owner=owner, problem=err["msg"])
    where = describe(loc[:-1], data)
    in_where = _in(where)
    last = loc[-1] if loc else ""
    value = err.get("input")
    subject: Text
    if isinstance(last, int) and len(loc) >= 2:  # an item of a list: "choice 2 in scene 'x'", "module 3 of 'modules'"
        item = text(_NUMBERED, noun=text(_NOUNS.get(str(loc[-2]), N_("item"))), n=last + 1)
        subject = text("{item}{where}", item=item, where=in_where) if where else \
            text(N_("{item} of '{key}'"), item=item, key=loc[-2])
    else:
        subject = text("'{key}'{where}", key=last, where=in_where)
    if kind == "extra_forbidden":
        described = _model_at(model, loc[len(prefix):-1])
        hint = suggest(str(last), field_names(described)) if described else ""
        if not hint and " " in str(last).strip():  # {title: Eerst luisteren, dan praten}: the comma ended the text
            hint = text(N_("; inside { } a comma ends a value, so the words after it became a key: put a text with a "
                           "comma between double quotes"))
        return loc, True, text(N_("unknown key '{key}'{where}{hint}"), key=last, where=in_where, hint=hint)
    if kind == "missing":
        if last == "alt":
            return loc, False, text(N_("the image{where} has no alt text; add 'alt:' that describes what it shows"),
                                    where=in_where)
        if last in ("transcript", "captions") and len(loc) >= 2 and loc[-2] in ("audio", "video"):
            need = (text(N_("a transcript (a text file with what is said and heard)")) if last == "transcript"
                    else text(N_("captions (a WebVTT .vtt file)")))
            return loc, False, text(N_("the {media}{where} has no '{key}'; learners who cannot hear or see it need {need}"),
                                    media=loc[-2], where=in_where, key=last, need=need)
        return loc, False, text(N_("missing required key '{key}'{where}"), key=last, where=in_where)
    if kind == "string_pattern_mismatch":
        return loc, False, text(N_("'{value}' is not a valid id{where}: use lower-case letters, digits, - and _ "
                                   "(no spaces), starting with a letter or digit"), value=value, where=in_where)
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loc, False, text(N_("{subject} must be one of {expected}, not '{value}'"),
                                subject=subject, expected=expected, value=value)
    if kind in ("too_short", "string_too_short"):
        if last == "alt":
            return loc, False, text(N_("the image{where} has no alt text; describe what it shows"), where=in_where)
        need = err.get("ctx", {}).get("min_length")
        if kind == "string_too_short":
            return loc, False, text(N_("{subject} is empty"), subject=subject)
        if need:
            return loc, False, text(N_("{subject} is too short (at least {n} needed)"), subject=subject, n=need)
        return loc, False, text(N_("{subject} is too short"), subject=subject)
    if kind == "string_too_long":
        return loc, False, text(N_("{subject} is too long (at most {n} characters)"), subject=subject,
                                n=err.get("ctx", {}).get("max_length"))
    if kind in _BOUNDS:
        template, ctx_key = _BOUNDS[kind]
        return loc, False, text(template, subject=subject, bound=f"{err.get('ctx', {}).get(ctx_key, 0):g}",
                                value=repr(value))
    if kind == "finite_number":
        return loc, False, text(N_("{subject} must be a number, not {value}"), subject=subject, value=repr(value))
    for prefix_word, words in _EXPECTED.items():
        if kind.startswith(prefix_word + "_") or kind == prefix_word + "_type":
            shown: Text | str = repr(value)
            if value is None:
                shown = text(N_("nothing"))
            elif isinstance(value, dict):
                shown = text(N_("a mapping"))
            elif isinstance(value, list):
                shown = text(N_("a list"))
            hint = _quotes_hint(source(loc) if source else None, value) if prefix_word in ("string", "str") else ""
            return loc, False, text(N_("{subject} must be {expected}, not {value}{hint}"), subject=subject,
                                    expected=text(words), value=shown, hint=hint)
    return loc, False, text("{subject}: {problem}", subject=subject, problem=err["msg"])
