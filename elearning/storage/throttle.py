"""Rate limits counted in the database (table throttle_hit), so they hold across server processes.

Two kinds: a hard `Limit` (so many tries per window in a bucket) and a progressive `wait`
(a few free tries, then a delay after the last failure that doubles per failure). Buckets
hold digests or network addresses, never an e-mail address; rows are deleted by the
retention clean-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from elearning.storage.attempts import now
from elearning.storage.models import ThrottleHit

FREE_TRIES = 3  # failures in a bucket before the delay starts
FIRST_DELAY = timedelta(seconds=5)  # then doubled per failure ...
MAX_DELAY = timedelta(minutes=15)  # ... up to this
WINDOW = timedelta(hours=1)  # failures older than this no longer count


@dataclass(frozen=True)
class Limit:
    tries: int
    window: timedelta


async def over_limit(buckets: list[tuple[str, Limit]]) -> bool:
    at = now()
    for bucket, limit in buckets:
        if await ThrottleHit.filter(bucket=bucket, created_at__gte=at - limit.window).count() >= limit.tries:
            return True
    return False


async def hit(*buckets: str) -> None:
    at = now()
    await ThrottleHit.bulk_create([ThrottleHit(bucket=b, created_at=at) for b in buckets])


async def allowed(bucket: str, limit: Limit) -> bool:
    """Counts one more try in `bucket`; False (and not counted) when the limit is reached."""
    if await over_limit([(bucket, limit)]):
        return False
    await hit(bucket)
    return True


def delay(failures: int) -> timedelta:
    """How long to wait after the last failure, given the recent failures in a bucket."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_TRIES), MAX_DELAY)


async def wait(bucket: str) -> timedelta:
    """How long this bucket must still wait before its next try (zero: go ahead)."""
    at = now()
    recent = ThrottleHit.filter(bucket=bucket, created_at__gte=at - WINDOW)
    failures = await recent.count()
    if failures < FREE_TRIES:
        return timedelta(0)
    last = await recent.order_by("-created_at").first()
    if last is None:
        return timedelta(0)
    return max(timedelta(0), last.created_at + delay(failures) - at)


async def clear(bucket: str) -> None:
    await ThrottleHit.filter(bucket=bucket).delete()


async def clear_prefix(prefix: str) -> None:
    await ThrottleHit.filter(bucket__startswith=prefix).delete()
