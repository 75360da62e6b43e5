"""Placeholders: text a course file or an administrator left to be filled in later.

One test for every place a provider's fact is entered (the course file's `pe.activity_id`
today), so that "INVULLEN-DOOR-AANBIEDER" never reaches a certificate.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(
    r"invullen|in[ _-]?te[ _-]?vullen|\btodo\b|\btbd\b|\bfixme\b|xxx|placeholder|changeme|^[\s?._-]*$",
    re.IGNORECASE,
)


def looks_like_placeholder(text: str) -> bool:
    """INVULLEN-DOOR-AANBIEDER, TODO, XXX, TBD, FIXME, ..., or nothing but dots and dashes."""
    return bool(_PLACEHOLDER.search(text.replace("_", " ")))
