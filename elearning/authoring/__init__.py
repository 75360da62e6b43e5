"""Tools that drive the engine over a course: loading with the state-space checks of
`validate`, exploring paths and scores, the scenario graph and the playthrough tests.

    course, problems = load_course("courses/polarisatie")
    # course is None when any problem is an error; problems are sorted by file and line

Sits above both elearning.course (the compiler) and elearning.engine (the runtime).
"""

from elearning.authoring.load import load_course

__all__ = ["load_course"]
