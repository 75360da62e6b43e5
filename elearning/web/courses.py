"""The courses the site serves: the current version of each, and every version ever played.

At start-up every folder in COURSES_DIR is compiled; a course with errors is logged and
left out. An attempt names the content hash of the version it started on; that version
comes from memory, or from its snapshot in the database after a restart or an edit.
"""

from __future__ import annotations

import logging
from pathlib import Path

from elearning.course import Course, load_course
from elearning.storage import attempts as store

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"}


class CourseLibrary:
    def __init__(self, courses_dir: Path) -> None:
        self.courses_dir = courses_dir
        self._current: dict[str, Course] = {}
        self._folders: dict[str, Path] = {}
        self._by_hash: dict[str, Course] = {}
        self._stored: set[str] = set()  # hashes known to have a snapshot row
        self.refused: dict[str, list[str]] = {}  # folder -> problems, for courses left out

    def load_all(self) -> None:
        """(Re)compile every course folder; the studio may call this again for a live reload."""
        current: dict[str, Course] = {}
        folders: dict[str, Path] = {}
        self.refused = {}
        if not self.courses_dir.is_dir():
            log.warning("Courses folder %s does not exist; no courses to serve.", self.courses_dir)
        else:
            for folder in sorted(p for p in self.courses_dir.iterdir() if (p / "course.yaml").is_file()):
                course = self._load(folder)
                if course is None:
                    continue
                if course.id in current:
                    message = f"course id {course.id!r} is also used by {folders[course.id]}"
                    self.refused[str(folder)] = [message]
                    log.error("Not serving %s: %s", folder, message)
                    continue
                current[course.id] = course
                folders[course.id] = folder
        self._current, self._folders = current, folders
        for course in current.values():
            self._by_hash[course.content_hash] = course
        log.info("Serving %d course(s) from %s", len(current), self.courses_dir)

    def _load(self, folder: Path) -> Course | None:
        try:
            course, problems = load_course(folder)
        except Exception:  # a compiler bug must not take the whole site down
            log.exception("Could not compile the course in %s", folder)
            self.refused[str(folder)] = ["the compiler failed; see the log"]
            return None
        errors = [p for p in problems if p.level == "error"]
        for problem in problems:
            (log.error if problem.level == "error" else log.warning)("%s", problem)
        if course is None or errors:
            self.refused[str(folder)] = [str(p) for p in errors]
            log.error("Not serving the course in %s: %d error(s).", folder, len(errors))
            return None
        return course

    def add(self, course: Course, folder: Path) -> None:
        """Serve `course` (already compiled) as the current version of its id."""
        self._current[course.id] = course
        self._folders[course.id] = folder
        self._by_hash[course.content_hash] = course

    def courses(self) -> list[Course]:
        return sorted(self._current.values(), key=lambda c: c.meta.title.lower())

    def current(self, course_id: str) -> Course | None:
        return self._current.get(course_id)

    def folder(self, course_id: str) -> Path | None:
        return self._folders.get(course_id)

    def media_file(self, course_id: str, path: str) -> Path | None:
        """The file at `path` inside the course's media/ folder, or None (never outside it)."""
        folder = self._folders.get(course_id)
        if folder is None or not path.startswith("media/"):
            return None
        media = (folder / "media").resolve()
        target = (folder / path).resolve()
        if not target.is_relative_to(media) or target.suffix.lower() not in MEDIA_SUFFIXES:
            return None
        return target if target.is_file() else None

    async def version(self, course_hash: str) -> Course | None:
        """The exact version an attempt started on."""
        course = self._by_hash.get(course_hash)
        if course is None:
            course = await store.load_snapshot(course_hash)
            if course is not None:
                self._by_hash[course_hash] = course
                self._stored.add(course_hash)
        return course

    async def ensure_snapshot(self, course: Course) -> None:
        if course.content_hash in self._stored:
            return
        await store.store_snapshot(course)
        self._stored.add(course.content_hash)
