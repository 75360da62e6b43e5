"""The audit log: what administrators did, for administrators to read and nobody to edit.

There is no function here that changes or deletes an entry; the retention clean-up removes
entries older than RETENTION_AUDIT_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from elearning.storage.attempts import now
from elearning.storage.models import AuditEntry, User

COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


async def record(actor: User | None, action: str, subject: str, detail: str = "") -> None:
    """Note that `actor` (None: an operator's command) did `action` to `subject`."""
    await AuditEntry.create(at=now(), actor=actor, actor_label=actor.email if actor else COMMAND_LINE,
                            action=action, subject=subject[:200], detail=detail)


async def recent(limit: int = 200, offset: int = 0) -> list[Entry]:
    rows = await AuditEntry.all().order_by("-at", "-id").offset(offset).limit(limit)
    return [Entry(r.at, r.actor_label, r.action, r.subject, r.detail) for r in rows]
