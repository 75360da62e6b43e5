"""A simulated learner: plays a course over HTTP the way a browser does, for the crash tests and
the load bench (bench/load.py).

Each learner is a guest with its own session cookie: GET the scene page, read its form (CSRF
token, step token, the offered choices or answers), POST one of them, follow the 303, and so on
until the course is finished. It records every choice the server acknowledged (a 303), so a
test can check afterwards that each one is durable. The client is a minimal HTTP/1.1
keep-alive client on an asyncio Protocol, one connection per learner (bench/load.py says why).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

import uvloop

T = TypeVar("T")
MAX_STEPS = 400  # a playthrough of the polarisation course takes about 60-120 actions

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_STEP = re.compile(r'name="step" value="(\d+)"')
_CHOICE = re.compile(r'<button type="submit" name="choice" value="([^"]+)"')
_ANSWER = re.compile(r'<input type="(radio|checkbox)" name="answer" value="([^"]+)"')
_TITLE = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TEXTAREA = re.compile(r'<textarea name="text"[^>]*\bmaxlength="(\d+)"')
_HINT_LENGTH = re.compile(r'id="open-text-hint">[^<]*?(\d+)\D+(\d+)')
FINISHED = 'id="course-result-title"'  # the end of the course
SESSION_COOKIE = "elearning_session"
TIMEOUT = 30.0  # seconds for one request


# -- the client: HTTP/1.1 with keep-alive on one connection, nothing more ------------------------
class TransportError(Exception):
    """The connection failed or closed before a whole response arrived."""


@dataclass
class Response:
    status_code: int
    headers: list[tuple[str, str]]  # lower-case names, in order
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    def header_list(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]


_HEADER = re.compile(r"\r\n([^:\r\n]+):[ \t]*([^\r\n]*)")  # after the status line, up to the last header's \r\n


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request is written, its response parsed as the bytes come in."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Response] | None = None
        self.head: tuple[int, list[tuple[str, str]], int | None] | None = None  # status, headers, length
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(TransportError(f"the connection closed: {exc or 'end of stream'}"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        try:
            self._parse()
        except ValueError as exc:
            self._fail(TransportError(f"a malformed response: {exc}"))
            assert self.transport is not None  # noqa: S101 - narrows the type; set before this point
            self.transport.close()

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    def _parse(self) -> None:
        if self.head is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end + 2].decode("latin-1")
            del self.buffer[:end + 4]
            status = int(head.split(" ", 2)[1])
            headers = [(name.lower(), value.strip()) for name, value in _HEADER.findall(head)]
            fields = dict(headers)
            if fields.get("transfer-encoding", "").lower() == "chunked":
                length = None
            else:
                length = int(fields.get("content-length", "0"))
            self.head = (status, headers, length)
        status, headers, length = self.head
        if length is None:
            body = self._chunked()
            if body is None:
                return
        elif len(self.buffer) >= length:
            body = bytes(self.buffer[:length])
            del self.buffer[:length]
        else:
            return
        self.head = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(Response(status, headers, body))

    def _chunked(self) -> bytes | None:
        """The whole body once its last chunk is in (the buffer is left alone until then)."""
        chunks: list[bytes] = []
        at = 0
        while True:
            line_end = self.buffer.find(b"\r\n", at)
            if line_end < 0:
                return None
            size = int(bytes(self.buffer[at:line_end]).split(b";", 1)[0], 16)
            start = line_end + 2
            if size == 0:
                end = self.buffer.find(b"\r\n\r\n", line_end)  # no trailers from our servers
                if end < 0:
                    return None
                del self.buffer[:end + 4]
                return b"".join(chunks)
            if len(self.buffer) < start + size + 2:
                return None
            chunks.append(bytes(self.buffer[start:start + size]))
            at = start + size + 2


class Client:
    """What a browser tab does over one keep-alive connection, at a fraction of httpx's CPU cost.

    The learners' client shares the CPUs with the server, so every microsecond it spends is one
    the server does not get. Opens the connection again when the server closed it."""

    def __init__(self, base_url: str, forwarded_for: str | None = None) -> None:
        address = base_url.removeprefix("http://").rstrip("/")
        host, _, port = address.partition(":")
        self.host, self.port = host, int(port or 80)
        self.host_header = f"Host: {address}\r\n".encode()
        if forwarded_for:  # the address a reverse proxy would pass on (uvicorn trusts it from 127.0.0.1)
            self.host_header += f"X-Forwarded-For: {forwarded_for}\r\n".encode()
        self.connection: _Connection | None = None

    async def request(self, method: str, path: str, *, cookie: str | None = None,
                      form: bytes | None = None) -> Response:
        connection: _Connection | None = self.connection
        if connection is None or connection.closed:
            loop = asyncio.get_running_loop()
            try:
                _, connection = await asyncio.wait_for(
                    loop.create_connection(_Connection, self.host, self.port), TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise TransportError(f"cannot connect to {self.host}:{self.port}: {exc!r}") from exc
            self.connection = connection
        assert connection is not None and connection.transport is not None  # noqa: S101 - narrows the type
        head = [f"{method} {path} HTTP/1.1\r\n".encode(), self.host_header]
        if cookie is not None:
            head.append(f"Cookie: {cookie}\r\n".encode())
        if form is not None:
            head.append(b"Content-Type: application/x-www-form-urlencoded\r\n")
            head.append(f"Content-Length: {len(form)}\r\n".encode())
        head.append(b"\r\n")
        if form:
            head.append(form)
        waiter = connection.waiter = asyncio.get_running_loop().create_future()
        connection.transport.write(b"".join(head))
        timer = waiter.get_loop().call_later(
            TIMEOUT, connection._fail, TransportError(f"no answer within {TIMEOUT:.0f} s"))
        try:
            response = await waiter
        except BaseException:
            self.close()  # a response may still be on its way: this connection is done
            raise
        finally:
            timer.cancel()
            connection.waiter = None
        if (response.header("connection") or "").lower() == "close":
            self.close()
        return response

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    def close(self) -> None:
        if self.connection is not None:
            if self.connection.transport is not None:
                self.connection.transport.close()
            self.connection.closed = True
            self.connection = None

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


def http_client(base_url: str, forwarded_for: str | None = None) -> Client:
    return Client(base_url, forwarded_for)


def learner_address(n: int) -> str:
    """A private address per simulated learner: the app limits new attempts per address (200 an
    hour, an office behind one address), and learners do not all sit behind one."""
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on uvloop: the client's event loop costs less CPU too."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


# -- the simulated learner ---------------------------------------------------------------------
@dataclass
class Sample:
    kind: str  # "scene" | "choice" | "other"
    seconds: float
    status: int
    at: float = 0.0  # time.monotonic() when the answer was in


@dataclass
class Seen:
    """What a scene page showed: its step token and its title."""

    step: int
    title: str


@dataclass
class Acknowledged:
    """A choice the server answered with a 303: it must be durable."""

    attempt: int
    step: int  # the step token it was posted with
    values: tuple[str, ...]


@dataclass
class Learner:
    base_url: str
    course_id: str = "polarisatie"
    rng: random.Random = field(default_factory=random.Random)
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[Acknowledged] = field(default_factory=list)
    attempt: int | None = None
    last_seen: Seen | None = None
    finished: bool = False
    completed: int = 0  # playthroughs finished
    unanswered: int = 0  # choices posted without a 303 in reply (an error, or no reply at all)
    unavailable: list[str] = field(default_factory=list)  # 503 pages, when `patient`
    patient: bool = False  # a 503 is "try again" (the crash test), not an error
    client: Client | None = None
    session: str | None = None  # the value of the session cookie
    address: str | None = None  # sent as X-Forwarded-For, as the reverse proxy would

    async def _request(self, kind: str, method: str, path: str, form: dict[str, Any] | None = None) -> Response:
        assert self.client is not None  # noqa: S101 - narrows the type; set before this point
        cookie = f"{SESSION_COOKIE}={self.session}" if self.session else None
        body = urlencode(form, doseq=True).encode() if form is not None else None
        started = time.perf_counter()
        response = await self.client.request(method, path, cookie=cookie, form=body)
        self.samples.append(Sample(kind, time.perf_counter() - started, response.status_code, time.monotonic()))
        for cookie in response.header_list("set-cookie"):
            if cookie.startswith(f"{SESSION_COOKIE}="):
                value = cookie.split(";", 1)[0].split("=", 1)[1]
                self.session = None if value == "null" else value
        return response

    def _error(self, what: str, response: Response) -> None:
        if self.patient and response.status_code == 503:
            self.unavailable.append(response.text)
            return
        self.errors.append(f"{what}: HTTP {response.status_code} {response.text[:200]!r}")

    async def start(self) -> bool:
        page = await self._request("other", "GET", f"/courses/{self.course_id}")
        token = _CSRF.search(page.text)
        if page.status_code != 200 or token is None:
            self._error("course page", page)
            return False
        started = await self._request("other", "POST", f"/courses/{self.course_id}/start",
                                      form={"csrf": token.group(1)})
        if started.status_code != 303:
            self._error("start", started)
            return False
        self.attempt = int((started.header("location") or "").rsplit("/", 1)[1])
        return True

    async def scene(self) -> str | None:
        page = await self._request("scene", "GET", f"/play/{self.attempt}")
        if page.status_code != 200:
            self._error("scene page", page)
            return None
        html = page.text
        step, title = _STEP.search(html), _TITLE.search(html)
        self.last_seen = Seen(int(step.group(1)) if step else -1, title.group(1).strip() if title else "")
        return html

    def pick(self, html: str) -> dict[str, Any] | None:
        """The form a learner submits on this page, or None when the course is finished."""
        if FINISHED in html:
            return None
        csrf, step = _CSRF.search(html), _STEP.search(html)
        if csrf is None or step is None:
            return None
        textarea = _TEXTAREA.search(html)
        if textarea:  # an open answer: hand in a text of a length the scene accepts
            bounds = _HINT_LENGTH.search(html)
            low, high = (int(bounds.group(1)), int(bounds.group(2))) if bounds else (1, int(textarea.group(1)) - 200)
            length = min(high, max(low, 200))
            words = "Ik loop door de wijk en praat met de bakker over wat hij ziet. "
            return {"csrf": csrf.group(1), "step": step.group(1), "action": "submit",
                    "text": (words * (length // len(words) + 1))[:length].strip().ljust(low, ".")}
        answers = _ANSWER.findall(html)
        if answers:
            ids = [value for _, value in answers]
            if answers[0][0] == "checkbox":
                chosen = self.rng.sample(ids, self.rng.randint(1, len(ids)))
            else:
                chosen = [self.rng.choice(ids)]
            return {"csrf": csrf.group(1), "step": step.group(1), "answer": chosen}
        choices = _CHOICE.findall(html)
        if not choices:
            return None
        # At the end of a module, go on (a retake now and then keeps the course finite).
        forward = [c for c in choices if c != "retake"] or choices
        return {"csrf": csrf.group(1), "step": step.group(1), "choice": self.rng.choice(forward)}

    async def choose(self, form: dict[str, Any]) -> bool:
        self.unanswered += 1
        response = await self._request("choice", "POST", f"/play/{self.attempt}", form=form)
        if response.status_code != 303 or response.header("location") != f"/play/{self.attempt}":
            self._error("choice", response)
            return False
        self.unanswered -= 1
        values = tuple(form["answer"]) if "answer" in form else ("write",) if "text" in form else (form["choice"],)
        assert self.attempt is not None  # noqa: S101 - narrows the type; set before this point
        self.acknowledged.append(Acknowledged(self.attempt, int(form["step"]), values))
        return True

    async def play(self, deadline: float) -> bool:
        """One new guest from the course page to the end of the course; False on an error."""
        if self.client is None:
            self.client = http_client(self.base_url, self.address)
        self.session = None  # a new guest
        self.finished = False
        try:
            return await self._play(deadline)
        except TransportError as exc:  # no answer in time, or the connection broke
            self.errors.append(f"attempt {self.attempt}: {exc}" if self.attempt else f"starting: {exc}")
            return False

    async def _play(self, deadline: float) -> bool:
        self.attempt = None
        if not await self.start():
            return False
        for _ in range(MAX_STEPS):
            if time.monotonic() > deadline:
                return True
            html = await self.scene()
            if html is None:
                return False
            form = self.pick(html)
            if form is None:
                self.finished = FINISHED in html
                self.completed += self.finished
                if not self.finished:
                    self.errors.append(f"attempt {self.attempt}: a page without a form")
                return self.finished
            if not await self.choose(form):
                return False
        self.errors.append(f"attempt {self.attempt}: not finished after {MAX_STEPS} steps")
        return False

    async def connect(self) -> None:
        """Open the connection (and see it answer) before the clock starts, as an open browser tab has."""
        if self.client is None:
            self.client = http_client(self.base_url, self.address)
        try:
            response = await self.client.get("/health")
        except TransportError as exc:
            self.errors.append(f"connecting: {exc}")
            return
        if response.status_code != 200:
            self._error("health", response)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None
