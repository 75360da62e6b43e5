"""One voice: the Dutch interface and its mails say "je", as the courses do, never "u"/"uw"."""

from __future__ import annotations

import re
import shutil
from email import message_from_bytes
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import PASSING_PATH, WEB_COURSE, Web, take_confirmation_link

from elearning.i18n import catalogue_path

# "uw", "uzelf", "U" opening a clause ("U bent"), "u" after a word ("Wat doet u nu?"); not
# the hour "1 u 5 min" nor the letter in "hoofdletters zonder U, bijvoorbeeld".
FORMAL = re.compile(r"\b[Uu]w\b|\b[Uu]zelf\b|\bU\b(?= [a-z])|(?<=[a-zé] )u\b(?=[\s,.?!:;)]|$)")
# The fixture course's own text says "u"; course text is the author's, so this copy says "je".
COURSE_JE = {
    "U bent sinds kort": "Je bent sinds kort", "Vandaag loopt u": "Vandaag loop je",
    "U staat op het plein": "Je staat op het plein", "Waar gaat u heen?": "Waar ga je heen?",
    "Goed dat u doorvraagt": "Goed dat je doorvraagt", "U weet nu": "Je weet nu",
    "U heeft": "Je hebt", "U mag": "Je mag", "U loopt een ronde": "Je loopt een ronde",
    "Wat u opviel": "Wat je opviel",
}


def _formal(text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 30] for m in FORMAL.finditer(text)]


def test_the_check_finds_the_formal_voice() -> None:
    for formal in ["Wat doet u nu?", "Uw resultaat", "Heeft u al een account?", "hier bent u nu",
                   "Het is niet uw fout.", "U bent bezig", "Wat u stuurde, kwam niet goed aan.",
                   "bewaren? Dan hoeft u\nniets te doen"]:
        assert _formal(formal), formal
    for informal in ["Wat doe je nu?", "Jouw resultaat", "1 u 5 min", "hoofdletters zonder U, bijvoorbeeld",
                     "Je notitieboek is nog leeg.", "uur", "U+0007"]:
        assert not _formal(informal), informal


def test_no_dutch_text_in_the_catalogue_says_u() -> None:
    with catalogue_path("nl").open("rb") as f:
        formal = [f"{m.id!r}: {m.string!r}" for m in read_po(f, locale="nl") if m.id and _formal(m.string)]
    assert formal == []


class _Text(HTMLParser):
    """The text a reader meets: text nodes, plus alt, title, aria-label and placeholder."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _mails(outbox: Path) -> dict[str, str]:
    out = {}
    for path in sorted(outbox.glob("*.eml")):
        mail = message_from_bytes(path.read_bytes())
        out[f"mail {mail['Subject']}"] = f"{mail['Subject']}\n{mail.get_payload(decode=True).decode('utf-8')}"  # type: ignore[union-attr]
    return out


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    """The fixture course with its own text in "je", so that what remains is the interface's."""
    folder = tmp_path / "courses" / "buurtronde"
    shutil.copytree(WEB_COURSE, folder)
    for path in folder.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for formal, informal in COURSE_JE.items():
            text = text.replace(formal, informal)
        path.write_text(text, encoding="utf-8")
        assert not _formal(text), (path.name, _formal(text))
    return folder.parent


def test_the_dutch_pages_and_mails_say_je(web: Web, settings) -> None:  # type: ignore[no-untyped-def]
    pages: dict[str, str] = {}

    def visit(name: str, path: str) -> None:
        response = web.get(path)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        pages[name] = response.text

    for name, path in [("catalogue", "/"), ("course", "/courses/buurtronde"), ("login", "/account/login"),
                       ("register", "/account/register"), ("forgot", "/account/password/forgot"),
                       ("verify", "/verify"), ("verify unknown", "/verify/7KQ2-M4XD-9RTG"),
                       ("verify typo", "/verify/7KQ2-M4XD-9RTX"), ("not found", "/nergens")]:
        visit(name, path)
    pages["register errors"] = web.post("/account/register", {"name": "", "email": "", "password": ""}).text
    guest = web.start()
    visit("guest scene", f"/play/{guest}")
    form = {"name": "Sanne de Vries", "email": "sanne@example.org", "password": "een goed wachtwoord",
            "registration_number": ""}
    pages["check mail"] = web.post("/account/register", form).text
    pages.update(_mails(settings.outbox_dir))
    link = take_confirmation_link(settings.outbox_dir, "sanne@example.org")
    visit("confirm", link)
    web.post(link)
    visit("account", "/account")
    attempt = web.start()
    visit("scene", f"/play/{attempt}")
    visit("empty notebook", f"/play/{attempt}/notebook")
    visit("course in progress", "/courses/buurtronde")
    for _kind, value in PASSING_PATH[:2]:
        web.choose(attempt, value)
    visit("place", f"/play/{attempt}")
    for kind, value in PASSING_PATH[2:]:
        response = web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
        assert response.status_code == 303, (kind, value)
    visit("end", f"/play/{attempt}")
    visit("notebook", f"/play/{attempt}/notebook")
    visit("result", f"/play/{attempt}/result")
    visit("certificates", "/certificates")
    code = re.search(r"/verify/([0-9A-Z-]{14})", pages["certificates"])
    assert code, "the certificates page links no verification code"
    visit("verify valid", f"/verify/{code.group(1)}")
    certificate = re.search(r"/certificates/(\d+)/reissue", pages["certificates"])
    assert certificate, "the certificates page offers no reissue"
    visit("reissue", certificate.group(0))
    web.logout()
    pages["register taken"] = web.post("/account/register", form).text
    web.post("/account/password/forgot", {"email": "sanne@example.org"})
    pages.update(_mails(settings.outbox_dir))

    assert len([name for name in pages if name.startswith("mail ")]) == 3  # confirm, taken, reset
    formal = {name: _formal(_page_text(html) if not name.startswith("mail ") else html)
              for name, html in pages.items()}
    assert {name: found for name, found in formal.items() if found} == {}
    assert "Wat doe je nu?" in _page_text(pages["scene"]) or "Wat doe je nu?" in _page_text(pages["place"])
