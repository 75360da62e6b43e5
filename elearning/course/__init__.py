"""The course compiler: YAML files -> a validated, immutable Course.

    comp = compile_course("courses/polarisatie")
    # comp.course is None when any problem is an error; comp.problems says where and why

Imports nothing of the other layers: exploring a course with the engine (the state-space
checks, max_scores) happens above both, in elearning.authoring.load_course.
"""

from elearning.course.compiler import compile_course
from elearning.course.model import Course
from elearning.course.problems import Problem

__all__ = ["Course", "Problem", "compile_course"]
