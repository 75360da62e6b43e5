"""The author commands through click's CliRunner: exit codes, output, files written."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from elearning.cli import main

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "kennismaking"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the example course that a test may break."""
    target = tmp_path / "kennismaking"
    shutil.copytree(EXAMPLE, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- validate ---------------------------------------------------------------------------------
def test_validate_a_good_course(course: Path) -> None:
    result = run("validate", course)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"geen problemen in {course}\n"  # in the course's language, like the messages
    assert run("validate", course, "--lang", "en").stderr == f"no problems in {course}\n"


def test_validate_reports_every_error_with_its_place(course: Path) -> None:
    _edit(course / "modules" / "rondgang.yaml", "goto: bakkerij-verhaal", "goto: bakkerij-verhaa")
    _edit(course / "modules" / "toets.yaml", "    multiple: true", "    multipel: true")
    result = run("validate", course, "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{course}/modules/rondgang.yaml:66:15: error: scene 'bakkerij' leads to 'bakkerij-verhaa', but there "
        "is no scene with that id (did you mean 'bakkerij-verhaal'?)",
        f"{course}/modules/toets.yaml:27:5: error: unknown key 'multipel' in scene 'vraag-2' (did you mean 'multiple'?)",
    ]
    assert result.stderr == f"2 errors in {course}\n"
    assert "Traceback" not in result.output


def test_validate_speaks_the_language_of_the_course_unless_told_otherwise(course: Path) -> None:
    _edit(course / "modules" / "toets.yaml", "    multiple: true", "    multipel: true")
    dutch = f"{course}/modules/toets.yaml:27:5: error: onbekende sleutel 'multipel' in scène 'vraag-2' (bedoel je 'multiple'?)"
    english = f"{course}/modules/toets.yaml:27:5: error: unknown key 'multipel' in scene 'vraag-2' (did you mean 'multiple'?)"
    assert run("validate", course).stdout.splitlines() == [dutch]  # the course says language: nl
    assert run("validate", course, "--lang", "en").stdout.splitlines() == [english]
    _edit(course / "course.yaml", "language: nl", "language: en")
    assert run("validate", course).stdout.splitlines()[-1] == english
    assert run("validate", course, "--lang", "nl").stdout.splitlines()[-1] == dutch


def test_validate_json_is_a_list_of_problems(course: Path) -> None:
    _edit(course / "modules" / "toets.yaml", "    multiple: true", "    multipel: true")
    result = run("validate", course, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "file": f"{course}/modules/toets.yaml", "line": 27, "col": 5, "level": "error",
        "message": "unknown key 'multipel' in scene 'vraag-2' (did you mean 'multiple'?)",
    }]
    assert json.loads(run("validate", EXAMPLE, "--format", "json").stdout) == []


def test_warnings_fail_only_with_strict(course: Path) -> None:
    with (course / "course.yaml").open("a", encoding="utf-8") as f:
        f.write("    - id: sig-extra\n      kind: signaal\n      title: Nooit gevonden\n")
    expected = f"{course}/course.yaml:51:11: warning: the notebook entry 'sig-extra' can never be collected: no choice, answer or scene adds it\n"
    relaxed = run("validate", course, "--lang", "en")
    assert (relaxed.exit_code, relaxed.stdout, relaxed.stderr) == (0, expected, f"1 warning in {course}\n")
    strict = run("validate", course, "--strict", "--lang", "en")
    assert (strict.exit_code, strict.stdout) == (1, expected)


def test_validate_a_yaml_syntax_error_without_traceback(course: Path) -> None:
    (course / "course.yaml").write_text("id: x\n  bad: [\n", encoding="utf-8")
    result = run("validate", course)
    assert result.exit_code == 1
    assert f"{course}/course.yaml:2:3: error: laat deze regel 2 spaties minder inspringen, zodat 'bad' gelijk staat " \
        "met 'id' op regel 1" in result.stdout
    assert "Traceback" not in result.output


def test_validate_a_missing_path_or_a_folder_that_is_no_course(tmp_path: Path) -> None:
    missing = run("validate", tmp_path / "nope")
    assert missing.exit_code == 2
    assert missing.stderr == f"Error: there is no course folder at '{tmp_path / 'nope'}'\n"
    empty = run("validate", tmp_path)
    assert empty.exit_code == 2
    assert empty.stderr == (
        f"Error: '{tmp_path}' is not a course folder: a course folder holds course.yaml and modules/*.yaml\n"
    )
    (tmp_path / "course.yaml").write_text("id: x\n", encoding="utf-8")
    assert run("validate", tmp_path / "course.yaml").exit_code == 2


# -- test -------------------------------------------------------------------------------------
def test_test_command_passes_the_example() -> None:
    result = run("test", EXAMPLE, "-v")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"PASS {EXAMPLE}/tests/herkansing.yaml: Wie de toets niet haalt, mag hem opnieuw doen",
        f"PASS {EXAMPLE}/tests/zorgvuldig.yaml: Een zorgvuldige sociaal werker haalt de cursus",
        "2 passed, 0 failed",
    ]


def test_test_command_reports_the_failing_step(course: Path) -> None:
    _edit(course / "tests" / "zorgvuldig.yaml", "      score: 7\n", "      score: 8\n")
    result = run("test", course)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"FAIL {course}/tests/zorgvuldig.yaml: Een zorgvuldige sociaal werker haalt de cursus",
        f"  {course}/tests/zorgvuldig.yaml:22:14: step 12 (expect score): the score in module 'rondgang' is 7, not 8",
        "1 passed, 1 failed",
    ]


def test_test_command_on_a_broken_course_and_without_tests(course: Path) -> None:
    shutil.rmtree(course / "tests")
    empty = run("test", course)
    assert (empty.exit_code, empty.stdout) == (0, "0 passed, 0 failed\n")
    assert "no playthrough tests in" in empty.stderr
    _edit(course / "modules" / "toets.yaml", "    multiple: true", "    multipel: true")
    broken = run("test", course)
    assert broken.exit_code == 1
    assert "toets.yaml:27:5: error: onbekende sleutel 'multipel'" in broken.stderr
    assert broken.stderr.endswith(f"1 fout in {course}; de cursus is pas te gebruiken als de fouten zijn opgelost\n")


# -- explore ----------------------------------------------------------------------------------
def test_explore_prints_a_table_per_module_and_the_course_total() -> None:
    result = run("explore", EXAMPLE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["module", "states", "paths", "ends", "reached", "score", "never", "reached",
                                "minutes", "(min/median/max)"]
    rondgang = lines[2].split()
    assert rondgang[0] == "rondgang" and rondgang[3:6] == ["1/1", "-1..7", "0"]
    toets = lines[3].split()
    assert toets[0] == "toets" and toets[3:6] == ["1/1", "0..5", "0"]
    course = next(line for line in lines if line.startswith("course: shortest path "))
    assert "typical (median)" in course and course.endswith("course.yaml claims study_load_minutes: 6")
    # the assessment: the course total's range, the pass rule, the guesser (see tests/test_guessing.py)
    assessment = lines[lines.index(course) + 2:]
    assert assessment[:3] == [
        "course total: lowest -1, highest 12 of 12 points; module maxima: rondgang 7, toets 5",
        "pass rule: 30% of the course total and module 'toets' passed (60%); can be met",
        "random guesser passes the course: 36% in one attempt; unlimited retakes: passes in the end",
    ]
    assert "toets: answers shuffled per attempt: no position scores by itself" in assessment  # an assessment
    assert result.stderr == ""


def test_explore_json_carries_the_assessment() -> None:
    result = run("explore", EXAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["assessment"]
    assert found["guess"]["samples"] == 0 and 0.3 < found["guess"]["p"] < 0.4
    assert (found["attempts"], found["within"], found["reachable"]) == (None, 1.0, True)
    assert (found["lowest_total"], found["highest_total"]) == (-1, 12)
    assert found["module_max"] == {"rondgang": 7, "toets": 5}
    toets = next(p for p in found["positions"] if p["module"] == "toets")
    assert toets["correct_at"] == [0, 0, 0] and toets["constant"] == [] and toets["longest_correct"] == 3


def test_validate_checks_the_certificate_template(course: Path) -> None:
    _edit(course / "course.yaml", "certificate: standaard", "certificate: standard")
    result = run("validate", course, "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{course}/course.yaml:21:14: error: there is no certificate template 'standard' in certificates/ "
        "(did you mean 'standaard'?); the templates in 'nl': standaard\n")


def test_explore_warns_when_the_study_load_is_off(course: Path) -> None:
    _edit(course / "course.yaml", "study_load_minutes: 6", "study_load_minutes: 60")
    result = run("explore", course)
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: the typical path takes ")
    assert "less than study_load_minutes: 60 in course.yaml" in result.stderr


def test_explore_says_when_the_bound_is_hit() -> None:
    result = run("explore", EXAMPLE, "--max-states", "10")
    assert result.exit_code == 1
    assert "rondgang *" in result.stdout
    assert "error: exploring stopped after 10 distinct situations" in result.stderr


def test_explore_json() -> None:
    result = run("explore", EXAMPLE, "--format", "json")
    data = json.loads(result.stdout)
    assert [m["module"] for m in data["modules"]] == ["rondgang", "toets"]
    assert data["modules"][1]["max_score"] == 5 and data["study_load_minutes"] == 6
    assert len(data["minutes"]) == 3


# -- graph ------------------------------------------------------------------------------------
def test_graph_dot_to_stdout() -> None:
    result = run("graph", EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout.startswith('digraph "rondgang" {')
    assert '"wijk" -> "speeltuin"' in result.stdout
    assert result.stderr == "graph of module 'rondgang'; the others: toets (use --module)\n"


def test_graph_svg_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "toets.svg"
    result = run("graph", EXAMPLE, "--module", "toets", "-o", target)
    assert result.exit_code == 0
    assert result.stderr == f"wrote {target}\n"
    svg = ET.parse(target).getroot()  # noqa: S314 - SVG that Graphviz made from our own DOT text
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    ids = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")}
    assert {"scene-vraag-1", "scene-uitslag", "choice-uitslag-retake"} <= ids
    stdout = run("graph", EXAMPLE, "--module", "toets", "--format", "svg")
    assert stdout.exit_code == 0 and "<svg" in stdout.stdout


def test_graph_unknown_module_and_missing_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    unknown = run("graph", EXAMPLE, "--module", "nope")
    assert unknown.exit_code == 2
    assert "the course has no module 'nope'; its modules: rondgang, toets" in unknown.stderr
    monkeypatch.setenv("PATH", str(tmp_path))
    no_dot = run("graph", EXAMPLE, "--format", "svg")
    assert no_dot.exit_code == 1
    assert "Error: Graphviz is not installed: the program 'dot' was not found." in no_dot.stderr


def test_graph_marks_scenes_with_warnings(course: Path) -> None:
    _edit(course / "modules" / "rondgang.yaml", "        reason: Bezoek eerst minstens twee plekken.\n", "")
    result = run("graph", course)
    assert result.exit_code == 0
    hub = next(line for line in result.stdout.splitlines() if line.startswith('  "wijk" ['))
    assert 'fillcolor="#f8d7da"' in hub
    # the graph's own words in the course's language (Dutch); the validator's message as it is
    assert "tooltip=\"Problemen:\\nwarning: choice 'Ik ben klaar met de rondgang' is shown when unavailable" in hub
    assert 'fillcolor="#f8d7da"' not in result.stdout.split('"wijk" [')[0]


# -- schema -----------------------------------------------------------------------------------
def test_schema_of_course_module_and_playthrough() -> None:
    course = json.loads(run("schema", "course").stdout)
    assert course["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert course["additionalProperties"] is False
    assert {"id", "title", "study_load_minutes", "pass", "modules", "notebook", "pe"} <= set(course["properties"])
    assert "register" in course["$defs"]["PE"]["properties"]
    module = json.loads(run("schema", "module").stdout)
    assert {"id", "title", "start", "scenes", "pass_percentage", "retake"} <= set(module["properties"])
    assert module["$defs"]["Scene"]["properties"]["type"]["enum"] == ["scene", "hub", "question", "open", "end"]
    playthrough = json.loads(run("schema", "playthrough").stdout)
    assert set(playthrough["properties"]) == {"name", "steps"}
    assert "text_contains" in playthrough["$defs"]["Expect"]["properties"]


def test_schema_files(tmp_path: Path) -> None:
    result = run("schema", "-o", tmp_path / "schemas")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "course.schema.json", "module.schema.json", "playthrough.schema.json",
    ]
    one = run("schema", "module", "-o", tmp_path / "m.json")
    assert one.exit_code == 0 and json.loads((tmp_path / "m.json").read_text())["title"] == "modules/<id>.yaml"
    bare = run("schema")
    assert bare.exit_code == 2
    assert "name a schema (course, module, playthrough), or give -o FOLDER" in bare.stderr


# -- play -------------------------------------------------------------------------------------
# an answer, then 1: "Volgende" past the page that shows how it went
CAREFUL = ["1", "1", "1", "1", "n", "2", "1", "3", "1", "4", "1", "b", "1", "a,b", "1", "a", "1"]


def test_play_to_the_end_of_the_course() -> None:
    result = run("play", EXAMPLE, input="\n".join(CAREFUL) + "\nq\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# Kennismaking met de Lindewijk\n\n== Module: Een rondgang door de wijk ==\n")
    assert "Wat je hoort, komt in je notitieboek." in out  # Markdown shown as plain text
    assert "**" not in out
    assert "   - De speeltuin — Een speeltuin bij het park. (op slot: Henk de bakker vertelt" in out
    assert "   - Ik ben klaar met de rondgang (niet beschikbaar: Bezoek eerst minstens twee plekken.)" in out
    assert "Signalen:\n  - Mensen groeten elkaar niet meer: De bakker merkt" in out  # the notebook (n)
    assert "» Een open vraag helpt. Henk vertelt graag." in out  # feedback
    assert "Resultaat: 7 / 7 punten (gehaald)" in out
    assert "== Module: Drie vragen ==" in out
    assert "  a) Direct een oplossing voorstellen" in out
    assert "Kies een of meer antwoorden (bijvoorbeeld: a,c)." in out
    assert "\nJuist\n" in out and "(jouw antwoord, goed antwoord)" in out and "  1. Volgende" in out
    assert "Resultaat: 5 / 5 punten (gehaald)\nDe cursus is klaar: geslaagd." in out
    assert out.rstrip().endswith("Gestopt.")


def test_play_refuses_what_is_not_possible_and_stops_at_end_of_input() -> None:
    result = run("play", EXAMPLE, input="7\nx\n1\n3\n")
    assert result.exit_code == 0
    assert "> 7\nDat kan hier niet: '7'" in result.stdout
    assert "> x\nDat kan hier niet: 'x'" in result.stdout
    assert "> 3\nDat kan hier niet: '3'" in result.stdout  # the locked playground has no number
    assert result.stdout.rstrip().endswith("Gestopt.")


def test_play_a_missing_course() -> None:
    result = run("play", "nowhere")
    assert result.exit_code == 2
    assert "there is no course folder at 'nowhere'" in result.stderr


def test_play_shows_why_a_retake_is_not_possible() -> None:
    course = Path(__file__).parent / "fixtures" / "courses" / "assess"
    one_try = ["a", "1"] * 4  # four questions, each answered wrong and then "Volgende"
    steps = ["1", "a", "1", "1", "1", *one_try, "1", "1", *one_try, "1", "1", *one_try]
    result = run("play", course, input="\n".join(steps) + "\n")
    assert result.exit_code == 0, result.output
    assert "   - Doe deze module opnieuw (niet beschikbaar: alle pogingen zijn gebruikt)" in result.stdout
