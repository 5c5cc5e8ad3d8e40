"""Command line: `python -m app.cli <command>` for clients, the contract and maintenance."""

import argparse
import getpass
import json
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from app.access import service as access
from app.access.schemas import ClientCreate
from app.audit.service import audit
from app.db import get_engine
from app.progress.rollups import rebuild_all_rollups
from app.progress.statistics_rollups import rebuild_statistics_rollups
from app.records.registry import RECORD_TYPES
from app.schemas import Confidentiality, Role

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(function: Command) -> Command:
        COMMANDS[name] = function
        return function

    return register


def _by_cli() -> str:
    """Who, for the audit log: made on the command line, by this operating-system user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a passwd entry
        user = "unknown"
    return f"command line (user {user})"


@command("create-client")
def create_client(args: argparse.Namespace) -> int:
    data = ClientCreate.model_validate(
        {
            "name": args.name,
            "role": args.role,
            "partner": args.partner,
            "eventSources": args.event_source or [],
            "maxConfidentiality": args.max_confidentiality,
            "expiresAt": args.expires_at,
        }
    )
    with Session(get_engine()) as session:
        client, key = access.create_client(session, data)
        audit(session, None, "create", resource="clients", record_id=client.id, detail=_by_cli())
        session.commit()
        print(f"client {client.id} ({client.role}, {client.partner or '-'})")
        print(f"api key (shown once): {key}")
    return 0


@command("list-clients")
def list_clients(_args: argparse.Namespace) -> int:
    with Session(get_engine()) as session:
        for client in access.list_clients(session, None, 10_000):
            state = "revoked" if client.revoked_at else "active"
            print(
                f"{client.id}  {client.role:<11} {client.partner or '-':<9} "
                f"{client.key_prefix}…  {state:<7} {client.name}"
            )
    return 0


@command("revoke-client")
def revoke_client(args: argparse.Namespace) -> int:
    with Session(get_engine()) as session:
        client = access.revoke_client(session, uuid.UUID(args.client_id))
        audit(session, None, "revoke", resource="clients", record_id=client.id, detail=_by_cli())
        session.commit()
        print(f"revoked {client.id} at {client.revoked_at}")
    return 0


@command("sweep-pending-events")
def sweep_pending_events(_args: argparse.Namespace) -> int:
    from app.events.queries import sweep_pending_events as sweep
    from app.settings import get_settings

    days = get_settings().pending_event_days
    with Session(get_engine()) as session:
        count = sweep(session, days)
        session.commit()
    print(f"rejected {count} pending events older than {days} days")
    return 0


@command("export-openapi")
def export_openapi(args: argparse.Namespace) -> int:
    from app.main import app

    document = json.dumps(contract(app), indent=2, ensure_ascii=False) + "\n"
    Path(args.output).write_text(document, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


@command("purge-expired")
def purge_expired(args: argparse.Namespace) -> int:
    from app.records.retention import purge_expired as purge
    from app.settings import get_settings

    settings = get_settings()
    years = args.years if args.years is not None else settings.retention_years
    with Session(get_engine()) as session:
        counts = purge(
            session, years, dry_run=args.dry_run, idempotency_hours=settings.idempotency_hours
        )
        if not args.dry_run:
            session.commit()
    verb = "would blank" if args.dry_run else "blanked"
    responses = counts.pop("idempotent-responses", 0)
    for resource, count in counts.items():
        print(f"{verb} personal data of {count} {resource} (closed over {years} years ago)")
    print(
        f"{'would delete' if args.dry_run else 'deleted'} {responses} stored idempotent "
        f"responses (older than {settings.idempotency_hours} hours)"
    )
    return 0


@command("seed-demo")
def seed_demo(_args: argparse.Namespace) -> int:
    """Loads the council letter's January-April 2023 results through the record service, the
    API's own code path; records already loaded (same externalId) are left alone."""
    from app.reports.seed import seed_letter_results

    with Session(get_engine()) as session:
        created, skipped = seed_letter_results(session)
        session.commit()
    print(f"seed-demo: {created} added, {skipped} already there")
    return 0


def contract(app: object) -> dict[str, object]:
    """The OpenAPI document as the mounted API serves it."""
    from fastapi import FastAPI
    from starlette.routing import Mount

    assert isinstance(app, FastAPI)
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/api/v1":
            api = route.app
            assert isinstance(api, FastAPI)
            return api.openapi()
    raise LookupError("no API mounted at /api/v1")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m app.cli", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-client", help="make a client; prints its key once")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--partner")
    create.add_argument("--event-source", action="append", metavar="URI")
    create.add_argument(
        "--max-confidentiality",
        default=Confidentiality.ZEER_GEHEIM.value,
        choices=[level.value for level in Confidentiality],
    )
    create.add_argument("--expires-at", type=datetime.fromisoformat)
    commands.add_parser("list-clients", help="list the clients (never their keys)")
    revoke = commands.add_parser("revoke-client", help="revoke a client's key")
    revoke.add_argument("client_id")
    purge = commands.add_parser(
        "purge-expired", help="blank personal data of records closed longer than the retention"
    )
    purge.add_argument("--years", type=int, help="retention in years (default RETENTION_YEARS)")
    purge.add_argument("--dry-run", action="store_true", help="only count")
    commands.add_parser(
        "seed-demo", help="load the council letter's Jan-Apr 2023 results (idempotent)"
    )
    commands.add_parser(
        "sweep-pending-events",
        help="reject pending events older than PENDING_EVENT_DAYS (run daily, e.g. from cron)",
    )
    rebuild = commands.add_parser(
        "rebuild-rollups",
        help="recount every derived figure (the progress rollups, then the statistics "
        "rollups, each in one transaction) from the records; run it after a change to what "
        "counts",
    )
    rebuild.add_argument(
        "--resource",
        choices=[record_type.resource for record_type in RECORD_TYPES],
        help="only the indicators that count this record type, and its statistics",
    )
    export = commands.add_parser("export-openapi", help="write the contract to a file")
    export.add_argument("output", nargs="?", default="openapi/openapi.json")
    return root


@command("rebuild-rollups")
def rebuild_rollups(args: argparse.Namespace) -> int:
    with Session(get_engine()) as session:
        count = rebuild_all_rollups(session, args.resource)
        session.commit()
        rebuild_statistics_rollups(session, args.resource)
        session.commit()
    print(f"rebuilt the rollups of {count} count indicators, and the statistics rollups")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except Exception as error:  # the CLI reports, it does not dump a trace
        from pydantic import ValidationError

        if isinstance(error, ValidationError):
            for problem in error.errors():
                print(
                    f"error: {'.'.join(map(str, problem['loc']))}: {problem['msg']}",
                    file=sys.stderr,
                )
            return 2
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
