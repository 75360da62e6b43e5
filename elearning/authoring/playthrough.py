"""Scripted playthroughs: an author's unit tests for a scenario.

A test file in `<course>/tests/*.yaml` names a test and lists steps: `choose` a choice
(id or exact label) or hub location, `answer` a question, `expect` facts about the state
at that point. `run_course_tests` plays each file through the real engine and reports
every failure at the file, line and column of the step that failed; a test stops at its
first failing step, since later steps would be meaningless.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from elearning.authoring.plain_text import plain_text, visible_text
from elearning.course.loader import Document, PathKey, read_yaml
from elearning.course.model import Course
from elearning.course.problems import Problem
from elearning.course.schema import json_schema
from elearning.engine.play import (
    ChoiceUnavailable,
    EngineError,
    Page,
    TextRejected,
    answer_and_continue,
    choice_id,
    choose,
    continue_open,
    start,
    view,
    write,
)
from elearning.engine.state import State


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Names = Annotated[list[str], BeforeValidator(_listify, json_schema_input_type=str | list[str])]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    scene: str | None = Field(default=None, description="The learner is on this scene.")
    module: str | None = Field(default=None, description="The learner is in this module.")
    score: int | None = Field(default=None, description="The score in the current module is exactly this.")
    score_at_least: int | None = Field(default=None, description="The score in the current module is at least this.")
    score_at_most: int | None = Field(default=None, description="The score in the current module is at most this.")
    has: Names | None = Field(default=None, description="The notebook holds these entries.")
    lacks: Names | None = Field(default=None, description="The notebook does not hold these entries.")
    count: dict[str, int] | None = Field(default=None, description="Exact number of notebook entries per kind.")
    flags: Names | None = Field(default=None, description="These flags are set.")
    vars: dict[str, int] | None = Field(default=None, description="These variables have exactly these values.")
    text_contains: Names | None = Field(
        default=None, description="The page shows this text (scene text, shown blocks and feedback)."
    )
    module_passed: dict[str, bool] | None = Field(default=None, description="These modules are finished and (not) passed.")
    finished: bool | None = Field(default=None, description="The course is finished.")
    passed: bool | None = Field(default=None, description="The course is passed.")


class Step(_Strict):
    choose: str | None = Field(default=None, description="A choice id (c1, c2... or the author's id), its exact label, a hub location (loc-<id>), next or retake.")
    answer: Names | None = Field(default=None, description="Answer ids: a, b, c... by position, or the answers' own ids; a list for a multiple-answer question.")
    write: str | None = Field(default=None, description="The text of an open answer: handed in, then on past the model answer.")
    expect: Expect | None = Field(default=None, description="Checks at this point.")

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [k for k in ("choose", "answer", "write", "expect") if getattr(self, k) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"a step holds exactly one of choose, answer, write or expect; found: {found}")
        return self


class Playthrough(_Strict):
    name: str = Field(min_length=1, description="What the test shows, in a sentence.")
    steps: list[Step] = Field(min_length=1, description="What the test does, step by step: choose, answer, expect.")


_FIELDS = {*Playthrough.model_fields, *Step.model_fields, *Expect.model_fields}


@dataclass(frozen=True)
class PlaythroughResult:
    file: str
    name: str
    failures: tuple[Problem, ...]  # errors, each at the step that failed
    steps_run: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


def run_course_tests(course: Course, tests_dir: Path) -> list[PlaythroughResult]:
    """Run every `*.yaml` playthrough in tests_dir (sorted by name) against the course."""
    results: list[PlaythroughResult] = []
    for path in sorted(tests_dir.glob("*.yaml")):
        results += run_file(course, path)
    return results


def run_file(course: Course, path: Path) -> list[PlaythroughResult]:
    """The results of one test file: a mapping with one test, or a list of tests."""
    doc = read_yaml(path, str(path))
    if doc.problems:
        return [PlaythroughResult(doc.display, path.stem, tuple(_at(doc, w.line, w.col, str(m)) for w, m, _ in doc.problems))]
    if isinstance(doc.data, list):
        return [_run_one(course, doc, raw, (i,)) for i, raw in enumerate(doc.data)]
    return [_run_one(course, doc, doc.data, ())]


# -- reading a test ---------------------------------------------------------------------
def _run_one(course: Course, doc: Document, raw: Any, prefix: PathKey) -> PlaythroughResult:
    name: str = raw["name"] if isinstance(raw, dict) and isinstance(raw.get("name"), str) else Path(doc.path).stem
    if not isinstance(raw, dict):
        where = doc.locate(prefix)
        return PlaythroughResult(doc.display, name, (_at(doc, where.line, where.col, "a test is a mapping with 'name' and 'steps'"),))
    try:
        test = Playthrough.model_validate(raw)
    except ValidationError as exc:
        failures = sorted((_shape_failure(doc, prefix, err) for err in exc.errors()), key=_position)
        return PlaythroughResult(doc.display, name, tuple(failures))
    problems = _reference_problems(course, doc, prefix, test)
    if problems:
        return PlaythroughResult(doc.display, test.name, tuple(problems))
    return _Runner(course, doc, prefix).run(test)


_EXPECTED = {"int": "a whole number", "bool": "true or false", "string": "text", "list": "a list", "dict": "a mapping"}


def _shape_failure(doc: Document, prefix: PathKey, err: Any) -> Problem:
    kind = err["type"]
    raw = err["loc"]
    # pydantic puts type tags such as 'list[str]' in the location; keep the real keys
    loc = tuple(p for i, p in enumerate(raw) if isinstance(p, int) or p in _FIELDS or
                (kind == "extra_forbidden" and i == len(raw) - 1))
    last = loc[-1] if loc else ""
    where = _describe(loc[:-1])
    in_where = f" in {where}" if where else ""
    if kind == "extra_forbidden":
        owner = Expect if "expect" in loc[:-1] else Step if "steps" in loc[:-1] else Playthrough
        known = ", ".join(owner.model_fields)
        hint = _suggest(str(last), owner.model_fields)
        return _locate(doc, prefix + loc, f"unknown key '{last}'{in_where}{hint}; known keys: {known}", key=True)
    if kind == "missing":
        return _locate(doc, prefix + loc[:-1], f"missing key '{last}'{in_where}")
    if kind == "value_error":
        return _locate(doc, prefix + loc, f"{_describe(loc) or 'test'}: {err['ctx']['error']}")
    what = f"item {last + 1} of '{loc[-2]}'" if isinstance(last, int) and len(loc) > 1 else f"'{last}'"
    if kind in ("too_short", "string_too_short"):
        return _locate(doc, prefix + loc, f"{what}{in_where} is empty")
    value = err.get("input")
    shown = "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else repr(value)
    words = next((w for k, w in _EXPECTED.items() if kind.startswith(k + "_")), None)
    message = f"must be {words}" if words else err["msg"].lower()
    return _locate(doc, prefix + loc, f"{what}{in_where} {message}, not {shown}")


def _describe(loc: PathKey) -> str:
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and loc[i - 1] == "steps":
            parts.append(f"step {part + 1}")
        elif part == "expect":
            parts.append("(expect)")
    return " ".join(parts)


def _reference_problems(course: Course, doc: Document, prefix: PathKey, test: Playthrough) -> list[Problem]:
    """Expectations that name things the course does not have: they could never hold."""
    scenes = [s.id for m in course.modules for s in m.scenes]
    modules = [m.id for m in course.modules]
    entries = [e.id for e in course.meta.notebook.entries]
    kinds = [k.id for k in course.meta.notebook.kinds]
    choices = [c for m in course.modules for s in m.scenes
               for c in (*s.choices, *s.answers, *([s.on_enter] if s.on_enter else []))]
    flags = sorted({f for c in choices for f in c.flags})
    variables = sorted(set(course.meta.variables) | {v for c in choices for v in (*c.set, *c.add)})
    known = {
        "scene": ("scene", scenes), "module": ("module", modules), "has": ("notebook entry", entries),
        "lacks": ("notebook entry", entries), "count": ("notebook kind", kinds), "flags": ("flag", flags),
        "vars": ("variable", variables), "module_passed": ("module", modules),
    }
    out: list[Problem] = []
    for i, step in enumerate(test.steps):
        if step.expect is None:
            continue
        for key, (noun, options) in known.items():
            value = getattr(step.expect, key)
            names = [value] if isinstance(value, str) else list(value or [])
            for name in names:
                if name not in options:
                    path = (*prefix, "steps", i, "expect", key)
                    hint = _suggest(name, options) or ("; the course has none" if not options else "")
                    out.append(_locate(doc, path, f"step {i + 1} (expect): unknown {noun} '{name}'{hint}"))
    return sorted(out, key=_position)


# -- running a test ---------------------------------------------------------------------
class _Runner:
    def __init__(self, course: Course, doc: Document, prefix: PathKey) -> None:
        self.course, self.doc, self.prefix = course, doc, prefix

    def run(self, test: Playthrough) -> PlaythroughResult:
        state, _ = start(self.course)
        for i, step in enumerate(test.steps):
            try:
                state, failures = self._step(state, i, step)
            except EngineError as exc:
                failures = [self._fail(i, _action_key(step), f"{_step_name(i, step)}: {exc}")]
            if failures:
                return PlaythroughResult(self.doc.display, test.name, tuple(failures), i + 1)
        return PlaythroughResult(self.doc.display, test.name, (), len(test.steps))

    def _fail(self, i: int, key: str, message: str) -> Problem:
        return _locate(self.doc, (*self.prefix, "steps", i, key), message)

    def _step(self, state: State, i: int, step: Step) -> tuple[State, list[Problem]]:
        page = view(self.course, state)
        if step.choose is not None:
            cid, problem = _resolve_choice(self.course, state, page, step.choose)
            if problem:
                return state, [self._fail(i, "choose", f"{_step_name(i, step)}: {problem}")]
            try:
                return choose(self.course, state, cid)[0], []
            except ChoiceUnavailable as exc:
                return state, [self._fail(i, "choose", f"{_step_name(i, step)}: not available: {exc.reason}")]
        if step.answer is not None:
            ids, problem = resolve_answers(page, step.answer)
            if problem:
                return state, [self._fail(i, "answer", f"{_step_name(i, step)}: {problem}")]
            try:
                return answer_and_continue(self.course, state, ids)[0], []
            except ChoiceUnavailable as exc:
                return state, [self._fail(i, "answer", f"{_step_name(i, step)}: {exc.reason} on question '{page.scene.id}'")]
        if step.write is not None:
            if page.scene.type != "open":
                return state, [self._fail(i, "write", f"{_step_name(i, step)}: scene '{page.scene.id}' does not ask "
                                                      "for an open answer")]
            try:
                return continue_open(self.course, write(self.course, state, step.write)[0])[0], []
            except TextRejected as exc:
                limits = page.scene.open
                assert limits is not None  # noqa: S101 - an open scene has open:
                why = (f"the text is shorter than {limits.min_length} characters" if exc.reason == "too_short"
                       else f"the text is longer than {limits.max_length} characters")
                return state, [self._fail(i, "write", f"{_step_name(i, step)}: {why} on scene '{page.scene.id}'")]
        assert step.expect is not None  # noqa: S101 - Step allows exactly one action
        failures = []
        for key, message in _check(self.course, state, page, step.expect):
            path = (*self.prefix, "steps", i, "expect", key)
            failures.append(_locate(self.doc, path, f"step {i + 1} (expect {key}): {message}"))
        return state, failures


def _resolve_choice(course: Course, state: State, page: Page, wanted: str) -> tuple[str, str | None]:
    options = [(loc.choice_id, loc.label, loc.available, loc.reason) for loc in page.locations]
    options += [(c.id, c.label, c.available, c.reason) for c in page.choices]
    for cid, label, ok, reason in options:
        if wanted in (cid, label):
            return cid, None if ok else f"{cid} '{label}' is not available: {reason or 'its condition does not hold'}"
    for i, ch in enumerate(page.scene.choices):  # hidden: its `when` does not hold, or taken once
        cid = choice_id(ch, i)
        if wanted in (cid, ch.label):
            why = "it was already chosen (once: true)" if f"{page.scene.id}/{cid}" in state.once else f"its condition does not hold: {ch.when}"
            return cid, f"{cid} '{ch.label}' is hidden: {why}"
    listed = ", ".join(f"{cid} '{_short(label)}'" for cid, label, ok, _ in options if ok) or "none"
    return "", f"no such choice on scene '{page.scene.id}'; available: {listed}"


def resolve_answers(page: Page, wanted: list[str]) -> tuple[list[str], str | None]:
    """Answer ids for what a test (or a person) typed: an id, a letter by position, or the exact text."""
    if page.scene.type != "question":
        choices = ", ".join(f"{c.id} '{_short(c.label)}'" for c in page.choices if c.available) or "none"
        return [], f"scene '{page.scene.id}' is not a question; its choices: {choices}"
    ids = []
    for value in wanted:
        match = next((a.id for a in page.answers if value == a.id), None)
        if match is None and len(value) == 1 and "a" <= value <= "z" and ord(value) - 97 < len(page.answers):
            match = page.answers[ord(value) - 97].id
        if match is None:
            match = next((a.id for a in page.answers if value == a.text), None)
        if match is None:
            listed = ", ".join(f"{a.id} '{_short(a.text)}'" for a in page.answers)
            return [], f"no answer '{value}' on question '{page.scene.id}'; answers: {listed}"
        ids.append(match)
    return ids, None


def _check(course: Course, state: State, page: Page, expect: Expect) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if expect.scene is not None and state.scene != expect.scene:
        out.append(("scene", f"the learner is on scene '{state.scene}', not '{expect.scene}'"))
    if expect.module is not None and state.module != expect.module:
        out.append(("module", f"the learner is in module '{state.module}', not '{expect.module}'"))
    in_module = f"in module '{state.module}'"
    if expect.score is not None and state.score != expect.score:
        out.append(("score", f"the score {in_module} is {state.score}, not {expect.score}"))
    if expect.score_at_least is not None and state.score < expect.score_at_least:
        out.append(("score_at_least", f"the score {in_module} is {state.score}, less than {expect.score_at_least}"))
    if expect.score_at_most is not None and state.score > expect.score_at_most:
        out.append(("score_at_most", f"the score {in_module} is {state.score}, more than {expect.score_at_most}"))
    holds = ", ".join(sorted(state.notebook)) or "nothing"
    missing = [e for e in expect.has or [] if e not in state.notebook]
    if missing:
        out.append(("has", f"the notebook lacks {', '.join(missing)}; it holds: {holds}"))
    extra = [e for e in expect.lacks or [] if e in state.notebook]
    if extra:
        out.append(("lacks", f"the notebook holds {', '.join(extra)}, which it should not"))
    for kind, n in (expect.count or {}).items():
        have = sorted(e for e in state.notebook if course.entry(e).kind == kind)
        if len(have) != n:
            out.append(("count", f"the notebook holds {len(have)} entries of kind '{kind}', not {n}: {', '.join(have) or 'none'}"))
    unset = [f for f in expect.flags or [] if f not in state.flags]
    if unset:
        out.append(("flags", f"flag {', '.join(unset)} is not set; set flags: {', '.join(sorted(state.flags)) or 'none'}"))
    for name, value in (expect.vars or {}).items():
        if state.var(name) != value:
            out.append(("vars", f"variable '{name}' is {state.var(name)}, not {value}"))
    shown = visible_text(page, course)
    for text in expect.text_contains or []:
        if " ".join(plain_text(text).split()) not in shown:
            out.append(("text_contains", f"the page does not show {text!r}; it shows: {_short(shown, 160)!r}"))
    for module, passed in (expect.module_passed or {}).items():
        result = state.result(module)
        if result is None:
            out.append(("module_passed", f"module '{module}' has not been finished yet"))
        elif result.passed != passed:
            verdict = "passed" if result.passed else "not passed"
            out.append(("module_passed", f"module '{module}' is {verdict} ({result.score} of {result.max} points)"))
    if expect.finished is not None and state.finished != expect.finished:
        out.append(("finished", "the course is finished" if state.finished else "the course is not finished"))
    if expect.passed is not None and state.passed != expect.passed:
        out.append(("passed", "the course is passed" if state.passed else "the course is not passed"))
    return out


# -- helpers ------------------------------------------------------------------------------
def _step_name(i: int, step: Step) -> str:
    if step.choose is not None:
        return f"step {i + 1} (choose: {step.choose})"
    if step.answer is not None:
        shown = step.answer[0] if len(step.answer) == 1 else "[" + ", ".join(step.answer) + "]"
        return f"step {i + 1} (answer: {shown})"
    if step.write is not None:
        return f"step {i + 1} (write)"
    return f"step {i + 1} (expect)"


def _action_key(step: Step) -> str:
    if step.write is not None:
        return "write"
    return "choose" if step.choose is not None else "answer" if step.answer is not None else "expect"


def _locate(doc: Document, path: PathKey, message: str, *, key: bool = False) -> Problem:
    where = doc.locate(path, key=key)
    return Problem(doc.display, where.line, where.col, "error", message)


def _position(failure: Problem) -> tuple[int, int]:
    return failure.line, failure.col


def _at(doc: Document, line: int, col: int, message: str) -> Problem:
    return Problem(doc.display, line, col, "error", message)


def _suggest(word: str, options: Any) -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def playthrough_schema() -> dict[str, Any]:
    return json_schema(
        Playthrough, title="tests/<name>.yaml",
        description="A scripted playthrough: a name and steps (choose, answer, write, expect).",
    )
