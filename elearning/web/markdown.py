"""Course text (Markdown) to HTML: raw HTML is escaped, never passed through.

Headings move one level down, so an author's `#` becomes <h2> under the page's one <h1>.
Relative image paths, and links to `media/...` (a handout such as a PDF), point into the
course's media route. Results are cached per
(course, text): a scene page renders its text once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

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


@lru_cache(maxsize=8192)
def render(text: str, course_id: str = "") -> Markup:
    if not text:
        return Markup("")
    html = _md.render(text, {"media_base": f"/media/{course_id}"})
    return Markup(html)  # noqa: S704 - markdown-it output with html disabled: author text is escaped


@lru_cache(maxsize=8192)
def render_inline(text: str) -> Markup:
    """One line (a label, a reason) with emphasis and code, no paragraphs."""
    if not text:
        return Markup("")
    return Markup(_md.renderInline(text))  # noqa: S704 - html disabled, see render()
