"""Jinja2 pages: autoescaped, translated, each with the request's language and CSRF token."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from elearning.web import i18n, markdown
from elearning.web.security import csrf_token
from elearning.web.session import session_user

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# The page being rendered: its translator and CSRF token, for macros imported without context
# (Jinja caches those imports; `with context` would re-run the macro file on every page).
_rendering: ContextVar[tuple[Callable[..., str], Callable[[], str]]] = ContextVar("rendering")
_page_language: ContextVar[str] = ContextVar("page_language", default="nl")


def _gettext(message: str, /, **values: Any) -> str:
    """Jinja's `_()` and `gettext()`: the message in the page's language, `{name}`s filled in.

    Installed as old-style gettext: the result is a plain string that autoescaping escapes,
    and placeholders are `{name}` as in Python code (one catalogue for both).
    """
    return _rendering.get()[0](message, **values)


def _ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    return _gettext(singular if n == 1 else plural, n=n, **values)


def _content_lang(course: Any) -> Markup:
    """` lang="nl"` on course text when the page around it is in another language (else nothing)."""
    language = course.meta.language
    return Markup(f' lang="{language}"') if language != _page_language.get() else Markup("")  # noqa: S704 - a Literal


def _csrf() -> str:
    return _rendering.get()[1]()


def _static_versions() -> dict[str, str]:
    """A short content hash per static file, for cache-busting URLs."""
    out = {}
    for path in STATIC.rglob("*"):
        if path.is_file():
            rel = path.relative_to(STATIC).as_posix()
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return out


@lru_cache(maxsize=2)
def _environment(debug: bool) -> Environment:
    """One Jinja environment per process (and debug flag), so a template compiles once however
    many apps the process makes (the test suite makes one per test). Nothing in it is per app."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=debug,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=False)  # type: ignore[attr-defined]
    versions = _static_versions()
    env.globals.update(
        static=lambda name: f"/static/{name}?v={versions.get(name, '0')}",
        markdown=markdown.render,
        inline=markdown.render_inline,
        plain=markdown.plain,
        languages=i18n.LANGUAGES,
        csrf=_csrf,
        content_lang=_content_lang,
    )
    env.filters["urlquote"] = lambda s: quote(str(s), safe="/")
    return env


class Pages:
    def __init__(self, *, debug: bool = False) -> None:
        self.env = _environment(debug)

    def render(self, request: Request, name: str, context: dict[str, Any] | None = None, *,
               status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
        lang = i18n.language(request)
        translate = i18n.translator(lang)
        has_session = "session" in request.scope
        csrf: Callable[[], str] = (lambda: csrf_token(request.session)) if has_session else (lambda: "")
        ctx: dict[str, Any] = {
            "request": request,
            "lang": lang,
            # The page's own translator, called directly: through the i18n extension's alias each
            # _() cost a context lookup and a call wrapper (macros imported without context use it).
            "_": translate,
            "num": lambda value: i18n.number(value, lang),
            "user": session_user(request) if has_session else None,
            "csrf": csrf,
            "path": request.url.path,
            "here": _here(request),
            "back": _back(request),
            # A message for the page after a redirect, shown once (say, "your account has been made").
            "flash": request.session.pop("flash", None) if has_session else None,
            "provider": _provider(request),
        }
        if context:
            ctx.update(context)
        token = _rendering.set((translate, csrf))
        lang_token = _page_language.set(lang)
        try:
            html = self.env.get_template(name).render(ctx)
        finally:
            _page_language.reset(lang_token)
            _rendering.reset(token)
        return HTMLResponse(html, status_code=status_code, headers=headers)


@dataclass(frozen=True, slots=True)
class Provider:
    """Who "we" are on every page: the header, the title, the footer, the verify page."""

    name: str
    url: str | None
    email: str | None
    logo: bool


def _provider(request: Request) -> Provider:
    conf = getattr(request.app.state, "settings", None) if "app" in request.scope else None
    if conf is None:
        return Provider("E-learning", None, None, False)
    return Provider(conf.provider_name, conf.provider_url, conf.provider_email, conf.provider_logo_file is not None)


def _back(request: Request) -> str:
    """Where 'Inloggen' and 'Account maken' in the header lead back to: this page, or on the account
    pages the page they lead back to (logging in from the register page does not return to it)."""
    if not request.url.path.startswith("/account/"):
        return _here(request)
    target = request.query_params.get("next", "/")
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _here(request: Request) -> str:
    """The current path with its query, for `next=` links (always a local path)."""
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return path
