"""Running the ASGI app with uvicorn, with a clear message when the port is taken."""

from __future__ import annotations

import dataclasses
import errno
import os
import socket
from typing import Any

from c360.app.workers import reuseport_supported, run_workers
from c360.config import Settings
from c360.errors import ConfigurationError
from c360.hub.db import is_postgres

__all__ = ["PortInUse", "ensure_port_free", "serve", "serve_workers", "default_workers", "worker_app", "WORKERS_ENV"]

WORKERS_ENV = "C360_WORKERS"
WORKER_STARTUP_SECONDS = 60


class PortInUse(ConfigurationError):
    """Raised before serving when the port the hub should listen on is taken by another process."""


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


def default_workers(settings: Settings) -> int:
    """``[server] workers`` (``C360_WORKERS``) when set; else one process per CPU in production on PostgreSQL
    (a process runs Python on one core at a time), else one.

    On SQLite a new event wakes only the subscribers of the process that recorded it (there is no
    LISTEN/NOTIFY), so subscribers of the other workers would wait for their poll: one worker.
    """
    if settings.server.workers:
        return settings.server.workers
    if not settings.auth.production or not is_postgres(settings.database_url):
        return 1
    return max(1, os.cpu_count() or 1)


def worker_app():  # type: ignore[no-untyped-def]
    """The app of one of several worker processes: settings are loaded again from the environment and c360.toml."""
    from c360.config import load_settings
    from c360.hub.logging_setup import setup_logging

    settings = load_settings()
    setup_logging(settings.log_level)
    from c360.app.factory import (
        create_app,  # imported when serving: other commands start without the web stack
    )

    return create_app(settings)


def serve_workers(app: str, host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """``app`` (a ``module:factory`` string) in ``workers`` processes on one port.

    Each with a socket of its own where the kernel spreads connections over them (SO_REUSEPORT,
    ``c360.app.workers``), else uvicorn's workers on one shared socket.
    """
    options = {key: value for key, value in options.items() if key not in ("host", "port")}
    if reuseport_supported():
        run_workers(app, host, port, workers, options)
        return
    import uvicorn  # imported when serving: other commands start without the web stack

    # A worker that has not finished starting within uvicorn's default 5 s is killed and restarted;
    # on a busy host the imports alone can take that long, and the restarts never end.
    uvicorn.run(
        app, host=host, port=port, factory=True, workers=workers, timeout_worker_healthcheck=WORKER_STARTUP_SECONDS, **options
    )  # type: ignore[arg-type]


def serve(settings: Settings, *, host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    """Serve the hub until interrupted, in ``workers`` processes sharing the port (default: :func:`default_workers`),
    connections spread over them by the kernel (:func:`serve_workers`).

    With more than one worker each process loads the settings itself (as ``c360 serve`` does) and
    keeps its own connection pool and event listener. ``C360_WORKERS`` tells each of them how many
    they are, so per-caller limits hold across them: shared in Redis when ``C360_REDIS_URL`` is set,
    else each worker enforces its share (``c360.hub.auth.ratelimit``).
    """
    import uvicorn

    from c360.app.factory import create_app

    host = host or settings.server.host
    port = port or settings.server.port
    workers = workers or default_workers(settings)
    ensure_port_free(host, port)
    common = {
        "host": host,
        "port": port,
        "log_level": settings.log_level.lower(),
        "access_log": False,  # request lines can carry identifiers in GET query strings
        "lifespan": "on",
        # Events are small JSON messages sent to many subscribers: compressing each one per
        # subscriber costs more CPU than it saves bandwidth.
        "ws_per_message_deflate": False,
    }
    if workers > 1:
        os.environ[WORKERS_ENV] = str(workers)  # each worker's load_settings reads it (server.workers)
        serve_workers("c360.app.server:worker_app", host, port, workers, common)
        return
    alone = dataclasses.replace(settings, server=dataclasses.replace(settings.server, workers=1))
    config = uvicorn.Config(create_app(alone), **common)  # type: ignore[arg-type]
    uvicorn.Server(config).run()
