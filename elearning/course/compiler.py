"""Placeholder while the compiler is written; replaced in the next commit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from elearning.course.model import Course


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    level: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.level}: {self.message}"


def load_course(path: str | Path) -> tuple[Course | None, list[Problem]]:
    raise NotImplementedError
