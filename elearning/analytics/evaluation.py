"""The anonymous course evaluation: its questions, and a summary as tables for the studio.

    answers = [Evaluation(useful=4, clear=5, study_time=None, recommend=4, comment="…"), ...]
    summary = summarise(answers)
    ratings_table(summary, "nl"), comments_table(summary, "nl")

An evaluation carries no learner, attempt or time (storage keeps the course, its version and
the month only), so nothing here can say who answered what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from elearning.analytics.tables import Chart, Column, Table
from elearning.i18n import N_, translator

SCALE = (1, 2, 3, 4, 5)
COMMENT_MAX = 2000  # characters of the open comment

# (key, statement): the learner says how much they agree, from 1 (not at all) to 5 (fully).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("useful", N_("The course is useful for my work.")),
    ("clear", N_("The texts and explanations were clear.")),
    ("study_time", N_("The time the course took matched what was announced.")),
    ("recommend", N_("I would recommend the course to colleagues.")),
)
SCALE_WORDS = (N_("Disagree completely"), N_("Disagree"), N_("Neutral"), N_("Agree"), N_("Agree completely"))


@dataclass(frozen=True)
class Evaluation:
    useful: int | None = None
    clear: int | None = None
    study_time: int | None = None
    recommend: int | None = None
    comment: str = ""

    def rating(self, key: str) -> int | None:
        value: int | None = getattr(self, key)
        return value


@dataclass(frozen=True)
class Rating:
    key: str
    answered: int
    mean: float | None
    counts: tuple[int, ...]  # how many chose 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Summary:
    evaluations: int
    ratings: tuple[Rating, ...]
    comments: tuple[str, ...]


def summarise(evaluations: Iterable[Evaluation]) -> Summary:
    rows = list(evaluations)
    ratings = []
    for key, _statement in QUESTIONS:
        given = [v for v in (e.rating(key) for e in rows) if v in SCALE]
        counts = tuple(given.count(score) for score in SCALE)
        ratings.append(Rating(key, len(given), sum(given) / len(given) if given else None, counts))
    comments = tuple(sorted(e.comment.strip() for e in rows if e.comment.strip()))
    return Summary(len(rows), tuple(ratings), comments)


def ratings_table(summary: Summary, lang: str) -> Table:
    _ = translator(lang)
    statements = dict(QUESTIONS)
    rows = tuple(
        (r.key, _(statements[r.key]), r.answered, r.mean, *r.counts)
        for r in summary.ratings
    ) if summary.evaluations else ()
    return Table(
        key="ratings", title=_("Evaluation: ratings"),
        description=_("{n} learners filled in the optional evaluation after passing. Per statement: how many "
                      "answered it, their average from 1 (disagree completely) to 5 (agree completely), and how "
                      "many chose each score. The evaluation is stored without a link to the learner.",
                      n=summary.evaluations),
        columns=(Column("question_id", _("Statement id")), Column("statement", _("Statement")),
                 Column("answered", _("Answered"), "count"), Column("average", _("Average (1-5)"), "number"),
                 *(Column(f"score_{s}", str(s) + ": " + _(word), "count")
                   for s, word in zip(SCALE, SCALE_WORDS, strict=True))),
        rows=rows,
        charts=(Chart(_("Average per statement (1-5)"), "statement", "average", minimum=0.0, maximum=5.0),),
    )


def comments_table(summary: Summary, lang: str) -> Table:
    _ = translator(lang)
    return Table(
        key="comments", title=_("Evaluation: comments"),
        description=_("What learners wrote in the open comment, in alphabetical order: not in the order "
                      "they were written, and without a date or a name."),
        columns=(Column("comment", _("Comment")),),
        rows=tuple((c,) for c in summary.comments),
    )
