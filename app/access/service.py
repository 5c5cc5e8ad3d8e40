"""Clients: making them (key shown once), finding them by key, revoking them."""

import hmac
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from app.access.caller import Caller
from app.access.keys import MIN_KEY_LENGTH, generate_key, hash_key, key_prefix
from app.access.models import Client
from app.access.schemas import ClientCreate
from app.audit.service import audit
from app.db import utcnow
from app.pagination import paginate
from app.problems import Conflict, InvalidInput, NotFound
from app.reference.models import Partner
from app.schemas import Confidentiality, Role

LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_client(
    session: Session,
    data: ClientCreate,
    *,
    key: str | None = None,
    by: Caller | None = None,
) -> tuple[Client, str]:
    """Returns the client and its key; the key is not stored, only its hash. Made through
    the API (`by` the admin), it is audited here; the CLI audits its own."""
    if data.partner is not None and session.get(Partner, data.partner) is None:
        raise InvalidInput.one("partner", "unknown-partner", f"No partner `{data.partner}`.")
    _refuse_sources_of_other_partners(session, data)
    key = key or generate_key()
    if len(key) < MIN_KEY_LENGTH:
        raise InvalidInput.one(
            "apiKey", "min-length", f"A key must be at least {MIN_KEY_LENGTH} characters."
        )
    client = Client(
        name=data.name,
        role=data.role.value,
        partner=data.partner,
        event_sources=list(dict.fromkeys(data.event_sources)),
        max_confidentiality=data.max_confidentiality.value,
        expires_at=data.expires_at,
        key_hash=hash_key(key),
        key_prefix=key_prefix(key),
    )
    session.add(client)
    session.flush()
    if by is not None:
        audit(session, by, "create", resource="clients", record_id=client.id)
    return client, key


def _refuse_sources_of_other_partners(session: Session, data: ClientCreate) -> None:
    """A source belongs to one partner (SPEC §5): another partner's client registering it
    could pre-claim that partner's event ids. Clients are few, so their sources are compared
    here rather than kept in a table of their own. (Clients without a partner post as no
    partner and are not compared.)"""
    if not data.event_sources or data.partner is None:
        return
    wanted = set(data.event_sources)
    others = session.scalars(
        select(Client).where(col(Client.partner).is_not(None), col(Client.partner) != data.partner)
    )
    taken = sorted({source for client in others for source in client.event_sources or ()} & wanted)
    if taken:
        raise Conflict(f"Event source `{taken[0]}` is registered for another partner's client.")


def find_client(session: Session, digest: str) -> tuple[Client | None, str]:
    """The valid client of a key, by the key's `hash_key` digest, or None and why not.
    Notes when the key was last used; the caller commits."""
    client = session.scalar(select(Client).where(col(Client.key_hash) == digest))
    if client is None or not hmac.compare_digest(client.key_hash, digest):
        return None, "unknown key"
    now = utcnow()
    if client.revoked_at is not None:
        return None, "revoked key"
    if client.expires_at is not None and client.expires_at <= now:
        return None, "expired key"
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
        # At most once a minute, so that requests do not all write the client row.
        session.execute(
            update(Client)
            .where(
                col(Client.id) == client.id,
                or_(
                    col(Client.last_used_at).is_(None),
                    col(Client.last_used_at) < now - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
        )
    return client, ""


def caller_of(client: Client) -> Caller:
    return Caller(
        client_id=client.id,
        name=client.name,
        role=Role(client.role),
        partner=client.partner,
        max_confidentiality=Confidentiality(client.max_confidentiality),
        event_sources=tuple(client.event_sources or ()),
    )


def list_clients(
    session: Session, cursor: str | None, limit: int, *, by: Caller | None = None
) -> list[Client]:
    """A page of clients (one more than `limit`, for the next cursor); an admin's read
    (`by`) is audited."""
    statement: Any = paginate(select(Client), col(Client.id), cursor, limit)
    clients = list(session.scalars(statement).all())
    if by is not None:
        count = min(len(clients), limit)
        audit(session, by, "list", resource="clients", detail=f"{count} clients")
    return clients


def get_client(session: Session, client_id: uuid.UUID, *, by: Caller | None = None) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("No client with this id.")
    if by is not None:
        audit(session, by, "read", resource="clients", record_id=client.id)
    return client


def revoke_client(session: Session, client_id: uuid.UUID, *, by: Caller | None = None) -> Client:
    client = get_client(session, client_id)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.add(client)
    if by is not None:
        audit(session, by, "revoke", resource="clients", record_id=client.id)
    return client


def ensure_admin_client(session: Session, key: str) -> None:
    """Start-up: makes sure an admin client with the ADMIN_API_KEY exists."""
    existing = session.scalar(select(Client).where(col(Client.key_hash) == hash_key(key)))
    if existing is None:
        create_client(session, ClientCreate(name="admin (ADMIN_API_KEY)", role=Role.ADMIN), key=key)
        session.commit()
