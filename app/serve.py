"""Serves the API under Granian: worker processes that share the port evenly and are replaced.

    python -m app.serve --workers 2 [--host 0.0.0.0] [--port 8000] [--app app.main:app]

Granian (a Rust HTTP server, hyper and tokio) is the server and the process manager:
- on Linux every worker listens on a socket of its own with `SO_REUSEPORT`, so the kernel
  spreads new (keep-alive) connections evenly over the workers (with one shared socket the
  first worker to wake takes every connection waiting, bench/ingest.py measured 90 % and
  0.4 % CPU);
- a worker that exits unexpectedly, even by `SIGKILL`, is replaced while the others keep
  serving (`respawn_failed_workers`); Granian gives up only when a worker keeps dying
  within seconds of its start (a crash loop, e.g. the app cannot be imported);
- a connection that has not sent its request headers within `HEADER_TIMEOUT_SECONDS` is
  closed (hyper's header read timeout), so idle or slow sockets cannot be held forever.

`X-Forwarded-For` and `X-Forwarded-Proto` are honoured from the addresses in
`FORWARDED_ALLOW_IPS` (default 127.0.0.1, uvicorn's convention), so `request.client` is the
real client behind a local proxy.
"""

import argparse
import importlib
import os
import sys
from typing import Any

from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server.mp import MPServer
from granian.utils.proxies import wrap_asgi_with_proxy_headers

from app.settings import get_settings

# Seconds between a worker's death and its replacement starting (Granian's default is 3.5).
RESPAWN_DELAY_SECONDS = 0.5


def load_app(target: str) -> Any:
    """Imports `module:attribute` in the worker and adds the proxy headers."""
    module_name, _, attribute = target.partition(":")
    app = getattr(importlib.import_module(module_name), attribute or "app")
    return wrap_asgi_with_proxy_headers(
        app, trusted_hosts=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    )


def build_server(app: str, host: str, port: int, workers: int, backlog: int) -> MPServer:
    settings = get_settings()
    level = settings.log_level.lower()
    return MPServer(
        app,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=False,
        backlog=backlog,
        http1_settings=HTTP1Settings(header_read_timeout=settings.header_timeout_seconds * 1000),
        # The app logs every request itself (app.conventions) and configures its logging.
        log_access=False,
        log_level=LogLevels(level) if level in LogLevels.__members__ else LogLevels.info,
        respawn_failed_workers=True,
        respawn_interval=RESPAWN_DELAY_SECONDS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--app", default="app.main:app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backlog", type=int, default=2048)
    args = parser.parse_args(argv)
    server = build_server(args.app, args.host, args.port, args.workers, args.backlog)
    server.serve(target_loader=load_app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
