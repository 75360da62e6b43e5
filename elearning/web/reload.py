"""Live reload for authors: watch COURSES_DIR and recompile a course on every save.

Runs when the setting DEV is on (`elearning serve --dev`), as a background task of the
app's lifespan. Each changed course folder is compiled in a worker thread (compiling is CPU
work) and swapped in on the event loop; a broken edit keeps the last good version served
(see CourseLibrary.apply). Every server process watches the files itself.

    uvicorn --factory elearning.web.app:create_dev_app     # DEV on, other settings from the environment
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import anyio.to_thread
from watchfiles import awatch

from elearning.settings import Settings
from elearning.web.courses import CourseLibrary

log = logging.getLogger(__name__)

# Editors save in several steps (temporary file, rename): wait until the files are quiet.
DEBOUNCE_MS = 1600
QUIET_MS = 100


def changed_folders(root: Path, paths: Iterable[str]) -> set[str]:
    """The names of the course folders (direct children of root) that the changed paths are in."""
    names = set()
    for raw in paths:
        try:
            rel = Path(raw).resolve().relative_to(root)
        except ValueError:
            continue
        if rel.parts:
            names.add(rel.parts[0])
    return names


async def reload_folder(library: CourseLibrary, name: str) -> None:
    folder = library.courses_dir / name
    known = library.status(name) is not None
    if not folder.is_dir():
        if known:
            library.forget(folder)
        return
    if not known and not (folder / "course.yaml").is_file():
        return  # not (yet) a course folder
    compiled = await anyio.to_thread.run_sync(library.compile, folder)
    status = library.apply(compiled)
    if status.ok:
        log.info("Reloaded %s: %d warning(s).", folder, status.warnings)


async def watch_courses(library: CourseLibrary, stop: anyio.Event, *, debounce_ms: int = DEBOUNCE_MS,
                        quiet_ms: int = QUIET_MS) -> None:
    """Recompile changed course folders until `stop` is set."""
    root = library.courses_dir.resolve()
    if not root.is_dir():
        log.warning("Not watching %s for changes: the folder does not exist.", root)
        return
    log.info("Watching %s for changes.", root)
    try:
        async for changes in awatch(root, stop_event=stop, debounce=debounce_ms, step=quiet_ms):
            for name in sorted(changed_folders(root, (path for _, path in changes))):
                try:
                    await reload_folder(library, name)
                except Exception:  # the watcher must outlive any one bad reload
                    log.exception("Could not reload the course folder %s", name)
    except Exception:  # e.g. too many inotify watches: stop reloading, keep serving
        log.exception("Live reload stopped: cannot watch %s (set WATCHFILES_FORCE_POLLING=true to poll)", root)


@asynccontextmanager
async def live_reload(settings: Settings, library: CourseLibrary) -> AsyncIterator[None]:
    """While open, and when DEV is on, watch the courses folder in a background task."""
    if not settings.dev:
        yield
        return
    stop = anyio.Event()
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(watch_courses, library, stop)
        try:
            yield
        finally:
            stop.set()
