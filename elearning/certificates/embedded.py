"""Reading the signed credential back out of an uploaded certificate (PDF, or the JSON itself).

What /verify is sent is anyone's file: it is read with limits on everything. At most
MAX_UPLOAD_BYTES come in (the web layer stops larger bodies); the embedded JSON may unpack to
at most MAX_CREDENTIAL_BYTES, decompressed in steps so a "zip bomb" stream never fills the
memory; a PDF with more than MAX_EMBEDDED_FILES attachments is not looked at. Nothing is kept.
Blocking (pypdf is Python): run `read_credential` in a worker thread.
"""

from __future__ import annotations

import json
import logging
import zlib
from io import BytesIO
from typing import Any, Literal

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from elearning.certificates.render import CREDENTIAL_FILENAME

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_EMBEDDED_FILES = 20

Problem = Literal["empty", "too_large", "not_pdf", "unreadable", "bomb", "no_credential", "not_json"]

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a broken upload is the sender's business, not a log line


class UploadProblem(ValueError):
    """The upload holds no credential we can read; `kind` says why (the page words it)."""

    def __init__(self, kind: Problem, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind: Problem = kind


def read_credential(content: bytes) -> dict[str, Any]:
    """The credential in an uploaded certificate PDF, or an uploaded credential JSON."""
    if not content.strip():
        raise UploadProblem("empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadProblem("too_large")
    start = content.lstrip()[:1]
    if start == b"{":
        if len(content) > MAX_CREDENTIAL_BYTES:
            raise UploadProblem("too_large")
        return _json(content)
    if b"%PDF-" not in content[:1024]:
        raise UploadProblem("not_pdf")
    return _json(_embedded_json(content))


def _json(raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UploadProblem("not_json", str(exc)[:100]) from None
    if not isinstance(document, dict):
        raise UploadProblem("not_json", "not an object")
    return document


def _embedded_json(content: bytes) -> bytes:
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        specs = _file_specs(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise UploadProblem("unreadable", type(exc).__name__) from None
    if len(specs) > MAX_EMBEDDED_FILES:
        raise UploadProblem("unreadable", "too many embedded files")
    for name, spec in specs:
        if name != CREDENTIAL_FILENAME:
            continue
        try:
            entry: Any = spec["/EF"]
            stream = entry["/F"].get_object()
            if not isinstance(stream, StreamObject):
                raise UploadProblem("unreadable", "embedded file is not a stream")
            return _bounded_data(stream)
        except (PyPdfError, KeyError, TypeError, AttributeError) as exc:
            raise UploadProblem("unreadable", type(exc).__name__) from None
    raise UploadProblem("no_credential")


def _file_specs(reader: PdfReader) -> list[tuple[str, DictionaryObject]]:
    """(file name, file specification) of the embedded files in the name tree, leaves only."""
    root: Any = reader.trailer["/Root"].get_object()
    names: Any = root.get("/Names")
    tree: Any = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return []
    found: list[tuple[str, DictionaryObject]] = []
    pending = [tree.get_object()]
    visited = 0
    while pending:
        node = pending.pop()
        visited += 1
        if visited > 100 or len(found) > MAX_EMBEDDED_FILES:
            break
        pending.extend(kid.get_object() for kid in node.get("/Kids", [])[:MAX_EMBEDDED_FILES])
        pairs = list(node.get("/Names", []))[: 2 * (MAX_EMBEDDED_FILES + 1)]
        for key, value in zip(pairs[::2], pairs[1::2], strict=False):
            spec = value.get_object()
            if isinstance(spec, DictionaryObject):
                found.append((str(spec.get("/UF") or spec.get("/F") or key), spec))
    return found


def _bounded_data(stream: StreamObject) -> bytes:
    """The stream's bytes, unpacked (FlateDecode or none) to at most MAX_CREDENTIAL_BYTES."""
    filters: Any = stream.get("/Filter")
    if filters is not None and not isinstance(filters, NameObject | str):
        listed = list(filters)
        if len(listed) != 1:
            raise UploadProblem("unreadable", "unexpected filters")
        filters = listed[0]
    raw = stream._data  # the stored (still compressed) bytes; pypdf's get_data would unpack them whole
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadProblem("too_large")
    if filters is None:
        data = bytes(raw)
    elif filters == "/FlateDecode":
        unpack = zlib.decompressobj()
        try:
            data = unpack.decompress(raw, MAX_CREDENTIAL_BYTES + 1)
        except zlib.error:
            raise UploadProblem("unreadable", "broken compressed stream") from None
    else:
        raise UploadProblem("unreadable", f"unexpected filter {filters}")
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise UploadProblem("bomb")
    return data
