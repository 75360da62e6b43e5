"""Accounts: registration, login with rate limits, details, password reset tokens.

Rate limits count rows in the database (table throttle_hit), so they hold across several
server processes. No function tells an unknown e-mail address apart from a wrong password,
and registering or changing an address goes through a mailed link (EmailConfirmation): the
form answers the same whether the address is free or taken, and only its owner learns which.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from elearning.storage import sessions, throttle
from elearning.storage.attempts import now
from elearning.storage.models import EmailConfirmation, PasswordReset, Role, User
from elearning.storage.passwords import hash_password, needs_rehash, verify_password
from elearning.storage.throttle import Limit

# Failed logins: a progressive delay per (account, address) pair (throttle.wait), so that nobody
# can lock the owner out by failing from other addresses; a hard limit per address against spraying.
LOGIN_FREE_TRIES = throttle.FREE_TRIES
LOGIN_PER_ADDRESS = Limit(30, timedelta(minutes=15))
RESET_PER_ACCOUNT = Limit(3, timedelta(hours=1))
RESET_PER_ADDRESS = Limit(10, timedelta(hours=1))
REGISTER_PER_ADDRESS = Limit(20, timedelta(hours=1))
RESET_VALID_FOR = timedelta(hours=1)
CONFIRM_PER_ADDRESS = Limit(3, timedelta(hours=1))  # mails to one e-mail address
CONFIRM_VALID_FOR = timedelta(hours=24)


class EmailTaken(Exception):
    pass


class LoginFailed(Exception):
    """Unknown e-mail address or wrong password: deliberately the same."""


class Throttled(Exception):
    """Too many tries; the caller shows the same message whether the account exists or not."""

    def __init__(self, retry_after: timedelta = timedelta(minutes=15)) -> None:
        super().__init__(f"try again in {retry_after}")
        self.retry_after = retry_after


def normalise_email(raw: str) -> str:
    return raw.strip().lower()


# One plain address: a dot-atom local part, an @, and a domain of letter-digit-hyphen labels with
# an alphabetic top level (IDN as punycode). No quoted local parts, comments, display names or
# lists: nothing a mail library would read as a second recipient (`,` `;` `<` `>` `"`), no spaces.
_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*", re.ASCII)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_TOP = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})", re.ASCII)


def email_address(raw: str) -> str | None:
    """The one e-mail address in a form field, normalised; None when it is not exactly one plain address."""
    address = normalise_email(raw)
    local, at, domain = address.partition("@")
    if not at or len(address) > 254 or len(local) > 64 or not _LOCAL.fullmatch(local):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or not _TOP.fullmatch(labels[-1]):
        return None
    return address


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _account_bucket(kind: str, email: str) -> str:
    # The bucket holds a digest, never the address itself.
    return f"{kind}-account:{_digest(normalise_email(email))[:40]}"


def _address_bucket(kind: str, address: str) -> str:
    return f"{kind}-ip:{address[:80]}"


def _login_pairs(email: str) -> str:
    """The start of the buckets of failed logins of this account, one per address."""
    return f"login-pair:{_digest(normalise_email(email))[:40]}:"


# -- accounts ------------------------------------------------------------------------
async def create_user(email: str, name: str, password: str, *, registration_number: str | None = None,
                      role: Role = Role.LEARNER) -> User:
    password_hash = await hash_password(password)
    try:
        return await User.create(
            email=normalise_email(email), name=name.strip(), password_hash=password_hash,
            registration_number=registration_number or None, role=role.value,
        )
    except IntegrityError:
        raise EmailTaken(normalise_email(email)) from None


async def registration_allowed(address: str) -> bool:
    """Counts this try; False when the address made too many accounts lately."""
    return await throttle.allowed(_address_bucket("register", address), REGISTER_PER_ADDRESS)


async def get_user(user_id: int) -> User | None:
    return await User.filter(id=user_id).first()


async def list_users(role: Role | None = None) -> list[User]:
    """Every account (or those with `role`), by e-mail address."""
    query = User.all().order_by("email")
    if role is not None:
        query = query.filter(role=role.value)
    return await query


async def find_user(email: str) -> User | None:
    return await User.filter(email=normalise_email(email)).first()


async def check_password(user: User, password: str) -> bool:
    """Whether `password` is the user's current one (to change the password or the address);
    raises Throttled when wrong guesses came too fast (the same progressive delay as login)."""
    bucket = f"password-check:{user.id}"
    wait = await throttle.wait(bucket)
    if wait:
        raise Throttled(wait)
    if await verify_password(user.password_hash, password):
        await throttle.clear(bucket)
        return True
    await throttle.hit(bucket)
    return False


async def authenticate(email: str, password: str, address: str) -> User:
    """The user with these credentials; raises LoginFailed or Throttled (with how long to wait)."""
    pair = f"{_login_pairs(email)}{address[:60]}"
    per_address = _address_bucket("login", address)
    if await throttle.over_limit([(per_address, LOGIN_PER_ADDRESS)]):
        raise Throttled(LOGIN_PER_ADDRESS.window)
    wait = await throttle.wait(pair)
    if wait:
        raise Throttled(wait)
    user = await find_user(email)
    ok = await verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        await throttle.hit(pair, per_address)
        raise LoginFailed()
    await throttle.clear(pair)
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        await user.save(update_fields=["password_hash"])
    return user


async def update_details(user: User, *, name: str, registration_number: str | None) -> None:
    """Name and registration number; a new e-mail address goes through start_email_change."""
    user.name = name.strip()
    user.registration_number = registration_number or None
    await user.save(update_fields=["name", "registration_number", "updated_at"])


async def set_password(user: User, password: str) -> None:
    """A new password; every session and pending address change of the account ends (the caller
    starts a new session for the browser that made the change: a copy of its old cookie ends too)."""
    user.password_hash = await hash_password(password)
    user.auth_epoch += 1
    async with in_transaction() as conn:
        await user.save(using_db=conn, update_fields=["password_hash", "auth_epoch", "updated_at"])
        await _void_address_changes(user.id, now(), conn)
        await sessions.end_all(user.id, conn=conn)


async def _void_address_changes(user_id: int, at: datetime, conn: BaseDBAsyncClient) -> None:
    """Recovery ends what someone who knew the old password started: a change to their mailbox."""
    await EmailConfirmation.filter(user_id=user_id, purpose="change", used_at=None).using_db(conn).update(used_at=at)


async def set_role(user: User, role: Role) -> None:
    user.role = role.value
    await user.save(update_fields=["role", "updated_at"])


# -- mailed single-use tokens ------------------------------------------------------------
async def _use_token(model: type[PasswordReset] | type[EmailConfirmation], token: str, at: datetime,
                     conn: BaseDBAsyncClient) -> Any:
    """Mark the unused, unexpired row of this token used (once, even with two racing requests)."""
    row = await model.filter(token_hash=_digest(token), used_at=None, expires_at__gt=at).using_db(conn).first()
    if row is None:
        return None
    used = await model.filter(id=row.id, used_at=None).using_db(conn).update(used_at=at)
    return row if used else None


# -- password reset ----------------------------------------------------------------------
async def request_reset(email: str, address: str) -> tuple[User, str] | None:
    """A fresh single-use token for the account with this address, or None.

    None for unknown addresses and when the limits are reached; the caller says the same
    thing in every case.
    """
    buckets = [
        (_account_bucket("reset", email), RESET_PER_ACCOUNT),
        (_address_bucket("reset", address), RESET_PER_ADDRESS),
    ]
    if await throttle.over_limit(buckets):
        return None
    await throttle.hit(*(b for b, _ in buckets))
    user = await find_user(email)
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    at = now()
    await PasswordReset.create(user=user, token_hash=_digest(token), created_at=at,
                               expires_at=at + RESET_VALID_FOR)
    return user, token


async def reset_user(token: str) -> User | None:
    """The user a valid (unused, unexpired) token belongs to."""
    row = await PasswordReset.filter(
        token_hash=_digest(token), used_at=None, expires_at__gt=now()
    ).select_related("user").first()
    return row.user if row else None


async def reset_password(token: str, password: str) -> User | None:
    """Use the token once: set the password, and void every other open token of the account and
    every pending address change. The token is looked at before the password is hashed, so a
    dead link costs no argon2 work."""
    if await reset_user(token) is None:
        return None
    password_hash = await hash_password(password)
    at = now()
    async with in_transaction() as conn:
        row = await _use_token(PasswordReset, token, at, conn)
        if row is None:
            return None
        await PasswordReset.filter(user_id=row.user_id, used_at=None).using_db(conn).update(used_at=at)  # type: ignore[attr-defined]
        user = await User.get(id=row.user_id).using_db(conn)  # type: ignore[attr-defined]
        user.password_hash = password_hash
        user.auth_epoch += 1
        await user.save(using_db=conn, update_fields=["password_hash", "auth_epoch", "updated_at"])
        await _void_address_changes(user.id, at, conn)
        await sessions.end_all(user.id, conn=conn)
    await throttle.clear_prefix(_login_pairs(user.email))
    return user


# -- confirming an address: new accounts and changed addresses --------------------------------
@dataclass(frozen=True)
class Mailing:
    """What to mail after a registration or an address change: a link to confirm the address
    (`token` set), or, when the address already has an account, a note saying so (`token` None)."""

    email: str
    name: str
    token: str | None


async def _confirm_allowed(email: str) -> bool:
    return await throttle.allowed(_account_bucket("confirm", email), CONFIRM_PER_ADDRESS)


async def _new_confirmation(purpose: str, email: str, **values: Any) -> str:
    token = secrets.token_urlsafe(32)
    at = now()
    await EmailConfirmation.create(purpose=purpose, email=email, token_hash=_digest(token), created_at=at,
                                   expires_at=at + CONFIRM_VALID_FOR, **values)
    return token


async def start_registration(email: str, name: str, password: str, *, registration_number: str | None = None,
                             guest_key: str | None = None, next_url: str = "/") -> Mailing | None:
    """The mail to send for this registration, or None when that address got too many lately.

    The account is made when the link is used (confirm_registration). The password is hashed
    in every case, so a taken address answers as slowly as a free one.
    """
    email = normalise_email(email)
    password_hash = await hash_password(password)
    if not await _confirm_allowed(email):
        return None
    existing = await find_user(email)
    if existing is not None:
        return Mailing(email, existing.name, None)
    token = await _new_confirmation(
        "register", email, name=name.strip(), password_hash=password_hash,
        registration_number=registration_number or None, guest_key=guest_key, next_url=next_url[:300],
    )
    return Mailing(email, name.strip(), token)


async def start_email_change(user: User, email: str) -> Mailing | None:
    """The mail to send to the new address `email` of `user`, or None when limited."""
    email = normalise_email(email)
    if not await _confirm_allowed(email):
        return None
    if await User.filter(email=email).exists():
        return Mailing(email, user.name, None)
    token = await _new_confirmation("change", email, user=user)
    return Mailing(email, user.name, token)


async def pending_confirmation(token: str) -> EmailConfirmation | None:
    """The unused, unexpired confirmation this token belongs to."""
    return await EmailConfirmation.filter(token_hash=_digest(token), used_at=None, expires_at__gt=now()).first()


async def confirm(token: str) -> tuple[EmailConfirmation, User] | None:
    """Use the token once: make the account, or give the account its new address.

    None when the token is unknown, used or expired; EmailTaken when the address got an
    account in the meantime (the token is then used up all the same).
    """
    at = now()
    async with in_transaction() as conn:
        row = await _use_token(EmailConfirmation, token, at, conn)
    if row is None:
        return None
    if row.purpose == "register":
        try:
            user = await User.create(
                email=row.email, name=row.name, password_hash=row.password_hash,
                registration_number=row.registration_number, role=Role.LEARNER.value,
            )
        except IntegrityError:
            raise EmailTaken(row.email) from None
        # Other links for this address can only fail now: void them, and keep no second copy of
        # the name, password hash and number the account now holds.
        await EmailConfirmation.filter(email=row.email, purpose="register", used_at=None).update(used_at=at)
        await EmailConfirmation.filter(email=row.email, purpose="register").update(
            name=None, password_hash=None, registration_number=None)
        return row, user
    user = await User.get(id=row.user_id)  # type: ignore[attr-defined]
    user.email = row.email
    try:
        await user.save(update_fields=["email", "updated_at"])
    except IntegrityError:
        raise EmailTaken(row.email) from None
    return row, user
