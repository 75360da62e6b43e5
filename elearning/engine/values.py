"""The values a page's texts show: `{{ var(vertrouwen) }}`, `{{ score }}` and the like.

The engine fills in what it knows from the state; the learner's name is the player's to add
(the engine knows no people). The player escapes every value when it puts it in the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from elearning.course.conditions import Facts
from elearning.course.interpolation import find


@dataclass(frozen=True)
class DialogueLine:
    speaker: str | None  # a character id, 'me' (the learner), or None (narration)
    text: str  # Markdown


def page_values(texts: Iterable[str], facts: Facts, total: int) -> dict[str, str]:
    """key -> value of every {{ ... }} in texts, except 'name'."""
    out: dict[str, str] = {}
    for text in texts:
        if "{{" not in text:
            continue
        for ph in find(text):
            if ph.error or ph.word in ("name", "snippet") or ph.key in out:
                continue
            out[ph.key] = str(_value(ph.word, ph.arg, facts, total))
    return out


def _value(word: str, arg: str | None, facts: Facts, total: int) -> int:
    if word == "score":
        return facts.score()
    if word == "percentage":
        return facts.percentage()
    if word == "total":
        return total
    if word == "var":
        return facts.var(arg or "")
    if word == "count":
        return facts.count(arg)
    if word == "visited":
        return facts.visited(arg or "")
    if word == "done_count":
        return facts.done_count(arg)
    raise ValueError(f"unknown value {word!r}")
