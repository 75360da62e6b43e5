"""Security of the web app: CSRF everywhere, headers, cookies, authorization, errors, escaping."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.web.app import create_app
from elearning.web.security import CSP
from elearning.web.views._base import safe_next


def _post_routes(app) -> list[str]:
    paths = []
    for route in app.routes:
        if isinstance(route, Route) and route.methods and "POST" in route.methods:
            path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: "1" if m.group(2) == ":int" else "x", route.path)
            paths.append(path)
    return paths


def test_every_post_route_refuses_a_request_without_a_valid_csrf_token(client: TestClient) -> None:
    paths = _post_routes(client.app)
    assert len(paths) >= 9
    client.get("/account/login")  # a session with a token exists, but the form does not carry it
    for path in paths:
        for data in ({}, {"csrf": "wrong"}):
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, path
            assert "Dit formulier is verlopen" in response.text, path
    client.cookies.clear()  # another browser, without a session
    assert client.post("/account/logout", data={"csrf": "x"}).status_code == 403


def test_the_csrf_token_also_works_as_a_header(web) -> None:
    token = web.csrf()
    response = web.client.post("/account/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert response.status_code == 303


def test_a_huge_form_is_refused(web) -> None:
    token = web.csrf()
    response = web.client.post("/account/login", data={"csrf": token, "email": "x" * 100_000})
    assert response.status_code == 413


def test_security_headers_on_pages_errors_and_static_files(client: TestClient) -> None:
    for path in ["/", "/account/login", "/does-not-exist", "/static/style.css"]:
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in response.headers
        expected = "public, max-age=31536000, immutable" if path.startswith("/static/") else "no-store"
        assert response.headers["cache-control"] == expected, path


def test_no_inline_script_or_style_in_pages(web, passing_path) -> None:
    attempt = web.start()
    pages = ["/", "/courses/buurtronde", f"/play/{attempt}", "/account/login", "/account/register"]
    for path in pages:
        html = web.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_the_session_cookie_is_httponly_and_samesite(web) -> None:
    response = web.register()
    cookie = [c for c in response.history[0].headers.get_list("set-cookie") if c.startswith("elearning_session=")][0]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()


def test_behind_https_cookies_are_secure_and_hsts_is_sent(settings: Settings) -> None:
    secure = Settings.load({}, **{**settings.__dict__, "base_url": "https://cursus.example.org", "https": True})
    with TestClient(create_app(secure), base_url="https://cursus.example.org") as client:
        page = client.get("/account/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        cookie = page.headers["set-cookie"]
        assert "secure" in cookie.lower() and "httponly" in cookie.lower()


def test_a_learner_cannot_see_or_change_another_learners_attempt(web) -> None:
    client = web.client
    web.register("alice@example.org", "Alice")
    attempt = web.start()
    step = web.step(attempt)
    web.logout()

    web.register("bob@example.org", "Bob")
    for path in [f"/play/{attempt}", f"/play/{attempt}/notebook", f"/play/{attempt}/result",
                 f"/play/{attempt}/places/bakkerij"]:
        assert client.get(path).status_code == 404, path
    token = web.csrf("/")
    response = client.post(f"/play/{attempt}", data={"csrf": token, "step": step, "choice": "c1"},
                           follow_redirects=False)
    assert response.status_code == 404
    web.logout()

    # Not logged in: asked to log in, never shown whether the attempt exists.
    response = client.get(f"/play/{attempt}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")
    response = client.get("/play/999999", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")

    web.login("alice@example.org")
    assert web.step(attempt) == step  # nothing changed


def test_a_guest_cannot_play_another_guests_attempt(web) -> None:
    attempt = web.start()
    web.client.cookies.clear()
    web.start()  # a guest session of its own
    assert web.client.get(f"/play/{attempt}", follow_redirects=False).status_code == 303


def test_error_pages_are_friendly(client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert "Pagina niet gevonden" in missing.text and '<html lang="nl">' in missing.text
    assert "Naar de cursussen" in missing.text
    not_allowed = client.delete("/")
    assert not_allowed.status_code in (403, 405)  # DELETE is unsafe: CSRF first


def test_a_crash_shows_the_500_page_without_a_traceback(settings: Settings, caplog) -> None:
    app = create_app(settings)

    async def boom(request):
        raise RuntimeError("secret internals")

    app.router.routes.append(Route("/boom", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
        assert response.status_code == 500
        assert "Er ging bij ons iets mis" in response.text
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert response.headers["content-security-policy"] == CSP
    assert any("Unhandled error on GET /boom" in r.getMessage() for r in caplog.records)


def test_debug_shows_the_traceback(settings: Settings) -> None:
    debug = Settings.load({}, **{**settings.__dict__, "debug": True})
    app = create_app(debug)

    async def boom(request):
        raise RuntimeError("visible in debug")

    app.router.routes.append(Route("/boom", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert "visible in debug" in client.get("/boom").text


@pytest.mark.parametrize("value, expected", [
    ("/courses/x", "/courses/x"),
    ("/play/1?notice=stale", "/play/1?notice=stale"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    (None, "/"),
    ("/ok\r\nSet-Cookie: x", "/"),
])
def test_next_is_always_a_local_path(value, expected) -> None:
    assert safe_next(value) == expected


def test_login_next_cannot_send_you_elsewhere(web) -> None:
    web.register()
    web.logout()
    token = web.csrf("/account/login")
    response = web.client.post("/account/login", data={
        "csrf": token, "email": "sanne@example.org", "password": "een goed wachtwoord",
        "next": "https://evil.example/",
    }, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_media_files_stay_inside_the_course_media_folder(client: TestClient) -> None:
    ok = client.get("/media/buurtronde/media/kaart.svg")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in ok.headers["content-security-policy"]
    for path in ["/media/buurtronde/course.yaml", "/media/buurtronde/media/../course.yaml",
                 "/media/buurtronde/media/%2e%2e/course.yaml", "/media/buurtronde/modules/ronde.yaml",
                 "/media/other/media/kaart.svg", "/media/buurtronde/media/nope.svg"]:
        assert client.get(path).status_code == 404, path


def test_user_text_is_escaped(web) -> None:
    web.register(name='<script>alert("x")</script> & Co')
    page = web.get("/account").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page


def test_a_pdf_handout_in_the_media_folder_downloads_and_course_text_links_to_it(client: TestClient,
                                                                                courses_dir) -> None:
    from elearning.web.markdown import render, render_inline

    pdf = Path(__file__).parent.parent / "courses" / "polarisatie" / "media" / "werkkaart.pdf"
    shutil.copy(pdf, courses_dir / "buurtronde" / "media" / "werkkaart.pdf")
    response = client.get("/media/buurtronde/media/werkkaart.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="werkkaart.pdf"'
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.content == pdf.read_bytes()

    html = render("Neem de [werkkaart](media/werkkaart.pdf) mee. Zie [KIS](https://www.kis.nl).", "buurtronde")
    assert '<a href="/media/buurtronde/media/werkkaart.pdf">werkkaart</a>' in html
    assert '<a href="https://www.kis.nl">KIS</a>' in html
    assert render_inline("[kaart](media/x.pdf)") == '<a href="media/x.pdf">kaart</a>'  # no course: left as written
    assert client.get("/media/buurtronde/media/nope.pdf").status_code == 404
