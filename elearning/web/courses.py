"""The courses the site serves: the current version of each, and every version ever played.

At start-up every folder in COURSES_DIR is compiled; a course with errors is logged and
left out. An attempt names the content hash of the version it started on; that version
comes from memory, or from its snapshot in the database after a restart or an edit.

Live reload (the studio, `elearning serve --dev`) recompiles one folder at a time:
`compile` is CPU work without side effects (run it in a worker thread), `apply` swaps the
result in on the event loop. A compile with errors never replaces a good version: the last
good one keeps being served and the problems are kept for the author pages.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from elearning.authoring.load import load_compilation
from elearning.certificates.templates import certificate_templates
from elearning.course import Course, Problem
from elearning.storage import attempts as store

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {
    ".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif",  # images
    ".pdf",  # a handout to download
    ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".flac", ".mp4", ".m4v", ".webm", ".ogv",  # audio and video
    ".vtt", ".txt", ".md",  # captions and transcripts
}


@dataclass(frozen=True)
class Compiled:
    """The outcome of compiling one course folder."""

    folder: Path
    course: Course | None
    problems: tuple[Problem, ...]
    draft: Course | None = None  # what could be read despite errors (never served; the studio's map)


@dataclass(frozen=True)
class FolderStatus:
    """What the newest compile of a course folder found, and which version is served from it."""

    folder: Path
    course_id: str | None  # the id served from this folder (the last good version), if any
    served_hash: str | None
    problems: tuple[Problem, ...]  # of the newest compile
    compiled_at: datetime
    ok: bool  # the newest compile is the version being served
    draft: Course | None = None  # after a compile with errors: what could be read of it (never served)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == "warning")

    @property
    def stamp(self) -> str:
        """Changes whenever what the studio shows of this folder changes; the same in every process."""
        text = "\n".join([self.served_hash or "-", *(str(p) for p in self.problems)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class CourseLibrary:
    def __init__(self, courses_dir: Path, certificates_dir: Path | None = None) -> None:
        self.courses_dir = courses_dir
        self.certificates_dir = certificates_dir  # None: the templates that come with the package
        self._current: dict[str, Course] = {}
        self._folders: dict[str, Path] = {}
        self._by_hash: dict[str, Course] = {}
        self._stored: set[str] = set()  # hashes known to have a snapshot row
        self._status: dict[str, FolderStatus] = {}  # folder name -> newest compile
        self.refused: dict[str, list[str]] = {}  # folder -> problems, for courses left out

    def load_all(self) -> None:
        """(Re)compile every course folder; folders that are gone stop being served."""
        if not self.courses_dir.is_dir():
            log.warning("Courses folder %s does not exist; no courses to serve.", self.courses_dir)
            folders: list[Path] = []
        else:
            folders = sorted(p for p in self.courses_dir.iterdir() if (p / "course.yaml").is_file())
        for gone in set(self._status) - {f.name for f in folders}:
            self.forget(self._status[gone].folder)
        for folder in folders:
            self.apply(self.compile(folder))
        log.info("Serving %d course(s) from %s", len(self._current), self.courses_dir)

    # -- compiling one folder -----------------------------------------------------------
    def compile(self, folder: Path) -> Compiled:
        """Compile one course folder. No side effects on the library: safe in a worker thread."""
        if not (folder / "course.yaml").is_file():
            problem = Problem(str(folder / "course.yaml"), 1, 1, "error", "course.yaml is missing")
            return Compiled(folder, None, (problem,))
        try:
            comp = load_compilation(folder, templates=certificate_templates(self.certificates_dir))
            course, problems = comp.result(comp.course)
        except Exception:  # a compiler bug must not take the whole site down
            log.exception("Could not compile the course in %s", folder)
            problem = Problem(str(folder / "course.yaml"), 1, 1, "error", "the compiler failed; see the server log")
            return Compiled(folder, None, (problem,))
        for problem in problems:
            (log.error if problem.level == "error" else log.warning)("%s", problem)
        if course is None:
            return Compiled(folder, None, tuple(problems), comp.draft)
        return Compiled(folder, course, tuple(problems))

    def apply(self, compiled: Compiled) -> FolderStatus:
        """Serve a good compile; after a bad one keep serving this folder's last good version."""
        folder, course, problems, draft = compiled.folder, compiled.course, compiled.problems, compiled.draft
        before = self._status.get(folder.name)
        before_id = before.course_id if before else None
        if course is not None:
            other = self._folders.get(course.id)
            if other is not None and other.name != folder.name:
                message = f"course id {course.id!r} is also used by the folder {other.name!r}"
                problems += (Problem(str(folder / "course.yaml"), 1, 1, "error", message),)
                log.error("Not serving %s: %s", folder, message)
                course, draft = None, course
        if course is not None:
            if before_id is not None and before_id != course.id:
                self._drop(before_id)
            replaced = self._current.get(course.id)
            self.add(course, folder)
            if replaced is not None and replaced.content_hash != course.content_hash:
                # Every played version has a snapshot row: version() finds it there when needed.
                self._by_hash.pop(replaced.content_hash, None)
            self.refused.pop(str(folder), None)
            status = FolderStatus(folder, course.id, course.content_hash, problems, _now(), ok=True)
        else:
            errors = [p for p in problems if p.level == "error"]
            self.refused[str(folder)] = [str(p) for p in errors]
            served = self._current.get(before_id) if before_id else None
            if served is None:
                log.error("Not serving the course in %s: %d error(s).", folder, len(errors))
            else:
                log.error("The course in %s has %d error(s); still serving its last good version %s.",
                          folder, len(errors), served.content_hash[:12])
            status = FolderStatus(folder, served.id if served else None,
                                  served.content_hash if served else None, problems, _now(), ok=False, draft=draft)
        self._status[folder.name] = status
        return status

    def reload(self, folder: Path) -> FolderStatus:
        return self.apply(self.compile(folder))

    def forget(self, folder: Path) -> None:
        """The folder is gone: stop serving its course (attempts on it still play from snapshots)."""
        status = self._status.pop(folder.name, None)
        self.refused.pop(str(folder), None)
        if status is not None and status.course_id is not None:
            self._drop(status.course_id)
        log.info("The course folder %s is gone; no longer serving it.", folder)

    def _drop(self, course_id: str) -> None:
        self._current.pop(course_id, None)
        self._folders.pop(course_id, None)

    # -- what the studio reads ------------------------------------------------------------
    def statuses(self) -> list[FolderStatus]:
        return [self._status[name] for name in sorted(self._status)]

    def status(self, folder_name: str) -> FolderStatus | None:
        return self._status.get(folder_name)

    def status_of(self, course_id: str) -> FolderStatus | None:
        folder = self._folders.get(course_id)
        return self._status.get(folder.name) if folder is not None else None

    # -- serving --------------------------------------------------------------------------
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
        if folder is None or not path.startswith("media/") or "\x00" in path:
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


def _now() -> datetime:
    return datetime.now(UTC)
