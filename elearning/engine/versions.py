"""Moving a state onto another version of its course.

An attempt stays on the version it started on (see storage/attempts.py); where a state must
follow the files instead, as in the studio's preview after an edit, `rebase` moves it.
"""

from __future__ import annotations

from elearning.course.model import Course
from elearning.engine.play import start
from elearning.engine.state import State


def rebase(course: Course, state: State) -> State:
    """The state on the course's current version: what no longer exists is dropped.

    Notebook entries and module results of modules that are gone are forgotten; the learner
    stays on their scene when it still exists (in whichever module now holds it), else goes
    to the start of their module, else to the start of the course.
    """
    if state.course_hash == course.content_hash:
        return state
    modules = {m.id for m in course.modules}
    entries = {e.id for e in course.meta.notebook.entries}
    state = state.evolve(
        course_hash=course.content_hash,
        notebook=frozenset(e for e in state.notebook if e in entries),
        results=tuple(r for r in state.results if r[0] in modules),
    )
    try:
        return state.evolve(module=course.module_of(state.scene).id)
    except KeyError:
        pass
    if state.module in modules:
        return state.evolve(scene=course.module(state.module).start, reviewing=False)
    return start(course)[0]
