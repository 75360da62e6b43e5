"""`elearning reviewers ...`: who reviews the open answers of a course (audit-logged)."""

from __future__ import annotations

import re

import click

from elearning.commands.database import load_settings as _settings
from elearning.commands.database import run_with_database as _run
from elearning.storage import accounts, audit, open_answers

_COURSE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@click.group()
def reviewers() -> None:
    """Reviewers of a course: they see only the open answers handed in for review in it."""


def _course(course_id: str) -> str:
    if not _COURSE_ID.fullmatch(course_id):
        raise click.ClickException(f"{course_id!r} is not a course id (lower-case letters, digits, - and _).")
    return course_id


@reviewers.command("add")
@click.option("--course", "course_id", required=True, help="The course id (id: in course.yaml).")
@click.argument("email")
def add(course_id: str, email: str) -> None:
    """Make an existing account a reviewer of a course."""
    course_id = _course(course_id)

    async def work() -> bool | None:
        user = await accounts.find_user(email)
        if user is None:
            return None
        added = await open_answers.add_reviewer(user, course_id)
        if added:
            await audit.record(None, "reviewer", f"account {user.id}", f"reviewer of course {course_id}")
        return added

    added = _run(_settings(), work)
    if added is None:
        raise click.ClickException(f"There is no account for {accounts.normalise_email(email)}.")
    address = accounts.normalise_email(email)
    click.echo(f"{address} reviews {course_id}." if added else f"{address} already reviews {course_id}.")


@reviewers.command("remove")
@click.option("--course", "course_id", required=True, help="The course id (id: in course.yaml).")
@click.argument("email")
def remove(course_id: str, email: str) -> None:
    """Stop an account reviewing a course."""
    course_id = _course(course_id)

    async def work() -> bool | None:
        user = await accounts.find_user(email)
        if user is None:
            return None
        removed = await open_answers.remove_reviewer(user, course_id)
        if removed:
            await audit.record(None, "reviewer", f"account {user.id}", f"no longer reviewer of course {course_id}")
        return removed

    removed = _run(_settings(), work)
    if removed is None:
        raise click.ClickException(f"There is no account for {accounts.normalise_email(email)}.")
    if not removed:
        raise click.ClickException(f"{accounts.normalise_email(email)} does not review {course_id}.")
    click.echo(f"{accounts.normalise_email(email)} no longer reviews {course_id}.")


@reviewers.command("list")
def list_reviewers() -> None:
    """List every course's reviewers: course id and e-mail address."""
    for course_id, email in _run(_settings(), open_answers.reviewers):
        click.echo(f"{course_id}\t{email}")


COMMANDS = [reviewers]
