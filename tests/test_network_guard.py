"""The default test run opens no network socket beyond 127.0.0.1 (guard in tests/conftest.py).

These tests show the guard is live in this process: a public address is refused (and recorded,
so code that swallows the error still fails the session), loopback works.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import urlopen

import pytest


def _refused(network_violations: list[str], call) -> str:
    before = len(network_violations)
    with pytest.raises(OSError, match=r"only 127\.0\.0\.1 allowed"):
        call()
    assert len(network_violations) == before + 1
    return network_violations.pop()


def test_guard_refuses_a_public_address(network_violations) -> None:
    # 203.0.113.0/24 is TEST-NET-3 (RFC 5737): public-looking, never routed
    got = _refused(network_violations, lambda: socket.create_connection(("203.0.113.7", 443), 1))
    assert "203.0.113.7" in got
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        _refused(network_violations, lambda: sock.connect_ex(("2001:db8::1", 443, 0, 0)))
    finally:
        sock.close()


def test_guard_refuses_name_resolution(network_violations) -> None:
    got = _refused(network_violations, lambda: socket.getaddrinfo("fapi.binance.com", 443))
    assert "fapi.binance.com" in got


def test_guard_lets_loopback_through() -> None:
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urlopen(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5) as resp:
            assert resp.read() == b"ok"
    finally:
        server.shutdown()
        server.server_close()
