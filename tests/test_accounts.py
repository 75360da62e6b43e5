"""Accounts through the web app: register, log in and out, details, password reset, rate limits."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from conftest import take_confirmation_link
from starlette.testclient import TestClient

from elearning.settings import Settings
from elearning.storage import accounts, passwords
from elearning.storage.attempts import now
from elearning.storage.models import PasswordReset, Role, ThrottleHit, User
from elearning.web.app import create_app

PASSWORD = "een goed wachtwoord"


def _outbox(settings: Settings) -> list[Message]:
    folder = settings.outbox_dir
    if not folder.exists():
        return []
    return [message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def _reset_link(mail: Message) -> str:
    body = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    match = re.search(r"http://testserver(/account/password/reset/[\w-]+)", body)
    assert match, body
    return match.group(1)


def test_register_logs_you_in(web) -> None:
    response = web.register(number="4610 123.456")
    assert response.status_code == 200
    assert "Uitloggen" in response.text
    profile = web.get("/account").text
    assert 'value="Sanne de Vries"' in profile and 'value="sanne@example.org"' in profile
    assert 'value="4610123456"' in profile  # normalised
    assert "Je rol" not in profile  # a learner needs no word about roles


def test_register_checks_every_field_and_says_what_is_wrong(web) -> None:
    response = web.post("/account/register", {"name": "", "email": "geen-adres", "password": "kort",
                                               "registration_number": "1234"})
    assert response.status_code == 400
    html = response.text
    assert 'role="alert"' in html and 'href="#field-name"' in html
    assert "Vul je naam in." in html
    assert "Vul één e-mailadres in zoals naam@voorbeeld.nl." in html
    assert "Kies een wachtwoord van minstens 10 tekens." in html
    assert "Een registratienummer van Registerplein bestaat alleen uit cijfers en begint met 4610." in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="hint-name error-name"' in html
    assert 'value="geen-adres"' in html  # what was typed stays
    assert 'value="kort"' not in html  # passwords are never echoed


def _mail_to(settings: Settings, email: str) -> list[Message]:
    return [m for m in _outbox(settings) if m["To"] == email]


def _body(mail: Message) -> str:
    return mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]


def test_the_account_exists_only_once_the_mailed_link_is_confirmed(web, settings: Settings) -> None:
    sent = web.post("/account/register", {"name": "Sanne de Vries", "email": "Sanne@example.org",
                                          "password": PASSWORD, "registration_number": ""})
    assert sent.status_code == 200
    assert "Kijk in je mailbox" in sent.text and "sanne@example.org" in sent.text
    assert "Uitloggen" not in sent.text
    [mail] = _mail_to(settings, "sanne@example.org")
    assert mail["Subject"] == "Je account bevestigen"
    link = re.search(r"http://testserver(/account/confirm/[\w-]+)", _body(mail)).group(1)  # type: ignore[union-attr]
    page = web.get(link)  # a mail scanner opening the link makes nothing
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "Je maakt een account voor Sanne de Vries met het e-mailadres sanne@example.org." in page.text
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in web.login().text
    done = web.post(link)
    assert "Uitloggen" in done.text
    again = web.post(link, token_from="/account/login")
    assert again.status_code == 400 and "Deze link werkt niet meer." in again.text


def test_registering_a_taken_address_looks_the_same_and_tells_only_its_owner(web, settings: Settings) -> None:
    web.register()
    web.logout()
    taken = web.post("/account/register", {"name": "Iemand Anders", "email": "SANNE@example.org ",
                                           "password": "een ander wachtwoord", "registration_number": ""})
    free = web.post("/account/register", {"name": "Iemand Anders", "email": "vrij@example.org",
                                          "password": "een ander wachtwoord", "registration_number": ""})
    assert taken.status_code == free.status_code == 200
    strip = re.compile(r'name="csrf" value="[^"]+"|[\w.]+@example.org')
    assert strip.sub("", taken.text) == strip.sub("", free.text)
    [note] = _mail_to(settings, "sanne@example.org")
    assert note["Subject"] == "Je hebt al een account"
    assert "/account/confirm/" not in _body(note) and "/account/password/forgot" in _body(note)
    assert "Uitloggen" in web.login().text  # the account and its password are untouched


def test_two_links_for_one_address_make_one_account(web, client: TestClient, settings: Settings) -> None:
    for name in ("Sanne", "Sanne de Vries"):
        web.post("/account/register", {"name": name, "email": "sanne@example.org", "password": PASSWORD,
                                       "registration_number": ""})
    second = take_confirmation_link(settings.outbox_dir, "sanne@example.org")
    first = take_confirmation_link(settings.outbox_dir, "sanne@example.org")
    assert "Uitloggen" in web.post(second).text
    web.logout()
    used_up = web.post(first, token_from="/account/login")
    assert used_up.status_code == 400 and "Deze link werkt niet meer." in used_up.text


def test_confirmation_mails_to_one_address_are_limited(web, settings: Settings) -> None:
    for _ in range(accounts.CONFIRM_PER_ADDRESS.tries + 2):
        page = web.post("/account/register", {"name": "Sanne", "email": "sanne@example.org", "password": PASSWORD,
                                              "registration_number": ""})
        assert "Kijk in je mailbox" in page.text  # the page does not tell either
    assert len(_mail_to(settings, "sanne@example.org")) == accounts.CONFIRM_PER_ADDRESS.tries


def test_guest_progress_follows_the_link_to_another_device(web, client: TestClient, settings: Settings) -> None:
    attempt = web.start()
    web.choose(attempt, "c1")
    web.post("/account/register", {"name": "Sanne", "email": "sanne@example.org", "password": PASSWORD,
                                   "registration_number": "", "next": f"/play/{attempt}"})
    client.cookies.clear()  # the mail is opened on a phone, without the guest's cookie
    landed = web.post(take_confirmation_link(settings.outbox_dir, "sanne@example.org"))
    assert "Je account is gemaakt. Log in met je e-mailadres en wachtwoord om verder te gaan." in landed.text
    assert "Uitloggen" not in landed.text  # another browser is not logged in by a link
    web.login()
    assert "<h1 tabindex=\"-1\" autofocus>Het plein</h1>" in web.get(f"/play/{attempt}").text  # the guest's attempt, now the account's
    assert "Verder waar je was" in web.get("/courses/buurtronde").text


def test_a_confirmation_link_sent_to_someone_else_logs_nobody_in(web, client: TestClient, settings: Settings,
                                                                  web_for) -> None:
    """Login CSRF: an attacker registers, sends their own link to a guest mid-course; pressing it
    logged the guest in as the attacker and moved the guest's progress into the attacker's account."""
    web.post("/account/register", {"name": "Mallory", "email": "mallory@example.org", "password": PASSWORD,
                                   "registration_number": ""})
    link = take_confirmation_link(settings.outbox_dir, "mallory@example.org")
    with TestClient(create_app(settings)) as victim_browser:
        victim = web_for(victim_browser)
        attempt = victim.start()
        victim.choose(attempt, "c1")
        pressed = victim.post(link)
        assert "Uitloggen" not in pressed.text and "Mallory" not in pressed.text
        assert "<h1 tabindex=\"-1\" autofocus>Het plein</h1>" in victim.get(f"/play/{attempt}").text  # still the guest's own
    web.login("mallory@example.org")
    assert web.get(f"/play/{attempt}", follow_redirects=False).status_code == 404  # never the attacker's


async def test_confirmation_tokens_expire_and_are_stored_hashed(orm) -> None:
    from elearning.storage.models import EmailConfirmation

    with orm:
        mailing = await accounts.start_registration("lot@example.org", "Lot", PASSWORD)
        assert mailing is not None and mailing.token is not None
        row = await EmailConfirmation.get(email="lot@example.org")
        assert mailing.token not in row.token_hash and PASSWORD not in (row.password_hash or "")
        assert await accounts.pending_confirmation(mailing.token) is not None
        row.expires_at = now() - timedelta(seconds=1)
        await row.save()
        assert await accounts.pending_confirmation(mailing.token) is None
        assert await accounts.confirm(mailing.token) is None
        assert not await User.filter(email="lot@example.org").exists()


def test_log_out_and_in_again(web) -> None:
    web.register()
    home = web.logout()
    assert "Inloggen" in home.text and "Uitloggen" not in home.text
    assert web.get("/account", follow_redirects=False).status_code == 303
    response = web.login()
    assert "Uitloggen" in response.text


def test_unknown_address_and_wrong_password_get_the_same_answer(web) -> None:
    web.register()
    web.logout()
    wrong = web.post("/account/login", {"email": "sanne@example.org", "password": "niet het wachtwoord"})
    unknown = web.post("/account/login", {"email": "niemand@example.org", "password": "niet het wachtwoord"})
    assert wrong.status_code == unknown.status_code == 400
    message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert message in wrong.text and message in unknown.text
    strip = re.compile(r'name="csrf" value="[^"]+"|value="[^"]*@example.org"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)


def test_failed_logins_slow_down_one_address_progressively(web) -> None:
    web.register()
    web.logout()
    for _ in range(accounts.LOGIN_FREE_TRIES):
        web.post("/account/login", {"email": "sanne@example.org", "password": "fout fout fout"})
    waiting = web.login()  # even the right password waits now, from this address
    assert waiting.status_code == 400
    assert "Te veel mislukte pogingen. Wacht 5 seconden en probeer het dan opnieuw." in waiting.text
    # The same for an address nobody has: the delay does not reveal accounts.
    for _ in range(accounts.LOGIN_FREE_TRIES):
        web.post("/account/login", {"email": "niemand@example.org", "password": "fout fout fout"})
    assert "Te veel mislukte pogingen." in web.post(
        "/account/login", {"email": "niemand@example.org", "password": "fout fout fout"}).text


def test_the_delay_doubles_and_is_capped() -> None:
    from elearning.storage import throttle

    delays = [throttle.delay(n).total_seconds() for n in range(0, 12)]
    assert delays[:throttle.FREE_TRIES] == [0] * throttle.FREE_TRIES
    assert delays[3:8] == [5, 10, 20, 40, 80]
    assert max(delays) == throttle.MAX_DELAY.total_seconds() == 900


async def test_nobody_can_lock_the_owner_out_from_other_addresses(orm) -> None:
    """Five wrong passwords from five addresses blocked the right one from the owner's own for 15 minutes."""
    with orm:
        await accounts.create_user("kim@example.org", "Kim", PASSWORD)
        for i in range(20):
            with pytest.raises(accounts.LoginFailed):
                await accounts.authenticate("kim@example.org", f"wrong password {i}", f"203.0.113.{i}")
        user = await accounts.authenticate("kim@example.org", PASSWORD, "198.51.100.7")
        assert user.email == "kim@example.org"
        # The attacker's own address does wait.
        with pytest.raises(accounts.Throttled):
            for i in range(accounts.LOGIN_FREE_TRIES + 1):
                with contextlib.suppress(accounts.LoginFailed):
                    await accounts.authenticate("kim@example.org", f"again {i}", "203.0.113.250")


async def test_login_limits_are_counted_in_the_database(orm) -> None:
    with orm:
        await accounts.create_user("kim@example.org", "Kim", PASSWORD)
        for _ in range(accounts.LOGIN_PER_ADDRESS.tries):
            with pytest.raises(accounts.LoginFailed):
                await accounts.authenticate(f"x{_}@example.org", "wrong password", "10.0.0.9")
        with pytest.raises(accounts.Throttled):
            await accounts.authenticate("kim@example.org", PASSWORD, "10.0.0.9")
        user = await accounts.authenticate("kim@example.org", PASSWORD, "10.0.0.10")
        assert user.email == "kim@example.org"
        assert await ThrottleHit.filter().count() >= accounts.LOGIN_PER_ADDRESS.tries


def test_guest_progress_is_kept_when_registering(web, passing_path) -> None:
    attempt = web.start()
    web.choose(attempt, "c1")
    web.choose(attempt, "loc-bakkerij")
    web.register()
    page = web.get(f"/play/{attempt}")
    assert "<h1 tabindex=\"-1\" autofocus>De bakkerij</h1>" in page.text
    assert "Verder waar je was" in web.get("/courses/buurtronde").text


def test_guest_progress_is_kept_when_logging_in_and_saying_it_is_yours(web) -> None:
    web.register()
    web.logout()
    attempt = web.start()  # as a guest again
    web.choose(attempt, "c1")
    asked = web.post("/account/login?next=/courses/buurtronde",
                     {"email": "sanne@example.org", "password": PASSWORD, "next": "/courses/buurtronde"})
    assert asked.url.path == "/account/guest-progress"
    assert "Is dit van jou?" in asked.text and "Een ronde door de buurt: bezig" in asked.text
    kept = web.post("/account/guest-progress", {"keep": "yes", "next": "/courses/buurtronde"})
    assert kept.url.path == "/courses/buurtronde"
    assert "<h1 tabindex=\"-1\" autofocus>Het plein</h1>" in web.get(f"/play/{attempt}").text


def test_a_guests_pass_on_a_shared_computer_is_not_taken_silently(web, passing_path, database_url: str) -> None:
    """A guest's passed course became the certificate of whoever logged in next in that browser."""
    web.register("bob@example.org", "Bob")
    web.logout()
    attempt = web.start()  # Anna, as a guest, passes
    for kind, value in passing_path:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    asked = web.login("bob@example.org")  # Bob logs in at the same computer
    assert "Is dit van jou?" in asked.text and "Een ronde door de buurt: afgerond: geslaagd" in asked.text
    assert web.get(f"/play/{attempt}", follow_redirects=False).status_code == 404  # not moved before the answer
    left = web.post("/account/guest-progress", {"keep": "no", "next": "/"})
    assert left.url.path == "/"
    assert web.get(f"/play/{attempt}", follow_redirects=False).status_code == 404
    assert not re.search(r'href="/certificates/\d+\.pdf"', web.get("/certificates").text)  # no certificate for Bob
    assert web.get("/account/guest-progress", follow_redirects=False).status_code == 303  # asked once


def test_change_details(web) -> None:
    web.register()
    response = web.post("/account", {"name": "Sanne van Dijk", "email": "sanne@example.org",
                                      "registration_number": "4610-999-888"})
    assert "Je gegevens zijn opgeslagen." in response.text
    assert 'value="Sanne van Dijk"' in response.text and 'value="4610999888"' in response.text


def test_changing_the_email_address_needs_the_password_and_the_new_mailbox(web, settings: Settings) -> None:
    web.register()
    refused = web.post("/account", {"name": "Sanne", "email": "nieuw@example.org"})
    assert refused.status_code == 400
    assert "Vul je huidige wachtwoord in om je e-mailadres te veranderen." in refused.text
    asked = web.post("/account", {"name": "Sanne", "email": "Nieuw@example.org", "current_password": PASSWORD})
    assert "Kijk in je mailbox" in asked.text and "nieuw@example.org" in asked.text
    assert 'value="sanne@example.org"' in web.get("/account").text  # not changed yet
    assert 'value="Sanne"' in web.get("/account").text  # the name is saved at once
    [mail] = _mail_to(settings, "nieuw@example.org")
    assert mail["Subject"] == "Je nieuwe e-mailadres bevestigen"
    link = re.search(r"http://testserver(/account/confirm/[\w-]+)", _body(mail)).group(1)  # type: ignore[union-attr]
    assert "Je account krijgt het nieuwe e-mailadres nieuw@example.org." in web.get(link).text
    assert "Je e-mailadres is veranderd." in web.post(link).text
    web.logout()
    assert "Uitloggen" in web.login("nieuw@example.org").text


def test_changing_to_a_taken_address_looks_the_same_and_changes_nothing(web, settings: Settings) -> None:
    web.register(email="bezet@example.org", name="Bas")
    web.logout()
    web.register()
    taken = web.post("/account", {"name": "Sanne", "email": "bezet@example.org", "current_password": PASSWORD})
    free = web.post("/account", {"name": "Sanne", "email": "vrij@example.org", "current_password": PASSWORD})
    strip = re.compile(r'name="csrf" value="[^"]+"|[\w.]+@example.org')
    assert taken.status_code == free.status_code == 200
    assert strip.sub("", taken.text) == strip.sub("", free.text)
    [note] = _mail_to(settings, "bezet@example.org")
    assert note["Subject"] == "Dit e-mailadres heeft al een account"
    assert "Sanne" not in _body(note) and "/account/confirm/" not in _body(note)
    assert 'value="sanne@example.org"' in web.get("/account").text


def test_change_password_signs_other_sessions_out(web, client: TestClient) -> None:
    web.register()
    other_session = dict(client.cookies)
    wrong = web.post("/account/password", {"old_password": "fout", "new_password": "nog een wachtwoord"},
                     token_from="/account")
    assert wrong.status_code == 400 and "Je huidige wachtwoord klopt niet." in wrong.text
    ok = web.post("/account/password", {"old_password": PASSWORD, "new_password": "nog een wachtwoord"},
                  token_from="/account")
    assert "Je wachtwoord is veranderd." in ok.text
    assert "Uitloggen" in web.get("/account").text  # this session goes on
    client.cookies.clear()
    client.cookies.update(other_session)
    assert web.get("/account", follow_redirects=False).status_code == 303  # the old one is out


def test_password_reset_by_mail(web, settings: Settings) -> None:
    web.register()
    web.logout()
    sent = web.post("/account/password/forgot", {"email": "Sanne@example.org"})
    assert "Als dit e-mailadres bij ons bekend is" in sent.text
    mails = _outbox(settings)
    assert len(mails) == 1
    assert mails[0]["To"] == "sanne@example.org"
    assert mails[0]["Subject"] == "Een nieuw wachtwoord kiezen"
    link = _reset_link(mails[0])
    form = web.get(link)
    assert form.headers["referrer-policy"] == "no-referrer"
    assert "Nieuw wachtwoord kiezen" in form.text and 'name="password"' in form.text
    short = web.post(link, {"password": "kort"})
    assert short.status_code == 400 and "minstens 10 tekens" in short.text
    done = web.post(link, {"password": "mijn nieuwe wachtwoord"})
    assert "Je wachtwoord is veranderd. Log in met je nieuwe wachtwoord." in done.text
    # Single use.
    again = web.post(link, {"password": "nog een ander wachtwoord"}, token_from="/account/login")
    assert again.status_code == 400 and "Deze link werkt niet meer." in again.text
    assert "Deze link werkt niet meer." in web.get(link).text
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in web.login().text
    assert "Uitloggen" in web.login(password="mijn nieuwe wachtwoord").text


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(web, settings: Settings) -> None:
    known = web.post("/account/password/forgot", {"email": "niemand@example.org"})
    assert "Als dit e-mailadres bij ons bekend is" in known.text
    assert _outbox(settings) == []


async def test_reset_tokens_expire_and_are_stored_hashed(orm) -> None:
    with orm:
        await accounts.create_user("lot@example.org", "Lot", PASSWORD)
        issued = await accounts.request_reset("lot@example.org", "10.0.0.1")
        assert issued is not None
        user, token = issued
        row = await PasswordReset.get(user_id=user.id)
        assert token not in row.token_hash
        assert (await accounts.reset_user(token)) is not None
        row.expires_at = now() - timedelta(seconds=1)
        await row.save()
        assert await accounts.reset_user(token) is None
        assert await accounts.reset_password(token, "een nieuw wachtwoord") is None
        assert await accounts.reset_user("made-up-token") is None


async def test_reset_requests_are_rate_limited(orm) -> None:
    with orm:
        await accounts.create_user("jo@example.org", "Jo", PASSWORD)
        results = [await accounts.request_reset("jo@example.org", "10.0.0.2")
                   for _ in range(accounts.RESET_PER_ACCOUNT.tries + 2)]
        assert sum(r is not None for r in results) == accounts.RESET_PER_ACCOUNT.tries


@pytest.mark.parametrize("cost, parameters", [("owasp", "$m=19456,t=2,p=1$"), ("minimal", "$m=8,t=1,p=1$")])
def test_the_hash_cost_follows_the_setting(settings: Settings, cost: str, parameters: str) -> None:
    with TestClient(create_app(dataclasses.replace(settings, password_hash_cost=cost))):
        assert parameters in passwords.hash_password_sync(PASSWORD)
    assert Settings.load({"DATA_DIR": str(settings.data_dir)}).password_hash_cost == "owasp"


async def test_passwords_are_hashed_with_argon2(orm) -> None:
    with orm:
        user = await accounts.create_user("an@example.org", "An", PASSWORD, role=Role.AUTHOR)
        stored = await User.get(id=user.id)
        assert stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash
        assert stored.role == "author"


def test_outbox_is_used_without_smtp_and_the_log_says_where(web, settings: Settings, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="elearning.web.mail")
    web.register()
    web.post("/account/password/forgot", {"email": "sanne@example.org"})
    paths = list(Path(settings.outbox_dir).glob("*.eml"))
    assert len(paths) == 1
    assert any(str(paths[0]) in r.getMessage() for r in caplog.records)
    assert not any("sanne@example.org" in r.getMessage() for r in caplog.records)


async def test_registrations_per_address_are_limited(orm) -> None:
    with orm:
        allowed = [await accounts.registration_allowed("10.0.0.3")
                   for _ in range(accounts.REGISTER_PER_ADDRESS.tries + 1)]
        assert allowed[:-1] == [True] * accounts.REGISTER_PER_ADDRESS.tries and allowed[-1] is False
        assert await accounts.registration_allowed("10.0.0.4")


# -- exactly one address per field (a list mailed several people and bypassed the per-address limit) ----
NOT_ONE_ADDRESS = [
    "victim@example.net,attacker@evil.example", "victim@example.net;attacker@evil.example",
    "Victim <victim@example.net>", '"victim"@example.net', "victim@example.net attacker@evil.example",
    "victim@example.net\nBcc: attacker@evil.example", "victim@example.net\x00", "vic\ttim@example.net",
    "victim@@example.net", "victim@example", "victim@example.n", "@example.net", "victim@",
    "victim@-example.net", "victim@example..net", ".victim@example.net", "vic..tim@example.net",
    "victim@exa_mple.net", "v" * 65 + "@example.net", "victim@" + "a" * 64 + ".net", "victim@example.net\u202e",
]


@pytest.mark.parametrize("raw", NOT_ONE_ADDRESS)
def test_an_email_field_takes_exactly_one_plain_address(raw: str) -> None:
    assert accounts.email_address(raw) is None


@pytest.mark.parametrize(("raw", "address"), [
    ("sanne@example.org", "sanne@example.org"), ("  Sanne.de-Vries+cursus@Mail.Example.ORG ", "sanne.de-vries+cursus@mail.example.org"),
    ("o'brien@example.ie", "o'brien@example.ie"), ("a@xn--caf-dma.nl", "a@xn--caf-dma.nl"),
])
def test_a_plain_address_is_accepted_and_normalised(raw: str, address: str) -> None:
    assert accounts.email_address(raw) == address


def test_register_refuses_a_list_of_addresses_and_mails_nobody(web, settings: Settings) -> None:
    for field in ("victim@example.net,attacker@evil.example", "Victim <victim@example.net>"):
        refused = web.post("/account/register", {"name": "Mallory", "email": field, "password": PASSWORD})
        assert refused.status_code == 400
        assert "Vul één e-mailadres in zoals naam@voorbeeld.nl." in refused.text
    assert _outbox(settings) == []


def test_forgot_and_address_change_refuse_a_list_of_addresses(web, settings: Settings) -> None:
    web.register()
    mails = len(_outbox(settings))
    changed = web.post("/account", {"name": "Sanne", "email": "sanne@example.org,attacker@evil.example",
                                    "current_password": PASSWORD})
    assert changed.status_code == 400 and "Vul één e-mailadres in" in changed.text
    web.logout()
    forgot = web.post("/account/password/forgot", {"email": "sanne@example.org, attacker@evil.example"})
    assert forgot.status_code == 400 and "Vul één e-mailadres in" in forgot.text
    assert len(_outbox(settings)) == mails


async def test_the_mailer_refuses_a_recipient_that_is_not_one_address(settings: Settings) -> None:
    from elearning.web.mail import Mailer

    with pytest.raises(ValueError, match="one e-mail address"):
        await Mailer(settings).send("victim@example.net,attacker@evil.example", "Onderwerp", "Tekst")
    assert _outbox(settings) == []


# -- recovery an attacker cannot keep ------------------------------------------------------------
def _confirm_link(mail: Message) -> str:
    match = re.search(r"http://testserver(/account/confirm/[\w-]+)", _body(mail))
    assert match, _body(mail)
    return match.group(1)


def test_a_password_reset_voids_a_pending_address_change(web, client: TestClient, settings: Settings) -> None:
    """Someone who knew the password asks for a change to their own mailbox; the owner resets the password."""
    web.register()
    asked = web.post("/account", {"name": "Sanne de Vries", "email": "attacker@evil.example",
                                  "current_password": PASSWORD})
    assert asked.status_code == 200
    [change] = _mail_to(settings, "attacker@evil.example")
    # The old address hears of it at once, without the new address in full.
    [notice] = [m for m in _mail_to(settings, "sanne@example.org") if "e-mailadres" in m["Subject"]]
    assert "a***@evil.example" in _body(notice) and "attacker@evil.example" not in _body(notice)
    assert "/account/password/forgot" in _body(notice)
    web.logout()
    web.post("/account/password/forgot", {"email": "sanne@example.org"})
    [reset_mail] = [m for m in _mail_to(settings, "sanne@example.org") if m["Subject"] == "Een nieuw wachtwoord kiezen"]
    assert web.post(_reset_link(reset_mail), {"password": "mijn nieuwe wachtwoord"}).status_code == 200
    # The attacker's link is dead now.
    client.cookies.clear()
    dead = web.post(_confirm_link(change), token_from="/account/login")
    assert dead.status_code == 400 and "Deze link werkt niet meer." in dead.text
    assert "Uitloggen" in web.login("sanne@example.org", "mijn nieuwe wachtwoord").text
    assert 'value="sanne@example.org"' in web.get("/account").text


def test_a_password_change_voids_a_pending_address_change(web, settings: Settings) -> None:
    web.register()
    web.post("/account", {"name": "Sanne de Vries", "email": "nieuw@example.org", "current_password": PASSWORD})
    [change] = _mail_to(settings, "nieuw@example.org")
    changed = web.post("/account/password", {"old_password": PASSWORD, "new_password": "een ander goed wachtwoord"},
                       token_from="/account")
    assert changed.status_code == 200
    dead = web.post(_confirm_link(change))
    assert dead.status_code == 400 and "Deze link werkt niet meer." in dead.text
    assert 'value="sanne@example.org"' in web.get("/account").text


def test_a_reset_with_a_dead_token_hashes_nothing(web, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reset POST hashed the (up to 256-character) password before it looked at the token."""
    from elearning.storage import passwords

    hashed: list[int] = []
    real = passwords._hasher

    class Counting(type(real)):  # type: ignore[misc]
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            hashed.append(len(password))
            return real.hash(password)

    monkeypatch.setattr(passwords, "_hasher", Counting(time_cost=real.time_cost, memory_cost=real.memory_cost,
                                                       parallelism=real.parallelism))
    dead = web.post("/account/password/reset/" + "x" * 43, {"password": "p" * 256}, token_from="/account/login")
    assert dead.status_code == 400 and "Deze link werkt niet meer." in dead.text
    assert hashed == []


async def test_password_hashing_runs_at_most_a_few_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import threading

    from elearning.storage import passwords

    running, most = 0, 0
    lock = threading.Lock()
    real = passwords._hasher

    class Watching(type(real)):  # type: ignore[misc]
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                return real.hash(password)
            finally:
                with lock:
                    running -= 1

    monkeypatch.setattr(passwords, "_hasher", Watching(time_cost=real.time_cost, memory_cost=real.memory_cost,
                                                       parallelism=real.parallelism))
    await asyncio.gather(*(passwords.hash_password(f"wachtwoord {i}") for i in range(12)))
    assert 1 <= most <= passwords.CONCURRENT_HASHES


def test_guessing_the_current_password_is_slowed_down(web) -> None:
    """Changing the password or the address checks the current one: without a limit, a stolen
    session could guess it as fast as argon2 allows."""
    web.register()
    for i in range(accounts.LOGIN_FREE_TRIES):
        wrong = web.post("/account/password", {"old_password": f"gok {i}", "new_password": "een nieuw wachtwoord"},
                         token_from="/account")
        assert wrong.status_code == 400 and "Je huidige wachtwoord klopt niet." in wrong.text
    waiting = web.post("/account/password", {"old_password": PASSWORD, "new_password": "een nieuw wachtwoord"},
                       token_from="/account")
    assert waiting.status_code == 400 and "Te veel mislukte pogingen. Wacht 5 seconden" in waiting.text
    address = web.post("/account", {"name": "Sanne", "email": "nieuw@example.org", "current_password": PASSWORD})
    assert address.status_code == 400 and "Te veel mislukte pogingen." in address.text


def test_logging_in_from_the_register_page_leads_back_to_the_course_not_to_the_form(web) -> None:
    """The header's 'Inloggen' on /account/register?next=X carried next=/account/register?next=X."""
    page = web.get("/account/register?next=/courses/buurtronde").text
    assert 'href="/account/login?next=/courses/buurtronde"' in page
    assert 'href="/account/login?next=/account/register' not in page
    evil = web.get("/account/login?next=//evil.example").text
    assert 'href="/account/register?next=/"' in evil  # another site is never where a link leads back to


def test_going_on_as_a_guest_after_registering_returns_to_the_course(web) -> None:
    attempt = web.start()
    sent = web.post("/account/register", {"name": "Sanne", "email": "sanne@example.org", "password": PASSWORD,
                                          "registration_number": "", "next": f"/play/{attempt}"})
    assert f'<a href="/play/{attempt}">' in sent.text  # 'Verder als gast', back where the learner was


def test_the_language_switch_on_an_account_page_stays_on_that_page(web) -> None:
    page = web.get("/account/login?next=/courses/buurtronde").text
    assert 'href="/language/en?next=/account/login%3Fnext%3D/courses/buurtronde"' in page


def test_registering_on_a_browser_with_someone_elses_pass_asks_before_taking_it(web, passing_path) -> None:
    attempt = web.start()  # a guest passes on a shared computer
    for kind, value in passing_path:
        web.choose(attempt, value) if kind == "choose" else web.answer(attempt, *value.split(","))
    asked = web.register("bob@example.org", "Bob")  # Bob registers in the same browser
    assert asked.url.path == "/account/guest-progress" and "afgerond: geslaagd" in asked.text
    web.post("/account/guest-progress", {"keep": "no", "next": "/"})
    assert web.get(f"/play/{attempt}", follow_redirects=False).status_code == 404  # not Bob's
    assert not re.search(r'href="/certificates/\d+\.pdf"', web.get("/certificates").text)
