"""`elearning credentials ...`: the keys that sign the certificates' Open Badges credentials.

The keys live in the database, encrypted with SECRET_KEY (elearning/storage/credential_keys.py);
`serve` makes the first one. `rotate-key` retires the current key and makes a new one: new
credentials are signed with it, and did.json keeps listing the old ones so that certificates
signed before keep verifying. See docs/operations.md, "Signing keys".
"""

from __future__ import annotations

import click

from elearning.commands.database import load_settings, run_with_database


@click.group("credentials")
def credentials() -> None:
    """The keys that sign the certificates' credentials (Open Badges 3.0)."""


@credentials.command("keys")
def keys() -> None:
    """List the signing keys: the current one and the retired ones (all stay in did.json)."""
    from elearning.certificates.credentials import did_web
    from elearning.storage import credential_keys

    settings = load_settings()
    listed = run_with_database(settings, credential_keys.public_keys)
    click.echo(f"Issuer: {did_web(settings.base_url)} (served at /.well-known/did.json)")
    if not listed:
        click.echo("No key yet: `elearning serve` (or `elearning credentials rotate-key`) makes the first.")
    for key in listed:
        state = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "current"
        click.echo(f"{key.public_key}  made {key.created_at:%Y-%m-%d %H:%M}  {state}")


@credentials.command("rotate-key")
def rotate_key() -> None:
    """Retire the current signing key and make a new one. Certificates signed with the old key keep
    verifying: did.json keeps listing it. Run it when a key may have leaked, or on a schedule."""
    from elearning.storage import audit, credential_keys

    settings = load_settings()

    async def work() -> tuple[list[str], str]:
        retired, new = await credential_keys.rotate(settings.secret_key)
        await audit.record(None, "key-rotate", "credential signing key",
                           f"new {new}; retired {', '.join(retired) or 'none'}")
        return retired, new

    retired, new = run_with_database(settings, work)
    for key in retired:
        click.echo(f"Retired {key} (still listed in did.json: what it signed keeps verifying).")
    click.echo(f"New signing key {new}.")


COMMANDS: list[click.Command] = [credentials]
