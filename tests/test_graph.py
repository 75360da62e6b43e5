"""The module graph: DOT text, escaping that survives Graphviz, overlays, SVG rendering, language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from elearning.authoring.graph import GraphvizError, module_dot, render_svg
from elearning.course.model import (
    Answer,
    Block,
    Choice,
    Course,
    CourseMeta,
    Location,
    Map,
    Module,
    Scene,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
TRICKY = '"hi" \\n <b>&amp;</b> & \\'


def _course() -> Course:
    first = Module(
        id="wijk",
        title="De wijk",
        start="start",
        retake=True,
        scenes=[
            Scene(id="start", title=TRICKY, choices=[
                Choice(label='Ga "naar" binnen <nu>', goto="kaart", points=2, once=True),
                Choice(id="stil", label="Blijf staan", goto="kaart", when="flag(moe)"),
            ]),
            Scene(
                id="kaart", type="hub", title="De kaart",
                map=Map(src="media/kaart.svg", alt="kaart", width=100, height=100),
                locations=[
                    Location(id="bakkerij", label="Bakkerij", goto="bakker", x=10, y=10),
                    Location(id="plein", label="Plein", goto="vraag", x=20, y=20, when="visited(bakker)"),
                ],
                choices=[Choice(label="Klaar", goto="einde", when="done_count() >= 1")],
            ),
            Scene(id="bakker", choices=[Choice(label="Terug", goto="kaart")]),
            Scene(
                id="vraag", type="question", title="Een vraag",
                answers=[Answer(text="ja", correct=True), Answer(text="nee")], goto="kaart",
            ),
            Scene(id="einde", type="end", blocks=[Block(text="Klaar!")]),
        ],
    )
    second = Module(id="toets", title="Toets", start="t1", scenes=[Scene(id="t1", type="end")])
    meta = CourseMeta(id="proef", title="Proef", study_load_minutes=5, modules=["wijk", "toets"])
    return Course(meta=meta, modules=[first, second], content_hash="x", max_scores={"wijk": 2, "toets": 0})


def _line(dot: str, start: str) -> str:
    found = [ln for ln in dot.splitlines() if ln.strip().startswith(start)]
    assert found, f"no line starting with {start!r} in:\n{dot}"
    return found[0]


def _svg(dot: str) -> ET.Element:
    return ET.fromstring(render_svg(dot))  # noqa: S314 - SVG that Graphviz made from our own DOT text


def _group(svg: ET.Element, element_id: str) -> ET.Element:
    for g in svg.iter(f"{SVG}g"):
        if g.get("id") == element_id:
            return g
    raise AssertionError(f"no <g id={element_id!r}> in the SVG")


def test_dot_escapes_quotes_backslashes_and_entities() -> None:
    dot = module_dot(_course(), "wijk")
    node = _line(dot, '"start" [')
    assert r'label="start\n\"hi\" \\n <b>&amp;amp;</b> &amp; \\"' in node
    edge = _line(dot, '"start" -> "kaart" [label="Ga')
    assert r'label="Ga \"naar\" binnen <nu> (+2) [eenmalig]"' in edge


def test_labels_survive_graphviz_literally() -> None:
    svg = _svg(module_dot(_course(), "wijk"))
    texts = [t.text for t in _group(svg, "scene-start").iter(f"{SVG}text")]
    assert texts == ["start", TRICKY]
    edge_texts = [t.text for t in _group(svg, "choice-start-c1").iter(f"{SVG}text")]
    assert edge_texts == ['Ga "naar" binnen <nu> (+2) [eenmalig]']


def test_newlines_in_tooltips_become_line_breaks() -> None:
    problems = {"bakker": ['regel "een"\nregel <twee>']}
    svg = _svg(module_dot(_course(), "wijk", problems=problems))
    anchor = next(_group(svg, "scene-bakker").iter(f"{SVG}a"))
    assert anchor.get(f"{XLINK}title") == 'Problemen:\nregel "een"\nregel <twee>'


def test_nodes_are_shaped_and_coloured_by_kind_with_a_legend() -> None:
    dot = module_dot(_course(), "wijk")
    assert 'shape="box" fillcolor="#ffffff"' in _line(dot, '"bakker" [')
    assert 'shape="house" fillcolor="#cfe2ff"' in _line(dot, '"kaart" [')
    assert 'shape="hexagon" fillcolor="#fff3cd"' in _line(dot, '"vraag" [')
    assert 'shape="doubleoctagon" fillcolor="#d1e7dd"' in _line(dot, '"einde" [')
    assert 'penwidth="2.5"' in _line(dot, '"start" [')  # the module's start
    assert "subgraph cluster_legend" in dot
    for label in ("kaart (hub)", "scène", "vraag", "einde", "alleen als…", "plek op de kaart", "opnieuw"):
        assert f'label="{label}"' in dot
    assert 'tooltip="vraag: Een vraag"' in _line(dot, '"vraag" [')
    assert "heeft problemen" not in dot


def test_edges_for_choices_locations_questions_and_end_scenes() -> None:
    dot = module_dot(_course(), "wijk")
    cond = _line(dot, '"start" -> "kaart" [label="Blijf')
    assert 'style="dashed"' in cond and 'tooltip="als: flag(moe)"' in cond and 'id="choice-start-stil"' in cond
    loc = _line(dot, '"kaart" -> "vraag"')
    assert 'label="Plein"' in loc and 'style="dashed"' in loc and 'color="#0a58ca"' in loc
    assert 'style="dashed"' not in _line(dot, '"kaart" -> "bakker"')
    assert 'label="antwoord"' in _line(dot, '"vraag" -> "kaart"')
    assert 'style="dotted"' in _line(dot, '"einde" -> "start"')  # retake
    assert 'label="volgende module"' in _line(dot, '"einde" -> "t1"')
    assert r'label="t1\n(module toets)"' in _line(dot, '"t1" [')


def test_last_module_has_no_next_edge() -> None:
    dot = module_dot(_course(), "toets")
    assert "->" not in dot.split("subgraph cluster_legend")[0].replace('"_start" -> "t1"', "")


def test_count_overlays_label_and_weigh_nodes_and_edges() -> None:
    counts = {"start": 12, "kaart": 1}
    choice_counts = {("start", "c1"): 10, ("start", "stil"): 2, ("kaart", "loc-bakkerij"): 5}
    dot = module_dot(_course(), "wijk", counts=counts, choice_counts=choice_counts)
    assert r"\n12 deelnemers" in _line(dot, '"start" [')
    assert r'\n1 deelnemer"' in _line(dot, '"kaart" [')
    unreached = _line(dot, '"bakker" [')
    assert r"\n0 deelnemers" in unreached and 'fontcolor="#495057"' in unreached
    busy = _line(dot, '"start" -> "kaart" [label="Ga')
    assert r'(+2) [eenmalig]\n(10)"' in busy and 'penwidth="5.00"' in busy
    assert 'penwidth="1.80"' in _line(dot, '"start" -> "kaart" [label="Blijf')
    assert r'label="Bakkerij\n(5)"' in _line(dot, '"kaart" -> "bakker"')


def test_problem_overlay_marks_nodes_red_with_a_tooltip() -> None:
    dot = module_dot(_course(), "wijk", problems={"bakker": ["no way back", "typo"]})
    node = _line(dot, '"bakker" [')
    assert 'fillcolor="#f8d7da"' in node and 'color="#b02a37"' in node
    assert r'tooltip="Problemen:\nno way back\ntypo"' in node
    assert 'fillcolor="#f8d7da"' not in _line(dot, '"kaart" [')
    assert 'label="heeft problemen"' in dot


def test_link_overlay_turns_svg_nodes_into_links() -> None:
    def link(scene_id: str) -> str:
        return f'/studio/proef/scenes/{scene_id}?tab=tekst&view="graph"'

    dot = module_dot(_course(), "wijk", link=link)
    assert 'URL="/studio/proef/scenes/kaart?tab=tekst&amp;view=%22graph%22"' in _line(dot, '"kaart" [')
    svg = _svg(dot)  # parses: the URL is valid XML inside the SVG
    anchor = next(_group(svg, "scene-kaart").iter(f"{SVG}a"))
    assert anchor.get(f"{XLINK}href") == "/studio/proef/scenes/kaart?tab=tekst&view=%22graph%22"
    assert anchor.get("target") == "_top"


def _every_overlay(lang: str) -> str:
    """Both modules' DOT text with counts, problems and an unknown target, in `lang`."""
    course = _course()
    course.modules[1].scenes[0].choices.append(Choice(label="Weg", goto="nergens"))
    overlays = {"counts": {"start": 2, "kaart": 1}, "problems": {"bakker": ["typo"]}}
    return "".join(module_dot(course, m, lang=lang, **overlays) for m in ("wijk", "toets"))  # type: ignore[arg-type]


def test_the_graph_speaks_english_when_asked() -> None:
    dot = _every_overlay("en")
    assert r'label="start\n\"hi\" \\n <b>&amp;amp;</b> &amp; \\\n2 learners"' in _line(dot, '"start" [')
    assert r'label="kaart\nDe kaart\n1 learner"' in _line(dot, '"kaart" [')
    assert r'tooltip="Problems:\ntypo"' in _line(dot, '"bakker" [')
    assert 'tooltip="when: flag(moe)"' in _line(dot, '"start" -> "kaart" [label="Blijf')
    assert 'label="Ga \\"naar\\" binnen <nu> (+2) [once]"' in _line(dot, '"start" -> "kaart" [label="Ga')
    assert 'label="next module"' in _line(dot, '"einde" -> "t1"')
    assert r'label="nergens\n(no such scene)"' in _line(dot, '"nergens" [')
    for label in ("Legend", "hub (map)", "scene", "question", "end", "has problems", "only when…",
                  "place on the map", "retake", "answer"):
        assert f'label="{label}"' in dot
    assert 'tooltip="question: Een vraag"' in _line(dot, '"vraag" [')
    dutch = _every_overlay("nl")  # the default is Dutch, checked above overlay by overlay
    assert r'label="nergens\n(bestaat niet)"' in _line(dutch, '"nergens" [')
    assert 'label="Legenda"' in dutch and 'tooltip="begin"' in dutch


def test_unknown_module_names_the_modules() -> None:
    with pytest.raises(ValueError, match=r"Unknown module 'nope'; the course has: wijk, toets\."):
        module_dot(_course(), "nope")


def test_render_svg_reports_a_missing_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizError, match="Graphviz is not installed: the program 'dot' was not found"):
        render_svg("digraph { a }")


def test_render_svg_reports_graphviz_errors() -> None:
    with pytest.raises(GraphvizError, match=r"Graphviz 'dot' failed \(exit 1\): .*syntax error"):
        render_svg("digraph { a -> }")


def test_svg_of_a_whole_module_is_well_formed() -> None:
    svg = _svg(module_dot(_course(), "wijk"))
    ids = {g.get("id") for g in svg.iter(f"{SVG}g")}
    assert {"scene-start", "scene-kaart", "scene-bakker", "scene-vraag", "scene-einde"} <= ids
    assert re.search(r"\d", svg.get("viewBox") or "")


# -- which scene a problem is about (the overlay's input, in the terminal and the studio) ----------
MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"


def test_a_problem_belongs_to_the_last_scene_that_starts_at_or_above_its_line(tmp_path: Path) -> None:
    from elearning.authoring import load_course
    from elearning.authoring.scene_problems import problems_by_scene
    from elearning.course import Problem

    course, _ = load_course(MINI)
    assert course is not None
    wijk = str(MINI / "modules" / "wijk.yaml")
    kaart = int(course.sources["kaart"].rpartition(":")[2])
    at_kaart = Problem(wijk, kaart, 5, "warning", "op de kaart")
    inside_kaart = Problem(wijk, kaart + 3, 9, "error", "in de kaart")
    above_all = Problem(wijk, 1, 1, "warning", "boven de eerste scène")
    in_course_yaml = Problem(str(MINI / "course.yaml"), 30, 1, "warning", "in course.yaml")
    elsewhere = Problem(str(tmp_path / "modules" / "wijk.yaml"), kaart, 1, "warning", "een andere cursus")
    found = problems_by_scene(course, MINI, [at_kaart, above_all, in_course_yaml, inside_kaart, elsewhere])
    assert found == {"kaart": [at_kaart, inside_kaart]}
