"""The state of one compile: the documents read so far and the problems found in them.

Its own module, below both the compiler and the checks that report into it, so that
neither has to import the other to know its type.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from elearning.course.loader import Document, Located, PathKey, read_yaml
from elearning.course.model import Course
from elearning.course.problems import Level, Problem


class Compilation:
    """Documents read so far and problems found; `course` once the files are read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.course_doc: Document | None = None
        self.module_docs: dict[str, Document] = {}
        # top-level keys of course.yaml that were invalid and replaced by defaults, so that the
        # checks of everything else still run without reporting echoes of those errors
        self.unsound_meta: set[str] = set()
        self.all_modules_read = True
        # the course without errors so far (its max_scores not yet known), or None
        self.course: Course | None = None
        # what could be read of the course even with errors (unchecked, never served): the studio
        # draws its scenario map with the problem scenes marked
        self.draft: Course | None = None

    def add(self, doc: Document | None, path: PathKey, message: str, level: Level = "error", *,
            key: bool = False, offset: int = 0) -> None:
        if doc is None:
            self.problems.append(Problem(str(self.root), 1, 1, level, message))
            return
        where = doc.locate(path, key=key)
        self.problems.append(Problem(doc.display, where.line, where.col + offset, level, message))

    def add_at(self, doc: Document, where: Located, message: str, level: Level = "error") -> None:
        self.problems.append(Problem(doc.display, where.line, where.col, level, message))

    def read(self, rel: str) -> Document:
        doc = read_yaml(self.root / rel, str(self.root / rel))
        for where, message in doc.problems:
            self.add_at(doc, where, message)
        return doc

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    def result(self, course: Course | None) -> tuple[Course | None, list[Problem]]:
        """The course (None when any problem is an error) and every problem, sorted by place."""
        problems = sorted(set(self.problems))
        if any(p.level == "error" for p in problems):
            return None, problems
        return course, problems


@contextmanager
def collector_paused() -> Iterator[None]:
    """Compiling makes many small objects that all live until the end; the cyclic garbage
    collector would scan them again and again (quadratic in course size) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
