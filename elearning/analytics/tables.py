"""The analytics as tables: the same rows feed the HTML table, the SVG chart and the CSV file.

    tables = report_tables(course, report, lang="nl")
    for table in tables:
        figures = charts.figures(table, lang, id_prefix=table.key)   # SVG, no JavaScript
        csv_text = export.to_csv(table)

Cells hold raw values (counts, shares as 0..1, seconds); `formatting.cell` makes them
readable. Ids stay in the rows next to the labels so that a CSV can be joined with the course.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from elearning.analytics.formatting import Cell, Kind, duration
from elearning.analytics.labels import Labels
from elearning.analytics.results import Report
from elearning.course.model import Course
from elearning.i18n import translator


@dataclass(frozen=True)
class Column:
    key: str  # stable: the CSV header
    label: str  # in the reader's language: the HTML table header
    kind: Kind = "text"


@dataclass(frozen=True)
class Chart:
    """How to draw a table: one bar per row, labelled by column `label`, long as column `value`."""

    title: str
    label: str
    value: str
    kind: Literal["bars", "histogram"] = "bars"
    note: str | None = None  # a column shown after the value, e.g. a share: "412 (82%)"
    group: str | None = None  # one chart per distinct value of this column...
    group_label: str | None = None  # ...titled with this column
    minimum: float = 0.0
    maximum: float | None = None  # the end of the scale; default: the largest value


@dataclass(frozen=True)
class Table:
    key: str  # used for ids and file names: funnel -> funnel.csv
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    charts: tuple[Chart, ...] = ()

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"Table {self.key!r} has no column {key!r}; it has {[c.key for c in self.columns]}.")

    def index(self, key: str) -> int:
        return self.columns.index(self.column(key))

    def records(self) -> list[dict[str, Cell]]:
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def report_tables(course: Course | Labels, report: Report, lang: str = "nl") -> list[Table]:
    """Every table of a report, in the order a page shows them (labels from `course`)."""
    labels = course if isinstance(course, Labels) else Labels(course)
    return [
        overview_table(report, lang),
        duration_table(report, lang),
        histogram_table(report, lang),
        funnel_table(labels, report, lang),
        choices_table(labels, report, lang),
        questions_table(labels, report, lang),
        answers_table(labels, report, lang),
        entries_table(labels, report, lang),
        open_answers_table(labels, report, lang),
    ]


def overview_table(report: Report, lang: str) -> Table:
    _ = translator(lang)
    o = report.overview
    rows = (
        ("starts", _("Started"), o.starts, 1.0 if o.starts else None, None),
        ("completions", _("Completed"), o.completions, o.completion_rate, 1.0 if o.completions else None),
        ("passes", _("Passed"), o.passes, _ratio(o.passes, o.starts), o.pass_rate),
    )
    return Table(
        key="overview", title=_("Starts, completions and passes"),
        description=_("Attempts that started in the chosen period. Pass rate: the share of the completed attempts that passed."),
        columns=(Column("measure", _("Measure")), Column("label", _("What")),
                 Column("attempts", _("Attempts"), "count"),
                 Column("share_of_starts", _("Share of starts"), "share"),
                 Column("share_of_completions", _("Share of completions"), "share")),
        rows=rows,
        charts=(Chart(_("Starts, completions and passes"), "label", "attempts", note="share_of_starts"),),
    )


def duration_table(report: Report, lang: str) -> Table:
    _ = translator(lang)
    spread = report.overview.duration
    names = (("minimum", _("Shortest")), ("q1", _("First quartile")), ("median", _("Median")),
             ("q3", _("Third quartile")), ("maximum", _("Longest")))
    rows = tuple((key, label, getattr(spread, key)) for key, label in names) if spread else ()
    return Table(
        key="duration", title=_("Time from start to completion"),
        description=_("Of the completed attempts: the time between start and completion, breaks included. Half of them lie between the first and third quartile."),
        columns=(Column("statistic", _("Statistic")), Column("label", _("What")),
                 Column("seconds", _("Time"), "seconds")),
        rows=rows,
    )


def histogram_table(report: Report, lang: str) -> Table:
    _ = translator(lang)
    rows = []
    for b in report.overview.histogram:
        if b.high is None:
            label = _("{low} or longer", low=duration(b.low, lang))
        else:
            label = f"{duration(b.low, lang)} – {duration(b.high, lang)}"
        rows.append((b.low, b.high, label, b.count))
    return Table(
        key="histogram", title=_("Distribution of the time to completion"),
        description=_("Completed attempts per time band; the last band also counts all longer ones."),
        columns=(Column("from_seconds", _("From (seconds)"), "count"),
                 Column("to_seconds", _("To (seconds)"), "count"),
                 Column("label", _("Time band")), Column("attempts", _("Attempts"), "count")),
        rows=tuple(rows),
        charts=(Chart(_("Distribution of the time to completion"), "label", "attempts", kind="histogram"),),
    )


def funnel_table(labels: Labels, report: Report, lang: str) -> Table:
    _ = translator(lang)
    starts = report.overview.starts
    found = {r.scene: r for r in report.funnel}
    order = labels.scene_order()
    order += sorted(set(found) - set(order))
    rows = []
    for scene in order:
        reach = found.get(scene)
        attempts = reach.attempts if reach else 0
        stopped = reach.stopped if reach else 0
        rows.append((labels.module_of(scene), scene, labels.scene(scene), attempts, _ratio(attempts, starts), stopped))
    return Table(
        key="funnel", title=_("How far do learners get?"),
        description=_("Per scene: how many attempts reached it, as a share of all starts, and how many unfinished attempts are on that scene now (stopped or still busy)."),
        columns=(Column("module", _("Module")), Column("scene_id", _("Scene id")),
                 Column("scene", _("Scene")), Column("attempts", _("Attempts"), "count"),
                 Column("share_of_starts", _("Share of starts"), "share"),
                 Column("stopped_here", _("Here now, not completed"), "count")),
        rows=tuple(rows),
        charts=(Chart(_("How far do learners get?"), "scene", "attempts", note="share_of_starts",
                      maximum=float(starts) if starts else None),),
    )


def choices_table(labels: Labels, report: Report, lang: str) -> Table:
    _ = translator(lang)
    kind_label = {"choice": _("choice"), "location": _("place")}
    by_scene: dict[str, dict[tuple[str, str], Any]] = defaultdict(dict)
    for c in report.choices:
        if c.kind != "answer":
            by_scene[c.scene][c.kind, c.choice] = c
    rows = []
    for scene in labels.scene_order() + sorted(set(by_scene) - set(labels.scene_order())):
        counted = by_scene.get(scene, {})
        offered = labels.choice_order(scene)
        keys = offered + sorted(set(counted) - set(offered))
        if len(keys) < 2:
            continue  # a scene with one way onward tells nothing
        total = sum(c.times for c in counted.values())
        for kind, choice in keys:
            found = counted.get((kind, choice))
            times = found.times if found else 0
            rows.append((scene, labels.scene(scene), kind_label.get(kind, kind), choice,
                         labels.choice(scene, choice), times, _ratio(times, total)))
    return Table(
        key="choices", title=_("Choices per scene"),
        description=_("How often each choice and each place on the map was chosen (repeats included), and the share of all choices on that scene."),
        columns=(Column("scene_id", _("Scene id")), Column("scene", _("Scene")), Column("kind", _("Kind")),
                 Column("choice_id", _("Choice id")), Column("choice", _("Choice")),
                 Column("times", _("Times chosen"), "count"), Column("share", _("Share on this scene"), "share")),
        rows=tuple(rows),
        charts=(Chart(_("Choices"), "choice", "times", note="share", group="scene_id", group_label="scene"),),
    )


def questions_table(labels: Labels, report: Report, lang: str) -> Table:
    _ = translator(lang)
    rank = {scene: i for i, scene in enumerate(labels.scene_order())}
    ordered = sorted(report.questions, key=lambda q: (rank.get(q.scene, len(rank)), q.scene))
    rows = tuple(
        (q.module, q.scene, labels.scene(q.scene), q.answers, q.attempts, q.correct, q.share_correct,
         q.scored, q.discrimination)
        for q in ordered
    )
    return Table(
        key="questions", title=_("Assessment questions"),
        description=_("Share correct: of each attempt's first answer. Discrimination: the correlation (from -1 to 1) between getting this question right and the score on the module's other questions, over the attempts that completed the module. From 0.3 is good, below 0.2 weak; negative means strong learners get it wrong more often: review the question."),
        columns=(Column("module", _("Module")), Column("scene_id", _("Scene id")),
                 Column("question", _("Question")), Column("answers", _("Answers"), "count"),
                 Column("attempts", _("Attempts"), "count"), Column("correct", _("Right the first time"), "count"),
                 Column("share_correct", _("Share correct"), "share"),
                 Column("scored", _("Attempts with a module score"), "count"),
                 Column("discrimination", _("Discrimination"), "number")),
        rows=rows,
        charts=(Chart(_("Share correct per question"), "question", "share_correct", maximum=1.0),
                Chart(_("Discrimination per question"), "question", "discrimination",
                      minimum=-1.0, maximum=1.0)),
    )


def answers_table(labels: Labels, report: Report, lang: str) -> Table:
    """Per question, how often each answer was picked (a multiple-choice answer counts each pick)."""
    _ = translator(lang)
    picked: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for c in report.choices:
        if c.kind != "answer":
            continue
        totals[c.scene] += c.times
        for answer in c.choice.split(","):
            picked[c.scene][answer] += c.times
    rank = {scene: i for i, scene in enumerate(labels.scene_order())}
    rows = []
    for scene in sorted(picked, key=lambda s: (rank.get(s, len(rank)), s)):
        counts = picked[scene]
        order = labels.answer_order(scene)
        for answer in order + sorted(set(counts) - set(order)):
            rows.append((scene, labels.scene(scene), answer, labels.answer(scene, answer),
                         labels.answer_is_correct(scene, answer), counts.get(answer, 0),
                         _ratio(counts.get(answer, 0), totals[scene])))
    return Table(
        key="answers", title=_("Answers picked"),
        description=_("How often each answer was picked (repeats included), as a share of all times the question was answered. Where several answers may be picked, each one counts."),
        columns=(Column("scene_id", _("Scene id")), Column("question", _("Question")),
                 Column("answer_id", _("Answer id")), Column("answer", _("Answer")),
                 Column("correct", _("Correct answer")), Column("times", _("Times chosen"), "count"),
                 Column("share", _("Share of the answers"), "share")),
        rows=tuple(rows),
        charts=(Chart(_("Answers picked"), "answer", "times", note="share", group="scene_id",
                      group_label="question"),),
    )


def entries_table(labels: Labels, report: Report, lang: str) -> Table:
    _ = translator(lang)
    ordered = sorted(report.entries, key=lambda e: (-(e.share_missed or 0), -e.missed, e.entry))
    rows = tuple(
        (e.entry, labels.entry(e.entry), labels.entry_kind(e.entry), e.eligible, e.collected, e.missed,
         e.share_missed)
        for e in ordered
    )
    return Table(
        key="entries", title=_("Missed notebook entries"),
        description=_("Per entry: how many attempts completed the module where the entry can be found, and how many of them did not find it. Most missed first."),
        columns=(Column("entry_id", _("Entry id")), Column("entry", _("Entry")), Column("kind", _("Kind")),
                 Column("eligible", _("Module completed"), "count"), Column("collected", _("Found"), "count"),
                 Column("missed", _("Missed"), "count"), Column("share_missed", _("Share missed"), "share")),
        rows=rows,
        charts=(Chart(_("Missed notebook entries"), "entry", "share_missed", note="missed", maximum=1.0),),
    )


def open_answers_table(labels: Labels, report: Report, lang: str) -> Table:
    """Per open scene: answers handed in, handed in again, approved and returned (counts, never text)."""
    _ = translator(lang)
    rank = {scene: i for i, scene in enumerate(labels.scene_order())}
    rows = tuple(
        (o.scene, labels.scene(o.scene), o.handed_in, o.resubmitted, o.approved, o.returned)
        for o in sorted(report.open_answers, key=lambda o: (rank.get(o.scene, len(rank)), o.scene))
    )
    return Table(
        key="open_answers", title=_("Open answers"),
        description=_("Per open scene: how often an answer was handed in, handed in again after a reviewer returned it, and approved or returned. Only counts: what learners wrote is never shown here."),
        columns=(Column("scene_id", _("Scene id")), Column("scene", _("Scene")),
                 Column("handed_in", _("Handed in"), "count"), Column("resubmitted", _("Handed in again"), "count"),
                 Column("approved", _("Approved"), "count"), Column("returned", _("Returned"), "count")),
        rows=rows,
        charts=(Chart(_("Open answers handed in"), "scene", "handed_in"),),
    )
