"""Registerplein registration numbers: normalised, checked, explained in Dutch."""

from __future__ import annotations

import pytest

from elearning.certificates.registration import (
    InvalidRegistrationNumber,
    normalise_registration_number,
)

RULE = "Een registratienummer van Registerplein bestaat alleen uit cijfers en begint met 4610."


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("461012345678", "461012345678"),
        (" 4610 1234 5678 ", "461012345678"),
        ("4610.123.456", "4610123456"),
        ("4610-123-456", "4610123456"),
        ("4610\u2013123\u2013456", "4610123456"),
        ("4610\t12345\n", "461012345"),
        ("46101234", "46101234"),
        ("4610" + "0" * 16, "4610" + "0" * 16),
    ],
)
def test_good_numbers_are_normalised(typed: str, number: str) -> None:
    assert normalise_registration_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345678", f"{RULE} Je vulde '12345678' in."),
        ("4610abc123", f"{RULE} Je vulde '4610abc123' in."),
        ("4610/123/456", f"{RULE} Je vulde '4610/123/456' in."),
        ("\uff14\uff16\uff11\uff10\uff11\uff12\uff13\uff14", f"{RULE} Je vulde '４６１０１２３４' in."),
        ("", f"Vul je registratienummer van Registerplein in. {RULE}"),
        (" . - ", f"Vul je registratienummer van Registerplein in. {RULE}"),
        (
            "4610 12",
            f"Dit registratienummer is te kort: '4610 12' heeft 6 cijfers, "
            f"een registratienummer heeft er minstens 8. {RULE}",
        ),
        (
            "4610" + "1" * 17,
            f"Dit registratienummer is te lang: het heeft 21 cijfers, een registratienummer "
            f"heeft er hoogstens 20. {RULE} Je vulde '{'4610' + '1' * 17}' in.",
        ),
    ],
)
def test_bad_numbers_get_a_clear_dutch_message(typed: str, message: str) -> None:
    with pytest.raises(InvalidRegistrationNumber) as exc:
        normalise_registration_number(typed)
    assert str(exc.value) == message
    assert exc.value.raw == typed
    assert isinstance(exc.value, ValueError)


def test_a_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidRegistrationNumber) as exc:
        normalise_registration_number("x" * 10_000)
    assert len(str(exc.value)) < 200
    assert "…" in str(exc.value)
