"""`python -m app.serve`: several Granian workers on one port (SO_REUSEPORT)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
        "LOG_LEVEL": "WARNING",
        "ADMIN_API_KEY": "",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--workers", "2", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "wb"),
    )


def _children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return out.stdout.split()


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="needs SO_REUSEPORT")
def test_workers_share_the_port_and_stop_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    server = _serve(port, tmp_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "app.serve did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        # Two worker processes (spawned, so also a resource tracker may be among them).
        assert len(_children(server.pid)) >= 2
        for _ in range(10):  # new connections each time: whichever worker takes them
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(20) == 0


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="needs SO_REUSEPORT")
def test_a_taken_port_stops_every_worker(tmp_path: Path) -> None:
    with socket.socket() as taken:  # bound without SO_REUSEPORT: no worker can join it
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = _serve(taken.getsockname()[1], tmp_path)
        assert server.wait(30) == 1
