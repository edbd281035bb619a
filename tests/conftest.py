import socket

import pytest

ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    """Tests never reach the outside world: only loopback connections are allowed (DB, browser)."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ALLOWED_HOSTS and not host.startswith("/"):
            raise RuntimeError(f"Connexion réseau interdite pendant les tests : {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
