"""Retention: what the periodic clean-up and `elearning cleanup` remove or anonymise, on both databases."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from elearning.cli import main
from elearning.storage import audit, retention, sessions
from elearning.storage.attempts import now
from elearning.storage.models import (
    Attempt,
    AuditEntry,
    EmailConfirmation,
    Event,
    PasswordReset,
    ThrottleHit,
    User,
    UserSession,
)

POLICY = retention.Retention(guest_attempts=timedelta(days=90), outbox_mails=timedelta(days=30),
                             throttle_rows=timedelta(hours=24), ended_sessions=timedelta(days=30))


async def _attempt(guest_key: str | None, user: User | None, age: timedelta) -> Attempt:
    at = now() - age
    return await Attempt.create(user=user, guest_key=guest_key, course_id="c", course_hash="h", state="{}",
                                module="m", scene="s", started_at=at, updated_at=at)


async def test_the_clean_up_removes_what_is_past_its_time_and_keeps_the_rest(orm: Any, tmp_path: Path) -> None:
    async with orm:
        at = now()
        user = await User.create(email="a@example.org", name="A", password_hash="x")
        old_guest = await _attempt("old-guest", None, timedelta(days=91))
        new_guest = await _attempt("new-guest", None, timedelta(days=89))
        old_learner = await _attempt(None, user, timedelta(days=400))
        await Event.create(attempt=old_guest, course_hash="h", seq=1, type="choice", module="m", scene="s", payload="{}",
                           created_at=at - timedelta(days=91))
        await ThrottleHit.create(bucket="old", created_at=at - timedelta(hours=25))
        await ThrottleHit.create(bucket="new", created_at=at - timedelta(hours=23))
        ended = await sessions.start(user, "")
        live = await sessions.start(user, "")
        await UserSession.filter(key_hash=sessions._hash(ended)).update(ended_at=at - timedelta(days=31))
        await PasswordReset.create(user=user, token_hash="a" * 64, created_at=at - timedelta(days=9),
                                   expires_at=at - timedelta(days=8))
        await PasswordReset.create(user=user, token_hash="b" * 64, created_at=at, expires_at=at + timedelta(hours=1))
        await EmailConfirmation.create(purpose="register", email="b@example.org", name="B", password_hash="p",
                                       token_hash="c" * 64, created_at=at - timedelta(days=9),
                                       expires_at=at - timedelta(days=8))
        await AuditEntry.create(at=at - timedelta(days=731), actor_label="a@example.org", action="export", subject="x")
        await AuditEntry.create(at=at - timedelta(days=729), actor_label="a@example.org", action="export", subject="y")
        outbox = tmp_path / "outbox"
        outbox.mkdir()
        old_mail, new_mail = outbox / "old.eml", outbox / "new.eml"
        old_mail.write_text("To: a@example.org\n"), new_mail.write_text("To: a@example.org\n")
        month_ago = (at - timedelta(days=31)).timestamp()
        os.utime(old_mail, (month_ago, month_ago))

        done = await retention.clean_up(POLICY, outbox)

        assert done == {"throttle_rows": 1, "sessions": 1, "guest_attempts": 1, "password_resets": 1,
                        "email_confirmations": 1, "audit_entries": 1, "outbox_mails": 1}
        assert (await Attempt.get(id=old_guest.id)).guest_key is None  # anonymised, not deleted
        assert await Event.filter(attempt_id=old_guest.id).count() == 1  # the figures stay
        assert (await Attempt.get(id=new_guest.id)).guest_key == "new-guest"
        assert (await Attempt.get(id=old_learner.id)).user_id == user.id  # an account's attempts stay its own
        assert [t.bucket for t in await ThrottleHit.all()] == ["new"]
        assert await sessions.resume(live, sessions.Lifetimes(timedelta(hours=2), timedelta(days=14))) is not None
        assert await PasswordReset.filter().count() == 1 and await EmailConfirmation.filter().count() == 0
        assert not old_mail.exists() and new_mail.exists()
        assert await retention.clean_up(POLICY, outbox) == dict.fromkeys(done, 0)  # nothing twice


def test_elearning_cleanup_applies_the_settings(database_url: str, tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s" * 40,
           "RETENTION_OUTBOX_DAYS": "0"}
    outbox = tmp_path / "data" / "outbox"
    outbox.mkdir(parents=True)
    (outbox / "x.eml").write_text("To: a@example.org\n")
    os.utime(outbox / "x.eml", (1, 1))
    result = CliRunner().invoke(main, ["cleanup"], env=env)
    assert result.exit_code == 0, result.output
    assert "outbox_mails 1" in result.output
    assert not (outbox / "x.eml").exists()


def test_the_audit_log_records_exports_and_role_changes_from_the_command_line(database_url: str,
                                                                             tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s" * 40}
    runner = CliRunner()
    assert runner.invoke(main, ["users", "create", "beheer@example.org", "--name", "Bea",
                                "--password", "lang genoeg wachtwoord"], env=env).exit_code == 0
    assert runner.invoke(main, ["users", "set-role", "beheer@example.org", "admin"], env=env).exit_code == 0
    exported = runner.invoke(main, ["certificates", "export", "--course", "buurtronde", "--from", "2026-01-01",
                                    "--to", "2026-12-31"], env=env)
    assert exported.exit_code == 0, exported.output

    async def entries() -> list[tuple[str, str, str]]:
        from elearning.storage import db

        ctx = await db.connect(database_url)
        try:
            with ctx:
                return [(e.actor, e.action, e.detail) for e in await audit.recent()]
        finally:
            await ctx.close_connections()

    import asyncio

    assert asyncio.run(entries()) == [("command line", "export", "2026-01-01 - 2026-12-31"),
                                      ("command line", "role", "role admin")]


def test_nothing_offers_to_change_or_delete_an_audit_entry() -> None:
    from elearning.web.app import routes

    assert [r.path for r in routes() if "audit" in getattr(r, "path", "")] == ["/admin/audit"]
    assert {name for name in dir(audit) if not name.startswith("_")} >= {"record", "recent"}
    assert not {"update", "delete", "edit", "remove"} & {n.split("_")[0] for n in dir(audit)}
