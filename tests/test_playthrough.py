"""Scripted playthroughs: passing and failing tests, with the exact place of each failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearning.authoring import load_course
from elearning.authoring.plain_text import plain_text
from elearning.authoring.playthrough import run_course_tests, run_file
from elearning.course import Course, Problem

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "kennismaking"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded, problems = load_course(EXAMPLE)
    assert loaded is not None, "\n".join(map(str, problems))
    return loaded


def _run(course: Course, tmp_path: Path, text: str, name: str = "t.yaml") -> list[tuple[int, int, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    results = run_file(course, path)
    return [(f.line, f.col, f.message) for r in results for f in r.failures]


def test_the_example_playthroughs_pass(course: Course) -> None:
    results = run_course_tests(course, EXAMPLE / "tests")
    assert [(Path(r.file).name, r.passed, r.failures) for r in results] == [
        ("herkansing.yaml", True, ()),
        ("zorgvuldig.yaml", True, ()),
    ]
    assert results[0].name == "Wie de toets niet haalt, mag hem opnieuw doen"
    assert results[0].steps_run == 19


def test_choices_by_id_label_location_and_answers_by_position_or_id(course: Course, tmp_path: Path) -> None:
    text = """\
name: alle manieren om te kiezen
steps:
  - choose: c1
  - choose: loc-bakkerij
  - choose: Vraag hoe het gaat in de wijk
  - choose: Vraag wie de mensen in de wijk goed kent
  - choose: loc-buurthuis
  - choose: c1
  - choose: Ik ben klaar met de rondgang
  - choose: next
  - answer: Luisteren naar bewoners en open vragen stellen
  - answer: [a, vrijwilliger]
  - answer: a
  - expect: {score: 5, finished: true, passed: true, module_passed: {toets: true, rondgang: true}}
"""
    assert _run(course, tmp_path, text) == []


def test_a_missing_choice_lists_what_is_available(course: Course, tmp_path: Path) -> None:
    text = """\
name: verkeerde keuze
steps:
  - choose: c1
  - choose: loc-bakkerij
  - choose: c3
  - expect:
      scene: nergens
"""
    failures = _run(course, tmp_path, text)
    assert failures == [
        (7, 14, "step 4 (expect): unknown scene 'nergens'"),
    ]
    text = text.replace("      scene: nergens\n", "      scene: wijk\n")
    assert _run(course, tmp_path, text) == [
        (5, 13, "step 3 (choose: c3): no such choice on scene 'bakkerij'; available: "
                "c1 'Vraag hoe het gaat in de wijk', c2 'Betaal en ga weer weg'"),
    ]


def test_locked_places_hidden_and_unavailable_choices_give_their_reason(course: Course, tmp_path: Path) -> None:
    locked = "name: op slot\nsteps:\n  - choose: c1\n  - choose: loc-speeltuin\n"
    assert _run(course, tmp_path, locked) == [
        (4, 13, "step 2 (choose: loc-speeltuin): loc-speeltuin 'De speeltuin' is not available: "
                "Henk de bakker vertelt je eerst over de speeltuin."),
    ]
    shown = "name: nog niet\nsteps:\n  - choose: c1\n  - choose: Ik ben klaar met de rondgang\n"
    assert _run(course, tmp_path, shown) == [
        (4, 13, "step 2 (choose: Ik ben klaar met de rondgang): c1 'Ik ben klaar met de rondgang' "
                "is not available: Bezoek eerst minstens twee plekken."),
    ]
    once = """\
name: maar een keer
steps:
  - choose: c1
  - choose: loc-buurthuis
  - choose: c1
  - choose: loc-buurthuis
  - choose: Help Fatma met de koffie en praat mee
"""
    assert _run(course, tmp_path, once) == [
        (7, 13, "step 5 (choose: Help Fatma met de koffie en praat mee): c1 'Help Fatma met de koffie "
                "en praat mee' is hidden: it was already chosen (once: true)"),
    ]


def test_answer_problems(course: Course, tmp_path: Path) -> None:
    not_a_question = "name: geen vraag\nsteps:\n  - answer: b\n"
    assert _run(course, tmp_path, not_a_question) == [
        (3, 13, "step 1 (answer: b): scene 'welkom' is not a question; its choices: c1 'Begin de rondgang'"),
    ]
    prefix = """\
name: antwoorden
steps:
  - choose: c1
  - choose: loc-bakkerij
  - choose: c2
  - choose: loc-buurthuis
  - choose: c2
  - choose: c1
  - choose: next
"""
    assert _run(course, tmp_path, prefix + "  - answer: [a, b]\n") == [
        (10, 13, "step 8 (answer: [a, b]): pick exactly one answer on question 'vraag-1'"),
    ]
    assert _run(course, tmp_path, prefix + "  - answer: e\n") == [
        (10, 13, "step 8 (answer: e): no answer 'e' on question 'vraag-1'; answers: "
                 "a 'Direct een oplossing voorstellen', b 'Luisteren naar bewoners en open vragen…', "
                 "c 'Alleen met de gemeente praten'"),
    ]


def test_failed_expectations_are_reported_per_key_and_the_test_stops(course: Course, tmp_path: Path) -> None:
    text = """\
name: verwachtingen
steps:
  - choose: c1
  - choose: loc-bakkerij
  - choose: c1
  - expect:
      scene: wijk
      module: toets
      score: 3
      score_at_least: 4
      score_at_most: 1
      has: [verb-bakker, sig-groeten]
      lacks: sig-groeten
      count: {signaal: 2}
      flags: [bezocht]
      vars: {vertrouwen: 1}
      text_contains: weken later
      module_passed: {rondgang: true}
      finished: true
      passed: true
  - choose: c1
  - expect: {scene: nergens-meer}
"""
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = run_file(course, path)
    # 'bezocht' and 'nergens-meer' are unknown: those are found before anything runs
    assert [(f.line, f.message) for f in result.failures] == [
        (15, "step 4 (expect): unknown flag 'bezocht'; the course has none"),
        (22, "step 6 (expect): unknown scene 'nergens-meer'"),
    ]
    text = text.replace("      flags: [bezocht]\n", "").replace("nergens-meer", "wijk")
    failures = _run(course, tmp_path, text)
    assert failures == [
        (7, 14, "step 4 (expect scene): the learner is on scene 'bakkerij-verhaal', not 'wijk'"),
        (8, 15, "step 4 (expect module): the learner is in module 'rondgang', not 'toets'"),
        (9, 14, "step 4 (expect score): the score in module 'rondgang' is 2, not 3"),
        (10, 23, "step 4 (expect score_at_least): the score in module 'rondgang' is 2, less than 4"),
        (11, 22, "step 4 (expect score_at_most): the score in module 'rondgang' is 2, more than 1"),
        (12, 12, "step 4 (expect has): the notebook lacks verb-bakker; it holds: sig-groeten"),
        (13, 14, "step 4 (expect lacks): the notebook holds sig-groeten, which it should not"),
        (14, 14, "step 4 (expect count): the notebook holds 1 entries of kind 'signaal', not 2: sig-groeten"),
        (15, 13, "step 4 (expect vars): variable 'vertrouwen' is 0, not 1"),
        (16, 22, "step 4 (expect text_contains): the page does not show 'weken later'; it shows: "
                 "'Henk vertelt \"Vroeger groette iedereen elkaar hier,\" zegt Henk. \"Nu kijken mensen weg. "
                 "Sinds die ruzie bij de speeltuin is het anders.\" Een open vraag helpt. H…'"),
        (17, 22, "step 4 (expect module_passed): module 'rondgang' has not been finished yet"),
        (18, 17, "step 4 (expect finished): the course is not finished"),
        (19, 15, "step 4 (expect passed): the course is not passed"),
    ]
    [result] = run_file(course, tmp_path / "t.yaml")
    assert result.steps_run == 4 and not result.passed


def test_text_contains_ignores_markdown_and_line_breaks(course: Course, tmp_path: Path) -> None:
    text = """\
name: tekst
steps:
  - expect:
      text_contains:
        - komt in je notitieboek
        - je **notitieboek**
        - Wat speelt er? Wie kent wie?
        - Welkom in de Lindewijk
"""
    assert _run(course, tmp_path, text) == []


def test_unknown_keys_and_wrong_types_are_all_reported_with_their_place(course: Course, tmp_path: Path) -> None:
    text = """\
name: vormfouten
sceen: x
steps:
  - choose: c1
    answer: a
  - expect:
      scen: wijk
      score: veel
  - answer: [a, 5]
  - {}
  - chose: c2
"""
    assert _run(course, tmp_path, text) == [
        (2, 1, "unknown key 'sceen'; known keys: name, steps"),
        (4, 5, "step 1: a step holds exactly one of choose, answer, write or expect; found: choose, answer"),
        (7, 7, "unknown key 'scen' in step 2 (expect) (did you mean 'scene'?); known keys: scene, module, "
               "score, score_at_least, score_at_most, has, lacks, count, flags, vars, text_contains, "
               "module_passed, finished, passed"),
        (8, 14, "'score' in step 2 (expect) must be a whole number, not 'veel'"),
        (9, 17, "item 2 of 'answer' in step 3 must be text, not 5"),
        (10, 5, "step 4: a step holds exactly one of choose, answer, write or expect; found: none"),
        (11, 5, "unknown key 'chose' in step 5 (did you mean 'choose'?); known keys: choose, answer, write, expect"),
    ]
    assert _run(course, tmp_path, "steps:\n  - choose: c1\n") == [(1, 1, "missing key 'name'")]
    assert _run(course, tmp_path, "name: ''\nsteps: [{choose: ''}]\n") == [(1, 7, "'name' is empty")]
    assert _run(course, tmp_path, "name: leeg\nsteps: []\n") == [
        (2, 8, "'steps' is empty"),
    ]


def test_unknown_names_get_suggestions(course: Course, tmp_path: Path) -> None:
    text = """\
name: typfouten
steps:
  - expect:
      scene: wjk
      has: [sig-groetn]
      count: {signal: 2}
      module_passed: {toest: true}
      vars: {vertrouwn: 1}
"""
    assert _run(course, tmp_path, text) == [
        (4, 14, "step 1 (expect): unknown scene 'wjk' (did you mean 'wijk'?)"),
        (5, 12, "step 1 (expect): unknown notebook entry 'sig-groetn' (did you mean 'sig-groeten'?)"),
        (6, 14, "step 1 (expect): unknown notebook kind 'signal' (did you mean 'signaal'?)"),
        (7, 22, "step 1 (expect): unknown module 'toest' (did you mean 'toets'?)"),
        (8, 13, "step 1 (expect): unknown variable 'vertrouwn' (did you mean 'vertrouwen'?)"),
    ]


def test_yaml_errors_and_several_tests_in_one_file(course: Course, tmp_path: Path) -> None:
    assert _run(course, tmp_path, "name: kapot\nsteps: [\n") == [
        (3, 1, "YAML syntax error: did not find expected node content"),
    ]
    assert _run(course, tmp_path, "name: a\nname: b\nsteps: [{choose: c1}]\n") == [
        (2, 1, "the key 'name' appears twice here; keep one"),
    ]
    two = """\
- name: eerste
  steps:
    - choose: c1
- name: tweede
  steps:
    - choose: c9
- 42
"""
    path = tmp_path / "twee.yaml"
    path.write_text(two, encoding="utf-8")
    results = run_file(course, path)
    assert [(r.name, r.passed) for r in results] == [("eerste", True), ("tweede", False), ("twee", False)]
    assert results[1].failures == (
        Problem(str(path), 6, 15, "error", "step 1 (choose: c9): no such choice on scene 'welkom'; available: "
                                           "c1 'Begin de rondgang'"),
    )
    assert results[2].failures == (Problem(str(path), 7, 3, "error", "a test is a mapping with 'name' and 'steps'"),)
    assert str(results[1].failures[0]).startswith(f"{path}:6:15: error: step 1 (choose: c9)")


def test_a_folder_without_tests_gives_no_results(course: Course, tmp_path: Path) -> None:
    assert run_course_tests(course, tmp_path / "missing") == []


def test_plain_text_of_markdown() -> None:
    md = "Hallo **wereld**,\nhoe gaat het?\n\n- een\n- twee [uitleg](https://example.org)\n\n1. eerst\n2. dan\n\n![kaart](k.svg)"
    assert plain_text(md) == (
        "Hallo wereld,\nhoe gaat het?\n\n- een\n- twee uitleg (https://example.org)\n\n1. eerst\n2. dan\n\n[kaart]"
    )
    assert plain_text("<script>x</script>\x1b[31m rood") == "<script>x</script>[31m rood"
