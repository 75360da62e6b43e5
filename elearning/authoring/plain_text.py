"""Markdown as the plain text a terminal shows, and what a page shows as one line.

The playthrough tests compare an author's expected text with what a page shows; `elearning
play` prints pages in the terminal.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from elearning.course.interpolation import find
from elearning.course.model import Course
from elearning.engine.play import Page
from elearning.i18n import translator

_MD = MarkdownIt("commonmark", {"html": False})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(markdown: str) -> str:
    """Markdown as plain text: paragraphs, '- ' list items, link targets in brackets."""
    blocks: list[tuple[str, int | None]] = []  # (text, the top-level list it belongs to)
    markers: list[list[int]] = []  # per open list: [next number], or [] for bullets
    lists = 0
    pending = ""
    for tok in _MD.parse(markdown):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            lists += 0 if markers else 1
            markers.append([int(tok.attrGet("start") or 1)] if tok.type == "ordered_list_open" else [])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            markers.pop()
        elif tok.type == "list_item_open":
            counter = markers[-1]
            pending = "  " * (len(markers) - 1) + (f"{counter[0]}. " if counter else "- ")
            if counter:
                counter[0] += 1
        elif tok.type == "inline":
            blocks.append((pending + _inline(tok.children or []), lists if markers else None))
            pending = ""
        elif tok.type in ("fence", "code_block"):
            blocks.append((tok.content.rstrip("\n"), None))
    text = ""
    for i, (block, group) in enumerate(blocks):
        if i:
            text += "\n" if group is not None and group == blocks[i - 1][1] else "\n\n"
        text += block
    return _CONTROL.sub("", text)


def _inline(children: list[Any]) -> str:
    out: list[str] = []
    href: str | None = None
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append("\n")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
        elif child.type == "link_close" and href:
            out.append(f" ({href})")
            href = None
        elif child.type == "image":
            out.append(f"[{child.content or 'image'}]")
    return "".join(out)


def visible_text(page: Page, course: Course | None = None) -> str:
    """What the page shows as one line of plain text: title, texts, dialogue and feedback, with
    the {{ ... }} values filled in (a learner without a name: a guest)."""
    parts = [page.scene.title or "", *page.texts, *dialogue_lines(page, course), *page.feedback]
    return " ".join(" ".join(plain_text(filled(p, page.values)).split()) for p in parts if p)


def dialogue_lines(page: Page, course: Course | None) -> list[str]:
    """The dialogue as 'Name: text' lines (Markdown), 'You' for the learner's own."""
    out = []
    for line in page.dialogue:
        who = course.character(line.speaker) if course is not None and line.speaker else None
        you = translator(course.meta.language if course is not None else "nl")("You")
        name = who.name if who is not None else (you if line.speaker == "me" else line.speaker)
        out.append(f"{name}: {line.text}" if name else line.text)
    return out


def filled(text: str, values: dict[str, str]) -> str:
    """text with its {{ ... }} values put in (as the player does, without the escaping HTML needs);
    an empty value takes the space before it along."""
    if "{{" not in text:
        return text
    parts, last = [], 0
    for ph in find(text):
        if ph.error is None:
            value = values.get(ph.key, "")
            before = text[last:ph.start]
            parts += [before if value or not before.endswith(" ") else before[:-1], value]
            last = ph.end
    return "".join(parts) + text[last:]
