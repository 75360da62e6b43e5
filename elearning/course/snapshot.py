"""A compiled course as stored JSON, with the version of its format.

Attempts are pinned to the exact course version they started on, so a snapshot written
today must still be read after the code has moved on: the JSON carries `format`, as a
learner's state and a certificate's data do. Snapshots written before it had one are
format 1.
"""

from __future__ import annotations

import json
from typing import Any

from elearning.course.model import Course

COURSE_FORMAT = 1  # bump when the compiled form changes meaning; read older formats here


def course_to_json(course: Course) -> str:
    return json.dumps({"format": COURSE_FORMAT, **course.model_dump(mode="json", by_alias=True)},
                      ensure_ascii=False)


def course_from_json(text: str) -> Course:
    """Read a snapshot written by course_to_json (or before snapshots had a format: format 1);
    raises ValueError when it is not one."""
    data: Any = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a course snapshot is a JSON object")
    version = data.pop("format", 1)
    if version != COURSE_FORMAT:
        raise ValueError(f"Unknown course snapshot format {version!r}; expected {COURSE_FORMAT}.")
    return Course.model_validate(data)
