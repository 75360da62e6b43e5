"""What a middleware needs to know about the response passing through it."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Message, Send


class TrackedSend:
    """An ASGI `send` that remembers whether the response has started (after which no error page
    can replace it), its status and how many body bytes went out; `headers` are added to it."""

    def __init__(self, send: Send, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
        self._send = send
        self._headers = list(headers)
        self.started = False
        self.status = 500
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            if self._headers:
                message["headers"] = [*message.get("headers", ()), *self._headers]
        elif message["type"] == "http.response.body":
            self.size += len(message.get("body", b""))
        await self._send(message)
