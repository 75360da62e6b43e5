"""`elearning serve`, `elearning migrate` and `elearning users ...`."""

from __future__ import annotations

import asyncio
import logging

import click

from elearning.commands.database import load_settings as _settings
from elearning.commands.database import run_with_database as _run
from elearning.settings import Settings
from elearning.storage import accounts, audit, db
from elearning.storage.models import Role, User
from elearning.web import logging as web_logging
from elearning.web.forms import has_hidden_characters

log = logging.getLogger("elearning")


def _prepare_storage(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.sqlite_path
    if path is not None and str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)


def _migrate(settings: Settings) -> list[str]:
    async def main() -> list[str]:
        ctx = await db.connect(settings.database_url)
        try:
            return await db.migrate(ctx, settings.database_url)
        finally:
            await ctx.close_connections()

    try:
        return asyncio.run(main())
    except OSError as exc:
        raise click.ClickException(f"Cannot reach the database {settings.database_display}: {exc}") from None


@click.command()
def migrate() -> None:
    """Bring the database schema up to date (apply the checked-in migrations)."""
    settings = _settings()
    _prepare_storage(settings)
    applied = _migrate(settings)
    if applied:
        for name in applied:
            click.echo(f"Applied {name}")
    click.echo(f"The database {settings.database_display} is up to date.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--migrate", "apply_migrations", is_flag=True,
              help="Apply pending database migrations before starting.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Number of server processes.")
@click.option("--dev", is_flag=True,
              help="Author mode (or the setting DEV): recompile a course on every save in COURSES_DIR.")
def serve(host: str, port: int, apply_migrations: bool, workers: int, dev: bool) -> None:
    """Serve the courses in COURSES_DIR on the web (settings come from the environment)."""
    import uvicorn

    settings = _settings()
    web_logging.configure(settings.log_level, settings.log_format)
    _prepare_storage(settings)
    fresh = db.sqlite_file_missing(settings.database_url)
    if apply_migrations or fresh:
        for name in _migrate(settings):
            log.info("Applied migration %s", name)
    else:
        _run(settings, _nothing)  # refuses with a clear message when migrations are pending
    log.info("Courses from %s, database %s", settings.courses_dir.resolve(), settings.database_display)
    log.info("Open http://%s:%d/ in your browser", host if ":" not in host else f"[{host}]", port)
    if dev or settings.dev:
        log.info("Author mode: watching %s; open /studio for problems and preview", settings.courses_dir.resolve())
    factory = "elearning.web.app:create_dev_app" if dev else "elearning.web.app:create_app"
    uvicorn.run(
        factory, factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, log_level=settings.log_level.lower(), server_header=False,
        log_config=web_logging.config(settings.log_level, settings.log_format), access_log=False,
    )


async def _nothing() -> None:
    return None


@click.command()
def cleanup() -> None:
    """Apply the RETENTION_* settings now (serve does it every CLEANUP_INTERVAL_MINUTES; this is for cron)."""
    from elearning.storage import retention

    settings = _settings()

    async def work() -> dict[str, int]:
        return await retention.clean_up(retention.policy(settings), settings.outbox_dir)

    done = _run(settings, work)
    click.echo("Cleaned up: " + ", ".join(f"{kind} {n}" for kind, n in done.items()))


# -- users ----------------------------------------------------------------------------------
@click.group()
def users() -> None:
    """Manage accounts: create the first administrator, change roles."""


ROLES = click.Choice([r.value for r in Role])


@users.command("create")
@click.argument("email")
@click.option("--name", prompt="Name (as on certificates)", help="The person's full name.")
@click.option("--role", type=ROLES, default=Role.LEARNER.value, show_default=True)
@click.password_option("--password", prompt="Password", help="Asked for when not given.")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create an account, e.g. `elearning users create --role admin you@example.org`."""
    from elearning.storage.passwords import MIN_LENGTH

    if len(password) < MIN_LENGTH:
        raise click.ClickException(f"The password must have at least {MIN_LENGTH} characters.")
    if has_hidden_characters(name):
        raise click.ClickException("The name must not contain control characters or invisible characters.")
    if accounts.email_address(email) is None:
        raise click.ClickException(f"{email!r} is not one e-mail address (such as name@example.org).")
    settings = _settings()

    async def work() -> User:
        return await accounts.create_user(email, name, password, role=Role(role))

    try:
        user = _run(settings, work)
    except accounts.EmailTaken:
        raise click.ClickException(f"There already is an account for {accounts.normalise_email(email)}.") from None
    click.echo(f"Created {user.email} ({user.role}).")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLES)
def set_role(email: str, role: str) -> None:
    """Give an existing account another role."""
    settings = _settings()

    async def work() -> User | None:
        user = await accounts.find_user(email)
        if user is not None:
            await accounts.set_role(user, Role(role))
            await audit.record(None, "role", f"account {user.id}", f"role {role}")
        return user

    user = _run(settings, work)
    if user is None:
        raise click.ClickException(f"There is no account for {accounts.normalise_email(email)}.")
    click.echo(f"{user.email} is now {user.role}.")


@users.command("list")
@click.option("--role", type=ROLES, default=None, help="Only accounts with this role.")
def list_users(role: str | None) -> None:
    """List accounts: e-mail address, role and name."""
    settings = _settings()

    async def work() -> list[User]:
        return await accounts.list_users(Role(role) if role else None)

    for user in _run(settings, work):
        # A name stored before names were checked could carry escape sequences for this terminal.
        name = user.name.encode("unicode_escape").decode("ascii") if has_hidden_characters(user.name) else user.name
        click.echo(f"{user.email}\t{user.role}\t{name}")


COMMANDS = [serve, migrate, cleanup, users]
