"""Verification codes: printed on a certificate, read aloud, typed into /verify.

A code is 12 characters from Crockford's base32 alphabet (digits and capitals without I, L,
O and U, so nothing looks or sounds alike), shown in three groups: ``7KQ2-M4XD-9RTG``.
The first 11 characters are random (55 bits from `secrets`); the 12th is a check character.

The check character uses Damm's scheme over the field GF(32): with the operation
``x * y = a(x + y)`` (a = the field element 2, neither 0 nor 1) the 32 symbols form a weakly
totally anti-symmetric quasigroup, so every single wrong character and every swap of two
neighbouring characters changes the result (tests/test_certificates_codes.py tries all of
them). Typing is forgiving: case, spaces and dashes do not matter, and O, I and L are read
as 0, 1 and 1.

Uniqueness: 2**55 possible codes make a collision very unlikely; storage keeps a unique
index on the code and draws a new one in the rare case of a clash.
"""

from __future__ import annotations

import re
import secrets
from typing import Literal

from elearning.i18n import translator

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
RANDOM_BITS = 5 * (LENGTH - 1)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = re.compile(r"[\s\-\u2010-\u2015_.]+")
_MAX_INPUT = 100  # longer input is not looked at; it is wrong anyway


def _gf32_mul(x: int, y: int) -> int:
    """Multiplication in GF(2^5) modulo the irreducible polynomial x^5 + x^2 + 1."""
    product = 0
    while y:
        if y & 1:
            product ^= x
        y >>= 1
        x <<= 1
        if x & 0b100000:
            x ^= 0b100101
    return product


_A = 2
_TABLE = tuple(tuple(_gf32_mul(_A, x ^ y) for y in range(32)) for x in range(32))


def _interim(values: list[int]) -> int:
    interim = 0
    for value in values:
        interim = _TABLE[interim][value]
    return interim


def check_character(body: str) -> str:
    """The check character for the first 11 characters (already in the alphabet)."""
    # x * x = 0 for every x, so appending the interim value folds the whole code to 0.
    return ALPHABET[_interim([_VALUE[ch] for ch in body])]


def format_code(bare: str) -> str:
    """'7KQ2M4XD9RTG' -> '7KQ2-M4XD-9RTG'."""
    return "-".join(bare[i : i + GROUP] for i in range(0, len(bare), GROUP))


def generate_code() -> str:
    """A new random code in its printed form, e.g. '7KQ2-M4XD-9RTG'."""
    number = secrets.randbits(RANDOM_BITS)
    body = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH - 1))
    return format_code(body + check_character(body))


EXAMPLE = format_code("7KQ2M4XD9RT" + check_character("7KQ2M4XD9RT"))


def normalise_code(raw: str) -> str:
    """What was typed, as bare upper-case characters: ' 7kq2 m4xd-9rtw ' -> '7KQ2M4XD9RTG'.

    Spaces, dashes, dots and underscores are dropped and O, I, L become 0, 1, 1. A pasted
    verification link is reduced to its last part. The result is not checked; see check_code.
    """
    text = raw.strip()[:_MAX_INPUT].rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    return _IGNORED.sub("", text).upper().translate(_CONFUSED)


def is_valid_code(raw: str) -> bool:
    try:
        check_code(raw)
    except InvalidCode:
        return False
    return True


class InvalidCode(ValueError):
    """Not a verification code. ``kind`` says what went wrong ("empty", "character", "length" or
    "typo"); `message(lang)` says it for the person who typed it, from the text catalogue;
    str() is the Dutch message."""

    def __init__(self, kind: Literal["empty", "character", "length", "typo"], raw: str) -> None:
        self.kind = kind
        self.raw = raw
        super().__init__(self.message("nl"))

    def message(self, lang: str) -> str:
        _ = translator(lang)
        bare = normalise_code(self.raw)
        shown = self.raw.strip()[:40]
        if self.kind == "empty":
            return _("Enter the verification code. It is printed on the certificate, for example {example}.",
                     example=EXAMPLE)
        if self.kind == "character":
            listed = ", ".join(f"'{ch}'" for ch in sorted({ch for ch in bare if ch not in _VALUE})[:5])
            return _("The code '{shown}' contains characters that never occur in a verification code: "
                     "{listed}. A verification code has digits and capital letters without U, for example "
                     "{example}.", shown=shown, listed=listed, example=EXAMPLE)
        if self.kind == "length":
            return _("A verification code has {length} characters, but '{shown}' has {count}. Check whether "
                     "you skipped a character or typed one twice.", length=LENGTH, shown=shown, count=len(bare))
        return _("The code '{shown}' is not right: there is probably a typing error in it, or two characters "
                 "were swapped. Compare the code character by character with the certificate, or scan the "
                 "QR code.", shown=shown)


class CodeWrongLength(InvalidCode):
    pass


class CodeTypo(InvalidCode):
    pass


def check_code(raw: str) -> str:
    """The code in its printed form ('7KQ2-M4XD-9RTG'), or InvalidCode with a helpful message.

    Raises CodeWrongLength when characters are missing or extra, CodeTypo when the check
    character does not match (a character is wrong or two are swapped), and InvalidCode for
    an empty input or characters that never occur in a code.
    """
    bare = normalise_code(raw)
    if not bare:
        raise InvalidCode("empty", raw)
    if any(ch not in _VALUE for ch in bare):
        raise InvalidCode("character", raw)
    if len(bare) != LENGTH:
        raise CodeWrongLength("length", raw)
    if _interim([_VALUE[ch] for ch in bare]) != 0:
        raise CodeTypo("typo", raw)
    return format_code(bare)


def verify_url(base_url: str, code: str) -> str:
    """The address the QR code opens: BASE_URL/verify/CODE (the code in its printed form)."""
    return f"{base_url.rstrip('/')}/verify/{code}"
