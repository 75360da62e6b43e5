"""A problem an author must see: where it is (file:line:col), how bad, and what to do.

The compiler, the state-space checks of `validate` and the playthrough tests all report
with this one type. A problem's message is a `Text`: an English message id from the
interface catalogue with its values, so that it can be said in the author's language
(`problem.say("nl")`); `message` is its English form. Imports only the i18n leaf, so every
layer can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from elearning.i18n import translator

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Text:
    """A message id (English, with `{name}` placeholders) and its values; a value may be a
    Text too (a hint such as "did you mean ..."), said in the same language."""

    template: str
    values: tuple[tuple[str, Any], ...] = ()

    def say(self, translate: Callable[..., str]) -> str:
        values = {k: v.say(translate) if isinstance(v, Text) else v for k, v in self.values}
        return translate(self.template, **values)

    def __str__(self) -> str:
        return self.say(_english)


def text(template: str, **values: Any) -> Text:
    """`text(N_("unknown key '{key}'"), key=name)`: a message to say in any language later."""
    return Text(template, tuple(values.items()))


def _english(template: str, /, **values: Any) -> str:
    return template.format(**values) if values else template


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    level: Level
    message: str
    text: Text | None = field(default=None, compare=False, repr=False)

    @property
    def where(self) -> str:
        """file:line:col, the form editors and terminals turn into a link."""
        return f"{self.where_line}:{self.col}"

    @property
    def where_line(self) -> str:
        return f"{self.file}:{self.line}"

    def say(self, lang: str) -> str:
        """The message in lang ('nl' or 'en'), through the interface catalogue."""
        if self.text is None:
            return self.message
        return self.text.say(translator(lang))

    def line_in(self, lang: str) -> str:
        """`file:line:col: error|warning: message` with the message in lang (the level stays
        English: editors' problem matchers look for it)."""
        return f"{self.where}: {self.level}: {self.say(lang)}"

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        message = self.message if lang is None else self.say(lang)
        return {"file": self.file, "line": self.line, "col": self.col, "level": self.level, "message": message}

