"""The analytics pages against a known event log: three learners play the fixture course through
the web app (so the events are the real ones), then every page and CSV file is read back.

    L1  the passing path: both places, both notebook choices, 3 of 3 in the test     -> passed
    L2  bread and walk on, then both questions wrong                                 -> failed
    L3  goes to the bakery and stops there                                          -> unfinished
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from conftest import Web
from test_studio import become_author

from elearning.settings import Settings

BASE = "/studio/courses/buurtronde/analytics"
LEARNER = ("lotte@example.org", "Lotte Lerende")
FAILING_PATH = [("choose", "c1"), ("choose", "loc-bakkerij"), ("choose", "c2"), ("choose", "loc-buurthuis"),
                ("choose", "c2"), ("choose", "c1"), ("choose", "next"), ("answer", "bakker"), ("answer", "app")]
STOPPING_PATH = [("choose", "c1"), ("choose", "loc-bakkerij")]


class Tables(HTMLParser):
    """The data tables of a page: caption id -> rows as {column key: cell text}."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, str]]] = {}
        self._keys: list[str] = []
        self._table: list[dict[str, str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "caption" and str(a.get("id", "")).startswith("caption-"):
            self._table = self.tables.setdefault(str(a["id"])[8:], [])
            self._keys = []
        elif tag == "th" and self._table is not None and a.get("data-column"):
            self._keys.append(str(a["data-column"]))
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row:
            self._table.append(dict(zip(self._keys, self._row, strict=True)))
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(html: str, key: str, *by: str) -> dict[tuple[str, ...], dict[str, str]]:
    """The rows of one table, keyed by the values of the columns `by`."""
    return {tuple(r[k] for k in by): r for r in Tables(html).tables[key]}


def pick(row: dict[str, str], *keys: str) -> list[str]:
    return [row[k] for k in keys]


def play(web: Web, path: list[tuple[str, str]]) -> None:
    attempt = web.start()
    for kind, value in path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303, response.text


@pytest.fixture
def played(web: Web, settings: Settings, passing_path: list[tuple[str, str]]) -> Web:
    web.register(email=LEARNER[0], name=LEARNER[1])
    play(web, passing_path)
    web.logout()
    for path in (FAILING_PATH, STOPPING_PATH):
        web.client.cookies.clear()  # a new guest each time
        play(web, path)
    web.client.cookies.clear()
    become_author(web, settings)
    return web


def test_every_section_against_the_known_log(played: Web) -> None:
    page = played.get(BASE).text
    assert "<h1>Analyse: Overzicht</h1>" in page
    overview = table(page, "overview", "measure")
    assert pick(overview["starts",], "attempts", "share_of_starts") == ["3", "100%"]
    assert pick(overview["completions",], "attempts", "share_of_starts", "share_of_completions") == ["2", "67%", "100%"]
    assert pick(overview["passes",], "attempts", "share_of_starts", "share_of_completions") == ["1", "33%", "50%"]
    assert list(table(page, "duration", "statistic")) == [("minimum",), ("q1",), ("median",), ("q3",), ("maximum",)]
    assert page.count('class="chart"') == 2  # the overview and the histogram
    assert re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="chart-overview-1-title chart-overview-1-desc"', page)

    funnel = table(played.get(f"{BASE}/funnel").text, "funnel", "scene_id")
    assert pick(funnel["intro",], "attempts", "share_of_starts", "stopped_here") == ["3", "100%", "0"]
    assert pick(funnel["bakkerij",], "attempts", "share_of_starts", "stopped_here") == ["3", "100%", "1"]
    assert pick(funnel["buurthuis",], "attempts", "share_of_starts", "stopped_here") == ["2", "67%", "0"]
    assert pick(funnel["toets-einde",], "attempts", "share_of_starts", "stopped_here") == ["2", "67%", "0"]

    taken = table(played.get(f"{BASE}/choices").text, "choices", "scene_id", "choice_id")
    assert pick(taken["plein", "loc-bakkerij"], "times", "share") == ["3", "43%"]
    assert pick(taken["plein", "loc-buurthuis"], "times", "share") == ["2", "29%"]
    assert pick(taken["plein", "c1"], "times", "share") == ["2", "29%"]
    assert pick(taken["bakkerij", "c1"], "times", "share") == ["1", "50%"]
    assert pick(taken["bakkerij", "c2"], "times", "share") == ["1", "50%"]

    page = played.get(f"{BASE}/questions").text
    questions = table(page, "questions", "scene_id")
    for scene in ("vraag-1", "vraag-2"):
        assert pick(questions[scene,], "attempts", "correct", "share_correct", "discrimination") == ["2", "1", "50%", "1,00"]
    answers = table(page, "answers", "scene_id", "answer_id")
    assert pick(answers["vraag-1", "groeten"], "correct", "times", "share") == ["ja", "1", "50%"]
    assert pick(answers["vraag-2", "app"], "correct", "times", "share") == ["nee", "1", "50%"]

    entries = table(played.get(f"{BASE}/notebook").text, "entries", "entry_id")
    for entry in ("sig-groeten", "verb-bakker", "sig-app"):
        assert pick(entries[entry,], "eligible", "collected", "missed", "share_missed") == ["2", "1", "1", "50%"]


def test_the_period_and_version_choose_the_attempts_and_a_bad_filter_is_explained(played: Web) -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = table(played.get(f"{BASE}?from={tomorrow}").text, "overview", "measure")
    assert later["starts",]["attempts"] == "0"
    today = table(played.get(f"{BASE}?from={(date.today() - timedelta(days=1)).isoformat()}&to={tomorrow}").text,
                  "overview", "measure")
    assert today["starts",]["attempts"] == "3"

    page = played.get(BASE).text
    version = re.search(r'<option value="([0-9a-f]{16,})"', page)
    assert version and "(3 pogingen)" in page and "de huidige" in page
    chosen = played.get(f"{BASE}/funnel?version={version.group(1)}").text
    assert table(chosen, "funnel", "scene_id")["intro",]["attempts"] == "3"
    assert f'href="{BASE}/choices?version={version.group(1)}"' in chosen  # the filter goes along

    # a bad filter is explained
    response = played.get(f"{BASE}?from=1-2-2025&to=2025-01-01&version=abc")
    assert response.status_code == 400
    assert "Vul een datum in als jjjj-mm-dd" in response.text and "Kies een versie uit de lijst." in response.text
    assert 'href="#field-from"' in response.text and 'aria-invalid="true"' in response.text
    response = played.get(f"{BASE}?from=2025-02-01&to=2025-01-01")
    assert response.status_code == 400 and "De einddatum ligt voor de begindatum." in response.text
    assert played.get("/studio/courses/buurtronde/export/funnel.csv?from=nope").status_code == 400


def test_every_table_downloads_as_csv_without_personal_data(played: Web) -> None:
    expected = {"overview": 3, "duration": 5, "funnel": 8, "choices": 7, "questions": 2, "answers": 5, "entries": 3}
    for key, count in expected.items():
        response = played.get(f"/studio/courses/buurtronde/export/{key}.csv")
        assert response.status_code == 200, key
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"] == f'attachment; filename="buurtronde-{key}.csv"'
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(table) == count + 1, (key, table)
    funnel = list(csv.DictReader(io.StringIO(
        played.get("/studio/courses/buurtronde/export/funnel.csv").content.decode("utf-8-sig"))))
    bakery = next(r for r in funnel if r["scene_id"] == "bakkerij")
    assert (bakery["attempts"], bakery["share_of_starts"], bakery["stopped_here"]) == ("3", "1.0", "1")
    later = played.get(f"/studio/courses/buurtronde/export/overview.csv?from={date.today() + timedelta(days=2)}")
    assert "starts,Gestart,0," in later.content.decode("utf-8-sig")

    # no personal data anywhere: counts and distributions only
    pages: list[Any] = [played.get(BASE + suffix).text for suffix in ("", "/funnel", "/choices", "/questions", "/notebook")]
    pages += [played.get(f"/studio/courses/buurtronde/export/{key}.csv").content.decode("utf-8-sig")
              for key in ("overview", "duration", "histogram", "funnel", "choices", "questions", "answers", "entries")]
    pages.append(played.get("/studio/courses/buurtronde/map/ronde").text)
    for text in pages:
        for secret in (*LEARNER, "lotte"):
            assert secret not in text
