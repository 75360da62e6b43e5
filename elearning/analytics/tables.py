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
from elearning.analytics.texts import translator
from elearning.course.model import Course


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
    ]


def overview_table(report: Report, lang: str) -> Table:
    _ = translator(lang)
    o = report.overview
    rows = (
        ("starts", _("Gestart"), o.starts, 1.0 if o.starts else None, None),
        ("completions", _("Afgerond"), o.completions, o.completion_rate, 1.0 if o.completions else None),
        ("passes", _("Geslaagd"), o.passes, _ratio(o.passes, o.starts), o.pass_rate),
    )
    return Table(
        key="overview", title=_("Starts, afrondingen en geslaagden"),
        description=_("Pogingen die in de gekozen periode begonnen. Slaagpercentage: het deel van de "
                      "afgeronde pogingen dat slaagde."),
        columns=(Column("measure", _("Meting")), Column("label", _("Wat")),
                 Column("attempts", _("Pogingen"), "count"),
                 Column("share_of_starts", _("Deel van de starts"), "share"),
                 Column("share_of_completions", _("Deel van de afgeronde"), "share")),
        rows=rows,
        charts=(Chart(_("Starts, afrondingen en geslaagden"), "label", "attempts", note="share_of_starts"),),
    )


def duration_table(report: Report, lang: str) -> Table:
    _ = translator(lang)
    spread = report.overview.duration
    names = (("minimum", _("Kortste")), ("q1", _("Eerste kwartiel")), ("median", _("Mediaan")),
             ("q3", _("Derde kwartiel")), ("maximum", _("Langste")))
    rows = tuple((key, label, getattr(spread, key)) for key, label in names) if spread else ()
    return Table(
        key="duration", title=_("Tijd van start tot afronding"),
        description=_("Van de afgeronde pogingen: de tijd tussen start en afronding, pauzes "
                      "meegerekend. De helft zit tussen het eerste en derde kwartiel."),
        columns=(Column("statistic", _("Maat")), Column("label", _("Wat")),
                 Column("seconds", _("Tijd"), "seconds")),
        rows=rows,
    )


def histogram_table(report: Report, lang: str) -> Table:
    _ = translator(lang)
    rows = []
    for b in report.overview.histogram:
        if b.high is None:
            label = _("{low} of langer", low=duration(b.low, lang))
        else:
            label = f"{duration(b.low, lang)} – {duration(b.high, lang)}"
        rows.append((b.low, b.high, label, b.count))
    return Table(
        key="histogram", title=_("Verdeling van de tijd tot afronding"),
        description=_("Aantal afgeronde pogingen per tijdvak; het laatste vak telt ook alle langere."),
        columns=(Column("from_seconds", _("Vanaf (seconden)"), "count"),
                 Column("to_seconds", _("Tot (seconden)"), "count"),
                 Column("label", _("Tijdvak")), Column("attempts", _("Pogingen"), "count")),
        rows=tuple(rows),
        charts=(Chart(_("Verdeling van de tijd tot afronding"), "label", "attempts", kind="histogram"),),
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
        key="funnel", title=_("Hoe ver komen deelnemers?"),
        description=_("Per scène: hoeveel pogingen er kwamen, als deel van alle starts, en hoeveel "
                      "niet-afgeronde pogingen nu op die scène staan (gestopt of nog bezig)."),
        columns=(Column("module", _("Module")), Column("scene_id", _("Scène-id")),
                 Column("scene", _("Scène")), Column("attempts", _("Pogingen"), "count"),
                 Column("share_of_starts", _("Deel van de starts"), "share"),
                 Column("stopped_here", _("Nu hier, niet afgerond"), "count")),
        rows=tuple(rows),
        charts=(Chart(_("Hoe ver komen deelnemers?"), "scene", "attempts", note="share_of_starts",
                      maximum=float(starts) if starts else None),),
    )


def choices_table(labels: Labels, report: Report, lang: str) -> Table:
    _ = translator(lang)
    kind_label = {"choice": _("keuze"), "location": _("plek")}
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
        key="choices", title=_("Keuzes per scène"),
        description=_("Hoe vaak elke keuze en elke plek op de kaart werd gekozen (herhalingen "
                      "meegeteld), en het deel van alle keuzes op die scène."),
        columns=(Column("scene_id", _("Scène-id")), Column("scene", _("Scène")), Column("kind", _("Soort")),
                 Column("choice_id", _("Keuze-id")), Column("choice", _("Keuze")),
                 Column("times", _("Keer gekozen"), "count"), Column("share", _("Deel op deze scène"), "share")),
        rows=tuple(rows),
        charts=(Chart(_("Keuzes"), "choice", "times", note="share", group="scene_id", group_label="scene"),),
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
        key="questions", title=_("Toetsvragen"),
        description=_("Deel goed: bij het eerste antwoord van elke poging. Onderscheidend vermogen: "
                      "de samenhang (van -1 tot 1) tussen deze vraag goed hebben en de score op de "
                      "andere vragen van de module, bij pogingen die de module afrondden. Vanaf 0,3 "
                      "is goed, onder 0,2 zwak; negatief betekent: sterke deelnemers hebben de vraag "
                      "vaker fout, kijk de vraag na."),
        columns=(Column("module", _("Module")), Column("scene_id", _("Scène-id")),
                 Column("question", _("Vraag")), Column("answers", _("Antwoorden"), "count"),
                 Column("attempts", _("Pogingen"), "count"), Column("correct", _("Eerste keer goed"), "count"),
                 Column("share_correct", _("Deel goed"), "share"),
                 Column("scored", _("Pogingen met modulescore"), "count"),
                 Column("discrimination", _("Onderscheidend vermogen"), "number")),
        rows=rows,
        charts=(Chart(_("Deel goed per vraag"), "question", "share_correct", maximum=1.0),
                Chart(_("Onderscheidend vermogen per vraag"), "question", "discrimination",
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
        key="answers", title=_("Gekozen antwoorden"),
        description=_("Hoe vaak elk antwoord werd gekozen (herhalingen meegeteld), als deel van alle "
                      "keren dat de vraag werd beantwoord. Bij meer goede antwoorden telt elk gekozen "
                      "antwoord mee."),
        columns=(Column("scene_id", _("Scène-id")), Column("question", _("Vraag")),
                 Column("answer_id", _("Antwoord-id")), Column("answer", _("Antwoord")),
                 Column("correct", _("Goed antwoord")), Column("times", _("Keer gekozen"), "count"),
                 Column("share", _("Deel van de antwoorden"), "share")),
        rows=tuple(rows),
        charts=(Chart(_("Gekozen antwoorden"), "answer", "times", note="share", group="scene_id",
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
        key="entries", title=_("Gemiste notities"),
        description=_("Per notitie: hoeveel pogingen de module afrondden waarin je de notitie kunt "
                      "vinden, en hoeveel van hen de notitie niet vonden. Meest gemist bovenaan."),
        columns=(Column("entry_id", _("Notitie-id")), Column("entry", _("Notitie")), Column("kind", _("Soort")),
                 Column("eligible", _("Module afgerond"), "count"), Column("collected", _("Gevonden"), "count"),
                 Column("missed", _("Gemist"), "count"), Column("share_missed", _("Deel gemist"), "share")),
        rows=rows,
        charts=(Chart(_("Gemiste notities"), "entry", "share_missed", note="missed", maximum=1.0),),
    )
