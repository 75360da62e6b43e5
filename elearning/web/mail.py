"""Sending mail: through SMTP when SMTP_HOST is set, otherwise into DATA_DIR/outbox/ as .eml files."""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import anyio.to_thread

from elearning.settings import Settings
from elearning.storage.accounts import email_address

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        if email_address(to) is None:  # the forms check this too; a list must never reach a mail header
            raise ValueError("A mail goes to exactly one e-mail address; this recipient is not one address")
        msg = EmailMessage()
        msg["From"] = self.settings.mail_from
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        msg.set_content(f"{body}\n-- \n{self._signature()}\n")
        return msg

    def _signature(self) -> str:
        """Who sends it: the provider's name, site and contact address."""
        s = self.settings
        return "\n".join(x for x in (s.provider_name, s.provider_url or s.base_url, s.provider_email) if x)

    async def send(self, to: str, subject: str, body: str) -> Path | None:
        """Send (in a worker thread); returns the outbox file when there is no SMTP server."""
        msg = self.message(to, subject, body)
        if self.settings.smtp_host:
            await anyio.to_thread.run_sync(self._smtp, msg)
            return None
        return await anyio.to_thread.run_sync(self._outbox, msg)

    def _smtp(self, msg: EmailMessage) -> None:
        s = self.settings
        assert s.smtp_host is not None  # noqa: S101 - checked by send()
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20) as smtp:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            smtp.send_message(msg)
        log.info("Mail sent through %s:%s", s.smtp_host, s.smtp_port)

    def _outbox(self, msg: EmailMessage) -> Path:
        outbox = self.settings.outbox_dir
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}.eml"
        path = outbox / name
        path.write_bytes(bytes(msg))
        log.info("No SMTP_HOST set: mail written to %s", path)
        return path
