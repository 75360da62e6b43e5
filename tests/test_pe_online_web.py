"""PE-online in the app: the worker inside the server pushes what learners earn, the learner sees
whether their points were registered, and the administrator sees rejections and sends them again.

Four people pass the fixture course: one with a registration number, one without, a guest,
and one whose number the (fake) register does not know. Only the first reaches PE-online;
the last is rejected, shown to the learner with what to do, and sent again by the administrator.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import set_role
from pe_online_fake import (  # noqa: F401 - fixtures
    KEY,
    ORGANISATION,
    USER_ID,
    FakePeOnline,
    fake_fixture,
    pe_service_fixture,
)
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.storage.models import Role
from elearning.web.app import create_app

UNKNOWN = "4610000099"


pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("accredited")]  # waits for the worker in the app, which pushes every second


@pytest.fixture
def settings(settings: Settings, fake: FakePeOnline) -> Settings:
    """PE-online on, pointing at the fake, pushing every second."""
    return dataclasses.replace(
        settings, certificate_rendering="thread", pe_online_enabled=True, pe_online_url=fake.url,
        pe_online_user_id=USER_ID, pe_online_key=KEY, pe_online_organisation_id=ORGANISATION,
        pe_online_timeout=2, pe_online_interval=1)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


def _pass(web: Any, passing_path: list[tuple[str, str]]) -> None:
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303


def _until(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the worker in the server did not get there in time"
        time.sleep(0.2)


def test_the_server_pushes_and_learners_and_administrators_see_the_outcome(
        web: Any, passing_path: list[tuple[str, str]], fake: FakePeOnline, database_url: str) -> None:
    fake.reject[UNKNOWN] = ("ERROR1011", "Persoon niet gevonden")
    people = [("met@example.org", "Met Nummer", "4610 123 456"), ("zonder@example.org", "Zonder Nummer", ""),
              ("onbekend@example.org", "Onbekend Nummer", UNKNOWN)]
    for email, name, number in people:
        web.client.cookies.clear()
        web.register(email=email, name=name, number=number)
        _pass(web, passing_path)
    web.client.cookies.clear()
    _pass(web, passing_path)  # a guest: no certificate, nothing to send
    web.client.cookies.clear()  # (logging in from the guest's browser would adopt the attempt)

    web.login("met@example.org")
    first = web.get("/certificates").text  # on its way, or registered already (the worker runs every second)
    assert "Je PE-punten worden doorgegeven aan PE-online." in first or "zijn geregistreerd in PE-online" in first
    _until(lambda: "Je PE-punten zijn geregistreerd in PE-online op" in web.get("/certificates").text)
    web.logout()
    web.login("onbekend@example.org")
    _until(lambda: "PE-online heeft je PE-punten afgewezen: ERROR1011 Persoon niet gevonden." in web.get(
        "/certificates").text)
    page = web.get("/certificates").text
    assert "Controleer je registratienummer in Mijn account." in page
    assert [person for _course, person, _day in fake.registered] == ["4610123456"]  # not the others

    # A learner may not send a registration again; an administrator may, with a CSRF token.
    response = web.post("/admin/certificates/pe-online/2/retry", token_from="/certificates", follow=False)
    assert response.status_code == 403
    web.logout()
    set_role(database_url, "met@example.org", Role.ADMIN)
    web.login("met@example.org")
    page = web.get("/admin/certificates/pe-online?status=rejected").text
    assert "Reden van PE-online: ERROR1011 Persoon niet gevonden" in page and UNKNOWN in page
    assert "Met Nummer" not in page  # the filter shows the rejected rows only
    row = re.search(r'action="/admin/certificates/pe-online/(\d+)/retry"', page).group(1)  # type: ignore[union-attr]
    certificate = re.search(r'href="/admin/certificates/(\d+)"', page).group(1)  # type: ignore[union-attr]
    detail = web.get(f"/admin/certificates/{certificate}").text
    assert '<dd><a href="/admin/certificates/pe-online?status=rejected">afgewezen</a>: ERROR1011' in detail
    assert web.client.post(f"/admin/certificates/pe-online/{row}/retry").status_code == 403  # no CSRF token
    del fake.reject[UNKNOWN]
    done = web.post(f"/admin/certificates/pe-online/{row}/retry", token_from="/admin/certificates/pe-online")
    assert "De registratie gaat mee met de volgende verzending naar PE-online." in done.text
    _until(lambda: sum(fake.registered.values()) == 2)
    _until(lambda: "afgewezen (0)" in web.get("/admin/certificates/pe-online").text)
    page = web.get("/admin/certificates/pe-online?status=accepted").text
    assert page.count("Geregistreerd op") == 2
    assert web.post(f"/admin/certificates/pe-online/{row}/retry", token_from="/admin/certificates/pe-online",
                    follow=False).status_code == 409  # accepted: nothing to send again
    assert set(fake.registered.values()) == {1}
