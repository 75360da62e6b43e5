"""Values in course text ({{ var(x) }}, {{ score }}, {{ name }}) and snippets ({{ snippet(id) }}):
read and checked like conditions, filled in by the engine and the player, always escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup
from test_branching import COURSE, write

from elearning.authoring import load_course
from elearning.authoring.plain_text import filled
from elearning.course.interpolation import find, key_of
from elearning.engine import play
from elearning.web.markdown import fill, plain, render

WITH_SNIPPETS = COURSE + """\
snippets:
  terug: Terug naar het begin
  stand: "Je vertrouwen staat op {{ var(vertrouwen) }}."
"""

MODULE = """\
id: m
title: M
start: begin
scenes:
  - id: begin
    text: |
      Hallo {{ name }}. {{ snippet(stand) }}
      Je hebt {{ score }} punten, {{ percentage }} procent; {{ count(signaal) }} signalen.
    choices:
      - label: "{{ snippet(terug) }}"
        add: {vertrouwen: 2}
        points: 1
        once: true
        goto: begin
      - label: "Stoppen bij {{ var(vertrouwen) }}"
        goto: einde
  - id: einde
    type: end
    text: "Totaal: {{ total }} punten; begin {{ visited(begin) }} keer gezien."
"""


def errors(folder: Path) -> list[str]:
    _, problems = load_course(folder)
    return [str(p).replace(f"{folder}/", "") for p in problems if p.level == "error"]


def test_values_and_snippets_are_filled_in_from_the_state(tmp_path: Path) -> None:
    course, problems = load_course(write(tmp_path, WITH_SNIPPETS, MODULE))
    assert course is not None, [str(p) for p in problems]
    state, _ = play.start(course)
    state, _ = play.choose(course, state, "c1")
    page = play.view(course, state)
    assert page.scene.choices[0].label == "Terug naar het begin"  # a snippet is part of the compiled course
    assert "Je vertrouwen staat op {{ var(vertrouwen) }}." in page.texts[0]
    assert page.values == {"var(vertrouwen)": "2", "score": "1", "percentage": "100", "count(signaal)": "0"}
    assert filled(page.texts[0], page.values).startswith("Hallo. Je vertrouwen staat op 2.\nJe hebt 1 punten, 100 procent")
    state, _ = play.choose(course, state, "c2")
    end = play.view(course, state)
    assert end.values == {"total": "1", "visited(begin)": "2"}


@pytest.mark.parametrize(("text", "line"), [
    ("{{ var(vertruwen) }}", "modules/m.yaml:7:7: error: var(vertruwen): there is no variable 'vertruwen' "
                             "(did you mean 'vertrouwen'?)"),
    ("{{ vertrouwen }}", "modules/m.yaml:7:7: error: unknown value 'vertrouwen'; write one of name, score, "
                         "percentage, total, var(...), count(...), visited(...), done_count(...), snippet(...)"),
    ("{{ var.vertrouwen }}", "modules/m.yaml:7:7: error: cannot read '{{ var.vertrouwen }}': between '{{' and '}}' "
                             "stands one of name, score, percentage, total, var(...), count(...), visited(...), "
                             "done_count(...), snippet(...), nothing else"),
    ("{{ var(vertrouwen) + 1 }}", "modules/m.yaml:7:7: error: cannot read '{{ var(vertrouwen) + 1 }}': between "
                                  "'{{' and '}}' stands one of name, score, percentage, total, var(...), count(...), "
                                  "visited(...), done_count(...), snippet(...), nothing else"),
    ("{{ flag(binnen) }}", "modules/m.yaml:7:7: error: flag() is true or false, not a value to show; use it in "
                           "the 'when' of a text block instead"),
    ("{{ pe.points }}", "modules/m.yaml:7:7: error: cannot read '{{ pe.points }}': between '{{' and '}}' stands one "
                        "of name, score, percentage, total, var(...), count(...), visited(...), done_count(...), "
                        "snippet(...), nothing else"),
    ("{{ snippet(trug) }}", "modules/m.yaml:7:7: error: snippet(trug): there is no snippet 'trug' (did you mean "
                            "'terug'?); declare it under 'snippets:' in course.yaml"),
    ("{{ count(signal) }}", "modules/m.yaml:7:7: error: count(signal): there is no notebook kind 'signal' "
                            "(did you mean 'signaal'?)"),
    ("{{ score", "modules/m.yaml:7:7: error: '{{' is not closed with '}}' on the same line"),
])
def test_an_unknown_or_unreadable_value_is_an_error_at_its_place(tmp_path: Path, text: str, line: str) -> None:
    module = MODULE.replace("Hallo {{ name }}. {{ snippet(stand) }}", text)
    assert errors(write(tmp_path, WITH_SNIPPETS, module)) == [line]


def test_the_place_of_a_value_in_a_one_line_text_and_in_a_snippet(tmp_path: Path) -> None:
    module = MODULE.replace('label: "Stoppen bij {{ var(vertrouwen) }}"', 'label: "Stoppen bij {{ var(x) }}"')
    course = WITH_SNIPPETS.replace("{{ var(vertrouwen) }}.", "{{ snippet(terug) }}.")
    assert errors(write(tmp_path, course, module)) == [
        "course.yaml:14:34: error: a snippet cannot use another snippet; write its text out",
        "modules/m.yaml:15:29: error: var(x): there is no variable 'x'",
    ]


def test_a_text_starting_with_braces_needs_quotes_and_says_so(tmp_path: Path) -> None:
    module = MODULE.replace('label: "{{ snippet(terug) }}"', "label: {{ snippet(terug) }}")
    problems = errors(write(tmp_path, WITH_SNIPPETS, module))
    assert problems == ["modules/m.yaml:10:16: error: a text that starts with '{{' must stand between double quotes: "
                        "\"{{ ... }}\""]


def test_yaml_anchors_stay_refused_snippets_are_the_way(tmp_path: Path) -> None:
    module = MODULE.replace('label: "{{ snippet(terug) }}"', "label: &terug Terug").replace(
        'label: "Stoppen bij {{ var(vertrouwen) }}"', "label: *terug")
    assert any("anchors and aliases (& and *) are not supported" in p for p in errors(write(tmp_path, WITH_SNIPPETS, module)))


def test_every_value_is_escaped_and_markdown_in_it_is_not_read() -> None:
    values = {"name": "<script>alert(1)</script> **vet** [x](javascript:alert(1))", "score": "3"}
    html = render("Hallo {{ name }}, je hebt **{{ score }}** punten.", "c", values)
    assert html == Markup("<p>Hallo &lt;script&gt;alert(1)&lt;/script&gt; **vet** [x](javascript:alert(1)), "
                          "je hebt <strong>3</strong> punten.</p>\n")
    assert plain('Stop bij "{{ name }}"', {"name": 'a"b'}) == Markup("Stop bij &#34;a&#34;b&#34;")


def test_a_guest_has_no_name_and_the_space_before_it_goes_too() -> None:
    assert render("Goedemorgen {{ name }}!", "c", {"name": ""}) == Markup("<p>Goedemorgen!</p>\n")
    assert render("Goedemorgen {{ name }}!", "c", {}) == Markup("<p>Goedemorgen!</p>\n")
    assert filled("Hoi {{ name }}, kom je?", {}) == "Hoi, kom je?"


def test_only_what_reads_as_a_value_is_replaced() -> None:
    assert fill(Markup("<p>{{ iets anders }}</p>"), {"name": "x"}) == Markup("<p>{{ iets anders }}</p>")
    assert key_of(" var( vertrouwen ) ") == "var(vertrouwen)" and key_of("var.x") is None
    assert [p.key for p in find("{{name}} {{ count() }} {{ done_count(kaart) }}")] == [
        "name", "count()", "done_count(kaart)"]


def test_a_title_cannot_hold_a_value(tmp_path: Path) -> None:
    module = MODULE.replace("  - id: einde\n", "  - id: einde\n    title: \"Klaar, {{ name }}\"\n")
    assert errors(write(tmp_path, WITH_SNIPPETS, module)) == [
        "modules/m.yaml:18:12: error: a title cannot hold '{{ ... }}'; values and snippets work in a scene's texts, "
        "dialogue, labels and feedback",
    ]
