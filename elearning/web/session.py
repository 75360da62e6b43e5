"""Who is asking: the signed session cookie, and for a signed-in user the session row behind it.

The cookie holds, for a signed-in user, the key of a server-side session (storage/sessions.py)
with the account id, name and role for the page header; for a guest, a random guest key.
Every signed-in route goes through `load_user` (or `owner`, which calls it): it resumes the
session row once per request, so logout, a password change or reset, "sign out everywhere",
the idle timeout and the maximum lifetime end a session on every page, the play pages and
certificate downloads included, and a copied cookie is worth nothing afterwards.

SessionMiddleware is Starlette's (the same cookie, the same headers) that remembers the
cookies whose signature it has checked: a browser sends the same cookie with every request
until its session changes, and checking the signature cost more than the rest of the middleware.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import TimestampSigner
from starlette.middleware import sessions
from starlette.requests import Request
from starlette.types import ASGIApp

from elearning.storage import sessions as session_store
from elearning.storage.attempts import Owner
from elearning.storage.models import User

_LOADED = "elearning.user"  # the request scope's cache of load_user's answer


@dataclass(frozen=True)
class SessionUser:
    id: int
    name: str
    role: str


def session_user(request: Request) -> SessionUser | None:
    """Who the cookie says is signed in, for the page header; `load_user` decides whether it still counts."""
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


def lifetimes(request: Request) -> session_store.Lifetimes:
    conf = request.app.state.settings
    return session_store.Lifetimes(idle=timedelta(minutes=conf.session_idle_minutes),
                                   lifetime=timedelta(days=conf.session_lifetime_days))


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device(user_agent: str) -> str:
    """'Firefox, Windows': enough for the owner to recognise a session, nothing more is kept."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    text = ", ".join(part for part in (browser, system) if part)
    return re.sub(r"[^\w ,.-]", "", text)[:80]


async def log_in(request: Request, user: User) -> str | None:
    """Start a fresh session for `user`; returns the guest key whose attempts to adopt."""
    guest = request.session.get("guest")
    await _end_current(request)
    request.session.clear()  # a new CSRF token too: no session fixation
    key = await session_store.start(user, device(request.headers.get("user-agent", "")))
    request.session.update(sid=key, uid=user.id, name=user.name, role=user.role)
    request.scope[_LOADED] = user
    return str(guest) if guest else None


def refresh(request: Request, user: User) -> None:
    """After the user changed their own details in this session."""
    request.session.update(name=user.name, role=user.role)
    request.scope[_LOADED] = user


def current_key(request: Request) -> str | None:
    key = request.session.get("sid")
    return str(key) if key else None


async def _end_current(request: Request) -> None:
    key = current_key(request)
    if key is not None:
        await session_store.end(key)


async def log_out(request: Request) -> None:
    """End this session on the server too: a copy of the cookie is worth nothing afterwards."""
    await _end_current(request)
    request.session.clear()
    request.scope[_LOADED] = None


async def load_user(request: Request) -> User | None:
    """The signed-in user, if the session still counts; otherwise the cookie is emptied. Once per request."""
    if _LOADED in request.scope:
        return request.scope[_LOADED]  # type: ignore[no-any-return]
    user = None
    key = current_key(request)
    if key is not None:
        user = await session_store.resume(key, lifetimes(request))
    if user is None and request.session.get("uid") is not None:
        request.session.clear()  # ended, lapsed, or a cookie from before server-side sessions
    request.scope[_LOADED] = user
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
    def __init__(self, app: ASGIApp, *args: Any, **options: Any) -> None:
        super().__init__(app, *args, **options)
        self.signer = _RememberingSigner(self.signer)  # type: ignore[assignment]
