"""Which scene a problem is about, for the scenario map in the terminal and in the studio."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from elearning.course.model import Course
from elearning.course.problems import Problem


def problems_by_scene(course: Course, folder: Path, problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    """The problems in the module files of the course in folder, per scene id: a problem
    belongs to the last scene of its file that starts at or above its line. Problems in other
    files, or above a file's first scene, belong to no scene and are left out."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for scene_id, source in course.sources.items():
        file, _, number = source.rpartition(":")
        if number.isdigit():
            starts.setdefault(file, []).append((int(number), scene_id))
    base = folder.resolve()
    out: dict[str, list[Problem]] = {}
    for problem in problems:
        path = Path(problem.file).resolve()
        if not path.is_relative_to(base):
            continue
        owner = None
        for line, scene_id in sorted(starts.get(path.relative_to(base).as_posix(), [])):
            if line <= problem.line:
                owner = scene_id
        if owner is not None:
            out.setdefault(owner, []).append(problem)
    return out
