"""What the commands that use the database share: settings with a clear error, and one run
with the database connected and its schema checked."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from elearning.settings import Settings, SettingsError
from elearning.storage import credential_keys, db, passwords

T = TypeVar("T")


def load_settings() -> Settings:
    try:
        return Settings.load()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def run_with_database(settings: Settings, work: Callable[[], Awaitable[T]], *, check: bool = True) -> T:
    """Run `work` with the database connected (and, by default, its schema checked)."""
    passwords.use_cost(settings.password_hash_cost)

    async def main() -> T:
        ctx = await db.connect(settings.database_url)
        try:
            if check:
                await db.check_schema(ctx, settings.database_url, settings.database_display)
            with ctx:
                return await work()
        finally:
            await ctx.close_connections()

    try:
        return asyncio.run(main())
    except (db.UnmigratedDatabase, credential_keys.KeyUnreadable) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"Cannot reach the database {settings.database_display}: {exc}") from None
