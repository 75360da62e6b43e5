"""`elearning accreditation set|list`: the register's activity id, points and period per course."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click


@click.group("accreditation")
def accreditation() -> None:
    """Accreditations: which register gave a course which activity id, points and period."""


@accreditation.command("set")
@click.option("--course", "course_id", required=True, help="The course id.")
@click.option("--register", "register_name", default="Registerplein", show_default=True, help="The register.")
@click.option("--activity-id", "activity_id", required=True, help="The id the register gave this activity.")
@click.option("--points", type=float, help="The points the register granted [default: what the course is written for].")
@click.option("--study-load", "study_load", type=int,
              help="The study load in minutes the accreditation was granted for [default: the course's].")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--until", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day (included), YYYY-MM-DD.")
@click.option("--version", "versions", multiple=True,
              help="A course version (`version:` in course.yaml) it covers; repeat for more [default: every version "
                   "whose declared study load and points match].")
def set_command(course_id: str, register_name: str, activity_id: str, points: float | None, study_load: int | None,
                start: datetime, end: datetime, versions: tuple[str, ...]) -> None:
    """Enter an accreditation, or change the one with this course, register and activity id."""
    from elearning.commands.database import load_settings, run_with_database
    from elearning.storage import accreditations

    settings = load_settings()
    if points is None or study_load is None:
        declared = _declared(settings.courses_dir, course_id)
        if declared is None:
            raise click.ClickException(
                f"The course {course_id!r} is not in {settings.courses_dir} (or declares no 'pe' points); "
                "give --points and --study-load.")
        points = declared[0] if points is None else points
        study_load = declared[1] if study_load is None else study_load
    entry = accreditations.Entry(course_id, register_name, activity_id, points, study_load, start.date(), end.date(),
                                 versions)
    try:
        entry = accreditations.check(entry)
    except accreditations.InvalidAccreditation as exc:
        raise click.ClickException(str(exc)) from None

    async def work() -> accreditations.Entry:
        return await accreditations.put(entry, actor=None)

    try:
        saved = run_with_database(settings, work)
    except accreditations.InvalidAccreditation as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Accreditation of {saved.course_id} with {saved.register_name}: activity {saved.activity_id}, "
               f"{saved.points:g} points, {saved.valid_from.isoformat()} - {saved.valid_until.isoformat()}, "
               f"{saved.versions_text()}.")


def _declared(courses_dir: Path, course_id: str) -> tuple[float, int] | None:
    """The points and study load the course in COURSES_DIR declares (its folder is named by its id)."""
    from elearning.course import compile_course

    folder = courses_dir / course_id
    if not (folder / "course.yaml").is_file():
        return None
    course = compile_course(folder).course
    if course is None or course.meta.id != course_id or course.meta.pe is None:
        return None
    return course.meta.pe.points, course.meta.study_load_minutes


@accreditation.command("list")
@click.option("--course", "course_id", help="Only this course.")
def list_command(course_id: str | None) -> None:
    """Every accreditation, per course and register, with its period."""
    from elearning.commands.database import load_settings, run_with_database
    from elearning.storage import accreditations

    entries = run_with_database(load_settings(), lambda: accreditations.listed(course_id))
    if not entries:
        click.echo("No accreditations yet: certificates are issued without PE points. "
                   "Enter one with `elearning accreditation set`.")
        return
    today = date.today()
    for e in entries:
        current = " (current)" if e.covers_day(today) else ""
        click.echo(f"{e.course_id}\t{e.register_name}\t{e.activity_id}\t{e.points:g} points\t"
                   f"{e.valid_from.isoformat()} - {e.valid_until.isoformat()}{current}\t{e.versions_text()}")


COMMANDS: list[click.Command] = [accreditation]
