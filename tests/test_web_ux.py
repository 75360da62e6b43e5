"""The learner's experience on the server-rendered pages: figures that add up, where-am-I,
the pass screen, and the small flow fixes of issue 16 (each test failed before its fix).

Plays the web fixture course (tests/fixtures/web-course): "ronde" (3 points, no pass mark)
then "toets" (3 points, 60% to pass, retake allowed); the course asks 50% of all points.
"""

from __future__ import annotations

import re
from typing import Any

from conftest import PASSING_PATH


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _to_test(web: Any) -> int:
    attempt = web.start()
    for kind, value in PASSING_PATH[:7]:
        web.choose(attempt, value)
    return attempt


def test_the_fail_screen_names_the_requirement_missed_with_its_own_figures(web: Any) -> None:
    attempt = _to_test(web)
    web.answer(attempt, "bakker")      # wrong: 0
    web.answer(attempt, "app")         # -1
    state = web.state(attempt)
    assert state.finished and not state.passed
    toets = state.result("toets")
    end = _text(_main(web.get(f"/play/{attempt}").text))
    result = _text(_main(web.get(f"/play/{attempt}/result").text))
    for page in (end, result):
        # The course total (3 of 6: 50%) reaches the course's own mark; the test module decides.
        assert f"Toets: {toets.score} van de 3 punten" in page, page
        assert "nodig: 60%" in page and "niet gehaald" in page
        assert "Alle modules samen: 3 van de 6 punten (50%), nodig: 50%" in page


def test_after_a_retake_the_end_screen_shows_this_try_and_the_best_apart(web: Any) -> None:
    attempt = _to_test(web)
    web.answer(attempt, "groeten")     # +1
    web.answer(attempt, "app")         # -1: this try 0
    first = web.state(attempt).score
    web.choose(attempt, "retake")
    web.answer(attempt, "bakker")      # 0
    web.answer(attempt, "app")         # -1
    state = web.state(attempt)
    assert state.score < first == state.result("toets").score
    main = _text(_main(web.get(f"/play/{attempt}").text))
    assert f"Deze keer haalde je {state.score} van de 3 punten." in main, main
    assert f"Je beste poging: {first} van de 3 punten. Die telt." in main
    assert f"Je haalde {first} van de 3 punten" not in main
