"""People: identity mappings (claim → role) kept by an admin, and the caller a token makes.

Every process keeps all mappings (a small table) for IDENTITY_MAPPINGS_CACHE_SECONDS and
then reads them again, so a mapping made, changed or deleted anywhere applies in every
process within that time (and at once in the process that made the change).
"""

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.access.caller import Caller
from app.access.identity_models import IdentityMapping
from app.access.identity_schemas import IdentityMappingCreate
from app.audit.service import audit
from app.pagination import paginate
from app.problems import Conflict, InvalidInput, NotFound
from app.reference.models import Partner
from app.schemas import Confidentiality, Role


@dataclass(frozen=True)
class MappingRule:
    claim: str
    value: str
    role: Role
    partner: str | None
    max_confidentiality: Confidentiality
    priority: int

    def matches(self, claims: dict[str, Any]) -> bool:
        """A claim that is the value, or a list of strings that holds it."""
        found = claims.get(self.claim)
        if isinstance(found, str):
            return found == self.value
        if isinstance(found, list):
            return any(isinstance(item, str) and item == self.value for item in found)
        return False


class MappingCache:
    """All mappings, lowest priority first, re-read after `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._rules: tuple[MappingRule, ...] | None = None
        self._loaded = -float("inf")
        self._lock = threading.Lock()

    def rules(self) -> tuple[MappingRule, ...] | None:
        """The cached rules, or None when they have to be read (in a thread)."""
        if time.monotonic() - self._loaded > self._ttl:
            return None
        return self._rules

    def load(self, engine: Engine) -> tuple[MappingRule, ...]:
        with self._lock:
            cached = self.rules()
            if cached is not None:
                return cached
            started = time.monotonic()
            with Session(engine) as session:
                rules = tuple(_rule(m) for m in _ordered(session))
            self._rules, self._loaded = rules, started
            return rules

    def clear(self) -> None:
        with self._lock:
            self._rules, self._loaded = None, -float("inf")


def _ordered(session: Session) -> list[IdentityMapping]:
    statement = select(IdentityMapping).order_by(
        col(IdentityMapping.priority), col(IdentityMapping.id)
    )
    return list(session.scalars(statement).all())


def _rule(mapping: IdentityMapping) -> MappingRule:
    return MappingRule(
        claim=mapping.claim,
        value=mapping.value,
        role=Role(mapping.role),
        partner=mapping.partner,
        max_confidentiality=Confidentiality(mapping.max_confidentiality),
        priority=mapping.priority,
    )


def person_caller(
    issuer: str, claims: dict[str, Any], rules: tuple[MappingRule, ...]
) -> Caller | None:
    """The caller a person's verified claims make, by the first (lowest-priority) mapping
    that matches; None when none does."""
    rule = next((r for r in rules if r.matches(claims)), None)
    if rule is None:
        return None
    subject = str(claims["sub"])
    name = claims.get("name")
    return Caller(
        # Stable per person (issuer and sub), so that `createdBy` and the like name them.
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{issuer}#{subject}"),
        name=name if isinstance(name, str) and name else subject,
        role=rule.role,
        partner=rule.partner,
        max_confidentiality=rule.max_confidentiality,
        kind="person",
        subject=subject,
    )


def create_mapping(
    session: Session, caller: Caller, data: IdentityMappingCreate
) -> IdentityMapping:
    """A new mapping, audited as the admin's."""
    if data.partner is not None and session.get(Partner, data.partner) is None:
        raise InvalidInput.one("partner", "unknown-partner", f"No partner `{data.partner}`.")
    duplicate = session.scalar(
        select(IdentityMapping).where(
            col(IdentityMapping.claim) == data.claim, col(IdentityMapping.value) == data.value
        )
    )
    if duplicate is not None:
        raise Conflict("A mapping for this claim and value exists; delete it first.")
    mapping = IdentityMapping(
        claim=data.claim,
        value=data.value,
        role=data.role.value,
        partner=data.partner,
        max_confidentiality=data.max_confidentiality.value,
        priority=data.priority,
    )
    session.add(mapping)
    session.flush()
    audit(session, caller, "create", resource="identity-mappings", record_id=mapping.id)
    return mapping


def list_mappings(session: Session, cursor: str | None, limit: int) -> list[IdentityMapping]:
    statement: Any = paginate(select(IdentityMapping), col(IdentityMapping.id), cursor, limit)
    return list(session.scalars(statement).all())


def delete_mapping(session: Session, caller: Caller, mapping_id: uuid.UUID) -> IdentityMapping:
    """Deletes a mapping, audited as the admin's."""
    mapping = session.get(IdentityMapping, mapping_id)
    if mapping is None:
        raise NotFound("No identity mapping with this id.")
    session.delete(mapping)
    session.flush()
    audit(session, caller, "delete", resource="identity-mappings", record_id=mapping.id)
    return mapping
