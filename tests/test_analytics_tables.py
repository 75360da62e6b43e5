"""Analytics tables, SVG charts and CSV files, from a report with known numbers (no database)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from statistics import quantiles

import pytest

from elearning.analytics import (
    Bin,
    ChoiceCount,
    EntryMiss,
    Overview,
    QuestionStats,
    Report,
    SceneReach,
    Scope,
    Spread,
    Table,
    export,
    formatting,
    report_tables,
    stats,
)
from elearning.analytics.charts import BACKGROUND, contrast_ratio, figures
from elearning.authoring import load_course
from elearning.course.model import Course

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def mini() -> Course:
    course, problems = load_course(MINI)
    assert course is not None, "\n".join(map(str, problems))
    return course


@pytest.fixture
def report() -> Report:
    return Report(
        scope=Scope("mini"),
        overview=Overview(
            starts=1200, completions=800, passes=600,
            duration=Spread(800, 300.0, 900.0, 1500.0, 2400.0, 90000.0),
            histogram=(Bin(0, 1800, 500), Bin(1800, 3600, 250), Bin(3600, None, 50)),
        ),
        funnel=(SceneReach("welkom", 1200, 100), SceneReach("kaart", 1100, 0), SceneReach("v2", 810, 10),
                SceneReach("old-scene", 3, 3)),
        choices=(ChoiceCount("kaart", "location", "loc-bakkerij", 1100),
                 ChoiceCount("kaart", "location", "loc-plein", 900),
                 ChoiceCount("bakker", "choice", "c1", 700), ChoiceCount("bakker", "choice", "c2", 300),
                 ChoiceCount("v2", "answer", "a,b", 400), ChoiceCount("v2", "answer", "c", 100)),
        questions=(QuestionStats("v2", "toets", 900, 810, 405, 800, -0.15),
                   QuestionStats("v1", "toets", 1000, 820, 700, 800, 0.42)),
        entries=(EntryMiss("sig-groeten", 900, 700), EntryMiss("sig-app", 900, 300), EntryMiss("verb-bakker", 0, 0)),
    )


def _table(tables: list[Table], key: str) -> Table:
    return next(t for t in tables if t.key == key)


def _retitled(course: Course, title: str) -> Course:
    """The course with another title on its first scene."""
    module = course.modules[0]
    scene = module.scenes[0].model_copy(update={"title": title})
    module = module.model_copy(update={"scenes": [scene, *module.scenes[1:]]})
    copy = course.model_copy(update={"modules": [module, *course.modules[1:]]})
    copy._idx = None  # the scene index was copied along
    return copy


def test_tables_carry_labels_from_the_course_and_raw_numbers(mini: Course, report: Report) -> None:
    tables = report_tables(mini, report, "nl")
    assert [t.key for t in tables] == [
        "overview", "duration", "histogram", "funnel", "choices", "questions", "answers", "entries", "open_answers",
    ]
    overview = _table(tables, "overview").records()
    assert overview[2] == {"measure": "passes", "label": "Geslaagd", "attempts": 600,
                           "share_of_starts": 0.5, "share_of_completions": 0.75}
    funnel = _table(tables, "funnel").records()
    # every scene of the course in course order, unreached ones with 0; unknown ids at the end
    assert [r["scene_id"] for r in funnel] == [
        "welkom", "kaart", "bakker", "bakker-2", "plein", "einde", "v1", "v2", "klaar", "old-scene",
    ]
    assert funnel[1] == {"module": "wijk", "scene_id": "kaart", "scene": "De kaart", "attempts": 1100,
                         "share_of_starts": 1100 / 1200, "stopped_here": 0}
    assert funnel[2]["attempts"] == 0
    assert funnel[-1]["scene"] == "old-scene"
    choices = _table(tables, "choices").records()
    kaart = [(r["choice_id"], r["choice"], r["times"], r["share"]) for r in choices if r["scene_id"] == "kaart"]
    assert kaart == [("loc-bakkerij", "Bakkerij", 1100, 0.55), ("loc-plein", "Plein", 900, 0.45),
                     ("c1", "Klaar met de wandeling", 0, 0.0)]
    assert {r["scene_id"] for r in choices} == {"kaart", "bakker", "plein"}  # scenes with one way on are left out
    questions = _table(tables, "questions").records()
    assert [q["scene_id"] for q in questions] == ["v1", "v2"]  # course order
    assert questions[1]["share_correct"] == 0.5
    assert questions[1]["discrimination"] == -0.15
    answers = _table(tables, "answers").records()
    assert [(a["answer_id"], a["answer"], a["correct"], a["times"]) for a in answers] == [
        ("a", "Pusher", True, 400), ("b", "Stille middengroep", True, 400), ("c", "Scheidsrechter", False, 100),
    ]
    assert answers[0]["share"] == 0.8
    entries = _table(tables, "entries").records()
    assert [(e["entry_id"], e["missed"], e["share_missed"]) for e in entries] == [
        ("sig-app", 600, 600 / 900), ("sig-groeten", 200, 200 / 900), ("verb-bakker", 0, None),
    ]
    assert entries[0]["entry"] == "Boze berichten in de buurtapp"
    assert entries[0]["kind"] == "Signalen"


def test_tables_in_english(mini: Course, report: Report) -> None:
    tables = report_tables(mini, report, "en")
    assert _table(tables, "funnel").title == "How far do learners get?"
    assert [c.label for c in _table(tables, "entries").columns][-1] == "Share missed"


# -- charts -------------------------------------------------------------------------------------
def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - parses the SVG this test just generated


def test_every_chart_is_well_formed_accessible_svg_with_the_numbers(mini: Course, report: Report) -> None:
    seen_ids: set[str] = set()
    for table in report_tables(mini, report, "nl"):
        for figure in figures(table, "nl"):
            root = _parse(figure.svg)
            assert root.tag == f"{SVG}svg"
            assert root.get("role") == "img"
            title_id, desc_id = root.get("aria-labelledby", "").split()
            assert root.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
            assert root.find(f"{SVG}desc").get("id") == desc_id  # type: ignore[union-attr]
            ids = [el.get("id") for el in root.iter() if el.get("id")]
            assert not seen_ids & set(ids), "ids must be unique on the page"
            seen_ids.update(ids)
            fills = {el.get("fill") for el in root.iter(f"{SVG}text")}
            assert all(contrast_ratio(f, BACKGROUND) >= 4.5 for f in fills), fills  # type: ignore[arg-type]
    funnel = next(t for t in report_tables(mini, report, "nl") if t.key == "funnel")
    (figure,) = figures(funnel, "nl")
    texts = "".join(_parse(figure.svg).itertext())
    assert "1.100 (92%)" in texts and "De kaart" in texts and "Welkom" in texts


def test_grouped_charts_make_one_svg_per_scene(mini: Course, report: Report) -> None:
    choices = next(t for t in report_tables(mini, report, "en") if t.key == "choices")
    charts = figures(choices, "en", id_prefix="c")
    assert [f.title for f in charts] == ["De kaart", "De bakker", "Op het plein is het stil."]
    bars = _parse(charts[0].svg).findall(f"{SVG}g")
    assert [b.find(f"{SVG}title").text for b in bars] == [  # type: ignore[union-attr]
        "Bakkerij: 1,100 (55%)", "Plein: 900 (45%)", "Klaar met de wandeling: 0 (0%)",
    ]


def test_negative_discrimination_draws_left_of_the_zero_line(mini: Course, report: Report) -> None:
    questions = next(t for t in report_tables(mini, report, "nl") if t.key == "questions")
    _, discrimination = figures(questions, "nl")
    root = _parse(discrimination.svg)
    zero = float(root.find(f"{SVG}line").get("x1"))  # type: ignore[union-attr, arg-type]
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("fill") != BACKGROUND]
    right, left = (float(r.get("x")) for r in rects)  # type: ignore[arg-type]
    assert right == pytest.approx(zero) and left < zero
    assert "0,42" in "".join(root.itertext()) and "-0,15" in "".join(root.itertext())


def test_labels_are_escaped_and_an_empty_table_says_so(mini: Course) -> None:
    hostile = _retitled(mini, '<script>alert("x")</script> & co')
    report = Report(Scope("mini"), Overview(1, 0, 0), funnel=(SceneReach("welkom", 1),))
    funnel = next(t for t in report_tables(hostile, report, "nl") if t.key == "funnel")
    svg = figures(funnel, "nl")[0].svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; co" in svg
    assert '<script>alert("x")</script> & co' in "".join(_parse(svg).itertext())
    empty = next(t for t in report_tables(mini, Report(Scope("mini"), Overview(0, 0, 0)), "en") if t.key == "histogram")
    assert empty.rows == ()
    assert "No data yet." in "".join(_parse(figures(empty, "en")[0].svg).itertext())


# -- CSV -----------------------------------------------------------------------------------------
def test_csv_round_trips_every_table(mini: Course, report: Report) -> None:
    for table in report_tables(mini, report, "nl"):
        text = export.to_csv(table)
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [c.key for c in table.columns]
        assert len(rows) == len(table.rows) + 1
        for written, original in zip(rows[1:], table.rows, strict=True):
            for value, cell in zip(written, original, strict=True):
                if cell is None:
                    assert value == ""
                elif isinstance(cell, bool):
                    assert value == str(cell).lower()
                elif isinstance(cell, int | float):
                    assert float(value) == cell
                else:
                    assert value == cell
    assert export.to_csv_bytes(report_tables(mini, report)[0]).startswith(b"\xef\xbb\xbfmeasure,")


def test_csv_defuses_spreadsheet_formulas(mini: Course) -> None:
    hostile = _retitled(mini, '=HYPERLINK("http://evil")')
    report = Report(Scope("mini"), Overview(1, 0, 0), funnel=(SceneReach("welkom", 1),))
    funnel = next(t for t in report_tables(hostile, report) if t.key == "funnel")
    rows = list(csv.DictReader(io.StringIO(export.to_csv(funnel))))
    assert rows[0]["scene"] == "'=HYPERLINK(\"http://evil\")"
    assert export.filename(funnel, "mini") == "mini-funnel.csv"


# -- statistics and formatting ---------------------------------------------------------------------
@pytest.mark.parametrize("values", [[5.0], [1.0, 9.0], [3.0, 1.0, 2.0], [10.0, 20.0, 40.0, 80.0, 160.0, 7.0, 3.0]])
def test_quantiles_from_a_few_positions_match_the_statistics_module(values: list[float]) -> None:
    ordered = sorted(values)
    n = len(ordered)
    needed = stats.positions_needed(n)
    known = {i: ordered[i] for i in needed}
    got = [stats.quantile(n, p, known) for p in stats.QUARTILES]
    expected = quantiles(ordered, n=4, method="inclusive") if n > 1 else [ordered[0]] * 3
    assert got == pytest.approx(expected)
    assert max(needed) < n and len(needed) <= 8
    assert stats.quantile_positions(n, Fraction(1, 2))[0] == (n - 1) // 2


def test_item_rest_correlation() -> None:
    # x = (1, 0, 0, 1), y = (2, 0, 1, 1)
    assert stats.item_rest_correlation(4, 2, 4, 3, 6) == pytest.approx(0.7071, abs=1e-4)
    assert stats.item_rest_correlation(3, 3, 5, 5, 9) is None  # everyone right
    assert stats.item_rest_correlation(3, 1, 6, 2, 12) is None  # everyone the same rest score
    assert stats.item_rest_correlation(1, 1, 1, 1, 1) is None


def test_bin_widths_are_round_and_few() -> None:
    assert stats.bin_width(4, 825, 1350, 1800) == 900
    width = stats.bin_width(100_000, 1200, 3000, 30 * 86400)  # a long tail of people taking weeks
    count = stats.bin_count(width, 3000, 1800, 30 * 86400)
    assert width == 600 and count == 15  # up to q3 + 3 IQR, the last bin open-ended
    assert stats.bin_count(*(stats.bin_width(1, 0, 0, 42), 0, 0, 42)) >= 1


@pytest.mark.parametrize(("seconds", "nl", "en"), [
    (42, "42 s", "42 s"), (125, "2 min", "2 min"), (3600, "1 u", "1 h"), (3900, "1 u 5 min", "1 h 5 min"),
    (90000, "1 d 1 u", "1 d 1 h"), (172800, "2 d", "2 d"),
])
def test_durations_read_naturally(seconds: float, nl: str, en: str) -> None:
    assert formatting.duration(seconds, "nl") == nl
    assert formatting.duration(seconds, "en") == en


def test_cells_format_per_kind_and_language() -> None:
    assert formatting.cell(12345, "count", "nl") == "12.345"
    assert formatting.cell(12345, "count", "en") == "12,345"
    assert formatting.cell(0.625, "share", "nl") == "62%"
    assert formatting.cell(0.4167, "number", "nl") == "0,42"
    assert formatting.cell(None, "share", "nl") == "–"
    assert formatting.cell(True, "text", "en") == "yes"
