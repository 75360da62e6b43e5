"""A problem an author must see: where it is (file:line:col), how bad, and what to do.

The compiler, the state-space checks of `validate` and the playthrough tests all report
with this one type. Imports nothing of elearning, so every layer can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    level: Level
    message: str

    @property
    def where(self) -> str:
        """file:line:col, the form editors and terminals turn into a link."""
        return f"{self.file}:{self.line}:{self.col}"

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "col": self.col, "level": self.level, "message": self.message}
