"""Worker processes each bind the port (SO_REUSEPORT): the kernel spreads connections over their sockets."""

from __future__ import annotations

import socket

import pytest

from c360.app.workers import bind_reuseport, reuseport_supported
from tests.demo_process import free_port


@pytest.mark.skipif(
    not reuseport_supported(), reason="the kernel does not spread connections over SO_REUSEPORT sockets here"
)
def test_connections_opened_together_spread_over_the_sockets() -> None:
    port = free_port()
    listeners = [bind_reuseport("127.0.0.1", port) for _ in range(2)]
    clients = []
    try:
        for _ in range(64):  # a burst, as a load balancer's pool or a benchmark opens them
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        accepted = []
        for listener in listeners:
            listener.setblocking(False)
            count = 0
            while True:
                try:
                    connection, _address = listener.accept()
                except BlockingIOError:
                    break
                connection.close()
                count += 1
            accepted.append(count)
        assert sum(accepted) == 64
        assert min(accepted) >= 16, accepted  # neither socket is left idle (hashing gives about 32 each)
    finally:
        for client in clients:
            client.close()
        for listener in listeners:
            listener.close()


def test_a_port_in_use_is_still_refused() -> None:
    from c360.app.server import PortInUse, ensure_port_free

    port = free_port()
    listener = bind_reuseport("127.0.0.1", port)
    try:
        with pytest.raises(PortInUse):
            ensure_port_free("127.0.0.1", port)
    finally:
        listener.close()
