"""Serves the API with several uvicorn worker processes that share the port evenly.

    python -m app.serve --workers 2 [--host 0.0.0.0] [--port 8000] [--app app.main:app]

`uvicorn --workers N` hands one listening socket to all workers; the first worker to wake
accepts every connection waiting, so long-lived (keep-alive) client connections pile up on
one worker while the others idle (measured with bench/ingest.py: 90 % and 0.4 % CPU). Here
every worker listens on a socket of its own with SO_REUSEPORT, and the kernel spreads new
connections over them. Where SO_REUSEPORT does not exist, this falls back to
`uvicorn --workers`.
"""

import argparse
import multiprocessing
import signal
import socket
import sys
from multiprocessing.connection import wait
from types import FrameType

import uvicorn


def _worker(app: str, host: str, port: int, backlog: int) -> None:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    # The app logs every request itself (app.conventions), and configures the logging.
    config = uvicorn.Config(
        app, proxy_headers=True, server_header=False, access_log=False, log_config=None
    )
    uvicorn.Server(config).run(sockets=[sock])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="app.main:app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backlog", type=int, default=2048)
    args = parser.parse_args(argv)
    if not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(args.app, host=args.host, port=args.port, workers=args.workers, log_config=None)
        return 0

    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=_worker, args=(args.app, args.host, args.port, args.backlog), daemon=False
        )
        for _ in range(args.workers)
    ]

    def stop(signum: int, _frame: FrameType | None) -> None:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # uvicorn shuts down gracefully on SIGTERM

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.start()
    status = 0
    running = list(workers)
    while running:
        for sentinel in wait([worker.sentinel for worker in running]):
            worker = next(w for w in running if w.sentinel == sentinel)
            running.remove(worker)
            worker.join()
            if worker.exitcode not in (0, -signal.SIGTERM):
                status = status or 1
                stop(signal.SIGTERM, None)  # one worker failed (the port is taken?): all stop
    return status


if __name__ == "__main__":
    sys.exit(main())
