"""A lean HTTP/1.1 keep-alive client on asyncio streams, for load generators.

The load generator shares the machine with the server it measures. A general client (httpx)
spends about a millisecond of CPU per request on encoding, header models and decoding, which is
CPU the server does not get. Here a request is bytes built once, a connection is one stream pair
kept alive, and a response is a status line, headers and a ``Content-Length`` body, nothing
parsed beyond that.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

__all__ = ["Connection", "HttpError", "encode_request", "looks_like_data"]


class HttpError(RuntimeError):
    """The server answered something the load generator cannot use."""


def encode_request(method: str, path: str, host: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """The full bytes of one request (keep-alive), built once and sent as many times as needed."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def looks_like_data(body: bytes) -> bool:
    """A cheap check of a GraphQL answer: it has data and no top-level errors (``errors`` follows ``data``)."""
    return body.startswith(b'{"data":') and b'"errors":' not in body


class Connection:
    """One keep-alive connection; one request at a time (a load generator opens one per worker)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> Connection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port, limit=1 << 22)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass

    @property
    def local_port(self) -> int:
        """This end's port: with it, ``/proc/net/tcp`` tells which server process holds the other end."""
        assert self._writer is not None, "use the connection as a context manager"
        return int(self._writer.get_extra_info("sockname")[1])

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Send pre-encoded ``request``; (status, body) of a ``Content-Length`` or chunked answer."""
        assert self._reader is not None and self._writer is not None, "use the connection as a context manager"
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, _, headers = head.partition(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked = None, False
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
        if length is not None:
            return status, await self._reader.readexactly(length)
        if not chunked:
            raise HttpError(f"{status}: neither Content-Length nor chunked in the answer")
        return status, await self._chunks()

    async def _chunks(self) -> bytes:
        assert self._reader is not None
        parts = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")  # no trailers are sent to a load generator
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    async def get_json(self, path: str, headers: dict[str, str] | None = None) -> Any:
        status, body = await self.send(encode_request("GET", path, self.host, headers or {}))
        if status != 200:
            raise HttpError(f"GET {path}: {status}: {body[:300]!r}")
        return json.loads(body)
