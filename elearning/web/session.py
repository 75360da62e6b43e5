"""Who is asking: the signed session cookie, read without touching the database.

The session holds the account id, name, role and auth epoch of a logged-in user, or the
random key of a guest. Every signed-in route goes through `load_user` (or `owner`, which
calls it): it loads the user and checks the epoch, so a password change signs every other
session out of every page, the play pages and certificate downloads included.

SessionMiddleware is Starlette's (the same cookie, the same headers) that remembers the
cookies whose signature it has checked: a browser sends the same cookie with every request
until its session changes, and checking the signature cost more than the rest of the middleware.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from itsdangerous import TimestampSigner
from starlette.middleware import sessions
from starlette.requests import Request
from starlette.types import ASGIApp

from elearning.storage import accounts
from elearning.storage.attempts import Owner
from elearning.storage.models import User


@dataclass(frozen=True)
class SessionUser:
    id: int
    name: str
    role: str


def session_user(request: Request) -> SessionUser | None:
    uid = request.session.get("uid")
    if uid is None:
        return None
    return SessionUser(int(uid), str(request.session.get("name", "")), str(request.session.get("role", "")))


async def owner(request: Request, *, create_guest: bool = False) -> Owner | None:
    """Whose attempts this request may see: a signed-in account still valid (see load_user), or a guest."""
    if request.session.get("uid") is not None:
        user = await load_user(request)
        if user is not None:
            return Owner(user_id=user.id)
    key = request.session.get("guest")
    if key is None and create_guest:
        key = secrets.token_urlsafe(24)
        request.session["guest"] = key
    return Owner(guest_key=str(key)) if key else None


def log_in(request: Request, user: User) -> str | None:
    """Start a fresh session for `user`; returns the guest key whose attempts to adopt."""
    guest = request.session.get("guest")
    request.session.clear()  # a new CSRF token too: no session fixation
    request.session.update(uid=user.id, name=user.name, role=user.role, ep=user.auth_epoch)
    return str(guest) if guest else None


def refresh(request: Request, user: User) -> None:
    """After the user changed their own details or password in this session."""
    request.session.update(name=user.name, role=user.role, ep=user.auth_epoch)


def log_out(request: Request) -> None:
    request.session.clear()


async def load_user(request: Request) -> User | None:
    """The logged-in user from the database; signs the session out when it is no longer valid."""
    uid = request.session.get("uid")
    if uid is None:
        return None
    user = await accounts.get_user(int(uid))
    if user is None or user.auth_epoch != request.session.get("ep"):
        log_out(request)
        return None
    return user


VERIFIED_COOKIES = 4096  # remembered per process; a cookie is about 200 bytes


class _RememberingSigner:
    """A TimestampSigner that checks each signature once; the age of a cookie on every request."""

    def __init__(self, signer: TimestampSigner) -> None:
        self.signer = signer
        self.verified: dict[bytes, tuple[bytes, int]] = {}  # cookie -> (its payload, signed at)

    def sign(self, value: bytes) -> bytes:
        return self.signer.sign(value)

    def unsign(self, cookie: bytes, max_age: int | None = None) -> bytes:
        known = self.verified.get(cookie)
        if known is not None:
            payload, signed_at = known
            if max_age is None or 0 <= int(time.time()) - signed_at <= max_age:
                return payload
        # Raises as Starlette expects (BadSignature, SignatureExpired) for a cookie that is no good.
        payload, signed = self.signer.unsign(cookie, max_age=max_age, return_timestamp=True)
        if len(self.verified) >= VERIFIED_COOKIES:
            self.verified.clear()
        self.verified[cookie] = (payload, int(signed.timestamp()))
        return payload


class SessionMiddleware(sessions.SessionMiddleware):
    def __init__(self, app: ASGIApp, **options: Any) -> None:
        super().__init__(app, **options)
        self.signer = _RememberingSigner(self.signer)  # type: ignore[assignment]
