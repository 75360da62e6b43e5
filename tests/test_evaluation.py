"""The optional, anonymous course evaluation after passing (issue 14), on SQLite and PostgreSQL.

A learner passes the fixture course, gets the certificate without evaluating, then rates the
course and writes a comment; the row holds the course, its version, the month and the answers,
and nothing that leads back to the learner. The studio's analytics summarise it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from conftest import Web, run_async
from test_studio import become_author
from test_studio_analytics import table

from elearning.analytics.evaluation import Evaluation, comments_table, ratings_table, summarise
from elearning.settings import Settings
from elearning.storage import db

LEARNER = ("eva@example.org", "Eva Evaluatie")
COMMENT = "De praktijkopdracht was <b>nuttig</b> & goed te doen."


def _passed(web: Web, passing_path: list[tuple[str, str]], email: str = LEARNER[0], name: str = LEARNER[1]) -> int:
    web.register(email=email, name=name)
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303, response.text
    return attempt


def _rows(database_url: str) -> list[dict[str, Any]]:
    async def work() -> list[dict[str, Any]]:
        ctx = await db.connect(database_url)
        try:
            with ctx:
                from elearning.storage.models import CourseEvaluation

                return [dict(r) for r in await CourseEvaluation.all().values()]
        finally:
            await ctx.close_connections()

    return run_async(work())


def test_after_passing_the_learner_may_evaluate_anonymously(web: Web, settings: Settings,
                                                            passing_path: list[tuple[str, str]]) -> None:
    attempt = _passed(web, passing_path)
    result = web.get(f"/play/{attempt}/result").text
    # the certificate comes first and does not wait for the evaluation
    assert re.search(r'href="/certificates/\d+\.pdf"', result)
    assert f'href="/play/{attempt}/evaluation"' in result and "niet verplicht en anoniem" in result
    form = web.get(f"/play/{attempt}/evaluation")
    assert form.status_code == 200 and "<h1>Wat vond je van de cursus?</h1>" in form.text
    assert "Helemaal oneens" in form.text and "Schrijf geen namen" in form.text

    # nothing filled in: explained, nothing stored
    empty = web.post(f"/play/{attempt}/evaluation", {})
    assert empty.status_code == 400 and "Je hebt nog niets ingevuld." in empty.text
    assert _rows(settings.database_url) == []
    # a score outside the scale is not something our form sends
    assert web.post(f"/play/{attempt}/evaluation", {"useful": "9"}).status_code == 400

    done = web.post(f"/play/{attempt}/evaluation", {"useful": "5", "clear": "4", "recommend": "4",
                                                     "comment": COMMENT})
    assert done.status_code == 200 and "Bedankt voor je mening" in done.text
    rows = _rows(settings.database_url)
    assert len(rows) == 1
    row = rows[0]
    # the course, the version and the month: no learner, no attempt, no time of day
    assert set(row) == {"id", "course_id", "course_hash", "month", "useful", "clear", "study_time", "recommend",
                        "comment"}
    assert (row["course_id"], row["month"]) == ("buurtronde", datetime.now(UTC).strftime("%Y-%m"))
    assert (row["useful"], row["clear"], row["study_time"], row["recommend"]) == (5, 4, None, 4)
    assert row["comment"] == COMMENT
    assert re.fullmatch(r"[0-9a-f]{32}", row["id"])  # random: its order tells nothing
    values = " ".join(str(v) for v in row.values())
    assert LEARNER[0] not in values and LEARNER[1] not in values

    # given once from this browser: the form does not come back, a second post stores nothing
    assert "Bedankt voor je mening" in web.get(f"/play/{attempt}/evaluation").text
    web.post(f"/play/{attempt}/evaluation", {"useful": "1"})
    assert len(_rows(settings.database_url)) == 1


def test_only_the_owner_after_passing_and_never_a_requirement(web: Web, settings: Settings,
                                                              passing_path: list[tuple[str, str]]) -> None:
    fresh = web.start()  # a guest who has not finished: no evaluation yet
    assert web.get(f"/play/{fresh}/evaluation").status_code == 404
    web.client.cookies.clear()
    attempt = _passed(web, passing_path)
    # the certificate was issued without any evaluation
    assert re.search(r'href="/certificates/\d+\.pdf"', web.get(f"/play/{attempt}/result").text)
    web.logout()
    web.client.cookies.clear()
    web.register(email="ander@example.org", name="Ander")
    assert web.get(f"/play/{attempt}/evaluation").status_code == 404  # not theirs
    assert web.post(f"/play/{attempt}/evaluation", {"useful": "1"}, token_from="/").status_code == 404
    assert web.client.post(f"/play/{attempt}/evaluation", data={"useful": "1"}).status_code == 403  # no CSRF token
    assert _rows(settings.database_url) == []


def test_the_studio_summarises_the_evaluations_and_escapes_the_comments(web: Web, settings: Settings,
                                                                        passing_path: list[tuple[str, str]]) -> None:
    attempt = _passed(web, passing_path)
    web.post(f"/play/{attempt}/evaluation", {"useful": "5", "clear": "4", "comment": COMMENT})
    web.logout()
    web.client.cookies.clear()
    second = _passed(web, passing_path, email="tweede@example.org", name="Tweede Deelnemer")
    web.post(f"/play/{second}/evaluation", {"useful": "3"})
    web.logout()
    web.client.cookies.clear()
    become_author(web, settings)
    page = web.get("/studio/courses/buurtronde/analytics/evaluation")
    assert page.status_code == 200 and "<h1>Analyse: Evaluatie</h1>" in page.text
    assert "2 deelnemers vulden na het slagen de evaluatie in" in page.text
    ratings = table(page.text, "ratings", "question_id")
    assert [ratings["useful",][k] for k in ("answered", "average", "score_5", "score_3", "score_1")] == [
        "2", "4,00", "1", "1", "0"]
    assert [ratings["clear",][k] for k in ("answered", "average", "score_4")] == ["1", "4,00", "1"]
    assert ratings["study_time",]["answered"] == "0" and ratings["study_time",]["average"] == "–"
    assert list(table(page.text, "comments", "comment")) == [(COMMENT,)]
    assert "<b>nuttig</b>" not in page.text and "&lt;b&gt;nuttig&lt;/b&gt; &amp; goed" in page.text
    for who in (LEARNER[0], LEARNER[1], "tweede@example.org", "Tweede Deelnemer"):
        assert who not in page.text
    csv = web.get("/studio/courses/buurtronde/export/comments.csv")
    assert csv.status_code == 200 and "nuttig" in csv.text and LEARNER[0] not in csv.text
    assert web.get("/studio/courses/buurtronde/export/ratings.csv").status_code == 200
    # the months of the chosen days: none before any evaluation was given
    before = web.get("/studio/courses/buurtronde/analytics/evaluation?to=2020-01-31").text
    assert "caption-ratings" not in before and "Nog geen gegevens." in before
    # a learner cannot see it
    web.logout()
    web.client.cookies.clear()
    web.login(email=LEARNER[0])
    assert web.get("/studio/courses/buurtronde/analytics/evaluation").status_code == 403


def test_the_summary_counts_each_score_and_sorts_the_comments() -> None:
    summary = summarise([Evaluation(useful=5, clear=2, comment="  zeker  "), Evaluation(useful=3, comment=""),
                         Evaluation(recommend=4, comment="Aanrader")])
    useful = next(r for r in summary.ratings if r.key == "useful")
    assert (summary.evaluations, useful.answered, useful.mean, useful.counts) == (3, 2, 4.0, (0, 0, 1, 0, 1))
    assert summary.comments == ("Aanrader", "zeker")  # alphabetical: not the order they came in
    table_ = ratings_table(summary, "en")
    assert [c.key for c in table_.columns][:4] == ["question_id", "statement", "answered", "average"]
    assert table_.rows[0][:4] == ("useful", "The course is useful for my work.", 2, 4.0)
    assert comments_table(summary, "nl").rows == (("Aanrader",), ("zeker",))
    assert ratings_table(summarise([]), "nl").rows == ()


def test_the_month_is_all_the_time_there_is() -> None:
    from datetime import date

    from elearning.storage.evaluations import month_of

    assert [month_of(date(2026, 12, 31)), month_of(date(2027, 1, 1))] == ["2026-12", "2027-01"]
