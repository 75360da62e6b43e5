"""Verification codes: random, unique, readable, and typos caught by the check character."""

from __future__ import annotations

from collections import Counter

import pytest

from elearning.certificates import codes
from elearning.certificates.codes import (
    ALPHABET,
    EXAMPLE,
    CodeTypo,
    CodeWrongLength,
    InvalidCode,
    check_character,
    check_code,
    format_code,
    generate_code,
    is_valid_code,
    normalise_code,
    verify_url,
)


def _code(body: str) -> str:
    return body + check_character(body)


def test_alphabet_has_32_unambiguous_symbols() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_generated_codes_are_valid_grouped_and_unique() -> None:
    made = [generate_code() for _ in range(100_000)]
    assert len(set(made)) == len(made)
    for code in made[:2000]:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert check_code(code) == code
    assert codes.RANDOM_BITS >= 55


def test_generated_codes_use_the_whole_alphabet_in_every_random_position() -> None:
    made = [generate_code().replace("-", "") for _ in range(20_000)]
    for position in range(11):
        counts = Counter(code[position] for code in made)
        assert set(counts) == set(ALPHABET)
        # 625 expected per symbol; a bias of 2x would show
        assert min(counts.values()) > 400 and max(counts.values()) < 900


def test_the_check_table_is_a_weakly_totally_antisymmetric_quasigroup() -> None:
    """The proof, for every code at once: what Damm's scheme needs, checked on the whole table."""
    table = codes._TABLE
    for x in range(32):
        assert sorted(table[x]) == list(range(32))  # rows are permutations
        assert sorted(table[y][x] for y in range(32)) == list(range(32))  # columns too
        assert table[x][x] == 0
    for c in range(32):
        for x in range(32):
            for y in range(32):
                if x != y:
                    assert table[table[c][x]][y] != table[table[c][y]][x]


def test_every_single_wrong_character_and_every_adjacent_swap_is_caught() -> None:
    samples = [generate_code() for _ in range(150)] + [_code("0" * 11), _code("Z" * 11), EXAMPLE]
    substitutions = transpositions = 0
    for code in samples:
        bare = code.replace("-", "")
        for i in range(len(bare)):
            for other in ALPHABET:
                if other != bare[i]:
                    typo = bare[:i] + other + bare[i + 1 :]
                    with pytest.raises(CodeTypo):
                        check_code(typo)
                    substitutions += 1
        for i in range(len(bare) - 1):
            if bare[i] != bare[i + 1]:
                swapped = bare[:i] + bare[i + 1] + bare[i] + bare[i + 2 :]
                with pytest.raises(CodeTypo):
                    check_code(format_code(swapped))
                transpositions += 1
    assert substitutions == len(samples) * 12 * 31
    assert transpositions > len(samples) * 10


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M4XD-9RTG",
        "7kq2-m4xd-9rtg",
        " 7KQ2 M4XD 9RTG ",
        "7KQ2M4XD9RTG",
        "7KQ2--M4XD-9RT-G",
        "7KQ2\u2013M4XD\u20139RTG",
        "https://leren.example.nl/verify/7KQ2-M4XD-9RTG",
        "https://leren.example.nl/verify/7kq2m4xd9rtg/",
    ],
)
def test_typing_is_forgiving(typed: str) -> None:
    assert EXAMPLE == "7KQ2-M4XD-9RTG"
    assert check_code(typed) == "7KQ2-M4XD-9RTG"


def test_confused_letters_are_read_as_digits() -> None:
    code = format_code(_code("10ABC01DE10"))
    typed = code.replace("0", "O").replace("1", "l", 1).replace("1", "I").lower()
    assert normalise_code(typed) == code.replace("-", "")
    assert check_code(typed) == code


def test_wrong_length_is_told_apart_from_a_typo() -> None:
    with pytest.raises(CodeWrongLength) as short:
        check_code("7KQ2-M4XD-9RT")
    assert short.value.kind == "length"
    assert str(short.value) == (
        "Een verificatiecode heeft 12 tekens, maar '7KQ2-M4XD-9RT' heeft er 11. "
        "Kijk of je een teken hebt overgeslagen of dubbel hebt getypt."
    )
    with pytest.raises(CodeWrongLength):
        check_code("7KQ2-M4XD-9RTGG")
    with pytest.raises(CodeTypo) as typo:
        check_code("7KQ2-M4XD-9RTH")
    assert typo.value.kind == "typo"
    assert str(typo.value) == (
        "De code '7KQ2-M4XD-9RTH' klopt niet: er zit waarschijnlijk een typefout in, of twee "
        "tekens zijn omgewisseld. Vergelijk de code teken voor teken met het certificaat, "
        "of scan de QR-code."
    )
    assert isinstance(typo.value, ValueError) and isinstance(typo.value, InvalidCode)


def test_empty_and_foreign_characters_have_their_own_messages() -> None:
    with pytest.raises(InvalidCode) as empty:
        check_code("  - ")
    assert empty.value.kind == "empty"
    assert str(empty.value) == (
        "Vul de verificatiecode in. Die staat op het certificaat, bijvoorbeeld 7KQ2-M4XD-9RTG."
    )
    with pytest.raises(InvalidCode) as foreign:
        check_code("7KQ2-M4XU-9RT!")
    assert foreign.value.kind == "character"
    assert str(foreign.value) == (
        "De code '7KQ2-M4XU-9RT!' bevat tekens die niet in een verificatiecode voorkomen: "
        "'!', 'U'. Een verificatiecode bestaat uit cijfers en hoofdletters zonder U, "
        "bijvoorbeeld 7KQ2-M4XD-9RTG."
    )


def test_very_long_input_is_cut_before_it_is_looked_at() -> None:
    with pytest.raises(CodeWrongLength) as exc:
        check_code("A" * 100_000)
    assert "heeft er 100" in str(exc.value)
    assert not is_valid_code("A" * 100_000)
    assert is_valid_code(EXAMPLE.lower())


def test_verify_url() -> None:
    assert verify_url("https://leren.example.nl/", EXAMPLE) == (
        "https://leren.example.nl/verify/7KQ2-M4XD-9RTG"
    )
