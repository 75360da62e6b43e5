"""Settings: one frozen object, read once from the environment.

Every setting is a row in `SETTINGS` (name, default, help); defaults, parsing and the
documentation derive from that table. Nothing else in the package reads `os.environ`.

    settings = Settings.load()                       # from os.environ
    settings = Settings.load({"DATA_DIR": "/tmp/x"})  # explicit, for tests
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    kind: Callable[[str, str], Any] = lambda name, raw: raw


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"Setting {name} has value {raw!r}. Not a valid boolean (use true or false).")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"Setting {name} has value {raw!r}. Not a valid whole number.") from None


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def _language(name: str, raw: str) -> str:
    if raw not in ("nl", "en"):
        raise SettingsError(f"Setting {name} has value {raw!r}. Use nl or en.")
    return raw


def _time_zone(name: str, raw: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"Setting {name} has value {raw!r}. Not a known time zone such as Europe/Amsterdam.") from None
    return raw


def _rendering(name: str, raw: str) -> str:
    if raw not in ("process", "thread"):
        raise SettingsError(f"Setting {name} has value {raw!r}. Use process or thread.")
    return raw


def _password_hash_cost(name: str, raw: str) -> str:
    if raw not in ("owasp", "minimal"):
        raise SettingsError(f"Setting {name} has value {raw!r}. Use owasp or minimal.")
    return raw


def _log_format(name: str, raw: str) -> str:
    if raw not in ("json", "text"):
        raise SettingsError(f"Setting {name} has value {raw!r}. Use json or text.")
    return raw


def _database_url(name: str, raw: str) -> str:
    if not raw.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise SettingsError(
            f"Setting {name} has value {_mask_url(raw)!r}. Use sqlite://PATH or postgres://USER@HOST:PORT/NAME."
        )
    return raw


def _batch_size(name: str, raw: str) -> int:
    value = _int(name, raw)
    if not 1 <= value <= 100:
        raise SettingsError(f"Setting {name} has value {raw!r}. Use 1 to 100 (PE-online takes at most 100 per call).")
    return value


def _seconds(name: str, raw: str) -> int:
    value = _int(name, raw)
    if value < 1:
        raise SettingsError(f"Setting {name} has value {raw!r}. Use a whole number of seconds, at least 1.")
    return value


def _editor_url(name: str, raw: str) -> str:
    import re
    import string

    scheme = re.match(r"([a-z][a-z0-9+.-]*):", raw.lower())
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(raw) if f is not None}
    except ValueError:  # an unclosed brace
        fields = set()
    if (scheme is None or scheme.group(1) in ("javascript", "data", "vbscript", "file")
            or not {"path", "line"} <= fields or not fields <= {"path", "line", "col"}):
        raise SettingsError(f"Setting {name} has value {raw!r}. Use an editor address with {{path}} and {{line}} "
                            "(and optionally {col}), e.g. vscode://file/{path}:{line}:{col}.")
    return raw


def _base_url(name: str, raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"Setting {name} has value {raw!r}. It must start with http:// or https://.")
    return raw.rstrip("/")


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "./data", "Folder for the embedded database, the secret key and the mail outbox.", _path),
    Setting("DATABASE_URL", None, "Database: sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/NAME. "
            "Default: SQLite in DATA_DIR/elearning.sqlite3.", _database_url),
    Setting("COURSES_DIR", "./courses", "Folder with one sub-folder per course.", _path),
    Setting("SECRET_KEY", None, "Key that signs session cookies. Default: generated once into "
            "DATA_DIR/secret_key. Keep it secret; the same on every server process."),
    Setting("BASE_URL", "http://127.0.0.1:8000", "The public address of the site, used in e-mails.", _base_url),
    Setting("HTTPS", None, "Served behind HTTPS: Secure cookies and HSTS. Default: true when BASE_URL "
            "starts with https://.", _bool),
    Setting("SMTP_HOST", None, "Mail server. Without it, mails are written to DATA_DIR/outbox/. New accounts and "
            "changed addresses are confirmed by a mailed link, so production needs a working mail server."),
    Setting("SMTP_PORT", "587", "Mail server port.", _int),
    Setting("SMTP_USER", None, "Mail server user name."),
    Setting("SMTP_PASSWORD", None, "Mail server password."),
    Setting("SMTP_STARTTLS", "true", "Use STARTTLS with the mail server.", _bool),
    Setting("MAIL_FROM", "E-learning <noreply@localhost>", "Sender address of the mails the site sends."),
    Setting("DEFAULT_LANGUAGE", "nl", "Language of the pages for new visitors: nl or en.", _language),
    Setting("TIME_ZONE", "Europe/Amsterdam", "Time zone of the dates printed on certificates and used in "
            "register exports.", _time_zone),
    Setting("CERTIFICATES_DIR", None, "Folder with the certificate templates, one sub-folder each (see "
            "certificates/README.md). Default: the templates that come with the program.", _path),
    Setting("CERTIFICATE_RENDERING", "process", "Where certificate PDFs are rendered: process (a worker "
            "process; pages stay fast while certificates render) or thread (a worker thread; less memory).",
            _rendering),
    Setting("SESSION_IDLE_MINUTES", "120", "A signed-in session ends after this many minutes without a "
            "request (shared office computers).", _int),
    Setting("SESSION_LIFETIME_DAYS", "14", "A signed-in session ends this many days after logging in, "
            "however active.", _int),
    Setting("RETENTION_GUEST_DAYS", "90", "Guest attempts untouched this many days lose their link to the "
            "browser (anonymised; the figures stay).", _int),
    Setting("RETENTION_OUTBOX_DAYS", "30", "Mails in DATA_DIR/outbox/ (without SMTP) are deleted after this "
            "many days.", _int),
    Setting("RETENTION_THROTTLE_HOURS", "24", "Rate-limit rows (which hold hashed addresses) are deleted after "
            "this many hours.", _int),
    Setting("RETENTION_SESSIONS_DAYS", "30", "Ended sessions are deleted this many days after they ended.", _int),
    Setting("RETENTION_AUDIT_DAYS", "730", "Entries of the administrators' audit log are deleted after this "
            "many days.", _int),
    Setting("CLEANUP_INTERVAL_MINUTES", "60", "How often `serve` applies the RETENTION_* settings (0: never; "
            "then run `elearning cleanup` from cron).", _int),
    Setting("PASSWORD_HASH_COST", "owasp", "Cost of the argon2id password hashes: owasp (19 MiB, 2 passes; "
            "about 80 ms a hash) or minimal (for test suites only: guessable at speed).", _password_hash_cost),
    Setting("PRIVACY_STATEMENT_FILE", None, "A Markdown file with the provider's privacy statement, shown at "
            "/privacy. Default: a general text about what this software stores.", _path),
    Setting("ACCESSIBILITY_STATEMENT_FILE", None, "A Markdown file with the provider's accessibility statement, "
            "shown at /toegankelijkheid. Default: a general text.", _path),
    Setting("PROVIDER_NAME", "E-learning", "Name of the provider (the organisation that offers the courses and "
            "issues the certificates), shown in the header, mails, certificates and on the verify page."),
    Setting("PROVIDER_URL", None, "The provider's own website. Default: BASE_URL.", _base_url),
    Setting("PROVIDER_EMAIL", None, "Contact address of the provider for learners, shown on the pages and "
            "certificates."),
    Setting("PROVIDER_ADDRESS", None, "Postal address of the provider (one line), for the certificate and "
            "the issuer profile of the credential."),
    Setting("PROVIDER_LOGO_FILE", None, "An SVG or PNG file with the provider's logo, for the header and the "
            "certificate.", _path),
    Setting("SIGNATORY_NAME", None, "Name of the person who signs the certificates on behalf of the provider."),
    Setting("SIGNATORY_TITLE", None, "That person's title or role, e.g. Directeur opleidingen."),
    Setting("SIGNATURE_IMAGE_FILE", None, "An SVG or PNG file with that person's signature, for the "
            "certificate.", _path),
    Setting("EDITOR_URL", None, "For authors: the studio links every problem and scene to this address of "
            "its file and line, e.g. vscode://file/{path}:{line}:{col} (VS Code) or "
            "idea://open?file={path}&line={line}. Default: a page in the studio that shows the YAML.",
            _editor_url),
    Setting("DEBUG", "false", "Show tracebacks on error pages. Never in production.", _bool),
    Setting("DEV", "false", "Author mode (also `elearning serve --dev`): watch COURSES_DIR and recompile "
            "a course on every save; a broken edit keeps the last good version served.", _bool),
    Setting("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    Setting("LOG_FORMAT", "json", "Log lines as json (one object per line, for log collectors) or text "
            "(for a terminal).", _log_format),
    Setting("PE_ONLINE_ENABLED", "false", "Push the PE points of issued certificates to PE-online's attendance "
            "web service (a paid service of PE-online; see 'PE-online' below).", _bool),
    Setting("PE_ONLINE_URL", None, "Address of PE-online's attendance web service: its acceptance "
            "environment while you test, its production environment after that.", _base_url),
    Setting("PE_ONLINE_USER_ID", None, "The UserID PE-online gave the provider for the web service "
            "(not the login name of the website)."),
    Setting("PE_ONLINE_KEY", None, "The key (password) PE-online gave with that UserID. Keep it secret."),
    Setting("PE_ONLINE_ORGANISATION_ID", None, "PE-online's id of the professional organisation whose "
            "register the points go to (Registerplein's OrgID)."),
    Setting("PE_ONLINE_BATCH_SIZE", "100", "Registrations per call to PE-online, 1 to 100.", _batch_size),
    Setting("PE_ONLINE_TIMEOUT", "30", "Seconds to wait for PE-online's answer before trying again later.",
            _seconds),
    Setting("PE_ONLINE_INTERVAL", "300", "Seconds between two pushes inside `elearning serve`.", _seconds),
)


def _mask_url(url: str) -> str:
    """A database URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    userinfo, _, host = rest.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in userinfo else url


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    courses_dir: Path
    secret_key: str = field(repr=False)
    base_url: str
    https: bool
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None = field(repr=False)
    smtp_starttls: bool
    mail_from: str
    default_language: str
    time_zone: str
    certificates_dir: Path | None
    certificate_rendering: str
    session_idle_minutes: int
    session_lifetime_days: int
    retention_guest_days: int
    retention_outbox_days: int
    retention_throttle_hours: int
    retention_sessions_days: int
    retention_audit_days: int
    cleanup_interval_minutes: int
    privacy_statement_file: Path | None
    accessibility_statement_file: Path | None
    provider_name: str
    provider_url: str | None
    provider_email: str | None
    provider_address: str | None
    provider_logo_file: Path | None
    signatory_name: str | None
    signatory_title: str | None
    signature_image_file: Path | None
    password_hash_cost: str
    editor_url: str | None
    debug: bool
    dev: bool
    log_level: str
    log_format: str
    pe_online_enabled: bool
    pe_online_url: str | None
    pe_online_user_id: str | None
    pe_online_key: str | None = field(repr=False)
    pe_online_organisation_id: str | None
    pe_online_batch_size: int
    pe_online_timeout: int
    pe_online_interval: int

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.database_url.removeprefix("sqlite://"))

    @property
    def database_display(self) -> str:
        return _mask_url(self.database_url)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every setting (from `environ`, default os.environ); keyword overrides win."""
        values: dict[str, Any] = {s.name.lower(): read(s.name, environ) for s in SETTINGS}
        values.update(overrides)
        data_dir = Path(values["data_dir"])
        values["data_dir"] = data_dir
        values["courses_dir"] = Path(values["courses_dir"])
        if not values["database_url"]:
            values["database_url"] = f"sqlite://{data_dir / 'elearning.sqlite3'}"
        if values["https"] is None:
            values["https"] = str(values["base_url"]).startswith("https://")
        if not values["secret_key"]:
            values["secret_key"] = _stored_secret_key(data_dir)
        if values["pe_online_enabled"]:
            missing = [name for name in ("PE_ONLINE_URL", "PE_ONLINE_USER_ID", "PE_ONLINE_KEY",
                                         "PE_ONLINE_ORGANISATION_ID") if not values[name.lower()]]
            if missing:
                raise SettingsError(f"Setting PE_ONLINE_ENABLED is true, but {', '.join(missing)} "
                                    f"{'is' if len(missing) == 1 else 'are'} not set.")
        names = {f.name for f in fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise SettingsError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        return cls(**values)


def read(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting's value (from `environ`, default os.environ), checked as Settings.load does;
    for a command that needs that one only (Settings.load makes DATA_DIR/secret_key)."""
    setting = next(s for s in SETTINGS if s.name == name)
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or raw == "":
        return None if setting.default is None else setting.kind(name, setting.default)
    return setting.kind(name, raw)


def _stored_secret_key(data_dir: Path) -> str:
    """The key in DATA_DIR/secret_key; created (readable by the owner only) on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    log.info("Generated a new secret key in %s", path)
    return key


def documentation() -> str:
    """The settings as a Markdown table, for docs and `--help` texts."""
    rows = ["| Setting | Default | Meaning |", "|---|---|---|"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | {s.default or ''} | {s.help} |")
    return "\n".join(rows)
