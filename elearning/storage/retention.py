"""How long what is kept about people is kept: the clean-up that `serve` runs every
CLEANUP_INTERVAL_MINUTES and `elearning cleanup` runs from cron (settings RETENTION_*).

Inactive guest attempts are anonymised, not deleted: the guest key (the only link to a
browser) is removed and the attempt and its events stay, so analytics keep their figures; the
text of its open answers is blanked.
Rate-limit rows, ended sessions and used or expired mailed tokens (which hold a name and a
password hash) are deleted; mails in the outbox folder (without SMTP) are deleted as files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import anyio.to_thread

from elearning.settings import Settings
from elearning.storage import open_answers, sessions
from elearning.storage.attempts import now
from elearning.storage.models import (
    Attempt,
    AuditEntry,
    EmailConfirmation,
    PasswordReset,
    ThrottleHit,
)


@dataclass(frozen=True)
class Retention:
    guest_attempts: timedelta
    outbox_mails: timedelta
    throttle_rows: timedelta
    ended_sessions: timedelta
    audit_entries: timedelta = timedelta(days=730)
    tokens: timedelta = timedelta(days=7)


async def clean_up(policy: Retention, outbox: Path | None) -> dict[str, int]:
    """Apply `policy` now; how many of each kind were removed or anonymised."""
    at = now()
    stale_guests = Attempt.filter(user_id=None, guest_key__isnull=False, updated_at__lt=at - policy.guest_attempts)
    await open_answers.blank([int(i) for i in await stale_guests.values_list("id", flat=True)])  # type: ignore[call-overload]  # their personal text goes too
    done = {
        "throttle_rows": await ThrottleHit.filter(created_at__lt=at - policy.throttle_rows).delete(),
        "sessions": await sessions.prune(policy.ended_sessions),
        "guest_attempts": await Attempt.filter(
            user_id=None, guest_key__isnull=False, updated_at__lt=at - policy.guest_attempts,
        ).update(guest_key=None),
        "password_resets": await PasswordReset.filter(expires_at__lt=at - policy.tokens).delete(),
        "email_confirmations": await EmailConfirmation.filter(expires_at__lt=at - policy.tokens).delete(),
        "audit_entries": await AuditEntry.filter(at__lt=at - policy.audit_entries).delete(),
        "outbox_mails": await anyio.to_thread.run_sync(_prune_outbox, outbox, policy.outbox_mails)
        if outbox is not None else 0,
    }
    return done


def _prune_outbox(folder: Path, older_than: timedelta) -> int:
    if not folder.is_dir():
        return 0
    cutoff = now().timestamp() - older_than.total_seconds()
    removed = 0
    for mail in folder.glob("*.eml"):
        if mail.stat().st_mtime < cutoff:
            mail.unlink(missing_ok=True)
            removed += 1
    return removed


def policy(settings: Settings) -> Retention:
    return Retention(
        guest_attempts=timedelta(days=settings.retention_guest_days),
        outbox_mails=timedelta(days=settings.retention_outbox_days),
        throttle_rows=timedelta(hours=settings.retention_throttle_hours),
        ended_sessions=timedelta(days=settings.retention_sessions_days),
        audit_entries=timedelta(days=settings.retention_audit_days),
    )
