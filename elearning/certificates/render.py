"""Render a certificate: CertificateData + a template folder -> HTML -> PDF/A-3b (WeasyPrint).

`render_pdf` blocks for 150-300 ms of CPU. Never call it on the event loop: web code awaits
`render_pdf_async`, which runs it in a worker thread, and stores the bytes so that a
certificate is rendered once and later downloads are served from storage.

WeasyPrint is Python code that holds the GIL, so threads that render slow the event loop
down; many at once freeze it (measured: 20 renders in 20 threads made a 2 ms loop task wait
up to 0.8 s). `render_pdf_async` therefore lets RENDER_CONCURRENCY renders run at a time per
event loop (others queue), and with ``in_process=True`` renders in anyio's worker processes,
which leaves the loop's GIL alone (at the price of a slower first render per worker).

Templates can only load files from their own folder (and data: URLs); anything else, such
as a web address, stops the render with CertificateTemplateError. Every value is escaped.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import anyio
import anyio.to_process
import anyio.to_thread
import jinja2
import segno
from anyio.lowlevel import RunVar
from markupsafe import Markup
from weasyprint import HTML, Attachment
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from elearning.certificates.data import CertificateData
from elearning.certificates.issuer import Issuer
from elearning.certificates.templates import (
    CertificateTemplate,
    CertificateTemplateError,
    load_template,
)
from elearning.i18n import translator

PDF_VARIANT = "pdf/a-3b"
# The signed Open Badges credential travels inside the PDF/A-3 as an associated file.
CREDENTIAL_FILENAME = "openbadge-credential.json"
# Tagged PDF: screen readers read the certificate in order (about 10% more render time).
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}
RENDER_CONCURRENCY = 1
_limiter: RunVar[anyio.CapacityLimiter] = RunVar("certificate_render_limiter")


@lru_cache(maxsize=32)
def _environment(folder: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=True,
    )


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code (always a full QR code, never Micro QR) that opens url."""
    qr = segno.make_qr(url, error="m")
    return Markup(  # noqa: S704 - segno's SVG holds only shapes, never the input text
        qr.svg_inline(border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code")
    )


def pdf_metadata(data: CertificateData, template: CertificateTemplate,
                 issuer: Issuer | None = None, *, sample: bool = False) -> dict[str, str]:
    """Title, author and subject for the PDF's properties (a sample's title says it is one)."""
    _ = translator(data.language)
    points = (
        f", {data.pe_points_text} ({data.register_name}, " + _("activity") + f" {data.activity_id})"
        if data.activity_id
        else ""
    )
    return {
        "title": (_("Sample") + " - " if sample else "") + _("Certificate") + f" {data.course_title}",
        "author": template.issuer or (issuer.name if issuer else data.course_title),
        "subject": (
            f"{data.learner_name} " + _("completed on") + f" {data.completed_on_text}: "
            f"{data.course_title}{points}"
        ),
    }


def template_context(data: CertificateData, template: CertificateTemplate,
                     issuer: Issuer | None = None, *, sample: bool = False) -> dict[str, Any]:
    """The variables certificate.html can use (documented in certificates/README.md)."""
    return {
        "certificate": data,
        "completed_on": data.completed_on_text,
        "pe_points": data.pe_points_text,
        "study_load": data.study_load_text,
        "qr_svg": qr_svg(data.verify_url),
        "template": template,
        "issuer": issuer,
        "metadata": pdf_metadata(data, template, issuer, sample=sample),
        "sample": sample,
        "_": translator(data.language),
    }


def render_html(data: CertificateData, template_dir: Path, issuer: Issuer | None = None, *,
                sample: bool = False) -> str:
    """The certificate as HTML, for previews and tests; render_pdf turns it into the PDF."""
    return _render_html(data, load_template(template_dir), issuer, sample=sample)


def _render_html(data: CertificateData, template: CertificateTemplate, issuer: Issuer | None = None, *,
                 sample: bool = False) -> str:
    if data.language not in template.languages:
        raise CertificateTemplateError(
            f"Template {template.folder!r} prints in {', '.join(template.languages)}, "
            f"but the certificate is in {data.language!r}"
        )
    env = _environment(str(template.path.resolve()))
    try:
        return env.get_template("certificate.html").render(template_context(data, template, issuer, sample=sample))
    except jinja2.TemplateError as exc:
        where = template.path / "certificate.html"
        line = getattr(exc, "lineno", None) or _template_line(exc, where)
        raise CertificateTemplateError(f"{where}{f':{line}' if line else ''}: {exc}") from exc


def _template_line(exc: BaseException, path: Path) -> int | None:
    """The template line of a runtime error: Jinja puts template frames in the traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class _FolderFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Lets a template load files from its own folder and data: URLs, nothing else."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self._folder = folder.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self._folder):
                raise ValueError(f"{url} is outside the template folder {self._folder}")
        elif not url.startswith("data:"):
            raise ValueError(f"{url[:80]} is not a file of the template folder")
        return super().fetch(url, headers)


def render_pdf(data: CertificateData, template_dir: Path, credential: str | None = None,
               issuer: Issuer | None = None, *, sample: bool = False) -> bytes:
    """The certificate as a PDF/A-3b file. Blocking: run it in a worker thread (render_pdf_async).

    `credential` (the signed Open Badges credential as JSON) is embedded as an associated file
    (AFRelationship /Source, application/json, listed in the catalogue's /AF); `issuer` is the
    provider the certificate names (from the settings). A `sample` says so on the page and in its
    title (`elearning certificates preview`)."""
    template = load_template(template_dir)
    html = _render_html(data, template, issuer, sample=sample)
    folder = template.path.resolve()
    try:
        document = HTML(
            string=html, base_url=f"{folder.as_uri()}/", url_fetcher=_FolderFetcher(folder)
        ).render(**PDF_OPTIONS)
    except FatalURLFetchingError as exc:
        raise CertificateTemplateError(f"{folder}: {exc}: {exc.__cause__}") from exc
    meta = pdf_metadata(data, template, issuer, sample=sample)
    document.metadata.title = meta["title"]
    document.metadata.authors = [meta["author"]]
    document.metadata.description = meta["subject"]
    document.metadata.lang = data.language
    attachments = [credential_attachment(credential)] if credential is not None else []
    pdf = document.write_pdf(**PDF_OPTIONS, attachments=attachments, finisher=_one_af_entry_per_file)
    if not isinstance(pdf, bytes):  # write_pdf without a target returns the bytes
        raise TypeError(f"WeasyPrint returned {type(pdf).__name__}, not the PDF bytes")
    return pdf


def credential_attachment(credential: str) -> Attachment:
    """The credential as a PDF/A-3 associated file: WeasyPrint writes /AFRelationship /Source and adds
    it to the catalogue's /AF; the .json name gives the subtype application/json."""
    return Attachment(string=credential.encode("utf-8"), name=CREDENTIAL_FILENAME,
                      description="Open Badges 3.0 credential (W3C Verifiable Credential), signed",
                      relationship="Source")


def _one_af_entry_per_file(document: Any, pdf: Any) -> None:
    """WeasyPrint lists an attachment in the catalogue's /AF twice (once from the name tree, once
    as a file specification): keep each file specification once."""
    listed = pdf.catalog.get("AF")
    if listed:
        unique = list(dict.fromkeys(listed))
        listed.clear()
        listed.extend(unique)


def render_limiter() -> anyio.CapacityLimiter:
    """How many certificates render at once in this event loop (RENDER_CONCURRENCY)."""
    try:
        return _limiter.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(RENDER_CONCURRENCY)
        _limiter.set(limiter)
        return limiter


async def render_pdf_async(
    data: CertificateData, template_dir: Path, *, in_process: bool = False, credential: str | None = None,
    issuer: Issuer | None = None,
) -> bytes:
    """render_pdf in a worker thread (or worker process), so the event loop keeps serving pages."""
    if in_process:
        return await anyio.to_process.run_sync(
            render_pdf, data, template_dir, credential, issuer, limiter=render_limiter()
        )
    return await anyio.to_thread.run_sync(
        render_pdf, data, template_dir, credential, issuer, limiter=render_limiter()
    )
