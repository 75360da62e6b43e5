"""Connecting to the database and keeping its schema current.

    ctx = await connect(settings.database_url)      # a TortoiseContext, not global
    pending = await pending_migrations(ctx)          # [] when the schema is current
    await migrate(settings.database_url)

The context is not installed globally: the web app activates it per request (see
elearning/web/app.py), so several apps (tests, a server in a thread) can live in one process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor

from elearning.storage import executor
from elearning.storage.inline import InlineSQLite

APP = "storage"
MODELS = ["elearning.storage.models"]
MIGRATIONS = "elearning.storage.migrations"

# For `tortoise -c elearning.storage.db.MAKEMIGRATIONS_CONFIG makemigrations storage`.
MAKEMIGRATIONS_CONFIG: dict[str, Any] = {
    "connections": {"default": "sqlite://:memory:"},
    "apps": {APP: {"models": MODELS, "migrations": MIGRATIONS, "default_connection": "default"}},
}


class UnmigratedDatabase(RuntimeError):
    """The database schema is behind the code."""


def connection_name(database_url: str) -> str:
    """Named after the dialect: Tortoise caches SQL per connection name process-wide, so a
    process that talks to SQLite and later to PostgreSQL (the test suite) must not reuse a name."""
    return "sqlite" if database_url.startswith("sqlite://") else "postgres"


def tortoise_config(database_url: str) -> dict[str, Any]:
    connection = expand_db_url(database_url)
    name = connection_name(database_url)
    if connection["engine"] == "tortoise.backends.sqlite":
        credentials = connection["credentials"]
        credentials.setdefault("journal_mode", "WAL")
        credentials.setdefault("busy_timeout", 5000)
        credentials.setdefault("synchronous", "NORMAL")  # durable in WAL mode, much faster
    return {
        "connections": {name: connection},
        "apps": {APP: {"models": MODELS, "migrations": MIGRATIONS, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def connect(database_url: str) -> TortoiseContext:
    """A context with Tortoise's connection and, chosen here once, the executor of storage/executor.py."""
    ctx = TortoiseContext()
    config = tortoise_config(database_url)
    with ctx:
        await ctx.init(config=config)
    name = connection_name(database_url)
    connection = config["connections"][name]
    if connection["engine"] == "tortoise.backends.sqlite":
        credentials = connection["credentials"]
        path = credentials["file_path"]
        if path != ":memory:":  # an in-memory database is private to Tortoise's connection
            executor.attach(ctx, InlineSQLite(ctx, name, path, str(credentials["synchronous"])))
            return ctx
        executor.attach(ctx, executor.TortoiseExecutor(ctx, name, "sqlite"))
        return ctx
    executor.attach(ctx, executor.TortoiseExecutor(ctx, name, "postgres"))
    return ctx


def _executor(ctx: TortoiseContext, database_url: str) -> MigrationExecutor:
    apps = tortoise_config(database_url)["apps"]
    with ctx:
        return MigrationExecutor(get_connection(connection_name(database_url)), apps)


async def pending_migrations(ctx: TortoiseContext, database_url: str) -> list[str]:
    """Names of the migrations not yet applied to this database."""
    with ctx:
        executor = _executor(ctx, database_url)
        plan = await executor.plan()
    return [f"{step.migration.app_label}.{step.migration.name}" for step in plan if not step.backward]


async def migrate(ctx: TortoiseContext, database_url: str) -> list[str]:
    """Apply every pending migration; returns their names."""
    with ctx:
        executor = _executor(ctx, database_url)
        applied: list[str] = []

        def progress(event: str, app_label: str, name: str) -> None:
            if event == "apply_done":
                applied.append(f"{app_label}.{name}")

        await executor.migrate(progress=progress)
    return applied


async def check_schema(ctx: TortoiseContext, database_url: str, display: str) -> None:
    pending = await pending_migrations(ctx, database_url)
    if pending:
        raise UnmigratedDatabase(
            f"The database {display} is not up to date: {len(pending)} migration(s) not applied "
            f"({', '.join(pending)}). Run `elearning migrate`, or start with `elearning serve --migrate`."
        )


def sqlite_file_missing(database_url: str) -> bool:
    """True for an embedded database that does not exist yet (safe to create and migrate)."""
    if not database_url.startswith("sqlite://"):
        return False
    path = expand_db_url(database_url)["credentials"]["file_path"]
    return path != ":memory:" and not Path(path).exists()
