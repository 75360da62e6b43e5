"""Every page state a learner meets, in Chromium at a phone's and a laptop's width, in Dutch and English.

One walk through the fixture course (as a guest, registering midway, failing the test once,
passing, adding a registration number, having the certificate made again, the account pages,
verifying, the error pages) visits each state the accessibility test visits plus the new ones.
At each state it fails on:
- the page scrolling sideways;
- a button, button-styled link, menu link or map marker smaller than 24x24 CSS px (WCAG 2.5.8;
  links inside running text are exempt, so they are not measured);
- after a step (a choice or an answer), focus left on <body> (autofocus moves it without JavaScript);
- at 1280 px, a header of another height than on the other pages;
- any axe violation of the WCAG 2.0/2.1/2.2 A and AA rules.
Interface buttons are found by their forms, not their words, so the same walk runs in both languages.

With SCREENSHOTS_DIR set (scripts/screenshots does that), each state is also saved as a full-page
PNG under SCREENSHOTS_DIR/<lang>-<width>/, and SCREENSHOTS_DIR/index.html shows them side by side.
"""

from __future__ import annotations

import html
import os
import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import take_confirmation_link
from playwright.sync_api import expect
from test_a11y import _show_500

from elearning.testing import take_link

pytestmark = pytest.mark.browser

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
PASSWORD = "een goed wachtwoord"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

# What is measured for the target size: controls, not links in running text.
_SMALL_TARGETS = """() => {
  const out = [];
  const sel = 'button, .button, input[type=submit], .marker, .site-nav a, .play-nav a, .brand, .card h2 a';
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.visually-hidden') || el.classList.contains('skip-link')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || !el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 23.5 || r.height < 23.5) out.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return out;
}"""
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")  # a gallery for people to look at, not a check
_FOCUS = """() => { const a = document.activeElement;
  return !a || a === document.body ? 'body' : `${a.tagName.toLowerCase()}#${a.id}.${a.className}`; }"""


class Walk:
    def __init__(self, page: Any, label: str) -> None:
        self.page = page
        self.label = label
        self.axe = Axe()
        self.problems: list[str] = []
        self.states: list[str] = []
        self.header_heights: dict[float, str] = {}

    def check(self, name: str, *, step: bool = False) -> None:
        page = self.page
        page.wait_for_load_state()
        self.states.append(name)
        where = f"[{self.label}] {name} ({page.url})"
        self.header_heights.setdefault(page.evaluate("() => document.querySelector('.site-header').offsetHeight"), name)
        overflow = page.evaluate(_OVERFLOW)
        if overflow > 0:
            self.problems.append(f"{where}: scrolls sideways by {overflow}px")
        small = page.evaluate(_SMALL_TARGETS)
        if small:
            self.problems.append(f"{where}: targets under 24x24: {small}")
        if step and page.evaluate(_FOCUS) == "body":
            self.problems.append(f"{where}: focus is on <body> after the step")
        results = self.axe.run(page, options=RULES)
        if results.violations_count:
            self.problems.append(f"{where}: axe\n{results.generate_report()}")
        if SCREENSHOTS:
            _screenshot(page, self.label, len(self.states), name)

    def done(self, expected: int, *, same_header: bool) -> None:
        assert len(self.states) >= expected, self.states
        if same_header:  # on a wide screen the header keeps one height on every page
            assert len(self.header_heights) == 1, self.header_heights
        assert not self.problems, "\n\n".join(self.problems)


def _screenshot(page: Any, label: str, number: int, name: str) -> None:
    from pathlib import Path

    root = Path(str(SCREENSHOTS))
    folder = label.replace(" ", "-").replace("px", "")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    (root / folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(root / folder / f"{number:02d}-{slug}.png"), full_page=True)
    shots = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*.png"))
    rows = "".join(f'<figure><img src="{html.escape(s)}" alt="" loading="lazy"><figcaption>{html.escape(s)}</figcaption></figure>'
                   for s in shots)
    (root / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Page states</title><style>body{font-family:sans-serif}"
        "main{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}figure{margin:0;max-width:420px}"
        "img{max-width:100%;border:1px solid #ccc}</style><h1>Page states</h1><main>" + rows + "</main>",
        encoding="utf-8")


def _at(page: Any, title: str) -> None:
    expect(page.locator("h1")).to_have_text(title)


def _submit(page: Any, form: str) -> None:
    page.locator(f"{form} button[type=submit]").first.click()


def _choose(page: Any, value: str) -> None:
    page.locator(f"main button[name=choice][value='{value}']").click()


def _answer(page: Any, *labels: str) -> None:
    for label in labels:
        page.locator("form.question label", has_text=label).click()
    _submit(page, "form.question")


@pytest.fixture(scope="module")
def accredited_site(live_server: Any) -> None:
    """The live site's course under an accreditation: the pass screen asks for the registration
    number only where it brings points."""
    from conftest import accredit

    accredit(f"sqlite://{live_server.data_dir / 'elearning.sqlite3'}")


@pytest.fixture(params=[("nl", PHONE), ("nl", LAPTOP), ("en", PHONE), ("en", LAPTOP)],
                ids=["nl-390", "nl-1280", "en-390", "en-1280"])
def walk(request: pytest.FixtureRequest, browser: Any, live_server: Any, accredited_site: None) -> Iterator[Walk]:
    lang, size = request.param
    context = browser.new_context(base_url=live_server.url, viewport=size)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/language/{lang}?next=/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    yield Walk(page, f"{lang} {size['width']}px")
    context.close()


def test_every_page_state_fits_the_screen_keeps_focus_and_passes_axe(walk: Walk, live_server: Any) -> None:
    page, check = walk.page, walk.check
    email = f"ux-{secrets.token_hex(4)}@example.org"

    # A guest: the catalogue, the course, the first steps.
    check("catalogue")
    page.goto("/courses/buurtronde")
    check("course page (not started)")
    _submit(page, "form[action='/courses/buurtronde/start']")
    _at(page, "Welkom in De Horst")
    check("scene", step=True)
    attempt = page.url
    page.goto(f"{attempt}/notebook")
    check("notebook (empty)")
    page.goto(attempt)
    page.get_by_role("button", name="Begin de ronde").click()
    _at(page, "Het plein")
    check("hub with map", step=True)
    page.goto(f"{attempt}/places/bakkerij")
    check("place page")
    page.goto(f"{attempt}/places/buurthuis")
    check("place page (locked)")
    page.goto(attempt)
    _choose(page, "loc-bakkerij")
    _at(page, "De bakkerij")
    check("scene with image", step=True)
    page.get_by_role("button", name="Vraag wat hij daarmee bedoelt").click()
    _at(page, "Het plein")
    check("hub after a visit, with feedback", step=True)
    page.goto(f"{attempt}/notebook")
    check("notebook")
    page.goto("/")
    expect(page.locator("progress")).to_have_count(1)
    check("catalogue with progress and Verder")

    # Registering midway, from the header of the hub.
    page.goto(attempt)
    page.locator(".site-nav a[href^='/account/register']").click()
    check("register")
    _submit(page, "form[action='/account/register']")
    expect(page.locator(".error-summary")).to_be_visible()
    check("register with errors")
    page.locator("input[name=name]").fill("Eva Jansen")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    _submit(page, "form[action='/account/register']")
    expect(page.locator("input[name=name]")).to_have_count(0)
    check("check your mail")
    page.goto(take_confirmation_link(live_server.data_dir / "outbox", email))
    check("confirm e-mail address")
    _submit(page, "main form")
    _at(page, "Het plein")
    expect(page.locator(".notice--welcome")).to_be_visible()
    check("back in the course: account made, progress kept")

    # On to the test, failing it once.
    _choose(page, "loc-buurthuis")
    page.get_by_role("button", name="Lees het prikbord goed").click()
    page.get_by_role("button", name="Ik heb genoeg gezien").click()
    _at(page, "Einde van de ronde")
    check("module end with result", step=True)
    _choose(page, "next")
    _at(page, "Vraag 1")
    check("question", step=True)
    page.locator("form.question button[type=submit]").evaluate("b => b.form.noValidate = true")
    _submit(page, "form.question")
    expect(page.locator(".error-summary")).to_be_visible()
    check("question with error", step=True)
    page.locator("form.question label", has_text="Er is een nieuwe bakker.").click()
    expect(page.locator(".option:has(input:checked)")).to_have_count(1)
    check("question with an answer selected")
    _submit(page, "form.question")
    _at(page, "Vraag 1")
    check("question answered (not right)", step=True)
    _choose(page, "continue")
    _at(page, "Vraag 2")
    check("question (more answers)", step=True)
    _answer(page, "De buurtapp")
    _at(page, "Vraag 2")
    check("question answered", step=True)
    _choose(page, "continue")
    _at(page, "Einde van de toets")
    check("course end (failed, retake offered)", step=True)
    page.goto(f"{attempt}/result")
    check("course result (failed)")

    # The retake, and the pass.
    page.goto(attempt)
    _choose(page, "retake")
    _at(page, "Vraag 1")
    check("question (retake)", step=True)
    _answer(page, "Buren groeten elkaar niet meer.")
    _choose(page, "continue")
    _answer(page, "De bakker", "De voorzitter van het buurthuis")
    _choose(page, "continue")
    _at(page, "Einde van de toets")
    expect(page.locator("main a.button--large[href$='.pdf']")).to_be_visible()
    check("course end (passed, download first)", step=True)
    page.goto(f"{attempt}/result")
    expect(page.locator("form[action='/account/registration-number']")).to_be_visible()
    check("course result (passed, asks for the number)")
    page.locator("input[name=registration_number]").fill("12")
    _submit(page, "form[action='/account/registration-number']")
    expect(page.locator(".error-summary")).to_be_visible()
    check("registration number with error")
    page.locator("input[name=registration_number]").fill("4610 123.456")
    _submit(page, "form[action='/account/registration-number']")
    expect(page.locator("main form[action$='/reissue']")).to_be_visible()
    check("re-issue offered")
    _submit(page, "main form[action$='/reissue']")
    expect(page.locator(".notice")).to_be_visible()
    check("my certificates (re-issued)")
    code = page.locator("main a[href^='/verify/']").first.inner_text()
    page.goto("/courses/buurtronde")
    check("course page (passed)")
    page.goto("/")
    check("catalogue (passed)")

    # The account.
    page.goto("/account")
    check("profile")
    page.locator("form[action='/account'] input[name=name]").fill("Eva Jansen-de Wit")
    _submit(page, "form[action='/account']")
    expect(page.locator(".notice--offer")).to_be_visible()
    check("profile saved, re-issue offered")
    _submit(page, "form[action='/account/password']")
    expect(page.locator(".error-summary")).to_be_visible()
    check("profile with errors")
    page.locator(".site-nav form[action='/account/logout'] button").click()
    page.goto("/account/login")
    check("login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("fout wachtwoord")
    _submit(page, "form[action='/account/login']")
    expect(page.locator(".error-summary")).to_be_visible()
    check("login with error")
    page.goto("/account/password/forgot")
    check("forgotten password")
    page.locator("input[name=email]").fill(email)
    _submit(page, "form[action='/account/password/forgot']")
    expect(page.get_by_role("status")).to_be_visible()
    check("forgotten password (sent)")
    page.goto(take_link(live_server.data_dir / "outbox", email, "/account/password/reset/"))
    check("reset password")
    _submit(page, "main form")
    expect(page.locator(".error-summary")).to_be_visible()
    check("reset password with error")
    page.goto("/account/password/reset/not-a-token")
    check("reset password (link no longer works)")

    # Public pages and errors.
    page.goto("/verify")
    check("verify form")
    page.goto(f"/verify/{code}")
    check("verify: valid certificate")
    page.goto("/verify/7KQ2-M4XD-9RTG")
    check("verify: unknown code")
    page.goto("/privacy")
    check("privacy statement")
    page.goto("/toegankelijkheid")
    check("accessibility statement")
    page.goto("/no-such-page")
    check("404")
    page.goto("/account/login")
    page.locator("input[name=csrf]").evaluate("el => el.value = 'forged'")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    _submit(page, "form[action='/account/login']")
    check("403 (expired form)")
    _show_500(page, live_server.url)
    check("500")

    walk.done(expected=51, same_header=page.viewport_size["width"] >= 1280)


@pytest.mark.parametrize("width", [320, 390])
def test_map_labels_are_readable_text_inside_the_map_on_a_small_phone(browser: Any, live_server: Any,
                                                                     width: int) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        page.goto("/courses/buurtronde")
        _submit(page, "form[action='/courses/buurtronde/start']")
        page.get_by_role("button", name="Begin de ronde").click()
        _at(page, "Het plein")
        labels: list[dict[str, Any]] = page.evaluate("""() => {
          const map = document.querySelector('.map-canvas').getBoundingClientRect();
          return [...document.querySelectorAll('.marker')].map(m => {
            const dot = m.getBoundingClientRect(), label = m.querySelector('.marker-label');
            const r = label.getBoundingClientRect();
            return {text: label.textContent, size: parseFloat(getComputedStyle(label).fontSize),
                    inside: r.left >= map.left && r.right <= map.right && r.top >= map.top && r.bottom <= map.bottom,
                    dot: [dot.width, dot.height], number: m.querySelector('.marker-dot').textContent.trim()};
          });
        }""")
        assert [label["text"] for label in labels] == ["De bakkerij", "Het buurthuis"]
        for i, label in enumerate(labels, start=1):
            assert label["size"] >= 13, label  # page text, not SVG text scaled down to 5 px
            assert label["inside"], label
            assert min(label["dot"]) >= 24, label
            assert label["number"] == str(i)  # the number of the place in the list below
        assert page.evaluate(_OVERFLOW) <= 0
        page.keyboard.press("Tab")  # focus starts at the heading (autofocus): the next Tab is in main
        focused: Callable[[], str] = lambda: page.evaluate(_FOCUS)  # noqa: E731
        assert focused() != "body"
        marker = page.locator(".marker").first
        marker.focus()
        ring = page.evaluate("""() => getComputedStyle(document.querySelector('.marker:focus-visible .marker-dot') ||
                                                         document.activeElement.querySelector('.marker-dot')).outlineStyle""")
        assert ring == "solid"
    finally:
        context.close()
