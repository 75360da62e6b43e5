"""Learner analytics: result types, statistics, tables, SVG charts and CSV (pure Python).

The queries live in elearning.storage.analytics. A studio page puts them together:

    from elearning.analytics import Scope, figures, formatting, report_tables, to_csv_bytes
    from elearning.storage import analytics

    scope = Scope(course.id, course_hash=None, since=since, until=until)  # aware datetimes
    report = await analytics.report(course, scope)       # a fixed number of aggregate queries
    for table in report_tables(course, report, lang):    # overview, duration, histogram, funnel,
        table.title, table.description                   # choices, questions, answers, entries
        for figure in figures(table, lang, id_prefix=table.key):
            figure.svg                                   # inline <svg role="img">, escaped
        [c.label for c in table.columns]                 # the same numbers as an HTML table:
        [[formatting.cell(v, c.kind, lang) for v, c in zip(row, table.columns)] for row in table.rows]
    to_csv_bytes(table)                                  # download: export.filename(table, course.id)

`course` gives the labels: the current course for all versions, or the snapshot of the chosen
version (storage.attempts.load_snapshot(course_hash)). analytics.versions(course_id) lists the
versions with their attempt counts for a version picker. Nothing here names a learner.
"""

from elearning.analytics.charts import Figure, figures
from elearning.analytics.export import to_csv, to_csv_bytes
from elearning.analytics.labels import Labels
from elearning.analytics.results import (
    Bin,
    ChoiceCount,
    EntryMiss,
    Overview,
    QuestionStats,
    Report,
    SceneReach,
    Scope,
    Spread,
    Version,
)
from elearning.analytics.tables import Chart, Column, Table, report_tables

__all__ = [
    "Bin", "Chart", "ChoiceCount", "Column", "EntryMiss", "Figure", "Labels", "Overview",
    "QuestionStats", "Report", "SceneReach", "Scope", "Spread", "Table", "Version", "figures",
    "report_tables", "to_csv", "to_csv_bytes",
]
