"""Attackers: CSRF on every state-changing route, other learners' objects by id, XSS, open redirects,
session fixation, rate limits, security headers on every response, and the security linter.

Routes are enumerated from the app's route table, so a route added later is covered without
editing this file: a new unsafe route must refuse a forged form, a new route with an object id
must refuse another learner, every new page must carry the headers. A route parameter this
file has no example value for fails the test and asks for one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import set_role, take_confirmation_link
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.storage.models import Role
from elearning.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_PDF_LINK = re.compile(r'href="/certificates/(\d+)\.pdf"')
_CODE = re.compile(r'href="/verify/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"')
ALICE = "Alice Aardema"


def _play(web: Any, attempt: int, path: list[tuple[str, str]]) -> None:
    for kind, value in path:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303, (kind, value, response.text[:300])


@dataclass
class Objects:
    """Alice's things, and example values for every route parameter."""

    values: dict[str, str]
    attempt: int
    certificate: int


@pytest.fixture
def alice(web: Any, passing_path: list[tuple[str, str]]) -> Objects:
    """Alice passed the course (so she has a certificate) and started again; then she logs out."""
    web.register("alice@example.org", ALICE)
    attempt = web.start()
    _play(web, attempt, passing_path)
    certificates = web.get("/certificates").text
    pdf = _PDF_LINK.search(certificates)
    code = _CODE.search(certificates)
    # Without her certificate the routes below would be probed with made-up ids and pass vacuously.
    assert pdf is not None and code is not None, f"no certificate after a pass:\n{certificates[:2000]}"
    web.logout()
    values = {
        "attempt_id": str(attempt), "certificate_id": pdf.group(1),
        "code": code.group(1), "course_id": "buurtronde", "module_id": "ronde",
        "location_id": "bakkerij", "lang": "en", "path": "media/kaart.svg", "token": "t" * 43,
        "folder": "buurtronde", "section": "overview", "table": "funnel", "registration_id": "1",
        "scene_id": "intro", "answer_id": "1",
    }
    return Objects(values, attempt, int(pdf.group(1)))


def _concrete(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"route {path}: no example value for {{{name}}}; add one to this test"
        return values[name]

    return _PARAM.sub(value, path)


def _routes(app: Any) -> list[Route]:
    return [r for r in app.routes if isinstance(r, Route)]


# -- CSRF ------------------------------------------------------------------------------------------
def test_every_state_changing_route_refuses_a_forged_request(web: Any, alice: Objects, web_for: Any,
                                                             settings: Settings) -> None:
    routes = [(r, sorted(r.methods & UNSAFE)) for r in _routes(web.client.app) if r.methods and r.methods & UNSAFE]
    assert len(routes) >= 12
    web.register("mallory@example.org", "Mallory")
    # A token from another browser's session is as good as none.
    with TestClient(create_app(settings)) as other_client:
        foreign = web_for(other_client).csrf()
    for route, methods in routes:
        path = _concrete(route.path, alice.values)
        for method in methods:
            for data, headers in [({}, {}), ({"csrf": "forged"}, {}), ({"csrf": foreign}, {}),
                                  ({}, {"x-csrf-token": foreign}), ({"csrf": ""}, {"x-csrf-token": ""})]:
                response = web.client.request(method, path, data=data, headers=headers, follow_redirects=False)
                assert response.status_code == 403, (method, route.path, data, headers)
                assert "Dit formulier is verlopen of kwam niet van deze site" in response.text


def test_no_route_accepts_unsafe_methods_outside_the_route_table(web: Any) -> None:
    """Mounted apps (static files) answer only GET and HEAD; CSRF stops other methods first anyway."""
    token = web.csrf()
    mounts = [r for r in web.client.app.routes if isinstance(r, Mount)]
    assert mounts
    for mount in mounts:
        response = web.client.post(f"{mount.path}/style.css", headers={"x-csrf-token": token})
        assert response.status_code == 405


# -- other learners' objects -------------------------------------------------------------------------
def test_another_learner_gets_nothing_of_alices_by_id(web: Any, alice: Objects) -> None:
    web.register("bob@example.org", "Bob de Bouwer")
    token = web.csrf()
    own = [r for r in _routes(web.client.app)
           if {"attempt_id", "certificate_id"} & set(_PARAM.findall(r.path))]
    assert len(own) >= 6
    for route in own:
        path = _concrete(route.path, alice.values)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            data = {"csrf": token, "step": "1", "choice": "c1", "name": "Bob"} if method in UNSAFE else None
            response = web.client.request(method, path, data=data, follow_redirects=False)
            assert response.status_code in (403, 404), (method, route.path, response.status_code)
            assert ALICE not in response.text and "Alice" not in response.text, (method, route.path)
    assert "Alice" not in web.get("/certificates").text and "Alice" not in web.get("/").text


def test_learners_cannot_open_author_or_admin_pages(web: Any, alice: Objects) -> None:
    web.register("bob@example.org", "Bob de Bouwer")
    private = [r for r in _routes(web.client.app) if r.path.startswith(("/admin", "/studio", "/review"))]
    assert private
    token = web.csrf()
    for route in private:
        for method in sorted((route.methods or set()) - {"HEAD"}):
            data = {"csrf": token, "reason": "weg ermee"} if method in UNSAFE else None
            response = web.client.request(method, _concrete(route.path, alice.values), data=data,
                                          follow_redirects=False)
            assert response.status_code in (403, 404), (method, route.path, response.status_code)
            assert "Alice" not in response.text


def test_a_visitor_is_asked_to_log_in_and_told_nothing(web: Any, alice: Objects) -> None:
    for path in [f"/play/{alice.attempt}", f"/play/{alice.attempt}/notebook", f"/certificates/{alice.certificate}.pdf",
                 "/certificates", "/account", "/play/999999"]:
        response = web.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=/")
        assert "Alice" not in response.text


# -- XSS -----------------------------------------------------------------------------------------------
SCRIPT = '<script>alert("x")</script>'
HOSTILE_TEXT = {
    "title: Welkom in De Horst": f"title: 'Welkom {SCRIPT}'",
    "label: Begin de ronde": "label: 'Begin <img src=x onerror=alert(1)>'",
    "een ronde om de buurt te leren kennen.": (
        "een ronde om de buurt te leren kennen.\n      <script>alert(2)</script> [klik](javascript:alert(3))"
        " <a href=\"javascript:alert(4)\">x</a> ![x](javascript:alert(5))"
    ),
    "label: De bakkerij": "label: '\"><svg onload=alert(6)>'",
}


def _no_markup_from_input(html: str) -> None:
    assert "<script>alert" not in html and "<svg onload" not in html and "<img src=x" not in html
    for tag in re.findall(r"<[a-zA-Z][^>]*>", html):
        names = re.sub(r'"[^"]*"', '""', tag)  # attribute names only: values are escaped text
        assert not re.search(r"\son[a-z]+\s*=", names), tag  # no event handler in any tag
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)


def test_course_text_cannot_inject_markup(settings: Settings, courses_dir: Path, web_for: Any) -> None:
    module = courses_dir / "buurtronde" / "modules" / "ronde.yaml"
    text = module.read_text(encoding="utf-8")
    for old, new in HOSTILE_TEXT.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    module.write_text(text, encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        web = web_for(client)
        attempt = web.start()
        intro = web.get(f"/play/{attempt}").text
        assert "Welkom &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in intro
        assert "&lt;img src=x onerror=alert(1)&gt;" in intro
        _no_markup_from_input(intro)
        web.choose(attempt, "c1")
        hub = web.get(f"/play/{attempt}").text
        assert "&#34;&gt;&lt;svg onload=alert(6)&gt;" in hub
        _no_markup_from_input(hub)
        _no_markup_from_input(web.get(f"/play/{attempt}/places/bakkerij").text)


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def test_a_learners_name_is_text_everywhere_also_in_the_certificate(web: Any, passing_path: list[tuple[str, str]],
                                                                    tmp_path: Path) -> None:
    name = '<b>Sanne</b> "de" Vries <script>x()</script>'
    web.register("sanne@example.org", name)
    attempt = web.start()
    _play(web, attempt, passing_path)
    for path in ["/account", "/certificates", f"/play/{attempt}/result", "/"]:
        html = web.get(path).text
        assert "<b>Sanne</b>" not in html and "<script>x()" not in html, path
    assert "&lt;b&gt;Sanne&lt;/b&gt; &#34;de&#34; Vries &lt;script&gt;x()&lt;/script&gt;" in web.get("/account").text
    link = _PDF_LINK.search(web.get("/certificates").text)
    assert link, "no certificate after a pass"
    pdf = web.get(f"/certificates/{link.group(1)}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    text = _pdf_text(pdf.content, tmp_path)
    assert '<b>Sanne</b> "de" Vries <script>x()</script>' in text  # printed as typed, not interpreted
    code = _CODE.search(web.get("/certificates").text)
    assert code
    verify = web.get(f"/verify/{code.group(1)}").text
    assert "<b>Sanne</b>" not in verify and "&lt;b&gt;Sanne&lt;/b&gt;" in verify


def test_query_parameters_are_never_reflected_as_markup(web: Any, alice: Objects) -> None:
    web.login("alice@example.org")
    query = {"next": '"><script>alert(1)</script>', "notice": "<script>alert(2)</script>",
             "error": "<img src=x onerror=alert(3)>", "code": "<script>alert(4)</script>",
             "q": "</title><script>alert(5)</script>"}
    for route in _routes(web.client.app):
        if route.methods and "GET" in route.methods:
            path = _concrete(route.path, alice.values)
            response = web.client.get(path, params=query, follow_redirects=False)
            body = response.text
            assert "<script>alert" not in body and "onerror=alert" not in body, route.path
            if response.status_code in (301, 302, 303, 307):
                assert not response.headers["location"].startswith(("//", "http", "javascript")), route.path


# -- redirects and sessions ------------------------------------------------------------------------------
EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
        "/%2F/evil.example", "%2F%2Fevil.example", " //evil.example", "\t//evil.example", "///evil.example",
        "http:evil.example", "/\t/evil.example", "/ok\r\nLocation: https://evil.example"]


def _local(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\")) and "\n" not in location


@pytest.mark.parametrize("target", EVIL)
def test_no_open_redirect_after_login_register_or_language(web: Any, settings: Any, target: str) -> None:
    web.register()
    web.logout()
    for path, data in [("/account/login", {"email": "sanne@example.org", "password": "een goed wachtwoord"}),
                       ("/account/register", {"name": "Piet", "email": "piet@example.org",
                                              "password": "een goed wachtwoord", "registration_number": ""})]:
        page = web.client.get(path, params={"next": target})
        assert page.status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token
        response = web.client.post(path, data={**data, "csrf": token.group(1), "next": target},
                                   follow_redirects=False)
        if path == "/account/register":  # the target travels with the mailed link
            assert response.status_code == 200, response.text[:300]
            response = web.post(take_confirmation_link(settings.outbox_dir, "piet@example.org"), follow=False)
        assert response.status_code == 303, response.text[:300]
        assert _local(response.headers["location"]), (path, target, response.headers["location"])
        web.logout()
    switched = web.client.get("/language/en", params={"next": target}, follow_redirects=False)
    assert switched.status_code == 303 and _local(switched.headers["location"])


def test_login_starts_a_new_session(web: Any, settings: Settings, web_for: Any) -> None:
    """Session fixation: a cookie planted before login is worth nothing after it."""
    web.register()
    web.logout()
    web.client.get("/account/login")
    planted = web.client.cookies.get("elearning_session")
    planted_token = web.csrf()
    assert planted
    response = web.login()
    assert response.history and response.history[0].status_code == 303
    after = web.client.cookies.get("elearning_session")
    assert after and after != planted
    assert web.csrf("/account") != planted_token  # a new CSRF token too
    # The attacker still holds the planted cookie: it is not logged in.
    with TestClient(create_app(settings)) as attacker:
        attacker.cookies.set("elearning_session", planted)
        page = attacker.get("/account", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/account/login")
        # ... and a tampered cookie is just no session.
        attacker.cookies.set("elearning_session", after[:-4] + "AAAA")
        assert attacker.get("/account", follow_redirects=False).status_code == 303


def test_a_password_change_closes_the_play_pages_and_the_pdf_to_an_old_cookie(
        web: Any, settings: Settings, passing_path: list[tuple[str, str]]) -> None:
    """The copied cookie of a signed-out session opens nothing of the learner's: not only /account."""
    web.register()
    attempt = web.start()
    _play(web, attempt, passing_path)
    pdf = _PDF_LINK.search(web.get("/certificates").text)
    assert pdf, "the passed course gave no certificate to download"
    pdf_path = f"/certificates/{pdf.group(1)}.pdf"
    pages = ["/account", f"/play/{attempt}", f"/play/{attempt}/notebook", f"/play/{attempt}/result", pdf_path]
    for path in pages:  # the cookie works before the change
        assert web.get(path, follow_redirects=False).status_code == 200, path
    stolen = web.client.cookies.get("elearning_session")
    step = web.step(attempt)
    token = web.csrf("/account")
    changed = web.client.post("/account/password", data={
        "csrf": token, "old_password": "een goed wachtwoord", "new_password": "een ander goed wachtwoord"})
    assert changed.status_code == 200
    with TestClient(create_app(settings)) as thief:
        thief.cookies.set("elearning_session", stolen)
        for path in pages:
            response = thief.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/account/login"), path
        thief.cookies.set("elearning_session", stolen)
        csrf = re.search(r'name="csrf" value="([^"]+)"', thief.get("/account/login").text)
        assert csrf
        thief.cookies.set("elearning_session", stolen)
        posted = thief.post(f"/play/{attempt}", data={"csrf": csrf.group(1), "step": str(step), "choice": "retake"},
                            follow_redirects=False)
        assert posted.status_code == 303 and posted.headers["location"].startswith("/account/login")
    assert web.step(attempt) == step  # nothing was recorded


# -- rate limits ------------------------------------------------------------------------------------------
def test_login_is_rate_limited_per_account_across_sessions(web: Any) -> None:
    from elearning.storage.accounts import LOGIN_FREE_TRIES

    web.register()
    web.logout()
    for attempt in range(LOGIN_FREE_TRIES):
        web.client.cookies.clear()  # a fresh session each time: the limit is not in the cookie
        wrong = web.login(password=f"fout wachtwoord {attempt}")
        assert wrong.status_code == 400 and "horen niet bij elkaar" in wrong.text
    web.client.cookies.clear()
    blocked = web.login()  # even the right password, for a while
    assert blocked.status_code == 400 and "Te veel mislukte pogingen" in blocked.text
    assert web.client.get("/account", follow_redirects=False).status_code == 303


def test_verification_lookups_are_rate_limited(web: Any) -> None:
    statuses = []
    for i in range(62):
        web.client.cookies.clear()
        statuses.append(web.client.get(f"/verify/ABCD-EFGH-JK{i % 10}M").status_code)
    assert 429 not in statuses[:60]
    limited = web.client.get("/verify/ABCD-EFGH-JKLM")
    assert limited.status_code == 429 and limited.headers["retry-after"].isdigit()
    assert web.client.get("/verify/ABCD-EFGH-JKLM.json").json() == {"status": "rate_limited"}


# -- headers on every response ------------------------------------------------------------------------------
def _assert_headers(response: httpx.Response, what: str) -> None:
    headers = response.headers
    if what.startswith("/media/"):
        assert "sandbox" in headers["content-security-policy"], what
    else:
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, what
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], what
    assert headers["x-content-type-options"] == "nosniff", what
    assert headers["x-frame-options"] == "DENY", what
    assert headers["referrer-policy"] in ("same-origin", "no-referrer"), what
    assert "cache-control" in headers, what


def test_security_headers_on_every_route_for_everyone(web: Any, alice: Objects, database_url: str) -> None:
    who = ["visitor", "learner", "admin"]
    web.register("ad@example.org", "Ad Min")
    set_role(database_url, "ad@example.org", Role.ADMIN)
    web.logout()
    checked = 0
    for role in who:
        if role == "learner":
            web.login("alice@example.org")
        elif role == "admin":
            web.logout()
            web.login("ad@example.org")
        for route in _routes(web.client.app):
            path = _concrete(route.path, alice.values)
            for method in sorted((route.methods or set()) & {"GET", "HEAD"}):
                response = web.client.request(method, path, follow_redirects=False)
                _assert_headers(response, path)
                checked += 1
    for path in ["/static/style.css", "/static/nope.css", "/nowhere", "/play/99999999999"]:
        _assert_headers(web.client.get(path), path)
    _assert_headers(web.client.post("/account/login", data={"x": "y"}), "403")
    _assert_headers(web.client.post("/account/login", data={"csrf": web.csrf(), "e": "x" * 100_000}), "413")
    _assert_headers(web.client.delete("/", headers={"x-csrf-token": web.csrf()}), "405")
    assert checked > 60


def test_https_adds_hsts_and_secure_cookies(settings: Settings) -> None:
    secure = Settings.load({}, **{**settings.__dict__, "base_url": "https://cursus.example.org", "https": True})
    with TestClient(create_app(secure), base_url="https://cursus.example.org") as client:
        for path in ["/", "/account/login", "/nowhere", "/static/style.css"]:
            response = client.get(path)
            assert response.headers["strict-transport-security"].startswith("max-age=31536000"), path
        assert "secure" in client.get("/language/en", follow_redirects=False).headers["set-cookie"].lower()


# -- the security linter ------------------------------------------------------------------------------------
_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)(?P<rest>.*)$")


def _python_files() -> Iterator[Path]:
    for folder in ["elearning", "tests", "bench", "scripts"]:
        yield from (ROOT / folder).rglob("*.py")


def test_every_security_exception_is_justified_in_place() -> None:
    """`# noqa: S...` must say why on the same line, in words: `# noqa: S603 - a fixed program, no shell`."""
    unjustified = []
    for path in _python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _NOQA.search(line)
            if match is None or not any(c.strip().startswith("S") for c in match.group("codes").split(",")):
                continue
            reason = match.group("rest").strip().lstrip("-–—:").strip()
            if len(reason.split()) < 2:
                unjustified.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not unjustified, "a security exception without its reason:\n" + "\n".join(unjustified)


def test_the_security_rules_are_on_and_the_code_passes_them() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    assert "S" in config["select"]
    for pattern, ignored in config.get("per-file-ignores", {}).items():
        if pattern.startswith("elearning"):  # the product itself: every exception is a noqa with a reason
            assert not [code for code in ignored if code.startswith("S")], pattern
    ruff = Path(sys.executable).parent / "ruff"  # the project's own ruff, not whatever is on PATH
    if not ruff.exists():
        ruff = Path(shutil.which("ruff") or "ruff")
    done = subprocess.run([str(ruff), "check", "--select", "S", "--no-cache", "elearning", "tests", "bench"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("host", "key"), [
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("192.0.2.7", "192.0.2.7"),
    ("testclient", "testclient"),
])
def test_rate_limits_count_an_ipv6_client_by_its_64_network(host: str, key: str) -> None:
    from elearning.web.views._base import network_key

    assert network_key(host) == key


def test_rotating_addresses_within_a_64_does_not_escape_the_verify_limit(settings: Settings) -> None:
    app = create_app(settings)
    statuses = []
    for i in range(61):
        with TestClient(app, client=(f"2001:db8:aa:bb::{i + 1:x}", 50000)) as rotating:
            statuses.append(rotating.get("/verify/ABCD-EFGH-JKLM").status_code)
    assert 429 not in statuses[:60] and statuses[60] == 429


# -- limits on creating records ----------------------------------------------------------------------
def test_restarting_over_and_over_is_limited(web: Any) -> None:
    """300 restarts in 1.9 s from one guest filled the tables and skewed the analytics."""
    from elearning.web.views.catalogue import STARTS_PER_OWNER

    attempt = web.start()
    created = {attempt}
    for _ in range(STARTS_PER_OWNER.tries + 3):
        response = web.post("/courses/buurtronde/start", {"after": str(attempt)}, token_from="/account/login")
        if response.status_code == 429:
            break
        attempt = int(response.url.path.rsplit("/", 1)[1])
        created.add(attempt)
    assert response.status_code == 429 and "Je deed dit in korte tijd heel vaak." in response.text
    assert len(created) == STARTS_PER_OWNER.tries
    resumed = web.post("/courses/buurtronde/start", {}, token_from="/account/login")
    assert resumed.status_code == 200 and resumed.url.path == f"/play/{attempt}"  # resuming is never limited
