"""Certificate templates: one folder each under certificates/, described by template.yaml.

A template folder holds certificate.html (Jinja2), style.css, fonts/, images/ and
template.yaml with ``name`` (shown to people), ``languages`` (the languages it prints, nl and/or
en; ``language: nl`` for one), ``description`` and optionally ``issuer`` (the provider; it
becomes the author in the PDF's properties). See certificates/README.md for what a template
author can use.

The templates of this project live in the top-level certificates/ folder, where their authors
edit them; setup.py copies them into the wheel as elearning/certificate_templates/. The setting
CERTIFICATES_DIR points at a provider's own folder instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import yaml

Language = Literal["nl", "en"]

_PACKAGED = Path(__file__).resolve().parents[1] / "certificate_templates"  # an installed wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "certificates"  # a checkout (or editable install)
TEMPLATES_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT
DEFAULT_TEMPLATE = "standaard"
# Names that courses and stored certificates used before one template printed both languages.
ALIASES = {"standard-en": ("standaard", "en")}
LANGUAGES = ("nl", "en")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_KEYS = {"name", "language", "languages", "description", "issuer"}


class CertificateTemplateError(ValueError):
    """A template folder is missing, incomplete or cannot be rendered."""


@dataclass(frozen=True)
class CertificateTemplate:
    folder: str
    path: Path
    name: str
    languages: tuple[Language, ...]
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
    if ("language" in meta) == ("languages" in meta):
        raise CertificateTemplateError(f"{meta_path}: give either languages (a list) or language (one)")
    languages = meta["languages"] if "languages" in meta else [meta["language"]]
    if not isinstance(languages, list) or not languages:
        raise CertificateTemplateError(f"{meta_path}: languages {languages!r} must be a list such as [nl, en]")
    for language in languages:
        if language not in LANGUAGES:
            raise CertificateTemplateError(f"{meta_path}: language {language!r} must be 'nl' or 'en'")
    for key in ("name", "description", "issuer"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise CertificateTemplateError(f"{meta_path}: {key} {meta[key]!r} must be text")
    return CertificateTemplate(
        folder=template_dir.name,
        path=template_dir,
        name=meta.get("name") or template_dir.name,
        languages=tuple(cast(list[Language], languages)),
        description=meta.get("description") or "",
        issuer=meta.get("issuer") or None,
    )


def template_dir(name: str, root: Path | None = None) -> Path:
    """The folder of the template called `name` (a course's `certificate:` value) in `root`
    (the setting CERTIFICATES_DIR; None: the templates that come with the package)."""
    root = root or TEMPLATES_DIR
    if not _NAME.match(name):
        raise CertificateTemplateError(
            f"Template name {name!r} must be a folder name of lower-case letters, digits, - and _"
        )
    if name in ALIASES and not (root / name).is_dir():
        name = ALIASES[name][0]
    path = root / name
    if not (path / "template.yaml").is_file():
        known = ", ".join(t.folder for t in list_templates(root)) or "none"
        raise CertificateTemplateError(f"Unknown certificate template {name!r} in {root}; known: {known}")
    return path


def template_language(name: str, template: CertificateTemplate) -> Language:
    """The language a template prints in when none is asked for: an alias's, else its first."""
    alias = ALIASES.get(name)
    if alias is not None and alias[0] == template.folder and alias[1] in template.languages:
        return cast(Language, alias[1])
    return template.languages[0]


def list_templates(root: Path | None = None) -> list[CertificateTemplate]:
    """Every template folder under root (None: the packaged ones), sorted by folder name."""
    root = root or TEMPLATES_DIR
    if not root.is_dir():
        return []
    return [
        load_template(path)
        for path in sorted(root.iterdir())
        if path.is_dir() and (path / "template.yaml").is_file()
    ]


def certificate_templates(root: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The name a course may give -> the languages it prints in, for every template under `root`
    (CERTIFICATES_DIR; None: the packaged ones), old aliases included, for the validator."""
    found: dict[str, tuple[str, ...]] = {t.folder: tuple(t.languages) for t in list_templates(root or TEMPLATES_DIR)}
    for alias, (folder, language) in ALIASES.items():
        if alias not in found and language in found.get(folder, ()):
            found[alias] = (language,)
    return found
