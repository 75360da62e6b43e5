"""The suite's own rules: a missing tool skips when run by hand and fails in CI."""

from __future__ import annotations

import pytest
from conftest import missing, need_program


def test_a_missing_tool_skips_by_hand() -> None:
    for environ in ({}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}):
        with pytest.raises(pytest.skip.Exception, match="^no frobnicator$"):
            missing("no frobnicator", environ=environ)


def test_a_missing_tool_fails_in_ci() -> None:
    for environ in ({"CI": "true"}, {"CI": "1"}, {"CI": "yes"}):
        with pytest.raises(pytest.fail.Exception, match=r"^no frobnicator \(CI is set"):
            missing("no frobnicator", environ=environ)


def test_a_program_that_is_there_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    assert need_program("sh", "no shell").endswith("/sh")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no such program"):
        need_program("elearning-no-such-program", "no such program")
