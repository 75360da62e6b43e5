"""Registerplein registration numbers: what a learner types, normalised and checked.

A Registerplein registration number consists of digits only and begins with 4610. People
copy it from letters and web pages with spaces, dots or dashes in it ("4610 123 456",
"4610.123.456"); those are removed before checking. Only the shape is checked (there is no
check digit to test); the register itself is the final judge of whether the number exists.
"""

from __future__ import annotations

import re

PREFIX = "4610"
MIN_LENGTH = 8
MAX_LENGTH = 20
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")  # spaces, dots, ASCII and typographic dashes
_SHOWN = 40  # how much of a long input a message repeats


class InvalidRegistrationNumber(ValueError):
    """The input is not a Registerplein registration number; str() is a Dutch message for the learner."""

    def __init__(self, message: str, raw: str) -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw


def normalise_registration_number(raw: str) -> str:
    """Return the registration number as bare digits, e.g. ' 4610.123-456 ' -> '4610123456'.

    Raises InvalidRegistrationNumber with a Dutch message that repeats what was typed.
    An empty input is an error too: callers treat "no number given" before calling this.
    """
    number = _SEPARATORS.sub("", raw)
    shown = raw.strip()
    if len(shown) > _SHOWN:
        shown = shown[:_SHOWN] + "…"
    rule = (
        f"Een registratienummer van Registerplein bestaat alleen uit cijfers en begint met {PREFIX}."
    )
    if not number:
        raise InvalidRegistrationNumber(f"Vul je registratienummer van Registerplein in. {rule}", raw)
    if not (number.isascii() and number.isdigit()) or not number.startswith(PREFIX):
        raise InvalidRegistrationNumber(f"{rule} Je vulde '{shown}' in.", raw)
    if len(number) < MIN_LENGTH:
        raise InvalidRegistrationNumber(
            f"Dit registratienummer is te kort: '{shown}' heeft {len(number)} cijfers, "
            f"een registratienummer heeft er minstens {MIN_LENGTH}. {rule}",
            raw,
        )
    if len(number) > MAX_LENGTH:
        raise InvalidRegistrationNumber(
            f"Dit registratienummer is te lang: het heeft {len(number)} cijfers, "
            f"een registratienummer heeft er hoogstens {MAX_LENGTH}. {rule} Je vulde '{shown}' in.",
            raw,
        )
    return number
