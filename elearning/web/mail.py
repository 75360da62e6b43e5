"""Sending mail: through SMTP when SMTP_HOST is set, otherwise into DATA_DIR/outbox/ as .eml files."""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
import ssl
import time
from datetime import UTC, datetime
from email import message_from_bytes
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
        msg.set_content(body)
        return msg

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


def take_link(outbox: Path, to: str, path_prefix: str, *, wait: float = 10.0) -> str:
    """Read the outbox as the addressee would: the path of the newest link under `path_prefix`
    (say '/account/confirm/') in a mail to `to`, and remove that mail. For development and
    tests without SMTP; mail is sent after the response, so this waits up to `wait` seconds."""
    link = re.compile(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[\w-]+)")
    deadline = time.monotonic() + wait
    while True:
        files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in files:
            mail = message_from_bytes(path.read_bytes())
            found = link.search(mail.get_payload(decode=True).decode("utf-8"))  # type: ignore[union-attr]
            if mail["To"] == to.strip().lower() and found:
                path.unlink()
                return found.group(1)
        if time.monotonic() > deadline:
            raise LookupError(f"no mail to {to} with a link to {path_prefix} in {outbox}")
        time.sleep(0.05)
