"""Server-side sessions: logout, password change and reset, idle time, lifetime and "sign out
everywhere else" end a session for every copy of its cookie, on every signed-in page."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.storage import sessions
from elearning.storage.attempts import now
from elearning.storage.models import User, UserSession
from elearning.web.app import create_app
from elearning.web.session import device

PASSWORD = "een goed wachtwoord"
LIMITS = sessions.Lifetimes(idle=timedelta(hours=2), lifetime=timedelta(days=14))
_PDF_LINK = re.compile(r'href="/certificates/(\d+)\.pdf"')


def _signed_in_pages(web: Any, passing_path: list[tuple[str, str]]) -> list[str]:
    attempt = web.start()
    for kind, value in passing_path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303
    pdf = _PDF_LINK.search(web.get("/certificates").text)
    assert pdf, "no certificate to download"
    return ["/account", "/certificates", f"/certificates/{pdf.group(1)}.pdf", f"/play/{attempt}",
            f"/play/{attempt}/notebook", f"/play/{attempt}/result"]


def _all_refused(settings: Settings, cookie: str, pages: list[str]) -> None:
    with TestClient(create_app(settings)) as other:
        for path in pages:
            other.cookies.set("elearning_session", cookie)
            response = other.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/account/login"), path


def test_logging_out_ends_the_session_for_a_copied_cookie(web: Any, settings: Settings,
                                                          passing_path: list[tuple[str, str]]) -> None:
    web.register()
    pages = _signed_in_pages(web, passing_path)
    copied = web.client.cookies.get("elearning_session")
    with TestClient(create_app(settings)) as other:  # the copy works while the session lasts
        other.cookies.set("elearning_session", copied)
        assert other.get("/account", follow_redirects=False).status_code == 200
    web.logout()
    _all_refused(settings, copied, pages)


def test_a_password_reset_ends_every_session(web: Any, settings: Settings, web_for: Any,
                                             passing_path: list[tuple[str, str]]) -> None:
    web.register()
    pages = _signed_in_pages(web, passing_path)
    first = web.client.cookies.get("elearning_session")
    with TestClient(create_app(settings)) as phone:
        other = web_for(phone)
        assert "Uitloggen" in other.login().text
        second = phone.cookies.get("elearning_session")
        other.post("/account/password/forgot", {"email": "sanne@example.org"}, token_from="/account/password/forgot")
    mail = message_from_bytes(sorted(settings.outbox_dir.glob("*.eml"))[-1].read_bytes())
    body = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    token = re.search(r"/account/password/reset/([\w-]+)", body)
    assert token
    with TestClient(create_app(settings)) as third:
        fresh = web_for(third)
        assert fresh.post(f"/account/password/reset/{token.group(1)}", {"password": "mijn nieuwe wachtwoord"},
                          token_from="/account/login").status_code == 200
    _all_refused(settings, first, pages)
    _all_refused(settings, second, pages)


def test_a_password_change_ends_the_other_sessions_and_renews_this_one(web: Any, settings: Settings,
                                                                       web_for: Any) -> None:
    web.register()
    before = web.client.cookies.get("elearning_session")
    with TestClient(create_app(settings)) as phone:
        other = web_for(phone)
        other.login()
        elsewhere = phone.cookies.get("elearning_session")
    changed = web.post("/account/password", {"old_password": PASSWORD, "new_password": "nog een wachtwoord"},
                       token_from="/account")
    assert changed.status_code == 200 and "Uitloggen" in web.get("/account").text  # this browser goes on
    _all_refused(settings, elsewhere, ["/account"])
    _all_refused(settings, before, ["/account"])  # a copy of this browser's old cookie is out too


def test_the_account_page_lists_sessions_and_signs_out_everywhere_else(web: Any, settings: Settings,
                                                                       web_for: Any) -> None:
    web.register()
    with TestClient(create_app(settings)) as phone:
        other = web_for(phone)
        phone.headers["user-agent"] = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile"
        other.login()
        elsewhere = phone.cookies.get("elearning_session")
    page = web.get("/account").text
    assert "Waar je bent ingelogd" in page and "Chrome, Android" in page and "(deze browser)" in page
    done = web.post("/account/sessions/end", {}, token_from="/account")
    assert done.status_code == 200 and "Je bent nu overal uitgelogd, behalve in deze browser." in done.text
    assert "Chrome, Android" not in done.text and "Overal anders uitloggen" not in done.text
    _all_refused(settings, elsewhere, ["/account"])
    assert "Uitloggen" in web.get("/account").text


def test_a_cookie_from_before_server_side_sessions_is_signed_out(web: Any, settings: Settings) -> None:
    """An old cookie held uid and an epoch, no session key: it must not count."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    web.register()
    payload = base64.b64encode(json.dumps({"uid": 1, "name": "Sanne de Vries", "role": "learner", "ep": 0}).encode())
    forged_old = TimestampSigner(settings.secret_key).sign(payload).decode()
    _all_refused(settings, forged_old, ["/account", "/certificates"])


async def test_idle_time_and_lifetime_end_a_session(orm: Any) -> None:
    async with orm:
        user = await User.create(email="a@example.org", name="A", password_hash="x")
        idle_key = await sessions.start(user, "Firefox, Linux")
        old_key = await sessions.start(user, "")
        fresh_key = await sessions.start(user, "")
        at = now()
        await UserSession.filter(key_hash=sessions._hash(idle_key)).update(last_seen_at=at - timedelta(hours=3))
        await UserSession.filter(key_hash=sessions._hash(old_key)).update(created_at=at - timedelta(days=15))
        assert await sessions.resume(idle_key, LIMITS) is None
        assert await sessions.resume(old_key, LIMITS) is None
        assert (await sessions.resume(fresh_key, LIMITS)).id == user.id  # type: ignore[union-attr]
        assert [s.current for s in await sessions.active(user.id, fresh_key, LIMITS)] == [True]
        # Ended sessions are kept for a while (the owner's list, an audit), then pruned.
        assert await sessions.prune(timedelta(days=30)) == 0
        await UserSession.all().update(ended_at=at - timedelta(days=31))
        assert await sessions.prune(timedelta(days=30)) == 3


@pytest.mark.parametrize(("agent", "shown"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox, Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1",
     "Safari, iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0", "Edge, Windows"),
    ("<script>alert(1)</script>", ""), ("", ""),
])
def test_a_session_remembers_only_browser_and_system(agent: str, shown: str) -> None:
    assert device(agent) == shown
