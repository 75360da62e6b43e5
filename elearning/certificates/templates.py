"""Certificate templates: one folder each under certificates/, described by template.yaml.

A template folder holds certificate.html (Jinja2), style.css, fonts/, images/ and
template.yaml with ``name`` (shown to people), ``language`` (nl or en), ``description`` and
optionally ``issuer`` (the provider; it becomes the author in the PDF's properties).
See certificates/README.md for what a template author can use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "certificates"
DEFAULT_TEMPLATE = "standaard"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_KEYS = {"name", "language", "description", "issuer"}


class CertificateTemplateError(ValueError):
    """A template folder is missing, incomplete or cannot be rendered."""


@dataclass(frozen=True)
class CertificateTemplate:
    folder: str
    path: Path
    name: str
    language: Literal["nl", "en"]
    description: str
    issuer: str | None


def load_template(template_dir: Path) -> CertificateTemplate:
    """Read template.yaml of a template folder and check the folder is complete."""
    meta_path = template_dir / "template.yaml"
    if not (template_dir / "certificate.html").is_file():
        raise CertificateTemplateError(f"Template folder {template_dir} has no certificate.html")
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CertificateTemplateError(f"Template folder {template_dir} has no template.yaml") from None
    except yaml.YAMLError as exc:
        raise CertificateTemplateError(f"{meta_path}: not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise CertificateTemplateError(f"{meta_path}: expected keys {sorted(_KEYS)}, found {meta!r}")
    unknown = sorted(set(meta) - _KEYS)
    if unknown:
        raise CertificateTemplateError(f"{meta_path}: unknown key {unknown[0]!r}; known are {sorted(_KEYS)}")
    language = meta.get("language")
    if language not in ("nl", "en"):
        raise CertificateTemplateError(f"{meta_path}: language {language!r} must be 'nl' or 'en'")
    for key in ("name", "description", "issuer"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise CertificateTemplateError(f"{meta_path}: {key} {meta[key]!r} must be text")
    return CertificateTemplate(
        folder=template_dir.name,
        path=template_dir,
        name=meta.get("name") or template_dir.name,
        language=language,
        description=meta.get("description") or "",
        issuer=meta.get("issuer") or None,
    )


def template_dir(name: str, root: Path = TEMPLATES_DIR) -> Path:
    """The folder of the template called `name` (a course's `certificate:` value)."""
    if not _NAME.match(name):
        raise CertificateTemplateError(
            f"Template name {name!r} must be a folder name of lower-case letters, digits, - and _"
        )
    path = root / name
    if not (path / "template.yaml").is_file():
        known = ", ".join(t.folder for t in list_templates(root)) or "none"
        raise CertificateTemplateError(f"Unknown certificate template {name!r} in {root}; known: {known}")
    return path


def list_templates(root: Path = TEMPLATES_DIR) -> list[CertificateTemplate]:
    """Every template folder under root, sorted by folder name."""
    if not root.is_dir():
        return []
    return [
        load_template(path)
        for path in sorted(root.iterdir())
        if path.is_dir() and (path / "template.yaml").is_file()
    ]


def certificate_templates(root: Path = TEMPLATES_DIR) -> dict[str, str]:
    """Folder name -> language of every template under root, for the validator."""
    return {t.folder: t.language for t in list_templates(root)}
