"""Helpers for the test suite and the benchmarks, never imported by the app itself.

`elearning serve` in a subprocess: a free port on 127.0.0.1, an environment with only what the server needs, a log file,
a wait until /health answers, and a clean stop. Standard library only, so importing it
costs nothing outside the tests. `take_link` reads the mail outbox as its addressee would;
`elearning.testing.learners` is the simulated learner of the crash tests and the load bench.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

BIN = Path(sys.executable).parent
# PYTHONPATH too: a server started from a git worktree's tests runs that tree's code, not the
# checkout the shared virtualenv was installed from
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(root: Path, port: int, **settings: str) -> dict[str, str]:
    """The environment of a server with its data in root/data and its courses in root/courses."""
    env = {k: v for k, v in os.environ.items() if k in PASSED_ON}
    env.update(DATA_DIR=str(root / "data"), COURSES_DIR=str(root / "courses"),
               BASE_URL=f"http://127.0.0.1:{port}", LOG_LEVEL="WARNING")
    env.update(settings)
    return env


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310 - our own http://127.0.0.1 URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    url: str
    port: int
    root: Path
    log: Path
    proc: subprocess.Popen[bytes]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"


@contextmanager
def running_server(root: Path, *args: str, port: int | None = None, env: dict[str, str] | None = None,
                   startup: float = 30, bin_dir: Path = BIN) -> Iterator[Server]:
    """`elearning serve ARGS` with its data under `root` (see server_env), until the block ends;
    the `elearning` of `bin_dir` (default: this Python's, so the package under test)."""
    port = port or free_port()
    env = env if env is not None else server_env(root, port)
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(bin_dir / "elearning"), "serve", "--port", str(port), *args],  # noqa: S603 - our own command
                                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(url, port, root, log, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
