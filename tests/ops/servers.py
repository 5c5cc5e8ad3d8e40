"""What the operations tests (and bench/soak.py) start: a PostgreSQL instance of their own
(initdb in a temporary folder, on its own port, never the shared cluster) and the app under
`python -m app.serve`."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import create_engine, text
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# Loopback ports these tests may use; overridable for another machine's allocation.
SERVER_PORTS = os.environ.get("OPS_SERVER_PORTS", "18150-18199")
POSTGRES_PORTS = os.environ.get("OPS_POSTGRES_PORTS", "55433-55440")


def postgres_missing() -> str | None:
    """Why no PostgreSQL instance can be made here, or None."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"initdb and pg_ctl are not in {PG_BIN} (set PG_BIN)"
    return None


def free_port(ports: str) -> int:
    first, _, last = ports.partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


class PostgresInstance:
    """A throw-away cluster: trust authentication on 127.0.0.1, fsync off (it holds nothing
    worth keeping). As root, the server runs as the `postgres` user (initdb refuses root)."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = port
        self.log = directory / "postgres.log"
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(directory, "postgres")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        engine = create_engine(
            self.url().replace("postgresql:", "postgresql+psycopg:", 1),
            isolation_level="AUTOCOMMIT",
        )
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


@contextmanager
def postgres_instance(directory: Path) -> Iterator[PostgresInstance]:
    instance = PostgresInstance(directory, free_port(POSTGRES_PORTS))
    instance.init()
    try:
        yield instance
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped
            instance.stop("immediate")


def migrate(url: str) -> None:
    from alembic import command

    from tests.conftest import alembic_config

    command.upgrade(alembic_config(url), "head")


def make_partner_client(url: str, source: str, partner: str = "politie") -> str:
    """A partner client with one event source; returns its API key."""
    from app.access.schemas import ClientCreate
    from app.access.service import create_client
    from app.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        data = ClientCreate.model_validate(
            {"name": "ops", "role": "partner", "partner": partner, "eventSources": [source]}
        )
        _, key = create_client(session, data)
        session.commit()
    engine.dispose()
    return key


class Served:
    """`python -m app.serve` as a child process."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.base_url = f"http://127.0.0.1:{port}"

    def workers(self) -> list[int]:
        """The worker processes: the server's children that listen on its port."""
        out = subprocess.run(
            ["ss", "-Hltnp", f"sport = :{self.port}"], capture_output=True, text=True, check=True
        ).stdout
        return sorted({int(pid) for pid in _pids(out)})

    def connection_owner(self, client_port: int) -> int | None:
        """The worker holding the server side of the connection from `client_port`."""
        between = f"( sport = :{self.port} and dport = :{client_port} )"
        out = subprocess.run(
            ["ss", "-Htnp", "state", "established", between],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pids = _pids(out)
        return pids[0] if pids else None

    def wait_for_workers(self, count: int, timeout: float) -> list[int]:
        deadline = time.monotonic() + timeout
        while True:
            workers = self.workers()
            if len(workers) >= count or time.monotonic() > deadline:
                return workers
            time.sleep(0.1)


def _pids(ss_output: str) -> list[int]:
    pids = []
    for part in ss_output.split("pid=")[1:]:
        pids.append(int(part.split(",", 1)[0]))
    return pids


@contextmanager
def serve(
    directory: Path, database_url: str, *, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[Served]:
    port = free_port(SERVER_PORTS)
    log = directory / f"serve-{port}.log"
    with open(log, "wb") as output:
        process = _start(port, workers, database_url, env or {}, output)
        served = Served(process, port, log)
        try:
            _wait_until_up(served, workers)
            yield served
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _start(
    port: int, workers: int, database_url: str, env: dict[str, str], output: IO[bytes]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--workers", str(workers), "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "ADMIN_API_KEY": "",
            **env,
        },
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def _wait_until_up(served: Served, workers: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        if served.process.poll() is not None:
            raise RuntimeError(f"app.serve exited; see {served.log}")
        try:
            up = httpx.get(served.base_url + "/healthz", timeout=1).status_code == 200
            if up and len(served.workers()) >= workers:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"app.serve did not start; see {served.log}")
        time.sleep(0.2)
