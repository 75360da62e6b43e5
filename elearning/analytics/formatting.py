"""Numbers as people read them, in Dutch or English: 1.234 / 1,234; 62% ; 1 u 5 min / 1 h 5 min."""

from __future__ import annotations

from typing import Literal

Kind = Literal["text", "count", "share", "seconds", "number"]
Cell = str | int | float | bool | None


def _grouped(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "nl" else text


def _decimal(value: float, digits: int, lang: str) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def duration(seconds: float, lang: str) -> str:
    """A duration rounded to what matters: seconds under a minute, then minutes, hours, days."""
    hour, day = ("u", "d") if lang == "nl" else ("h", "d")
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        h, m = divmod(minutes, 60)
        return f"{h} {hour} {m} min" if m else f"{h} {hour}"
    hours = round(seconds / 3600)
    d, h = divmod(hours, 24)
    return f"{d} {day} {h} {hour}" if h else f"{d} {day}"


def cell(value: Cell, kind: Kind, lang: str) -> str:
    """The text for one table cell or chart value; empty for a missing value."""
    if value is None or value == "":
        return "" if kind == "text" else "–"
    if isinstance(value, bool):
        return ("ja" if value else "nee") if lang == "nl" else ("yes" if value else "no")
    if kind == "count" and isinstance(value, int | float):
        return _grouped(int(value), lang)
    if kind == "share" and isinstance(value, int | float):
        return f"{round(value * 100)}%"
    if kind == "seconds" and isinstance(value, int | float):
        return duration(float(value), lang)
    if kind == "number" and isinstance(value, int | float):
        return _decimal(float(value), 2, lang)
    return str(value)
