"""Reading text fields of a form: trimmed, bounded, and checked for characters nobody types.

NUL, the other C0 and C1 control characters and DEL cannot be stored in PostgreSQL text (NUL)
or reach a terminal as escape sequences (`elearning users list`); the bidirectional controls
reorder what is shown, so that a name printed "XSS" on a certificate reads "SSX".
"""

from __future__ import annotations

import unicodedata

from starlette.datastructures import FormData

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text(form: FormData, name: str, limit: int = 300) -> str:
    """The field's value without surrounding spaces, at most `limit` characters ("" when absent)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def has_hidden_characters(value: str, *, multiline: bool = False) -> bool:
    """True when the text holds a control character (C0, DEL, C1) or a bidirectional control;
    line breaks and tabs are allowed in `multiline` text (a textarea)."""
    allowed = "\n\r\t" if multiline else ""
    return any(ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in allowed) for ch in value)
