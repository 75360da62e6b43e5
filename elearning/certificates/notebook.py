"""The learner's notebook as a PDF they take to their team: the entries they collected and the
open answers they wrote, rendered like the certificates (WeasyPrint, PDF/A-3b, tagged, fonts
embedded from the course's certificate template folder).

`NotebookData` is plain text throughout: entries are the course's Markdown shown as plain
text paragraphs, answers exactly as typed; every value is escaped. Blocking: web code awaits
`render_notebook_async`, which queues behind the same limiter as the certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
import jinja2
from weasyprint import HTML

from elearning.certificates.render import PDF_OPTIONS, _FolderFetcher, render_limiter
from elearning.i18n import translator

_TEMPLATES = Path(__file__).parent / "notebook"


@dataclass(frozen=True)
class NotebookSection:
    title: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (title, plain text)


@dataclass(frozen=True)
class WrittenAnswer:
    title: str  # the scene's title
    question: str  # the scene's text, as plain text
    text: str  # what the learner wrote, as typed
    status: str  # a phrase in the course language: handed in, approved, returned, draft
    comment: str = ""  # the reviewer's


@dataclass(frozen=True)
class NotebookData:
    language: str
    course_title: str
    notebook_title: str
    learner_name: str
    made_on: str  # the date, as printed
    sections: list[NotebookSection]
    answers: list[WrittenAnswer]


def render_notebook_html(data: NotebookData) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("notebook.html").render(notebook=data, _=translator(data.language))


def render_notebook_pdf(data: NotebookData, fonts_dir: Path) -> bytes:
    """The notebook as a PDF/A-3b file; `fonts_dir` is the certificate template folder whose fonts/ it embeds."""
    folder = fonts_dir.resolve()
    document = HTML(string=render_notebook_html(data), base_url=f"{folder.as_uri()}/",
                    url_fetcher=_FolderFetcher(folder)).render(**PDF_OPTIONS)
    _ = translator(data.language)
    document.metadata.title = f"{data.notebook_title} – {data.course_title}"
    document.metadata.authors = [data.learner_name or data.course_title]
    document.metadata.description = _("Notebook") + f": {data.course_title}"
    document.metadata.lang = data.language
    pdf = document.write_pdf(**PDF_OPTIONS)
    if not isinstance(pdf, bytes):
        raise TypeError(f"WeasyPrint returned {type(pdf).__name__}, not the PDF bytes")
    return pdf


async def render_notebook_async(data: NotebookData, fonts_dir: Path) -> bytes:
    return await anyio.to_thread.run_sync(render_notebook_pdf, data, fonts_dir, limiter=render_limiter())
