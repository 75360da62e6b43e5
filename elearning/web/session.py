"""Who is asking: the signed session cookie, read without touching the database.

The session holds the account id, name, role and auth epoch of a logged-in user, or the
random key of a guest. Pages that show or change account data load the user and check
the epoch (a password change signs every other session out).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.requests import Request

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


def owner(request: Request, *, create_guest: bool = False) -> Owner | None:
    user = session_user(request)
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
