"""The text catalogues: every message the code uses is in nl.po (translated) and en.po, no
catalogue entry is unused, placeholders survive translation; the translator helper."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from elearning.i18n import LOCALES, N_, catalogue_path, translator

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "elearning"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _ids(catalogue: Catalog) -> set[str]:
    return {m.id for m in catalogue if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What `pybabel extract` finds in the code and the certificate templates (README.md's command)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(LOCALES / "babel.cfg"), "--add-location=file",
        "--sort-by-file", "--no-wrap", "--omit-header", "-o", str(pot), str(PACKAGE), str(ROOT / "certificates"),
    ])
    catalogue = _read(pot, "en")
    assert len(_ids(catalogue)) > 400  # the extractor found the templates and the Python code
    return catalogue


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_catalogue_holds_exactly_the_messages_the_code_uses(extracted: Catalog, lang: str) -> None:
    catalogue = _read(catalogue_path(lang), lang)
    assert sorted(_ids(extracted) - _ids(catalogue)) == []  # used in code, missing: run pybabel update
    assert sorted(_ids(catalogue) - _ids(extracted)) == []  # in the catalogue, no code uses it
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []


def test_the_template_is_up_to_date(extracted: Catalog) -> None:
    assert _ids(_read(LOCALES / "messages.pot", "en")) == _ids(extracted)


def test_every_message_has_its_dutch_text_with_the_same_placeholders() -> None:
    untranslated, placeholders = [], []
    for message in _read(catalogue_path("nl"), "nl"):
        if not message.id:
            continue
        if not message.string:
            untranslated.append(message.id)
        elif sorted(PLACEHOLDER.findall(message.string)) != sorted(PLACEHOLDER.findall(message.id)):
            placeholders.append(f"{message.id!r} -> {message.string!r}")
    assert untranslated == []
    assert placeholders == []


def test_english_texts_that_differ_from_their_id_keep_the_placeholders() -> None:
    for message in _read(catalogue_path("en"), "en"):
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id))


def test_no_message_hides_in_an_f_string() -> None:
    """Python 3.11's extractor cannot see `_()` inside an f-string: such a text would never
    reach the catalogue and show in English on a Dutch page."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        with path.open("rb") as f:
            for token in tokenize.tokenize(f.readline):
                if (token.type == tokenize.STRING and token.string.lstrip("rRbB")[:1] in "fF"
                        and re.search(r"(?<![\w.])_\(", token.string)):
                    hidden.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert hidden == []


def test_the_translator_fills_in_placeholders_after_translation() -> None:
    assert translator("nl")("{n} learners", n=3) == "3 deelnemers"
    assert translator("en")("{n} learners", n=3) == "3 learners"
    assert translator("nl")("Log in") == "Inloggen"
    assert translator("en")("Log in") == "Log in"
    # An id shared by meaning, not by English: the English text is in en.po.
    assert translator("en")("Standing") == "Status"
    assert translator("nl")("Standing") == "Stand"
    assert translator("de")("Log in") == "Log in"  # no catalogue: the English ids
    assert N_("scene") == "scene"
