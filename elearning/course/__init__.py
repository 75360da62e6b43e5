"""The course compiler: YAML files -> a validated, immutable Course.

    course, problems = load_course("courses/polarisatie")
    # course is None when any problem is an error; problems are sorted by file and line

Imports nothing of the other layers.
"""

from elearning.course.compiler import Problem, load_course
from elearning.course.model import Course

__all__ = ["Course", "Problem", "load_course"]
