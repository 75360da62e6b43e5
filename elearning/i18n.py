"""Interface texts: one gettext catalogue per language, message ids in English.

`_ = translator("nl")`, then `_("{n} learners", n=3)`: the text from
elearning/locales/<lang>/LC_MESSAGES/messages.po, with `{name}` placeholders filled in after
translation. An English id with an empty msgstr shows the id itself; a language without a
catalogue shows the English ids. `N_("...")` only marks a text for extraction where it is
translated later from a variable. The catalogues are compiled from the .po files when first
used, so there are no .mo files to forget. No imports of elearning: every layer may use it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"


def catalogue_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang` (compiled in memory from its .po, once per process)."""
    path = catalogue_path(lang)
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        catalogue = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translator(lang: str) -> Callable[..., str]:
    """`_(message_id, **values)`: the text in `lang`, its `{name}`s filled in from values."""
    gettext = translations(lang).gettext

    def translate(message: str, /, **values: Any) -> str:
        text = gettext(message)
        return text.format(**values) if values else text

    return translate


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it (it is translated where shown)."""
    return message
