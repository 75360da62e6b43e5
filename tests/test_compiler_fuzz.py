"""Hostile and broken input never crashes or hangs the compiler: the only outcome is a list
of located problems.

Random YAML-ish text, valid courses mutated at random (keys dropped, types changed, ids
swapped, garbage bytes inserted), deep nesting, YAML bombs and huge strings.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearning.authoring import load_course
from elearning.course import Problem
from elearning.course.loader import MAX_DEPTH, read_yaml

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
FILES = ("course.yaml", "modules/wijk.yaml", "modules/toets.yaml")
pytestmark = pytest.mark.slow  # hypothesis: hundreds of courses per test
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # one compile takes milliseconds, but the first one warms caches
    suppress_health_check=[HealthCheck.too_slow],
    derandomize="FUZZ_RANDOM" not in os.environ,  # the same examples on every run unless asked
    database=None,
)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@contextlib.contextmanager
def fresh() -> Iterator[Path]:
    """A private copy of the mini course for one generated example."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "mini"
        shutil.copytree(MINI, target)
        yield target


def _originals() -> dict[str, Any]:
    return {name: yaml.safe_load((MINI / name).read_text(encoding="utf-8")) for name in FILES}


ORIGINALS = _originals()


# what an author should never read: Python's and pydantic's words instead of ours
JARGON = ("Traceback", "Input should", "NoneType", "<unicode string>", "Error:", "pydantic", "[key]")


def compile_ok(folder: Path, *, seconds: float = 10.0) -> list[Problem]:
    """Compile; assert the outcome is a course or located errors, in bounded time."""
    started = time.perf_counter()
    course, problems = load_course(folder)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"compiling took {elapsed:.1f} s"
    for p in problems:
        assert isinstance(p, Problem)
        assert p.level in ("error", "warning")
        assert p.line >= 1 and p.col >= 1, str(p)
        assert p.message and "\n" not in p.message, str(p)
        assert not any(word in p.message for word in JARGON), str(p)
        assert p.file.startswith(str(folder)), str(p)
    if course is None:
        assert any(p.level == "error" for p in problems), problems
    else:
        assert all(p.level == "warning" for p in problems), problems
    return problems


# -- random text --------------------------------------------------------------------------------
YAMLISH = st.lists(
    st.sampled_from(list("abc-_:{}[],&*!|>'\"#%@`?\t\n\r ") + ["id: ", "scenes:", "goto: ", "  ", "- ", "\x00", "é", "\ufeff"]),
    max_size=80,
).map("".join)


@FUZZ
@given(text=YAMLISH, target=st.sampled_from(FILES))
def test_random_yamlish_text_gives_located_problems(text: str, target: str) -> None:
    with fresh() as course:
        (course / target).write_text(text, encoding="utf-8")
        problems = compile_ok(course)
        assert problems, "a broken file should give at least one problem"


@FUZZ
@given(data=st.binary(max_size=300), target=st.sampled_from(FILES))
def test_random_bytes_give_located_problems(data: bytes, target: str) -> None:
    with fresh() as course:
        (course / target).write_bytes(data)
        compile_ok(course)


# -- mutations of the valid course -------------------------------------------------------------
def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


ODD_VALUES = st.sampled_from([
    None, True, False, 0, -1, 3.5, 10**30, "", " ", "x", "Bakker", "bakker", "kaart", "v1", "einde",
    "visited(", "flag(x) and", "score >= 2", "media/../../etc/passwd", "http://example.org/a.svg",
    [], [None], {}, {"id": "x"}, ["x", 1], {"a": {"b": {"c": []}}}, "x" * 10_000,
])


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    docs = copy.deepcopy(ORIGINALS)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(FILES))
        root = docs[name]
        path = draw(st.sampled_from(_paths(root)))
        if not path:
            docs[name] = copy.deepcopy(draw(ODD_VALUES))
            continue
        parent = _get(root, path[:-1])
        key = path[-1]
        action = draw(st.sampled_from(["drop", "replace", "swap", "duplicate", "rename"]))
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = copy.deepcopy(draw(ODD_VALUES))
        elif action == "swap":
            other = _get(root, draw(st.sampled_from(_paths(root)))[:-1] or ())
            if isinstance(other, dict | list) and len(other) > 0:
                other_key = draw(st.sampled_from(list(other.keys()) if isinstance(other, dict) else list(range(len(other)))))
                parent[key], other[other_key] = copy.deepcopy(other[other_key]), copy.deepcopy(parent[key])
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["idd", "Id", "goto ", "choice", "scene", "id", "type", "when"]))] = parent.pop(key)
    return docs


@FUZZ
@given(docs=mutated())
def test_mutated_courses_give_located_problems(docs: dict[str, Any]) -> None:
    with fresh() as course:
        for name, data in docs.items():
            (course / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        compile_ok(course)


@FUZZ
@given(target=st.sampled_from(FILES), where=st.floats(0, 1), garbage=st.binary(min_size=1, max_size=20))
def test_garbage_bytes_inserted_anywhere(target: str, where: float, garbage: bytes) -> None:
    with fresh() as course:
        raw = (course / target).read_bytes()
        at = int(where * len(raw))
        (course / target).write_bytes(raw[:at] + garbage + raw[at:])
        compile_ok(course)


@FUZZ
@given(target=st.sampled_from(FILES), where=st.floats(0, 1), length=st.integers(1, 40))
def test_lines_cut_anywhere(target: str, where: float, length: int) -> None:
    with fresh() as course:
        text = (course / target).read_text(encoding="utf-8")
        at = int(where * len(text))
        (course / target).write_text(text[:at] + text[at + length:], encoding="utf-8")
        compile_ok(course)


# -- hostile documents ---------------------------------------------------------------------------
def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_in_bounded_time_and_memory(course: Path) -> None:
    (course / "course.yaml").write_text(_billion_laughs(), encoding="utf-8")
    tracemalloc.start()
    try:
        problems = compile_ok(course, seconds=2.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, f"peak memory {peak:,} bytes"
    alias = [p for p in problems if "anchors and aliases" in p.message]
    assert len(alias) == 90  # one per '*aN', each at its own place
    assert str(alias[0]).endswith("course.yaml:2:10: error: anchors and aliases (& and *) are not supported; "
                                  "write the value of '*a0' out here")


def test_an_alias_bomb_inside_a_module_is_refused(course: Path) -> None:
    bomb = _billion_laughs(12).replace("a0:", "scenes:\n  - id: x\n    text: x\n    type: end\nb0:", 1)
    (course / "modules" / "toets.yaml").write_text("id: toets\ntitle: T\nstart: x\n" + bomb, encoding="utf-8")
    tracemalloc.start()
    try:
        problems = compile_ok(course, seconds=2.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000, f"peak memory {peak:,} bytes"
    assert any("anchors and aliases" in p.message for p in problems)


def test_merge_keys_are_refused(course: Path) -> None:
    text = (course / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(text + "extra: &e {a: 1}\nmore:\n  <<: *e\n", encoding="utf-8")
    problems = [str(p).removeprefix(f"{course}/") for p in compile_ok(course)]
    assert "course.yaml:28:3: error: merge keys (<<) are not supported" in problems


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused(course: Path, opener: str) -> None:
    depth = 5_000
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    if opener == "- ":
        text = "".join("  " * i + "- \n" for i in range(200)) + "  " * 200 + "x\n"
    else:
        text = "a: " + opener * depth + "1" + closer * depth + "\n"
    (course / "modules" / "wijk.yaml").write_text(text, encoding="utf-8")
    problems = compile_ok(course, seconds=5.0)
    assert problems and all(p.file.endswith("wijk.yaml") for p in problems if p.level == "error")


def test_nesting_just_past_the_limit_is_refused_where_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", encoding="utf-8")
    doc = read_yaml(path, "deep.yaml")
    assert [(w.line, w.col, str(m)) for w, m, _ in doc.problems] == [(1, 4 + MAX_DEPTH, f"nested more than {MAX_DEPTH} levels deep")]


def test_huge_strings_and_many_scenes_are_handled(course: Path) -> None:
    wijk = course / "modules" / "wijk.yaml"
    text = wijk.read_text(encoding="utf-8").replace("Je loopt de wijk in. Wat doe je eerst?", "bla " * 500_000)
    wijk.write_text(text, encoding="utf-8")
    assert compile_ok(course, seconds=10.0) == []


def test_a_file_over_the_size_limit_is_refused_without_reading_it_as_yaml(course: Path) -> None:
    (course / "modules" / "wijk.yaml").write_bytes(b"# " + b"x" * 5_000_000 + b"\n")
    problems = [str(p).removeprefix(f"{course}/") for p in compile_ok(course)]
    assert problems == ["modules/wijk.yaml:1:1: error: the file is 5,000,003 bytes; files larger than 5,000,000 bytes are refused"]


def test_names_too_long_for_the_file_system(course: Path) -> None:
    wijk = course / "modules" / "wijk.yaml"
    wijk.write_text(wijk.read_text(encoding="utf-8").replace("src: media/kaart.svg", f"src: media/{'x' * 5000}.svg"),
                    encoding="utf-8")
    problems = compile_ok(course)
    assert [p.message[:27] for p in problems] == ["the image 'media/xxxxxxxxxx"]
    meta = course / "course.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("[wijk, toets]", f"[wijk, toets, {'x' * 5000}]"),
                    encoding="utf-8")
    problems = compile_ok(course)
    assert [p.message for p in problems] == ["module 3 of 'modules' is too long (at most 64 characters)"]
    missing = course.parent / ("y" * 5000)
    assert [p.message for p in compile_ok(missing)] == [f"there is no course folder at '{missing}'"]
