"""Password hashing with argon2, always off the event loop, and only a few at a time.

Each hash takes about 80 ms of one core and 19 MiB (at the default PASSWORD_HASH_COST). Without a bound, a burst of logins or
reset forms would fill the thread pool and starve every other request of CPU; with one, the
burst waits in line while pages keep their speed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import weakref

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

log = logging.getLogger(__name__)

# argon2id costs (passes, KiB), chosen by the setting PASSWORD_HASH_COST. owasp: the OWASP Password
# Storage Cheat Sheet parameters (19 MiB, 2 passes, 1 lane), about 80 ms here, so a login does not
# tie up a worker thread for long. minimal: argon2's floor, for test suites that are not about it.
COSTS = {"owasp": (2, 19456), "minimal": (1, 8)}
_hasher = PasswordHasher()
_DUMMY_HASH = ""  # verified against when the account does not exist, so that both cases take as long


def use_cost(name: str) -> None:
    """Hash at the cost `name` from now on (a process hashes at one cost; start-up sets it).
    Stored hashes carry their own parameters: they verify at any cost, and a login rehashes them."""
    global _hasher, _DUMMY_HASH
    time_cost, memory_cost = COSTS[name]
    if name != "owasp":
        log.warning("PASSWORD_HASH_COST=%s: passwords are hashed cheaply; only for test suites", name)
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not a real password")


use_cost("owasp")

MIN_LENGTH = 10
MAX_LENGTH = 256
CONCURRENT_HASHES = max(1, os.cpu_count() or 1)

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


def _limiter() -> anyio.CapacityLimiter:
    """The bound of the running event loop (a limiter belongs to one loop)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(CONCURRENT_HASHES)
    return limiter


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _hash(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hash, password, limiter=_limiter())


async def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`; with stored=None it takes as long and is False."""
    return await anyio.to_thread.run_sync(_verify, stored, password, limiter=_limiter())


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def hash_password_sync(password: str) -> str:
    """For the command line, where no event loop runs."""
    return _hash(password)
