"""Running the ASGI app with uvicorn, with a clear message when the port is taken."""

from __future__ import annotations

import errno
import socket

import uvicorn

from hub.app import create_app
from hub.config import Settings

__all__ = ["PortInUse", "ensure_port_free", "serve"]


class PortInUse(Exception):
    """The port the hub should listen on is taken by another process."""


def ensure_port_free(host: str, port: int, *, option: str = "--port") -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(
                    f"port {port} on {host} is already in use; pick another with `{option} {port + 1}` "
                    f"(or set C360_PORT)"
                ) from None
            raise


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Serve the hub until interrupted."""
    host = host or settings.server.host
    port = port or settings.server.port
    ensure_port_free(host, port)
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        access_log=False,  # request lines can carry identifiers in GET query strings
        lifespan="on",
    )
    uvicorn.Server(config).run()
