"""Registerplein registration numbers: what a learner types, normalised and checked.

A Registerplein registration number consists of digits only and begins with 4610. People
copy it from letters and web pages with spaces, dots or dashes in it ("4610 123 456",
"4610.123.456"); those are removed before checking. Only the shape is checked (there is no
check digit to test); the register itself is the final judge of whether the number exists.
"""

from __future__ import annotations

import re
from typing import Literal

from elearning.i18n import translator

PREFIX = "4610"
MIN_LENGTH = 8
MAX_LENGTH = 20
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")  # spaces, dots, ASCII and typographic dashes
_SHOWN = 40  # how much of a long input a message repeats


class InvalidRegistrationNumber(ValueError):
    """The input is not a Registerplein registration number. `message(lang)` says why, from the
    text catalogue, repeating what was typed; str() is the Dutch message."""

    def __init__(self, kind: Literal["empty", "shape", "short", "long"], raw: str) -> None:
        self.kind = kind
        self.raw = raw
        super().__init__(self.message("nl"))

    def message(self, lang: str) -> str:
        _ = translator(lang)
        number = _SEPARATORS.sub("", self.raw)
        shown = self.raw.strip()
        if len(shown) > _SHOWN:
            shown = shown[:_SHOWN] + "…"
        rule = _("A Registerplein registration number has digits only and starts with {prefix}.", prefix=PREFIX)
        if self.kind == "empty":
            return _("Enter your Registerplein registration number. {rule}", rule=rule)
        if self.kind == "shape":
            return _("{rule} You entered '{shown}'.", rule=rule, shown=shown)
        if self.kind == "short":
            return _("This registration number is too short: '{shown}' has {count} digits, a registration "
                     "number has at least {minimum}. {rule}", shown=shown, count=len(number), minimum=MIN_LENGTH,
                     rule=rule)
        return _("This registration number is too long: it has {count} digits, a registration number has at "
                 "most {maximum}. {rule} You entered '{shown}'.", count=len(number), maximum=MAX_LENGTH,
                 rule=rule, shown=shown)


def normalise_registration_number(raw: str) -> str:
    """Return the registration number as bare digits, e.g. ' 4610.123-456 ' -> '4610123456'.

    Raises InvalidRegistrationNumber, whose message repeats what was typed. An empty input is
    an error too: callers treat "no number given" before calling this.
    """
    number = _SEPARATORS.sub("", raw)
    if not number:
        raise InvalidRegistrationNumber("empty", raw)
    if not (number.isascii() and number.isdigit()) or not number.startswith(PREFIX):
        raise InvalidRegistrationNumber("shape", raw)
    if len(number) < MIN_LENGTH:
        raise InvalidRegistrationNumber("short", raw)
    if len(number) > MAX_LENGTH:
        raise InvalidRegistrationNumber("long", raw)
    return number
