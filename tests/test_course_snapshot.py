"""Course snapshots: the stored JSON of a compiled course carries its format version, and a
snapshot stored before it had one (format 1) still loads, also from a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from elearning.authoring import load_course
from elearning.course import Course
from elearning.course.snapshot import COURSE_FORMAT, course_from_json, course_to_json
from elearning.storage import attempts as store
from elearning.storage.models import CourseSnapshot

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"


@pytest.fixture(scope="module")
def mini() -> Course:
    course, problems = load_course(MINI)
    assert course is not None, problems
    return course


def test_a_snapshot_names_its_format_and_reads_back_as_the_same_course(mini: Course) -> None:
    text = course_to_json(mini)
    assert json.loads(text)["format"] == COURSE_FORMAT == 1
    again = course_from_json(text)
    assert again == mini
    assert again.max_scores == mini.max_scores and again.meta.passing == mini.meta.passing


def test_a_snapshot_from_before_formats_reads_as_format_1(mini: Course) -> None:
    old = mini.model_dump_json(by_alias=True)  # how snapshots were stored before
    assert "format" not in json.loads(old)
    assert course_from_json(old) == mini


@pytest.mark.parametrize(("text", "message"), [
    ('{"format": 2}', "Unknown course snapshot format 2; expected 1."),
    ('{"format": "1"}', "Unknown course snapshot format '1'; expected 1."),
    ("[1, 2]", "a course snapshot is a JSON object"),
])
def test_what_is_not_a_snapshot_of_a_known_format_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(".", r"\.") + "$"):
        course_from_json(text)


async def test_a_stored_snapshot_carries_its_format(orm, mini: Course) -> None:
    with orm:
        await store.store_snapshot(mini)
        row = await CourseSnapshot.get(hash=mini.content_hash)
        assert json.loads(row.compiled)["format"] == COURSE_FORMAT
        assert await store.load_snapshot(mini.content_hash) == mini


async def test_an_old_snapshot_in_the_database_still_loads(orm, mini: Course) -> None:
    with orm:
        await CourseSnapshot.create(hash=mini.content_hash, course_id=mini.id, version=mini.meta.version,
                                    compiled=mini.model_dump_json(by_alias=True))
        loaded = await store.load_snapshot(mini.content_hash)
        assert loaded == mini
        assert loaded is not None and loaded.max_scores == {"wijk": 3, "toets": 3}
