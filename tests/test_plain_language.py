"""The polarisation course stays in plain language (B1): short sentences in every text a
learner reads — scene texts, blocks, labels, answers, feedback, notebook entries, alt texts.

Measured over the compiled course (so a text added under a new key with one of the usual
names is counted too): on average at most 12 words per sentence, and at most 3% of the
sentences longer than 25 words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from elearning.authoring import load_course
from elearning.course import Course

COURSE_DIR = Path(__file__).resolve().parent.parent / "courses" / "polarisatie"
# Fields that hold text for learners (ids, conditions, paths and effects hold none).
TEXT_FIELDS = {"title", "text", "description", "label", "feedback", "reason", "alt",
               "prompt", "model_answer", "checklist", "placeholder"}
SKIP_FIELDS = {"pe", "passing", "assessment", "content_hash"}
_MARKUP = re.compile(r"\*\*|__|[*_`#>]|\[([^\]]*)\]\([^)]*\)")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[’”'\")]*\s+")
_WORD = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")


def learner_texts(node: object, name: str = "") -> Iterator[str]:
    """Every text for learners in a compiled course, as written (Markdown)."""
    if isinstance(node, BaseModel):
        for field in type(node).model_fields:
            if field not in SKIP_FIELDS:
                yield from learner_texts(getattr(node, field), field)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from learner_texts(item, name)
    elif isinstance(node, str) and name in TEXT_FIELDS and node.strip():
        yield node


def sentences(markdown: str) -> list[str]:
    """The sentences of a Markdown text: paragraphs and list items end a sentence too."""
    items: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        for line in paragraph.splitlines():
            line = _MARKUP.sub(lambda m: m.group(1) or "", line)
            if _ITEM.match(line) or not items:
                items.append(_ITEM.sub("", line))
            else:
                items[-1] += " " + line.strip()
        items.append("")  # a paragraph ends the item
    out = []
    for item in items:
        out += [s for s in _SENTENCE_END.split(item.strip()) if _WORD.search(s)]
    return out


def words(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def test_sentences_and_words_are_counted_as_a_reader_would() -> None:
    text = "**Let op.** Dit is zin twee! En ‘dit’ is drie.\n\n- Een punt zonder punt\n- Nog een\n  die doorloopt."
    assert sentences(text) == ["Let op.", "Dit is zin twee!", "En ‘dit’ is drie.", "Een punt zonder punt",
                               "Nog een die doorloopt."]
    assert [words(s) for s in sentences("Wij-zij-denken groeit, zo’n 3 keer.")] == [5]


@pytest.fixture(scope="module")
def course() -> Course:
    compiled, problems = load_course(COURSE_DIR)
    assert compiled is not None, problems
    return compiled


def test_the_course_text_is_plain(course: Course) -> None:
    found = [s for text in learner_texts(course) for s in sentences(text)]
    assert len(found) > 500  # the whole course is read, not one module
    counts = [words(s) for s in found]
    average = sum(counts) / len(counts)
    long = [s for s, n in zip(found, counts, strict=True) if n > 25]
    assert average <= 12, f"on average {average:.1f} words per sentence"
    assert len(long) <= 0.03 * len(found), f"{len(long)} of {len(found)} sentences over 25 words:\n" + "\n".join(long)


def test_the_final_test_reads_at_least_as_plainly(course: Course) -> None:
    found = [s for text in learner_texts(course.module("toets")) for s in sentences(text)]
    counts = [words(s) for s in found]
    assert sum(counts) / len(counts) <= 12
    assert max(counts) <= 25, [s for s in found if words(s) > 25]


def test_no_course_text_names_the_pe_points(course: Course) -> None:
    """The points are the accreditation's (an administrator's record), not the course text's."""
    texts = "\n".join(learner_texts(course))
    assert not re.search(r"PE-punt|\bPE\b|permanente educatie|\d+\s+punten voor", texts, re.I)
