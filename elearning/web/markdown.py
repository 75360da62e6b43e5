"""Course text (Markdown) to HTML: raw HTML is escaped, never passed through.

Headings move one level down, so an author's `#` becomes <h2> under the page's one <h1>.
Relative image paths, and links to `media/...` (a handout such as a PDF), point into the
course's media route. Results are cached per
(course, text): a scene page renders its text once per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup, escape

from elearning.course.interpolation import key_of

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _heading(renderer: RendererHTML, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if not token.meta.get("shifted"):
        token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
        token.meta["shifted"] = True
    return renderer.renderToken(tokens, idx, options, env)


def _image(renderer: RendererHTML, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if src and "://" not in src and not src.startswith(("/", "data:", "#")):
        token.attrSet("src", f"{env['media_base']}/{src}")
    return renderer.image(tokens, idx, options, env)


def _link(renderer: RendererHTML, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    base = env.get("media_base") if isinstance(env, dict) else None
    if base and href.startswith("media/"):
        token.attrSet("href", f"{base}/{href}")
    return renderer.renderToken(tokens, idx, options, env)


_md.add_render_rule("heading_open", _heading)
_md.add_render_rule("heading_close", _heading)
_md.add_render_rule("image", _image)
_md.add_render_rule("link_open", _link)


def render(text: str, course_id: str = "", values: Mapping[str, str] | None = None) -> Markup:
    """The text as HTML, with the {{ ... }} values filled in (escaped) when values are given."""
    return fill(_render(text, course_id), values)


def render_inline(text: str, values: Mapping[str, str] | None = None) -> Markup:
    """One line (a label, a reason) with emphasis and code, no paragraphs."""
    return fill(_render_inline(text), values)


def plain(text: str, values: Mapping[str, str] | None = None) -> Markup:
    """Plain text (escaped), with the {{ ... }} values filled in."""
    return fill(escape(text), values)


@lru_cache(maxsize=8192)
def _render(text: str, course_id: str) -> Markup:
    if not text:
        return Markup("")
    html = _md.render(text, {"media_base": f"/media/{course_id}"})
    return Markup(html)  # noqa: S704 - markdown-it output with html disabled: author text is escaped


@lru_cache(maxsize=8192)
def _render_inline(text: str) -> Markup:
    if not text:
        return Markup("")
    return Markup(_md.renderInline(text))  # noqa: S704 - html disabled, see render()


_VALUE = re.compile(r"( ?)\{\{(.*?)\}\}", re.S)


def fill(html: Markup, values: Mapping[str, str] | None) -> Markup:
    """html with every {{ ... }} that names a value replaced by the value, escaped. A value not
    given or empty (a guest's name) becomes nothing, and takes the space before it along
    ("Hoi {{ name }}!" -> "Hoi!"); the compiler has checked that every one is known."""
    if values is None or "{{" not in html:
        return html

    def one(m: re.Match[str]) -> str:
        key = key_of(m.group(2))
        if key is None:
            return m.group(0)
        value = values.get(key, "")
        return m.group(1) + str(escape(value)) if value else ""

    return Markup(_VALUE.sub(one, str(html)))  # noqa: S704 - html is escaped markup, every value escaped here
