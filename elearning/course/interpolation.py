"""Values and snippets in course text: `{{ var(vertrouwen) }}`, `{{ score }}`, `{{ name }}`,
`{{ snippet(terug-naar-kaart) }}`.

Between `{{` and `}}` stands one word or one call of the condition language that gives a
number, nothing else: no attribute access, no arithmetic, no comparisons. The compiler checks
every one of them like a condition (an unknown word or id is an error at its place);
`snippet(...)` is replaced by the snippet's text when the course is compiled, the others are
filled in by the player from the learner's state (and escaped there).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from elearning.course.loader import PathKey
from elearning.course.messages import suggest
from elearning.course.problems import Text
from elearning.course.problems import text as message
from elearning.i18n import N_

WORDS: dict[str, str] = {
    "name": "the learner's name (nothing for a guest)",
    "score": "the points of this module so far",
    "percentage": "the points of this module as a percentage of its maximum",
    "total": "the points of the finished modules together",
}
# call -> (what its argument names, argument optional)
CALLS: dict[str, tuple[str, bool]] = {
    "var": (N_("variable"), False),
    "count": (N_("notebook kind"), True),
    "visited": (N_("scene"), False),
    "done_count": (N_("hub"), True),
    "snippet": (N_("snippet"), False),
}
_TRUE_OR_FALSE = ("flag", "has", "done")
_FORM = re.compile(r"([a-z_]+)\s*(?:\(\s*([a-z0-9][a-z0-9_-]*)?\s*\))?")
_OPEN = "{{"
_CLOSE = "}}"


@dataclass(frozen=True)
class Placeholder:
    start: int  # offset of '{{' in the text
    end: int  # offset just past '}}'
    word: str = ""  # 'name', 'score', ..., or the function: 'var', 'snippet', ...
    arg: str | None = None
    error: Text | None = None  # why it cannot be read; then word and arg are empty

    @property
    def key(self) -> str:
        """How the player names the value: 'score', 'var(vertrouwen)', 'count()'."""
        return self.word if self.word in WORDS else f"{self.word}({self.arg or ''})"


def key_of(inner: str) -> str | None:
    """The key of the text between '{{' and '}}', or None when it is not a value."""
    found = _read(inner, 0, 0)
    return None if found.error else found.key


def find(text: str) -> list[Placeholder]:
    """Every '{{ ... }}' in text, read (or with the reason it cannot be)."""
    out: list[Placeholder] = []
    pos = text.find(_OPEN)
    while pos >= 0:
        close = text.find(_CLOSE, pos + 2)
        inner = text[pos + 2:close] if close >= 0 else ""
        if close < 0 or _OPEN in inner or "\n" in inner:  # a value stands on one line
            out.append(Placeholder(pos, pos + 2, error=message(N_("'{open}' is not closed with '{close}' on the same line"), open=_OPEN, close=_CLOSE)))
            pos = text.find(_OPEN, pos + 2)
            continue
        out.append(_read(inner, pos, close + 2))
        pos = text.find(_OPEN, close + 2)
    return out


def _read(inner: str, start: int, end: int) -> Placeholder:
    bare = inner.strip()
    if not bare:
        return Placeholder(start, end, error=message(N_("there is nothing between '{open}' and '{close}'; write a value such as {example} or {other}"),
                                                  open=_OPEN, close=_CLOSE, example="{{ var(naam) }}", other="{{ score }}"))
    m = _FORM.fullmatch(bare)
    if m is None:
        return Placeholder(start, end, error=message(N_("cannot read '{value}': between '{open}' and '{close}' stands one of {choices}, nothing else"),
                                                  value=f"{{{{ {bare} }}}}", open=_OPEN, close=_CLOSE, choices=_choices()))
    word, arg, called = m.group(1), m.group(2), "(" in bare
    if word in _TRUE_OR_FALSE:
        return Placeholder(start, end, error=message(N_("{word}() is true or false, not a value to show; use it in the 'when' of a text block instead"), word=word))
    if word in WORDS:
        if called:
            return Placeholder(start, end, error=message(N_("'{word}' is a value, not a function; write {value}"), word=word, value=f"{{{{ {word} }}}}"))
        return Placeholder(start, end, word)
    if word in CALLS:
        noun, optional = CALLS[word]
        if not called or (arg is None and not optional):
            return Placeholder(start, end, error=message(N_("{word}() needs the id of a {noun}: {value}"), word=word, noun=message(noun), value=f"{{{{ {word}(id) }}}}"))
        return Placeholder(start, end, word, arg)
    return Placeholder(start, end, error=message(N_("unknown value '{word}'{hint}; write one of {choices}"), word=word, hint=suggest(word, [*WORDS, *CALLS]), choices=_choices()))


def _choices() -> str:
    return ", ".join([*WORDS, *(f"{c}(...)" for c in CALLS)])


def expand(text: str, snippets: dict[str, str]) -> str:
    """text with every {{ snippet(id) }} replaced by the snippet's text (unknown ids stay)."""
    if _OPEN not in text:
        return text
    parts: list[str] = []
    last = 0
    for ph in find(text):
        if ph.word == "snippet" and ph.arg in snippets:
            parts += [text[last:ph.start], snippets[ph.arg]]
            last = ph.end
    return "".join(parts) + text[last:]


# where a scene's texts stand: (list key or None, text keys); {{ snippet(id) }} is replaced there
TEXT_KEYS: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (None, ("text", "feedback")),
    ("blocks", ("text",)),
    ("dialogue", ("text",)),
    ("choices", ("label", "feedback", "reason")),
    ("answers", ("text", "feedback")),
)


def scene_texts(raw_scene: Any) -> Iterator[tuple[PathKey, str]]:
    """(path inside the scene, text) of every text of a raw scene that may hold {{ ... }}."""
    if not isinstance(raw_scene, dict):
        return
    for list_key, keys in TEXT_KEYS:
        if list_key is None:
            pairs: list[tuple[PathKey, Any]] = [((), raw_scene)]
        else:
            raw_items = raw_scene.get(list_key)
            pairs = [((list_key, i), item) for i, item in enumerate(raw_items if isinstance(raw_items, list) else [])]
        for path, item in pairs:
            if isinstance(item, dict):
                for key in keys:
                    if isinstance(item.get(key), str):
                        yield path + (key,), item[key]


def with_snippets(data: dict[str, Any], snippets: dict[str, str]) -> dict[str, Any]:
    """The module with {{ snippet(id) }} replaced in every text (the file's own data stays as read)."""
    raw_scenes = data.get("scenes")
    if not snippets or not isinstance(raw_scenes, list):
        return data
    scenes = copy.deepcopy(raw_scenes)
    for scene in scenes:
        for path, text in list(scene_texts(scene)):
            parent: Any = scene
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = expand(text, snippets)
    return {**data, "scenes": scenes}
