"""Author tools: validate, test, explore, graph, schema and play a course from the terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from elearning.authoring import load_course
from elearning.authoring.assessment import report_lines
from elearning.authoring.explore import DEFAULT_MAX_STATES, Exploration, explore
from elearning.authoring.graph import GraphvizError, module_dot, render_svg
from elearning.authoring.plain_text import dialogue_lines, filled, plain_text
from elearning.authoring.playthrough import playthrough_schema, resolve_answers, run_course_tests
from elearning.authoring.scene_problems import problems_by_scene
from elearning.certificates.templates import certificate_templates
from elearning.commands.starter import write_starter
from elearning.course import Course, Problem
from elearning.course.loader import read_yaml
from elearning.course.model import Scene
from elearning.course.schema import SCHEMAS, course_ids, dumps
from elearning.engine import (
    EngineError,
    State,
    TextRejected,
    answer,
    choose,
    continue_open,
    start,
    view,
    write,
)
from elearning.engine.play import Page
from elearning.i18n import N_, translator

STUDY_LOAD_TOLERANCE = 0.20
Translate = Callable[..., str]
ALL_SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {**SCHEMAS, "playthrough": playthrough_schema}


class CourseNotFound(click.ClickException):
    exit_code = 2


course_path = click.argument("path", type=click.Path(path_type=Path))


# -- loading -------------------------------------------------------------------------
def _check_folder(path: Path) -> None:
    if not path.exists():
        raise CourseNotFound(f"there is no course folder at '{path}'")
    if not path.is_dir() or not (path / "course.yaml").is_file():
        raise CourseNotFound(
            f"'{path}' is not a course folder: a course folder holds course.yaml and modules/*.yaml"
        )


def _compile(path: Path) -> tuple[Course | None, list[Problem]]:
    _check_folder(path)
    try:
        return load_course(path, templates=certificate_templates())
    except Exception as exc:  # an author must never see a traceback; the message says what broke
        raise click.ClickException(
            f"reading the course at '{path}' failed unexpectedly ({type(exc).__name__}: {exc}); "
            "please report this with the course files"
        ) from exc


def _summary(problems: Sequence[Problem], path: Path, lang: str) -> str:
    """'2 errors, 1 warning in PATH' in the author's language."""
    _ = translator(lang)
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    if not problems:
        return _("no problems in {path}", path=path)
    parts = [_("{n} error", n=errors) if errors == 1 else _("{n} errors", n=errors)] if errors else []
    if warnings:
        parts.append(_("{n} warning", n=warnings) if warnings == 1 else _("{n} warnings", n=warnings))
    return _("{counts} in {path}", counts=", ".join(parts), path=path)


def _language(path: Path, lang: str | None) -> str:
    """The language of the author's messages: --lang, else the course's `language`, else Dutch."""
    if lang is not None:
        return lang
    data = read_yaml(path / "course.yaml", "course.yaml").data
    found = data.get("language") if isinstance(data, dict) else None
    return found if found in LANGUAGES else "nl"


LANGUAGES = ("nl", "en")
lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), default=None,
    help="The language of the messages; default: the course's `language` (Dutch when it has none).")


def _load(path: Path, lang: str | None = None) -> tuple[Course, list[Problem]]:
    """A course without errors, or the errors on stderr and exit 1."""
    course, problems = _compile(path)
    if course is None:
        said = _language(path, lang)
        for problem in problems:
            if problem.level == "error":
                click.echo(problem.line_in(said), err=True)
        _ = translator(said)
        click.echo(_("{summary}; the course cannot be used until the errors are fixed",
                     summary=_summary(problems, path, said)), err=True)
        raise SystemExit(1)
    return course, problems


# -- validate --------------------------------------------------------------------------
@click.command()
@course_path
@click.option("--strict", is_flag=True, help="Warnings count as failures too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
def validate(path: Path, strict: bool, fmt: str, lang: str | None) -> None:
    """Check every file of the course at PATH and report every problem in one pass.

    Prints `file:line:col: error|warning: message`, the message in the course's language
    (or --lang); exits 1 when there are errors (or warnings, with --strict), 2 when PATH
    is not a course folder.
    """
    _, problems = _compile(path)
    said = _language(path, lang)
    if fmt == "json":
        click.echo(json.dumps([p.to_json(said) for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(problem.line_in(said))
    click.echo(_summary(problems, path, said), err=True)
    failing = any(p.level == "error" or strict for p in problems)
    raise SystemExit(1 if failing else 0)


# -- test --------------------------------------------------------------------------------
@click.command(name="test")
@course_path
@click.option("-v", "--verbose", is_flag=True, help="List passing tests too.")
def test_command(path: Path, verbose: bool) -> None:
    """Run the scripted playthroughs in PATH/tests/*.yaml.

    Each failing step is reported as `file:line:col: message`; exits 1 when any test fails.
    """
    course, _ = _load(path)
    results = run_course_tests(course, path / "tests")
    if not results:
        click.echo(f"no playthrough tests in {path / 'tests'} (add files such as tests/careful.yaml)", err=True)
    for result in results:
        if result.passed and verbose:
            click.echo(f"PASS {result.file}: {result.name}")
        elif not result.passed:
            click.echo(f"FAIL {result.file}: {result.name}")
            for failure in result.failures:
                click.echo(f"  {failure.where}: {failure.message}")
    failed = sum(1 for r in results if not r.passed)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    raise SystemExit(1 if failed else 0)


# -- explore ------------------------------------------------------------------------------
@click.command(name="explore")
@course_path
@click.option("--max-states", type=click.IntRange(min=1), default=DEFAULT_MAX_STATES, show_default=True,
              help="Stop exploring after this many distinct situations.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explore_command(path: Path, max_states: int, fmt: str) -> None:
    """Explore every reachable situation of the course: paths, ends, scores, study time."""
    course, _ = _load(path)
    result = explore(course, max_states=max_states)
    claimed = course.meta.study_load_minutes
    typical = result.minutes[1] + result.offline_minutes
    off = abs(typical - claimed) / claimed
    if fmt == "json":
        data = asdict(result) | {"minutes": result.minutes, "offline_minutes": result.offline_minutes,
                                 "study_load_minutes": claimed, "bound_hit": result.bound_hit}
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(_explore_report(course, result))
    if off > STUDY_LOAD_TOLERANCE:
        more = "more" if typical > claimed else "less"
        click.echo(
            f"warning: the typical path takes {typical:g} minutes (online and offline), {off:.0%} {more} than "
            f"study_load_minutes: {claimed} in course.yaml; adjust one of them",
            err=True,
        )
    if result.bound_hit:
        click.echo(
            f"error: exploring stopped after {max_states:,} distinct situations, so these numbers are "
            "incomplete; raise --max-states or use fewer independent flags, variables or notebook "
            "entries in conditions",
            err=True,
        )
        raise SystemExit(1)


def _explore_report(course: Course, result: Exploration) -> str:
    header = ["module", "states", "paths", "ends reached", "score", "never reached", "minutes (min/median/max)"]
    rows = []
    for m in result.modules:
        ends = f"{len(m.ends_reached)}/{len(m.ends_reached) + len(m.ends_unreached)}"
        rows.append([
            m.module + (" *" if m.bound_hit else ""), f"{m.states:,}", f"{m.paths:,}", ends,
            f"{m.min_score}..{m.max_score}", str(len(m.unreached)), "/".join(f"{x:g}" for x in m.minutes),
        ])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {1, 2, 3, 5}
    lines = []
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    for m in result.modules:
        lines.append(f"{m.module}: end scenes reached: {', '.join(m.ends_reached) or 'none'}")
        if m.ends_unreached:
            lines.append(f"{m.module}: end scenes never reached: {', '.join(m.ends_unreached)}")
        if m.unreached:
            lines.append(f"{m.module}: scenes never reached: {', '.join(m.unreached)}")
    short, typical, longest = result.minutes
    lines.append("")
    lines.append(
        f"course: shortest path {short:g} min, typical (median) {typical:g} min, longest {longest:g} min; "
        f"course.yaml claims study_load_minutes: {course.meta.study_load_minutes}"
    )
    if result.offline_minutes:
        lines.append(
            f"course: online (median) {typical:g} min + offline (away from the screen) {result.offline_minutes:g} min "
            f"= {typical + result.offline_minutes:g} min of study load"
        )
    if result.assessment is not None:
        lines += ["", *report_lines(course, result.assessment)]
    return "\n".join(lines)


# -- graph ---------------------------------------------------------------------------------
@click.command(name="graph")
@course_path
@click.option("--module", "module_id", help="The module to draw (default: the first).")
@click.option("--format", "fmt", type=click.Choice(["dot", "svg"]), help="Default: svg when FILE ends in .svg, else dot.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
def graph_command(path: Path, module_id: str | None, fmt: str | None, output: Path | None) -> None:
    """Draw the branching graph of a module as Graphviz DOT or SVG."""
    course, problems = _load(path)
    ids = [m.id for m in course.modules]
    if module_id is None:
        module_id = ids[0]
        if len(ids) > 1:
            click.echo(f"graph of module '{module_id}'; the others: {', '.join(ids[1:])} (use --module)", err=True)
    elif module_id not in ids:
        raise click.BadParameter(f"the course has no module '{module_id}'; its modules: {', '.join(ids)}",
                                 param_hint="'--module'")
    fmt = fmt or ("svg" if output is not None and output.suffix.lower() == ".svg" else "dot")
    by_scene = {sid: [f"{p.level}: {p.message}" for p in found]
                for sid, found in problems_by_scene(course, path, problems).items()}
    text = module_dot(course, module_id, problems=by_scene or None,
                      lang=course.meta.language)
    if fmt == "svg":
        try:
            text = render_svg(text)
        except GraphvizError as exc:
            raise click.ClickException(str(exc)) from exc
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


# -- schema --------------------------------------------------------------------------------
@click.command(name="schema")
@click.argument("kind", required=False, type=click.Choice(sorted(ALL_SCHEMAS)))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="A file for one schema; a folder for all of them (KIND.schema.json).")
@click.option("--course", "course_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Offer the ids of the course in this folder for completion (scenes, notebook entries, "
                   "variables, modules); with no -o, writes into COURSE/schemas/.")
def schema_command(kind: str | None, output: Path | None, course_folder: Path | None) -> None:
    """The JSON Schema of course.yaml, modules/*.yaml or tests/*.yaml, for editors.

    `elearning schema module` prints one schema; `elearning schema -o schemas/` writes
    course.schema.json, module.schema.json and playthrough.schema.json into schemas/;
    `elearning schema --course demo` writes them into demo/schemas/, knowing demo's ids.
    """
    ids = None
    if course_folder is not None:
        _check_folder(course_folder)
        ids = course_ids(course_folder)
        if kind is None and output is None:
            output = course_folder / "schemas"

    def make(name: str) -> str:
        return dumps(SCHEMAS[name](ids) if ids is not None and name in SCHEMAS else ALL_SCHEMAS[name]())

    if kind is not None:
        text = make(kind)
        if output is None:
            click.echo(text, nl=False)
        else:
            target = output / f"{kind}.schema.json" if output.is_dir() else output
            target.write_text(text, encoding="utf-8")
            click.echo(f"wrote {target}", err=True)
        return
    if output is None:
        raise click.UsageError(
            f"name a schema ({', '.join(sorted(ALL_SCHEMAS))}), or give -o FOLDER to write all of them"
        )
    output.mkdir(parents=True, exist_ok=True)
    for name in ALL_SCHEMAS:
        (output / f"{name}.schema.json").write_text(make(name), encoding="utf-8")
        click.echo(f"wrote {output / f'{name}.schema.json'}", err=True)


# -- new -------------------------------------------------------------------------------------
@click.command(name="new")
@click.argument("path", type=click.Path(path_type=Path))
def new_command(path: Path) -> None:
    """Start a course at PATH: a small valid course to build on, with schemas for the editor.

    Writes course.yaml, modules/start.yaml, tests/doorloop.yaml and schemas/ (the `$schema`
    line at the top of each file points there, so completion works wherever PATH is).
    Refuses to write into a folder that already holds files.
    """
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise click.ClickException(f"'{path}' already exists and is not empty; pick a new folder")
    write_starter(path)
    ids = course_ids(path)
    (path / "schemas").mkdir(parents=True, exist_ok=True)
    for name, make in ALL_SCHEMAS.items():
        text = dumps(SCHEMAS[name](ids) if name in SCHEMAS else make())
        (path / "schemas" / f"{name}.schema.json").write_text(text, encoding="utf-8")
    click.echo(f"wrote a new course in {path}; check it with: elearning validate --strict {path}", err=True)


# -- play -------------------------------------------------------------------------------------
@click.command(name="play")
@course_path
def play_command(path: Path) -> None:
    """Play the course in the terminal: type a number to choose, n for the notebook, q to quit."""
    course, _problems = _load(path)
    _ = translator(course.meta.language)
    stdin = sys.stdin
    state, _events = start(course)
    click.echo(f"# {course.meta.title}")
    module_shown = ""
    show = True
    while True:
        page = view(course, state)
        if page.module != module_shown:
            click.echo("\n== " + _("Module") + f": {course.module(page.module).title} ==")
            module_shown = page.module
        options = _options(page, _)
        if show:
            click.echo(_render(page, options, _, course))
        writing = page.scene.type == "open" and not page.reviewing
        if not options and not page.answers and not writing:
            return
        click.echo("[" + _("n = notebook, q = quit") + "] > ", nl=False)
        line = stdin.readline()
        if not stdin.isatty():  # show scripted input, so a transcript reads like a session
            click.echo(line.rstrip("\n"))
        if line == "" or line.strip().lower() == "q":
            click.echo("\n" + _("Stopped."))
            return
        wanted = line.strip()
        if wanted.lower() == "n":
            click.echo(_notebook(course, state, _))
            show = False
            continue
        try:
            if writing:
                state, _events = write(course, state, wanted)
            elif page.scene.type == "open":
                state, _events = continue_open(course, state)
            elif page.answers and not page.reviewing:
                picks, problem = resolve_answers(page, [p for p in wanted.replace(",", " ").split() if p])
                if problem:
                    raise ValueError(problem)
                state, _events = answer(course, state, picks)
            else:
                state, _events = choose(course, state, options[int(wanted) - 1][0])
            show = True
        except (ValueError, IndexError, KeyError):
            click.echo(_("That is not possible here") + f": {wanted!r}")
            show = False
        except TextRejected as exc:
            limits = page.scene.open
            assert limits is not None  # noqa: S101 - an open scene has open:
            click.echo(_("Write at least {n} characters.", n=limits.min_length) if exc.reason == "too_short"
                       else _("Write at most {n} characters.", n=limits.max_length))
            show = False
        except EngineError as exc:
            click.echo(_("That is not possible here") + f": {exc}")
            show = False


# choices the engine names, with their labels; the reasons it gives for them
_KEYWORDS = {"next": N_("On to the next module"), "retake": N_("Do this module again"), "continue": N_("Next")}
_REASONS = {"max_attempts": N_("all attempts are used"), "wait": N_("wait a while")}


def _options(page: Page, _: Translate) -> list[tuple[str, str]]:
    """(choice id, label) of everything the learner can pick, in the numbered order."""
    out = [(loc.choice_id, loc.label) for loc in page.locations if loc.available]
    for c in page.choices:
        if c.available:
            out.append((c.id, _(_KEYWORDS[c.id]) if c.id in _KEYWORDS else c.label))
    return out


def _render(page: Page, options: list[tuple[str, str]], _: Translate, course: Course | None = None) -> str:
    scene = page.scene
    lines = [""]
    for fb in page.feedback:
        lines += ["» " + ln for ln in plain_text(filled(fb, page.values)).splitlines()] + [""]
    if scene.title:
        lines += [f"## {scene.title}", ""]
    if scene.image:
        lines += ["[" + _("Image") + f": {scene.image.alt}]", ""]
    if scene.map:
        lines += ["[" + _("Map") + f": {scene.map.alt}]", ""]
    lines += ["\n\n".join(plain_text(filled(t, page.values)) for t in page.texts)]
    for media in (scene.audio, scene.video):
        if media is not None and course is not None:
            lines += ["", "[" + _("Transcript") + f": {' '.join(course.transcripts.get(media.transcript, '').split())}]"]
    lines += ["\n" + plain_text(filled(t, page.values)) for t in dialogue_lines(page, course)]
    if page.result is not None:
        verdict = _("passed") if page.result.passed else _("not passed")
        lines += ["", _("Result") + f": {page.result.score} / {page.result.max} " + _("points") + f" ({verdict})"]
    if page.finished:
        lines += [_("The course is finished: passed.") if page.passed
                  else _("The course is finished: not passed.")]
    number = {cid: i + 1 for i, (cid, _) in enumerate(options)}
    if page.locations:
        lines += ["", _("Places") + ":"]
        for loc in page.locations:
            tail = " (" + _("visited") + ")" if loc.done else ""
            if not loc.available:
                tail = " (" + _("locked") + f": {loc.reason})" if loc.reason else " (" + _("locked") + ")"
            mark = f"{number[loc.choice_id]:>3}." if loc.available else "   -"
            desc = f" — {loc.description}" if loc.description else ""
            lines.append(f"{mark} {loc.label}{desc}{tail}")
    if page.choices:
        lines += ["", _("Choices") + ":"]
        for c in page.choices:
            label = _(_KEYWORDS[c.id]) if c.id in _KEYWORDS else c.label
            if c.available:
                lines.append(f"{number[c.id]:>3}. {label}")
            else:
                reason = ": " + _(_REASONS.get(c.reason, c.reason)) if c.id in _KEYWORDS and c.reason else \
                    f": {c.reason}" if c.reason else ""
                lines.append(f"   - {label} (" + _("not available") + f"{reason})")
    if scene.open is not None:
        lines += _open_lines(scene, page.reviewing, _)
    elif page.reviewing:  # a question just answered: how it went, then "continue"
        lines += ["", _("Correct") if page.correct else _("Not correct")]
        for i, a in enumerate(page.answers):
            marks = [mark for mark, on in ((_("your answer"), a.picked), (_("right answer"), a.correct)) if on]
            lines.append(f"  {chr(97 + i) if i < 26 else a.id}) {a.text}" + (f" ({', '.join(marks)})" if marks else ""))
    elif page.answers:
        lines += ["", _("Answers") + ":"]
        lines += [f"  {chr(97 + i) if i < 26 else a.id}) {a.text}" for i, a in enumerate(page.answers)]
        lines += ["", _("Pick one or more answers (for example: a,c).") if scene.multiple else _("Pick one answer (for example: a).")]
    return "\n".join(lines)


def _open_lines(scene: Scene, handed_in: bool, _: Translate) -> list[str]:
    spec = scene.open
    assert spec is not None  # noqa: S101 - only for open scenes
    if not handed_in:
        return ["", _("Write your answer on one line ({low} to {high} characters).", low=spec.min_length,
                      high=spec.max_length)]
    lines = [""]
    if spec.model_answer:
        lines += [_("Model answer") + ":", plain_text(spec.model_answer), ""]
    if spec.checklist:
        lines += [_("Checklist") + ":"] + [f"  - {item}" for item in spec.checklist]
    return lines


def _notebook(course: Course, state: State, _: Translate) -> str:
    notebook = course.meta.notebook
    if not state.notebook:
        return _("Your notebook is still empty.")
    lines = [f"\n# {notebook.title}"]
    for kind in notebook.kinds:
        entries = [e for e in notebook.entries if e.kind == kind.id and e.id in state.notebook]
        if entries:
            lines.append(f"\n{kind.label}:")
            lines += [f"  - {e.title}" + (f": {' '.join(plain_text(e.text).split())}" if e.text else "") for e in entries]
    return "\n".join(lines)


COMMANDS: list[click.Command] = [
    validate, test_command, explore_command, graph_command, schema_command, new_command, play_command,
]
