"""Loads the council letter's results through the record service (the API's code path)."""

from sqlalchemy import select
from sqlmodel import Session, col

from app.access.caller import Caller
from app.access.models import Client
from app.access.schemas import ClientCreate
from app.access.service import caller_of, create_client
from app.indicators.models import MilestoneUpdate
from app.indicators.schemas import MilestoneStatus, MilestoneUpdateCreate
from app.indicators.service import add_milestone_update, get_indicator_row
from app.reports.demo import LETTER_MILESTONE_UPDATES, LETTER_RECORDS, resolve_links
from app.schemas import Role

SEED_CLIENT = "seed-demo"


def _seed_caller(session: Session) -> Caller:
    """A coordinator client of its own, so the records' history says who loaded them."""
    client = session.scalar(
        select(Client).where(col(Client.name) == SEED_CLIENT, col(Client.role) == "coordinator")
    )
    if client is None:
        client, _key = create_client(session, ClientCreate(name=SEED_CLIENT, role=Role.COORDINATOR))
        session.flush()
    return caller_of(client)


def seed_letter_results(session: Session) -> tuple[int, int]:
    """Creates every record of the letter not yet there (by partner and externalId), and
    the milestone updates not yet there; returns (created, skipped)."""
    from app.records.registry import BY_RESOURCE
    from app.records.service import create_record, find_by_external_id

    caller = _seed_caller(session)
    created = skipped = 0
    rapportage_ids: dict[str, str] = {}
    for resource, body in LETTER_RECORDS:
        record_type = BY_RESOURCE[resource]
        record = find_by_external_id(session, body["partner"], record_type, body["externalId"])
        if record is None:
            record = create_record(
                session, caller, record_type, resolve_links(body, rapportage_ids)
            )
            created += 1
        else:
            skipped += 1
        if resource == "bestuurlijke-rapportages":
            rapportage_ids[body["externalId"]] = str(record.id)
    for code, body in LETTER_MILESTONE_UPDATES:
        update = MilestoneUpdateCreate.model_validate(body)
        indicator = get_indicator_row(session, code, None)
        exists = session.scalar(
            select(col(MilestoneUpdate.id)).where(
                col(MilestoneUpdate.indicator_id) == indicator.id,
                col(MilestoneUpdate.date) == update.date,
                col(MilestoneUpdate.status) == MilestoneStatus(update.status).value,
            )
        )
        if exists is None:
            add_milestone_update(session, caller, code, update)
            created += 1
        else:
            skipped += 1
    return created, skipped
