"""The PE-online push: fill the outbox, then send due batches until none is left.

    report = await push_once(settings)          # `elearning pe-online push` (cron)
    task = start_worker(settings)          # inside `elearning serve`, every PE_ONLINE_INTERVAL

Several workers (processes, machines) may run at once: `registrations.claim` hands each
batch to one of them. No personal data is logged, only counts and batch ids; the
administrator's page shows the details.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from elearning.certificates import pe_online
from elearning.settings import Settings
from elearning.storage import registrations

log = logging.getLogger(__name__)


@dataclass
class PushReport:
    synced: registrations.Synced | None = None
    batches: int = 0
    accepted: int = 0
    rejected: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def credentials(settings: Settings) -> pe_online.Credentials:
    if not (settings.pe_online_url and settings.pe_online_user_id and settings.pe_online_key
            and settings.pe_online_organisation_id):
        raise ValueError("PE_ONLINE_URL, PE_ONLINE_USER_ID, PE_ONLINE_KEY and PE_ONLINE_ORGANISATION_ID must be set")
    return pe_online.Credentials(url=settings.pe_online_url, user_id=settings.pe_online_user_id,
                                 key=settings.pe_online_key, organisation_id=settings.pe_online_organisation_id)


def lease(settings: Settings) -> timedelta:
    """How long a claimed batch belongs to its worker: the call's timeout twice, plus a second to record."""
    return timedelta(seconds=2 * settings.pe_online_timeout + 1)


async def push_once(settings: Settings) -> PushReport:
    """One pass: sync the outbox, then claim, send and record batches until nothing is due."""
    report = PushReport(synced=await registrations.sync())
    login = credentials(settings)
    async with httpx.AsyncClient(timeout=settings.pe_online_timeout) as client:
        while True:
            batch_id, rows = await registrations.claim(settings.pe_online_batch_size, lease(settings))
            if not rows:
                break
            report.batches += 1
            try:
                # Two certificates of one person, course and date (passed twice that day) are one attendance.
                unique = list(dict.fromkeys(row.attendance for row in rows))
                outcomes = await pe_online.send(login, unique, timeout=settings.pe_online_timeout, client=client)
            except pe_online.PushFailed as exc:
                report.failed += await registrations.fail(batch_id, rows, str(exc))
                report.errors.append(str(exc))
                log.warning("PE-online batch %s of %d registration(s) failed; it is tried again later "
                            "(the reason is on the administrator's PE-online page)", batch_id, len(rows))
                continue
            accepted, rejected = await registrations.record(
                batch_id, {row.id: outcomes[row.attendance.key] for row in rows})
            report.accepted += accepted
            report.rejected += rejected
    if report.batches:
        log.info("PE-online push: %d batch(es), %d accepted, %d rejected, %d to try again",
                 report.batches, report.accepted, report.rejected, report.failed)
    return report


async def _every(settings: Settings) -> None:
    while True:
        try:
            await push_once(settings)
        except Exception:
            log.exception("The PE-online push failed; it runs again in %d seconds", settings.pe_online_interval)
        await asyncio.sleep(settings.pe_online_interval)


def start_worker(settings: Settings) -> asyncio.Task[None] | None:
    """The periodic push inside the server, when PE_ONLINE_ENABLED; cancel the task to stop it.
    Call it with the database context active: the task keeps it (a task copies the context variables)."""
    if not settings.pe_online_enabled:
        return None
    return asyncio.create_task(_every(settings), name="pe-online-push")


async def stop_worker(task: asyncio.Task[None] | None) -> None:
    """Stop the push; a batch cut off between sending and recording is sent again after its lease."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
