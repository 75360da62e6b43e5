"""Who issues the certificates: the provider and the person who signs, from the settings.

Not part of the stored snapshot (`CertificateData`): the provider is the same for every
certificate of a site, and its logo and signature are files the operator keeps. The images
travel into the template as data: URLs, because a template loads nothing outside its folder.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from elearning.settings import Settings

_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True, slots=True)
class Issuer:
    name: str
    url: str | None = None
    email: str | None = None
    address: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None
    logo: str | None = None  # a data: URL
    signature: str | None = None  # a data: URL

    @classmethod
    def from_settings(cls, settings: Settings) -> Issuer:
        return cls(
            name=settings.provider_name, url=settings.provider_url, email=settings.provider_email,
            address=settings.provider_address, signatory_name=settings.signatory_name,
            signatory_title=settings.signatory_title, logo=data_url(settings.provider_logo_file),
            signature=data_url(settings.signature_image_file),
        )


def data_url(path: Path | None) -> str | None:
    """The image file as a data: URL; None without a file. An unknown kind of file is an error."""
    if path is None:
        return None
    kind = _TYPES.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"Image {str(path)!r} is not an SVG, PNG or JPEG file.")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def sample_issuer() -> Issuer:
    """A fictional provider for previews and tests."""
    return Issuer(name="Buurtacademie Oost", url="https://leren.example.nl", email="leren@example.nl",
                  address="Voorbeeldstraat 1, 1234 AB Utrecht", signatory_name="Mirjam de Boer",
                  signatory_title="Directeur opleidingen")
