"""Signed-in sessions, kept in the database so that they can end.

The cookie holds a random key; the row (found by the key's hash) says whose session it is
and whether it still counts. A session ends at logout, when its owner changes or resets the
password, with "sign out everywhere", after `idle` without a request and after `lifetime`
in any case. Every signed-in request reads the row once (`resume`); `last_seen_at` is
written at most once a minute, so reading pages costs no writes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from elearning.storage.attempts import now
from elearning.storage.models import User, UserSession

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    lifetime: timedelta


@dataclass(frozen=True)
class ActiveSession:
    id: int
    device: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def start(user: User, device: str) -> str:
    """A new session for `user`; returns the key for the cookie (stored only as a hash)."""
    key = secrets.token_urlsafe(32)
    at = now()
    await UserSession.create(key_hash=_hash(key), user=user, created_at=at, last_seen_at=at, device=device[:80])
    return key


async def resume(key: str, limits: Lifetimes) -> User | None:
    """The user of a session that still counts (and it counts as seen now); None otherwise."""
    at = now()
    row = await UserSession.filter(key_hash=_hash(key), ended_at=None).select_related("user").first()
    if row is None:
        return None
    if at - row.last_seen_at > limits.idle or at - row.created_at > limits.lifetime:
        await UserSession.filter(id=row.id, ended_at=None).update(ended_at=at)
        return None
    if at - row.last_seen_at > TOUCH_EVERY:
        await UserSession.filter(id=row.id).update(last_seen_at=at)
    return row.user


async def end(key: str) -> None:
    await UserSession.filter(key_hash=_hash(key), ended_at=None).update(ended_at=now())


async def end_all(user_id: int, *, keep: str | None = None, conn: BaseDBAsyncClient | None = None) -> int:
    """End every session of the user, except the one with key `keep`; the number ended."""
    query = UserSession.filter(user_id=user_id, ended_at=None)
    if keep is not None:
        query = query.exclude(key_hash=_hash(keep))
    if conn is not None:
        query = query.using_db(conn)
    return await query.update(ended_at=now())


async def active(user_id: int, current_key: str | None, limits: Lifetimes) -> list[ActiveSession]:
    """The user's sessions that still count, the newest first."""
    at = now()
    rows = await UserSession.filter(
        user_id=user_id, ended_at=None, last_seen_at__gt=at - limits.idle, created_at__gt=at - limits.lifetime,
    ).order_by("-last_seen_at")
    current = _hash(current_key) if current_key else None
    return [ActiveSession(r.id, r.device, r.created_at, r.last_seen_at, r.key_hash == current) for r in rows]


async def prune(older_than: timedelta) -> int:
    """Delete sessions that ended (or lapsed) more than `older_than` ago."""
    cutoff = now() - older_than
    ended = await UserSession.filter(ended_at__lt=cutoff).delete()
    return ended + await UserSession.filter(ended_at=None, last_seen_at__lt=cutoff).delete()
