"""`elearning certificates ...`: preview a template; export completions for the register.

WeasyPrint, openpyxl and the database are imported inside the commands that use them, so
that every other `elearning` command starts fast.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from elearning.certificates.data import CertificateData, sample_certificate
from elearning.certificates.issuer import Issuer, data_url, sample_issuer
from elearning.certificates.templates import (
    DEFAULT_TEMPLATE,
    LANGUAGES,
    TEMPLATES_DIR,
    CertificateTemplateError,
    Language,
    list_templates,
    load_template,
    template_dir,
    template_language,
)
from elearning.settings import read

if TYPE_CHECKING:
    from elearning.certificates.exports import ExportRow, Format

T = TypeVar("T")

RowLoader = Callable[[str, date, date], "Iterable[ExportRow] | Awaitable[Iterable[ExportRow]]"]
FORMATS = ("csv", "xlsx", "pe-online")  # exports.FORMATS, without importing openpyxl


@click.group("certificates")
def certificates() -> None:
    """Certificate templates and completions for the register."""


def _preview_issuer() -> Issuer:
    """The site's provider when PROVIDER_NAME is set; else a fictional one, so that the sample shows
    what a certificate with a provider and a signatory looks like."""
    from elearning.settings import SETTINGS

    default = next(s.default for s in SETTINGS if s.name == "PROVIDER_NAME")
    name = read("PROVIDER_NAME")
    if not name or name == default:
        return sample_issuer()
    return Issuer(name=name, url=read("PROVIDER_URL"), email=read("PROVIDER_EMAIL"), address=read("PROVIDER_ADDRESS"),
                  signatory_name=read("SIGNATORY_NAME"), signatory_title=read("SIGNATORY_TITLE"),
                  logo=data_url(read("PROVIDER_LOGO_FILE")), signature=data_url(read("SIGNATURE_IMAGE_FILE")))


@certificates.command("preview")
@click.option("--template", "name", default=DEFAULT_TEMPLATE, show_default=True,
              help="The template's folder name.")
@click.option("--language", type=click.Choice(LANGUAGES),
              help="The language to print in [default: the template's first].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF [default: certificate-preview-TEMPLATE.pdf].")
@click.option("--name", "learner_name", help="The learner's name to print (a fictional one by default).")
@click.option("--templates-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The folder that holds the templates [default: the setting CERTIFICATES_DIR, "
                   "else the templates that come with the program].")
@click.option("--credential/--no-credential", "with_credential", default=True, show_default=True,
              help="Embed a sample Open Badges credential signed with the site's key (needs the site's "
                   "database; without one the PDF has no credential).")
def preview(name: str, language: Language | None, output: Path | None, learner_name: str | None,
            templates_dir: Path | None, with_credential: bool) -> None:
    """Render a sample certificate (fictional learner, sample code) with a template; it carries a
    sample credential signed with the site's key, marked as a sample."""
    from elearning.certificates.render import render_pdf

    root = templates_dir or read("CERTIFICATES_DIR") or TEMPLATES_DIR
    try:
        folder = template_dir(name, root)
    except CertificateTemplateError:
        raise click.ClickException(f"Unknown template {name!r}.\n{_available(root)}") from None
    try:
        template = load_template(folder)
        data = sample_certificate(language or template_language(name, template), learner_name=learner_name)
        credential = _sample_credential(data) if with_credential else None
        pdf = render_pdf(data, folder, credential, _preview_issuer(), sample=True)
    except (CertificateTemplateError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    target = output or Path(f"certificate-preview-{name}.pdf")
    target.write_bytes(pdf)
    click.echo(str(target))


def _sample_credential(data: CertificateData) -> str | None:
    """The sample credential as JSON, signed with the site's key; None (and a note on stderr) when the
    site has no database yet: a template author can preview without one (and without making one)."""
    import json

    from elearning.commands.database import load_settings, run_with_database
    from elearning.storage import badges

    url = read("DATABASE_URL")
    path = Path(url.removeprefix("sqlite://")) if url and url.startswith("sqlite://") else (
        None if url else Path(read("DATA_DIR") or "data") / "elearning.sqlite3")
    if path is not None and not path.exists():
        click.echo(f"No credential embedded: there is no database at {path} (run `elearning migrate` "
                   "to make the site's database and key; or pass --no-credential).", err=True)
        return None
    settings = load_settings()
    signed = run_with_database(settings, lambda: badges.sample_credential(data, settings))
    return json.dumps(signed, ensure_ascii=False, indent=2)


def _available(root: Path) -> str:
    try:
        templates = list_templates(root)
    except CertificateTemplateError as exc:
        return f"Cannot list the templates: {exc}"
    if not templates:
        return f"There are no templates in {root}."
    lines = [f"  {t.folder:<16} {t.name} ({', '.join(t.languages)})" for t in templates]
    return "Available templates:\n" + "\n".join(lines)


def make_export_command(load_rows: RowLoader) -> click.Command:
    """The `export` command, given a function that fetches a course's certificates in a period.

    `load_rows(course_id, start, end)` returns (or, if async, resolves to) every certificate
    of the course completed from start to end inclusive, with its status; the filtering
    (valid, with a registration number) happens in exports.reportable.
    Wire it with: certificates.add_command(make_export_command(loader)).
    """

    @click.command("export")
    @click.option("--course", "course_id", required=True, help="The course id.")
    @click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
                  help="First completion date, YYYY-MM-DD.")
    @click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
                  help="Last completion date (included), YYYY-MM-DD.")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
                  help="csv (Excel, ;-separated), xlsx, or pe-online (registration numbers per completion date).")
    @click.option("--accreditation-end", "accreditation_end", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="Last day of the accreditation period: the pe-online list then names the last day to "
                       "enter attendance (two months later).")
    @click.option("-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
                  help="File to write; - for standard output.")
    def export_command(course_id: str, start: datetime, end: datetime, fmt: Format, output: str,
                       accreditation_end: datetime | None) -> None:
        """Completions of a course for the register: one row per valid certificate."""
        from elearning.certificates.exports import export, reportable

        if start > end:
            raise click.BadParameter(
                f"--from {start.date()} is after --to {end.date()}", param_hint="--from"
            )
        if fmt == "xlsx" and output == "-" and sys.stdout.isatty():
            raise click.UsageError("An xlsx file is binary: write it to a file with -o FILE.xlsx")
        result = load_rows(course_id, start.date(), end.date())
        rows = list(asyncio.run(_wait(result)) if inspect.isawaitable(result) else result)
        try:
            data = export(rows, fmt, accreditation_end=accreditation_end.date() if accreditation_end else None)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        count = len(reportable(rows))
        if output == "-":
            click.echo(data, nl=False)  # bytes go to the binary stream
        else:
            Path(output).write_bytes(data)
        click.echo(f"{count} certificate(s) of {course_id} written to {output}.", err=True)

    return export_command


async def _wait(result: Awaitable[Iterable[ExportRow]]) -> Iterable[ExportRow]:
    return await result


def load_rows_from_database(course_id: str, start: date, end: date) -> list[ExportRow]:
    """Every certificate of the course completed in the period, from the database in DATABASE_URL."""
    from elearning.certificates import exports
    from elearning.commands.database import load_settings, run_with_database
    from elearning.storage import audit
    from elearning.storage import certificates as store

    async def work() -> list[ExportRow]:
        rows = exports.export_rows(await store.completions(course_id, start, end))
        await audit.record(None, "export", f"course {course_id}", f"{start.isoformat()} - {end.isoformat()}")
        return rows

    return run_with_database(load_settings(), work)


@certificates.command("issue")
@click.option("--render/--no-render", default=True, show_default=True,
              help="Also render and store the PDF of every certificate that has none yet.")
def issue(render: bool) -> None:
    """Issue every certificate an account earned and did not get (e.g. after a crash), and render
    the missing PDFs: what a worker or a cron job runs. Safe to run at any time, and twice."""
    from elearning.commands.database import load_settings, run_with_database
    from elearning.storage import accounts, issuing
    from elearning.storage import attempts as attempt_store
    from elearning.storage import certificates as store

    settings = load_settings()

    async def work() -> tuple[int, int]:
        issued = 0
        for user_id in await store.users_with_unissued():
            user = await accounts.get_user(user_id)
            if user is not None:
                issued += len(await issuing.issue_earned(user, attempt_store.load_snapshot,
                                                         base_url=settings.base_url, time_zone=settings.time_zone))
        rendered = 0
        for certificate_id in await store.without_pdf() if render else []:
            rendered += await issuing.render_and_store(certificate_id, settings)
        return issued, rendered

    issued, rendered = run_with_database(settings, work)
    click.echo(f"{issued} certificate(s) issued, {rendered} PDF(s) rendered.")


certificates.add_command(make_export_command(load_rows_from_database))

COMMANDS: list[click.Command] = [certificates]
