"""Assessments in the browser's view: opaque answer values, the page of a question just answered,
the end summary (reveal: after_submit), and a retake that has to wait.

Plays tests/fixtures/courses/assess (see tests/test_assessment.py): a practice module whose
question is not shuffled, then a test that draws 3 of 7 pool questions plus one fixed question.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import WEB_COURSE

ASSESS = Path(__file__).parent / "fixtures" / "courses" / "assess"
_VALUES = re.compile(r'name="answer" value="([^"]+)"')
_LABELS = re.compile(r'<label for="answer-\d+">([^<]+)</label>')


@pytest.fixture
def courses_dir(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The web fixture course and the assessment course; `reveal` from the test's parameter, if any."""
    folder = tmp_path / "courses"
    shutil.copytree(WEB_COURSE, folder / "buurtronde")
    shutil.copytree(ASSESS, folder / "assess")
    reveal = getattr(request, "param", None)
    if reveal:
        toets = folder / "assess" / "modules" / "toets.yaml"
        toets.write_text(toets.read_text().replace("assessment: true\n", f"assessment: true\nreveal: {reveal}\n"))
    return folder


def to_test(web: Any) -> int:
    attempt = web.start("assess")
    web.choose(attempt, "noord")
    web.answer(attempt, "a")
    web.choose(attempt, "next")
    web.choose(attempt, "c1")
    return attempt


def test_the_form_posts_opaque_values_in_a_per_attempt_order(web: Any) -> None:
    orders = set()
    for _ in range(5):
        web.client.cookies.clear()  # another guest, another attempt
        attempt = to_test(web)
        page = web.get(f"/play/{attempt}").text
        values = _VALUES.findall(page)
        assert len(values) == 4 and all(re.fullmatch(r"[a-z2-7]{10}", v) for v in values)
        assert 'id="answer-a"' not in page and 'value="b"' not in page
        orders.add(tuple(_LABELS.findall(page)))
        assert web.get(f"/play/{attempt}").text.count("name=\"answer\"") == 4
        assert _VALUES.findall(web.get(f"/play/{attempt}").text) == values  # a reload shows the same
    assert len(orders) > 1


def test_a_question_just_answered_shows_how_it_went_then_volgende(web: Any) -> None:
    attempt = web.start("assess")
    web.choose(attempt, "noord")
    step = web.step(attempt)
    response = web.answer(attempt, "b", stay=True)  # wrong: "Tweede"; right is "Eerste"
    assert response.status_code == 303 and response.headers["location"] == f"/play/{attempt}"
    page = web.get(f"/play/{attempt}").text
    main = page.split("<main", 1)[1]
    assert "Een oefenvraag, niet geschud." in main  # still the question
    assert '<span aria-hidden="true">✗</span> Niet juist' in main and "Juist</h2>" not in main
    assert "answer-review--wrong" in main and "Terugkoppeling" not in main
    assert re.search(r"Tweede(</span>)?\s*<strong class=\"mark\">\(jouw antwoord\)</strong>", main)
    assert re.search(r"Eerste(</span>)?\s*<strong class=\"mark mark--correct\"><span aria-hidden=\"true\">✓</span> "
                     r"\(goed antwoord\)</strong>", main)
    assert "Helaas." in main and 'name="answer"' not in main
    assert 'value="continue">Volgende</button>' in main and web.step(attempt) == step + 1
    web.answer(attempt, "a", stay=True)  # a second answer to the same question is not applied
    assert web.last.headers["location"] == f"/play/{attempt}?notice=unavailable"
    web.choose(attempt, "continue")
    after = web.get(f"/play/{attempt}").text
    assert "Klaar met oefenen." in after and "Helaas." not in after


def test_a_right_answer_says_juist(web: Any) -> None:
    attempt = web.start("assess")
    web.choose(attempt, "noord")
    web.answer(attempt, "a", stay=True)
    main = web.get(f"/play/{attempt}").text.split("<main", 1)[1]
    assert '<span aria-hidden="true">✓</span> Juist' in main and "Niet juist" not in main
    assert "answer-review--right" in main and "Goed zo." in main


def test_a_failed_test_waits_before_a_retake(web: Any) -> None:
    attempt = to_test(web)
    for _ in range(4):
        web.answer(attempt, "a")  # "a" is wrong in every question
    end = web.get(f"/play/{attempt}").text
    assert "De toets is klaar." in end and "Niet gehaald." in end
    assert re.search(r"Je kunt de toets opnieuw doen vanaf \d\d-\d\d-\d{4} \d\d:\d\d\.", end)
    assert re.search(r'<button type="button" disabled aria-describedby="why-\d">Doe de toets opnieuw</button>', end)
    response = web.choose(attempt, "retake")
    assert response.headers["location"] == f"/play/{attempt}?notice=unavailable"
    assert "Doe de toets opnieuw" not in web.get(f"/play/{attempt}/result").text.split("<main", 1)[1]


@pytest.mark.parametrize("courses_dir", ["after_submit"], indirect=True)
def test_after_submit_shows_no_answer_until_the_end(web: Any) -> None:
    attempt = to_test(web)
    for i in range(4):
        web.answer(attempt, "b" if i % 2 == 0 else "a", stay=True)
        page = web.get(f"/play/{attempt}").text
        if i < 3:  # the next question, straight away: nothing revealed
            assert "Juist" not in page and "goed antwoord" not in page and "Goed." not in page
            assert len(_VALUES.findall(page)) == 4
    end = web.get(f"/play/{attempt}").text.split("<main", 1)[1]
    assert "Je antwoorden" in end
    assert end.count("answer-review--right") == 2 and end.count("answer-review--wrong") == 2
    assert end.count("(jouw antwoord)") == 4 and end.count("(goed antwoord)") == 4


def test_shuffled_choices_post_opaque_values_and_refuse_their_ids(web: Any) -> None:
    attempt = web.start("assess")
    page = web.get(f"/play/{attempt}").text
    values = re.findall(r'name="choice" value="([^"]+)"', page)
    assert len(values) == 4 and all(re.fullmatch(r"[a-z2-7]{10}", v) for v in values)
    assert 'value="noord"' not in page and 'value="c1"' not in page
    step = web.step(attempt)
    response = web.client.post(f"/play/{attempt}", data={
        "csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1), "step": str(step), "choice": "noord",  # type: ignore[union-attr]
    }, follow_redirects=False)
    assert response.headers["location"] == f"/play/{attempt}?notice=unavailable" and web.step(attempt) == step
    web.choose(attempt, "oost")  # the helper posts the page's value for the id
    assert "Een oefenvraag, niet geschud." in web.get(f"/play/{attempt}").text


def test_starting_over_does_not_dodge_the_retake_wait(web: Any) -> None:
    attempt = to_test(web)
    for _ in range(4):
        web.answer(attempt, "a")
    course_page = web.get("/courses/assess").text
    assert "Helemaal opnieuw beginnen" not in course_page
    response = web.post("/courses/assess/start", {"after": str(attempt)}, token_from=f"/play/{attempt}", follow=False)
    assert response.headers["location"] == f"/play/{attempt}?notice=unavailable"
    assert "/courses/assess/start" not in course_page  # no form to start over while the wait lasts
