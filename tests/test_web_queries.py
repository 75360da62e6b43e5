"""Views run a small, fixed number of SQL statements per request, however much a learner did."""

from __future__ import annotations

import re

import pytest


def _count(count_queries, call) -> list[str]:
    with count_queries() as counter:
        response = call()
    assert response.status_code in (200, 303), response.text[:300]
    return counter.queries


@pytest.mark.parametrize("progress", [1, 6])
def test_queries_per_page_are_bounded(web, count_queries, passing_path, progress) -> None:
    attempt = web.start()
    for kind, value in passing_path[:progress]:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    client = web.client
    budgets = {
        f"/play/{attempt}": 1,
        f"/play/{attempt}/notebook": 1,
        f"/play/{attempt}/places/bakkerij": 1,
        f"/play/{attempt}/result": 2,
        "/courses/buurtronde": 2,  # the attempt, and the accreditation that gives the points
        "/": 1,
    }
    for path, budget in budgets.items():
        queries = _count(count_queries, lambda p=path: client.get(p))
        assert len(queries) <= budget, (path, queries)


def test_a_choice_is_one_read_and_one_transaction(web, count_queries) -> None:
    attempt = web.start()
    page = web.client.get(f"/play/{attempt}").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    step = re.search(r'name="step" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    queries = _count(count_queries, lambda: web.client.post(
        f"/play/{attempt}", data={"csrf": token, "step": step, "choice": "c1"}, follow_redirects=False))
    kinds = [q.split()[0].upper() for q in queries]
    assert kinds == ["SELECT", "UPDATE", "INSERT"], queries
    # A replayed POST reads and stops.
    queries = _count(count_queries, lambda: web.client.post(
        f"/play/{attempt}", data={"csrf": token, "step": step, "choice": "c1"}, follow_redirects=False))
    assert [q.split()[0].upper() for q in queries] == ["SELECT"]


def test_the_snapshot_is_stored_once_per_process(web, count_queries) -> None:
    web.start()
    web.client.cookies.clear()
    queries = _count(count_queries, lambda: web.client.post(
        "/courses/buurtronde/start", data={"csrf": web.csrf("/courses/buurtronde")}, follow_redirects=False))
    assert not any("course_snapshot" in q for q in queries), queries
    limits = [q for q in queries if "throttle_hit" in q]
    assert len(limits) == 4, queries  # the two limits on new attempts: count and note, per owner and per address
    # the form's page (the accreditation it shows), latest attempt, insert attempt, insert events
    assert len(queries) - len(limits) <= 4
