"""`elearning backup` and `elearning restore`: copies of the database an operator can trust.

SQLite (the default) is copied with SQLite's online backup API, in a worker thread, while
the site keeps running: the copy is one consistent moment of the database, WAL included.
The copy is written under a temporary name, checked (`PRAGMA integrity_check`) and only
then renamed, so a file named elearning-*.sqlite3 in the backup folder is always whole.
PostgreSQL is dumped with `pg_dump --format=custom` (restore it with `pg_restore`, see
docs/operations.md); the password travels in the environment, never on the command line.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click

from elearning.settings import Settings, SettingsError

BACKUP_GLOB = "elearning-*"


class BackupError(Exception):
    """The backup or restore could not be made; the message says why."""


def _settings() -> Settings:
    try:
        return Settings.load()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _integrity(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup from `source` into a new file `target` (blocking: run it in a thread)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # In one step: a copy made in steps starts over whenever the site writes in between.
        # One read transaction does not hold up writers in WAL mode.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


async def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target`, checked; the event loop stays free."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        await asyncio.to_thread(_copy_sqlite, source, partial)
        result = await asyncio.to_thread(_integrity, partial)
        if result != "ok":
            raise BackupError(f"The copy of {source} did not pass its integrity check: {result}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _pg_environment(url: str) -> dict[str, str]:
    """libpq's variables for `url` (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)."""
    parts = urlsplit(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {"PGHOST": parts.hostname, "PGPORT": str(parts.port) if parts.port else None,
              "PGUSER": unquote(parts.username) if parts.username else None,
              "PGPASSWORD": unquote(parts.password) if parts.password else None,
              "PGDATABASE": parts.path.lstrip("/") or None}
    env.update({k: v for k, v in values.items() if v})
    return env


def backup_postgres(url: str, target: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program and arguments; the database comes from the environment
            [pg_dump, "--format=custom", "--no-owner", f"--file={partial}"],
            env=_pg_environment(url), capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _prune(folder: Path, suffix: str, keep: int) -> list[Path]:
    backups = sorted(folder.glob(f"{BACKUP_GLOB}{suffix}"), key=lambda p: p.name, reverse=True)
    removed = backups[keep:]
    for old in removed:
        old.unlink()
    return removed


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The backup file, or a folder for it [default: DATA_DIR/backups/].")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Afterwards, keep only this many of the newest backups in that folder.")
def backup(output: Path | None, keep: int | None) -> None:
    """Copy the database while the site keeps running (SQLite: online backup; PostgreSQL: pg_dump)."""
    settings = _settings()
    suffix = ".sqlite3" if settings.is_sqlite else ".dump"
    name = f"elearning-{_stamp()}{suffix}"
    folder = settings.data_dir / "backups"
    target = folder / name
    if output is not None:
        target = output / name if output.is_dir() or str(output).endswith(os.sep) else output
        folder = target.parent
    try:
        if settings.is_sqlite:
            source = settings.sqlite_path
            assert source is not None  # noqa: S101 - is_sqlite guarantees a path
            asyncio.run(backup_sqlite(source, target))
        else:
            backup_postgres(settings.database_url, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {target} ({target.stat().st_size:,} bytes).")
    if keep is not None:
        for old in _prune(folder, suffix, keep):
            click.echo(f"Removed the older backup {old}")


@click.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, yes: bool) -> None:
    """Put a SQLite backup back in place of the database. Stop the site first.

    For PostgreSQL use pg_restore (see docs/operations.md).
    """
    settings = _settings()
    if not settings.is_sqlite:
        raise click.ClickException(
            "The database is PostgreSQL: restore a dump with pg_restore --clean --no-owner -d NAME FILE "
            "(see docs/operations.md)."
        )
    target = settings.sqlite_path
    assert target is not None  # noqa: S101 - is_sqlite guarantees a path
    try:
        result = _integrity(backup_file)
        tables = _tables(backup_file)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{backup_file} is not a SQLite database: {exc}") from None
    if result != "ok":
        raise click.ClickException(f"{backup_file} did not pass its integrity check: {result}")
    if not {"attempt", "event", "user_account"} <= tables:
        raise click.ClickException(f"{backup_file} is not a backup of this site's database.")
    if not yes:
        click.confirm(f"Replace the database {target} with {backup_file}? The site must be stopped.",
                      abort=True)
    if target.exists():
        saved = target.with_name(f"{target.stem}-before-restore-{_stamp()}{target.suffix}")
        asyncio.run(backup_sqlite(target, saved))
        click.echo(f"The database as it was is saved in {saved}")
    target.parent.mkdir(parents=True, exist_ok=True)
    for extra in ("-wal", "-shm"):
        Path(f"{target}{extra}").unlink(missing_ok=True)
    asyncio.run(backup_sqlite(backup_file, target))
    click.echo(f"Restored {backup_file} to {target}. Run `elearning migrate` if this backup is "
               "older than the code, then start the site.")


COMMANDS = [backup, restore]
