"""Languages of the pages: Dutch (the default) and English, chosen with a cookie.

Templates and views write English message ids, `_("Log in")`, translated through the
catalogues of elearning/i18n.py. Course content stays in the course's language.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from elearning.i18n import translator

__all__ = ["LANGUAGES", "LANG_COOKIE", "language", "number", "translator"]

LANGUAGES = ("nl", "en")
LANG_COOKIE = "lang"


def language(conn: HTTPConnection) -> str:
    chosen = conn.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    app = conn.scope.get("app")
    default = getattr(getattr(app, "state", None), "settings", None)
    return default.default_language if default is not None else "nl"


def number(value: float, lang: str) -> str:
    """4.0 -> '4'; 1.5 -> '1,5' in Dutch, '1.5' in English."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nl" else text
