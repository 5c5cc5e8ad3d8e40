"""Connections that have not sent their request headers within HEADER_TIMEOUT_SECONDS are
closed by the server (SPEC §9), so slow or idle sockets cannot be held open forever."""

import socket
import time
from pathlib import Path

import httpx

from tests.ops.servers import serve

TIMEOUT = 2  # HEADER_TIMEOUT_SECONDS for this test (the default is 10)


def _seconds_until_closed(sock: socket.socket, limit: float) -> float:
    started = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(1024):  # the server may answer 408 before it closes
            pass
    except TimeoutError:
        return float("inf")
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_a_partial_request_line_is_closed_after_the_header_timeout(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/ops.db"
    with serve(tmp_path, database, workers=1, env={"HEADER_TIMEOUT_SECONDS": str(TIMEOUT)}) as app:
        partial = socket.create_connection(("127.0.0.1", app.port))
        silent = socket.create_connection(("127.0.0.1", app.port))
        with partial, silent:
            partial.sendall(b"GET /api/v1/sig")
            assert _seconds_until_closed(partial, TIMEOUT + 8) < TIMEOUT + 2
            assert _seconds_until_closed(silent, 8) < TIMEOUT + 2
        # The server itself is fine, and a request sent at once is answered.
        assert httpx.get(app.base_url + "/healthz", timeout=5).status_code == 200
