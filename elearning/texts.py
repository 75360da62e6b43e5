"""Texts in two languages: Dutch is the source text, English is looked up in a table.

`_ = translator(EN, lang)`, then `_("{n} deelnemers", n=3)`. The web pages (elearning/web/i18n.py),
the analytics (elearning/analytics/texts.py) and the scenario map (elearning/authoring/graph.py)
each keep their own table; this is the one lookup they share. No imports, so any layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def translator(english: Mapping[str, str], lang: str) -> Callable[..., str]:
    """The Dutch text, or its English version from `english` when lang is "en"; then {name}s filled in."""
    table = english if lang == "en" else None

    def translate(text: str, **values: Any) -> str:
        if table is not None:
            text = table.get(text, text)
        return text.format(**values) if values else text

    return translate
