"""Accounts: register, log in and out, change details and password, reset a forgotten password."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.background import BackgroundTask, BackgroundTasks
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from elearning.certificates.data import Language, format_date
from elearning.certificates.registration import (
    InvalidRegistrationNumber,
    normalise_registration_number,
)
from elearning.storage import accounts, privacy
from elearning.storage import certificates as certificate_store
from elearning.storage import sessions as session_store
from elearning.storage.attempts import Owner, adopt_guest_attempts, latest_attempts
from elearning.storage.passwords import MAX_LENGTH, MIN_LENGTH
from elearning.web import forms, i18n, session
from elearning.web.views._base import client_address, library, redirect, render, safe_next, settings
from elearning.web.views.certificates import issue_earned

Translate = Callable[..., str]
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def _t(request: Request) -> Translate:
    return i18n.translator(i18n.language(request))


def _check_name(_: Translate, name: str, errors: dict[str, str]) -> None:
    if not name:
        errors["name"] = _("Enter your name.")
    elif len(name) > 200:
        errors["name"] = _("Your name is too long (200 characters at most).")
    elif forms.has_hidden_characters(name):
        errors["name"] = _("Your name must not contain control characters or invisible characters.")


def _check_email(_: Translate, email: str, errors: dict[str, str]) -> None:
    if not email:
        errors["email"] = _("Enter your e-mail address.")
    elif accounts.email_address(email) is None:
        errors["email"] = _("Enter one e-mail address such as name@example.com.")


def _check_password(_: Translate, field: str, password: str, errors: dict[str, str]) -> None:
    if len(password) < MIN_LENGTH:
        errors[field] = _("Choose a password of at least {n} characters.", n=MIN_LENGTH)
    elif len(password) > MAX_LENGTH:
        errors[field] = _("Choose a password of at most {n} characters.", n=MAX_LENGTH)


def _registration_number(request: Request, raw: str, errors: dict[str, str]) -> str | None:
    if not raw:
        return None
    try:
        return normalise_registration_number(raw)
    except InvalidRegistrationNumber as exc:
        errors["registration_number"] = exc.message(i18n.language(request))
        return None


def _wait_message(_: Translate, exc: accounts.Throttled) -> str:
    seconds = max(1, math.ceil(exc.retry_after.total_seconds()))
    if seconds < 120:
        return _("Too many failed attempts. Wait {n} seconds and try again.", n=seconds)
    return _("Too many failed attempts. Wait {n} minutes and try again.", n=math.ceil(seconds / 60))


async def _wrong_current_password(_: Translate, user: accounts.User, password: str, wrong: str) -> str | None:
    """The message when `password` is not the user's current one (or was guessed too often), else None."""
    try:
        return None if await accounts.check_password(user, password) else wrong
    except accounts.Throttled as exc:
        return _wait_message(_, exc)


def _password(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _welcome(request: Request, user: accounts.User, next_url: str, *, flash: str | None = None) -> Response:
    """After logging in: progress made in this browser as a guest moves into the account only when
    its owner says it is theirs (on a shared computer it may be someone else's pass)."""
    guest = await session.log_in(request, user)
    if flash:
        request.session["flash"] = flash  # the next page says it once
    if guest and await latest_attempts(Owner(guest_key=guest)):
        request.session["adopt"] = guest
        return redirect(f"/account/guest-progress?next={quote(next_url, safe='/')}")
    return redirect(next_url)


async def guest_progress(request: Request) -> Response:
    """'Is this yours?': the guest progress found in this browser at login, and the answer."""
    user = await session.load_user(request)
    guest = request.session.get("adopt")
    if user is None or not guest:
        return redirect("/")
    _ = _t(request)
    if request.method == "POST":
        form = await request.form()
        next_url = safe_next(form.get("next"))
        request.session.pop("adopt", None)
        response = redirect(next_url)
        if form.get("keep") == "yes" and await adopt_guest_attempts(str(guest), user.id):
            response.background = await issue_earned(request, user)  # what it earned as a guest
        return response
    titles = {c.id: c.meta.title for c in library(request).courses()}
    found = await latest_attempts(Owner(guest_key=str(guest)))
    words = {"passed": _("finished: passed"), "failed": _("finished: not passed yet"), "busy": _("in progress")}
    attempts = [(titles.get(course_id, course_id),
                 "busy" if a.finished_at is None else ("passed" if a.passed else "failed"))
                for course_id, a in found.items()]
    return render(request, "account/guest_progress.html", {
        "attempts": attempts, "status_text": words, "next": safe_next(request.query_params.get("next")),
    })


# -- register / log in / log out ------------------------------------------------------------
async def register(request: Request) -> Response:
    _ = _t(request)
    next_url = safe_next(request.query_params.get("next"))
    form_values: dict[str, Any] = {"name": "", "email": "", "registration_number": ""}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await request.form()
        next_url = safe_next(form.get("next"))
        form_values = {k: forms.text(form, k) for k in form_values}
        password = _password(form, "password")
        _check_name(_, form_values["name"], errors)
        _check_email(_, form_values["email"], errors)
        _check_password(_, "password", password, errors)
        number = _registration_number(request, form_values["registration_number"], errors)
        if not errors and not await accounts.registration_allowed(client_address(request)):
            errors["email"] = _("Too many accounts were created from your address. Try again in an hour.")
        if not errors:
            # The guest key marks this browser: only it is logged in by the link (see confirm).
            who = await session.owner(request, create_guest=True)
            mailing = await accounts.start_registration(
                form_values["email"], form_values["name"], password, registration_number=number,
                guest_key=who.guest_key if who else None, next_url=next_url,
            )
            # The same page whether the address is free or already has an account: only the
            # mailbox's owner learns which (no user enumeration).
            response = render(request, "account/check_mail.html", {
                "email": accounts.normalise_email(form_values["email"]), "purpose": "register", "next": next_url,
            })
            response.background = _mail(request, "register", mailing)
            return response
        status = 400
    return render(request, "account/register.html", {
        "form": form_values, "errors": errors, "next": next_url, "min_password": MIN_LENGTH,
    }, status_code=status)


def _mail(request: Request, purpose: str, mailing: accounts.Mailing | None) -> BackgroundTask | None:
    """The mail for a registration or an address change, sent after the response, so a taken
    address answers as fast as a free one. None when the address was mailed too often lately."""
    if mailing is None:
        return None
    _ = _t(request)
    base = settings(request).base_url
    if mailing.token is not None:
        link = f"{base}/account/confirm/{mailing.token}"
        if purpose == "register":
            subject = _("Confirm your account")
            body = _(
                "Hello {name},\n\nYou want to create an account. Your account exists only once you "
                "click the link. Confirm your e-mail address with this link:\n\n{link}\n\nThe link works "
                "for 24 hours. Did you not ask for an account? Then you need not do anything: without "
                "the link there is no account.\n",
                name=mailing.name, link=link,
            )
        else:
            subject = _("Confirm your new e-mail address")
            body = _(
                "Hello {name},\n\nYou want to use this e-mail address for your account. Confirm that with "
                "this link:\n\n{link}\n\nThe link works for 24 hours. Did you not ask for this? Then you "
                "need not do anything: nothing changes.\n",
                name=mailing.name, link=link,
            )
    elif purpose == "register":
        login, forgot = f"{base}/account/login", f"{base}/account/password/forgot"
        subject = _("You already have an account")
        body = _(
            "Hello {name},\n\nSomeone wanted to create an account with this e-mail address. But you "
            "already have an account. Log in here:\n\n{login}\n\nForgot your password? Request a new one "
            "here:\n\n{forgot}\n\nWas this not you? Then you need not do anything.\n",
            name=mailing.name, login=login, forgot=forgot,
        )
    else:
        subject = _("This e-mail address already has an account")
        body = _(
            "Hello,\n\nSomeone wanted to use this e-mail address for another account. This address "
            "already belongs to an account, so nothing changes. Was this not you? Then you need not "
            "do anything.\n"
        )
    return BackgroundTask(request.app.state.mailer.send, mailing.email, subject, body)


async def confirm(request: Request) -> Response:
    """The link from a confirmation mail: a page with one button, because mail scanners open
    links too. The POST makes the account (and logs in) or changes the address."""
    token = request.path_params["token"]
    if request.method == "GET":
        pending = await accounts.pending_confirmation(token)
        return render(request, "account/confirm.html", {"pending": pending, "taken": False}, headers=NO_REFERRER)
    try:
        confirmed = await accounts.confirm(token)
    except accounts.EmailTaken:
        return render(request, "account/confirm.html", {"pending": None, "taken": True},
                      status_code=409, headers=NO_REFERRER)
    if confirmed is None:
        return render(request, "account/confirm.html", {"pending": None, "taken": False},
                      status_code=400, headers=NO_REFERRER)
    row, user = confirmed
    if row.purpose == "change":
        return redirect("/account?notice=email")
    if row.guest_key:
        # Progress of the browser that registered goes with the account, except a pass: on a
        # shared computer it may be someone else's, so its owner is asked (guest_progress).
        await adopt_guest_attempts(row.guest_key, user.id, passed=False)
    if row.guest_key is None or request.session.get("guest") != row.guest_key:
        # Another browser pressed the button: someone else's link (login CSRF: an attacker's own
        # link sent to a guest would log the guest into the attacker's account) or the owner on
        # another device. The account exists now; whoever it is logs in with the password, and
        # this browser's own session (a guest's progress) is left as it was.
        return redirect("/account/login?notice=confirmed")
    return await _welcome(request, user, safe_next(row.next_url), flash="welcome")


async def login(request: Request) -> Response:
    _ = _t(request)
    next_url = safe_next(request.query_params.get("next"))
    form_values = {"email": ""}
    errors: dict[str, str] = {}
    status = 200
    notice = None
    if request.query_params.get("notice") == "reset":
        notice = _("Your password has been changed. Log in with your new password.")
    elif request.query_params.get("notice") == "confirmed":
        notice = _("Your account has been created. Log in with your e-mail address and password to go on.")
    if request.method == "POST":
        form = await request.form()
        next_url = safe_next(form.get("next"))
        form_values["email"] = forms.text(form, "email")
        password = _password(form, "password")
        if form_values["email"]:
            _check_email(_, form_values["email"], errors)
        else:
            errors["email"] = _("Enter your e-mail address.")
        if not password:
            errors["password"] = _("Enter your password.")
        if not errors:
            try:
                user = await accounts.authenticate(form_values["email"], password, client_address(request))
            except accounts.Throttled as exc:
                errors["email"] = _wait_message(_, exc)
            except accounts.LoginFailed:
                errors["email"] = _("This e-mail address and password do not match. Check them and try again.")
            else:
                return await _welcome(request, user, next_url)
        status = 400
    return render(request, "account/login.html", {
        "form": form_values, "errors": errors, "next": next_url, "notice": notice,
    }, status_code=status)


async def logout(request: Request) -> Response:
    await session.log_out(request)
    return redirect("/")


# -- profile ---------------------------------------------------------------------------------
async def _profile(request: Request, user: accounts.User, form_values: dict[str, Any], errors: dict[str, str],
                   notice: str | None, status: int) -> Response:
    _ = _t(request)
    roles = {"learner": _("learner"), "author": _("author"), "admin": _("administrator")}
    conf = settings(request)
    lang: Language = "en" if i18n.language(request) == "en" else "nl"
    zone = ZoneInfo(conf.time_zone)
    return render(request, "account/profile.html", {
        "form": form_values, "errors": errors, "notice": notice, "min_password": MIN_LENGTH,
        "role_name": roles.get(user.role, user.role),
        "sessions": await session_store.active(user.id, session.current_key(request), session.lifetimes(request)),
        "session_idle": conf.session_idle_minutes, "session_days": conf.session_lifetime_days,
        "date_text": lambda at: format_date(at.astimezone(zone).date(), lang),
        "outdated": await _outdated_certificates(user),
    }, status_code=status)


async def my_data(request: Request) -> Response:
    """Everything kept about the signed-in learner, as one zip archive."""
    user = await _account_user(request)
    if isinstance(user, Response):
        return user
    archive = await privacy.export(user)
    return Response(archive, media_type="application/zip", headers={
        "Content-Disposition": 'attachment; filename="mijn-gegevens.zip"', "Cache-Control": "no-store",
    })


async def delete_account(request: Request) -> Response:
    """Erase the account after the password is given again; the browser is signed out."""
    user = await _account_user(request)
    if isinstance(user, Response):
        return user
    _ = _t(request)
    form = await request.form()
    wrong = await _wrong_current_password(_, user, _password(form, "delete_password"),
                                          _("Enter your password to delete your account."))
    if wrong:
        form_values = {"name": user.name, "email": user.email, "registration_number": user.registration_number or ""}
        return await _profile(request, user, form_values, {"delete_password": wrong}, None, 400)
    await privacy.erase(user)
    request.session.clear()
    return render(request, "account/deleted.html", {})


async def end_other_sessions(request: Request) -> Response:
    """'Sign out everywhere else': every session of this account but this browser's ends."""
    user = await _account_user(request)
    if isinstance(user, Response):
        return user
    await session_store.end_all(user.id, keep=session.current_key(request))
    return redirect("/account?notice=sessions")


async def _account_user(request: Request) -> accounts.User | Response:
    """The signed-in user of the account pages, or the way to the login form."""
    user = await session.load_user(request)
    return user if user is not None else redirect("/account/login?next=/account")


async def profile(request: Request) -> Response:
    user = await _account_user(request)
    if isinstance(user, Response):
        return user
    _ = _t(request)
    form_values = {"name": user.name, "email": user.email, "registration_number": user.registration_number or ""}
    notices = {
        "saved": _("Your details have been saved."),
        "password": _("Your password has been changed."),
        "email": _("Your e-mail address has been changed."),
        "sessions": _("You are now logged out everywhere except in this browser."),
    }
    if request.method == "GET":
        notice = notices.get(request.query_params.get("notice", ""))
        return await _profile(request, user, form_values, {}, notice, 200)
    form = await request.form()
    errors: dict[str, str] = {}
    form_values = {k: forms.text(form, k) for k in form_values}
    _check_name(_, form_values["name"], errors)
    _check_email(_, form_values["email"], errors)
    number = _registration_number(request, form_values["registration_number"], errors)
    new_email = accounts.normalise_email(form_values["email"])
    email_changes = new_email != user.email
    if email_changes and not errors:
        wrong = await _wrong_current_password(_, user, _password(form, "current_password"),
                                              _("Enter your current password to change your e-mail address."))
        if wrong:
            errors["current_password"] = wrong
    if errors:
        return await _profile(request, user, form_values, errors, None, 400)
    await accounts.update_details(user, name=form_values["name"], registration_number=number)
    session.refresh(request, user)
    if not email_changes:
        return redirect("/account?notice=saved")
    # The new address changes only once its owner follows the mailed link; the answer is the
    # same whether the address is free or belongs to another account.
    response = render(request, "account/check_mail.html", {"email": new_email, "purpose": "change"})
    mailing = await accounts.start_email_change(user, new_email)
    if mailing is not None:  # None: this address was mailed too often lately, and so is the old one spared
        response.background = BackgroundTasks([t for t in (_mail(request, "change", mailing),
                                                           _change_notice(request, user, new_email)) if t])
    return response


async def registration_number(request: Request) -> Response:
    """The Registerplein number, asked for where it matters (on the pass screen). With a certificate
    that lacks it, the next page is the offer to have that certificate made again."""
    user = await session.load_user(request)
    if user is None:
        return redirect("/account/login?next=/account")
    form = await request.form()
    next_url = safe_next(form.get("next"), "/account")
    errors: dict[str, str] = {}
    raw = forms.text(form, "registration_number")
    number = _registration_number(request, raw, errors)
    if number is None and not errors:
        errors["registration_number"] = _t(request)("Enter your registration number.")
    if errors:
        return render(request, "account/registration_number.html", {
            "form": {"registration_number": raw}, "errors": errors, "next": next_url,
        }, status_code=400)
    await accounts.update_details(user, name=user.name, registration_number=number)
    session.refresh(request, user)
    outdated = await _outdated_certificates(user)
    return redirect(f"/certificates/{outdated[0].id}/reissue" if outdated else next_url)


async def _outdated_certificates(user: accounts.User) -> list[certificate_store.CertificateRow]:
    """Valid certificates whose name or registration number is not the account's (any more)."""
    return [c for c in await certificate_store.for_user(user.id) if c.status == certificate_store.VALID and (
        c.data.learner_name != user.name.strip()
        or (c.data.activity_id and c.data.registration_number != user.registration_number))]


def _change_notice(request: Request, user: accounts.User, new_email: str) -> BackgroundTask:
    """Tell the current address that someone asked to move the account elsewhere: if it was not
    its owner, a password reset voids the change (accounts.reset_password)."""
    _ = _t(request)
    local, _at, domain = new_email.partition("@")
    masked, forgot = f"{local[:1]}***@{domain}", f"{settings(request).base_url}/account/password/forgot"
    body = _(
        "Hello {name},\n\nSomeone asked to change the e-mail address of your account to {masked}. "
        "It changes only when someone uses the link in the mail to that address.\n\nWas it you? "
        "Then there is nothing to do.\n\nWas it not you? Choose a new password right away. That "
        "stops the change:\n\n{forgot}\n",
        name=user.name, masked=masked, forgot=forgot,
    )
    return BackgroundTask(request.app.state.mailer.send, user.email, _("Changing your e-mail address"), body)


async def change_password(request: Request) -> Response:
    user = await _account_user(request)
    if isinstance(user, Response):
        return user
    _ = _t(request)
    form = await request.form()
    errors: dict[str, str] = {}
    wrong = await _wrong_current_password(_, user, _password(form, "old_password"),
                                          _("Your current password is not correct."))
    if wrong:
        errors["old_password"] = wrong
    _check_password(_, "new_password", _password(form, "new_password"), errors)
    if not errors:
        await accounts.set_password(user, _password(form, "new_password"))
        await session.log_in(request, user)  # a new session key here; every other session has ended
        return redirect("/account?notice=password")
    form_values = {"name": user.name, "email": user.email, "registration_number": user.registration_number or ""}
    return await _profile(request, user, form_values, errors, None, 400)


# -- forgotten password ---------------------------------------------------------------------
async def forgot(request: Request) -> Response:
    _ = _t(request)
    form_values = {"email": ""}
    errors: dict[str, str] = {}
    if request.method == "GET":
        return render(request, "account/forgot.html", {"form": form_values, "errors": errors, "sent": False})
    form = await request.form()
    form_values["email"] = forms.text(form, "email")
    _check_email(_, form_values["email"], errors)
    if errors:
        return render(request, "account/forgot.html", {"form": form_values, "errors": errors, "sent": False},
                      status_code=400)
    issued = await accounts.request_reset(form_values["email"], client_address(request))
    task = None
    if issued is not None:
        user, token = issued
        link = f"{settings(request).base_url}/account/password/reset/{token}"
        subject = _("Choosing a new password")
        body = _(
            "Hello {name},\n\nYou asked for a new password. Choose a new password with this "
            "link:\n\n{link}\n\nThe link works for one hour, and only once. Did you not ask for a new "
            "password? Then you need not do anything: your password stays the same.\n",
            name=user.name, link=link,
        )
        # Sent after the response, so a known address answers as fast as an unknown one.
        task = BackgroundTask(request.app.state.mailer.send, user.email, subject, body)
    response = render(request, "account/forgot.html", {"form": form_values, "errors": {}, "sent": True})
    response.background = task
    return response


async def reset(request: Request) -> Response:
    _ = _t(request)
    token = request.path_params["token"]
    errors: dict[str, str] = {}
    if request.method == "GET":
        valid = await accounts.reset_user(token) is not None
        return render(request, "account/reset.html", {"valid": valid, "errors": errors, "min_password": MIN_LENGTH},
                      headers=NO_REFERRER)
    form = await request.form()
    password = _password(form, "password")
    _check_password(_, "password", password, errors)
    if errors:
        return render(request, "account/reset.html", {"valid": True, "errors": errors, "min_password": MIN_LENGTH},
                      status_code=400, headers=NO_REFERRER)
    user = await accounts.reset_password(token, password)
    if user is None:
        return render(request, "account/reset.html", {"valid": False, "errors": {}, "min_password": MIN_LENGTH},
                      status_code=400, headers=NO_REFERRER)
    return redirect("/account/login?notice=reset")
