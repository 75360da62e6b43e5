"""`elearning pe-online push`: send the PE points of issued certificates to PE-online, once (for cron).

`elearning serve` does the same every PE_ONLINE_INTERVAL seconds when PE_ONLINE_ENABLED is
set; both may run at the same time, on as many machines as you like (see
elearning/storage/registrations.py). The database and httpx are imported inside the command,
so that every other `elearning` command starts fast.
"""

from __future__ import annotations

import click

from elearning.commands.database import load_settings, run_with_database


@click.group("pe-online")
def pe_online() -> None:
    """PE-online's attendance web service: register PE points automatically."""


@pe_online.command("push")
def push() -> None:
    """Send every pending registration in batches; rejected rows are reported, failed calls retried later."""
    settings = load_settings()
    if not settings.pe_online_enabled:
        raise click.ClickException("PE-online is off: set PE_ONLINE_ENABLED=true and its other settings "
                                   "(see docs/operations.md, 'PE-online').")
    from elearning.storage import pe_push

    report = run_with_database(settings, lambda: pe_push.push_once(settings))
    synced = report.synced
    if synced is not None:
        click.echo(f"Outbox: {synced.added} new, {synced.moved} moved to a re-issued certificate, "
                   f"{synced.flagged} to follow up by hand, {synced.dropped} withdrawn before sending.")
    click.echo(f"Sent {report.batches} batch(es): {report.accepted} accepted, {report.rejected} rejected, "
               f"{report.failed} to try again later.")
    for error in report.errors:
        click.echo(f"A call failed: {error}", err=True)
    if report.failed:
        raise SystemExit(1)


COMMANDS: list[click.Command] = [pe_online]
