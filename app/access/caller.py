"""The authenticated caller, and the row filter every record query is built from."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, true

from app.schemas import Confidentiality, Role


@dataclass(frozen=True)
class Caller:
    client_id: uuid.UUID
    name: str
    role: Role
    partner: str | None
    max_confidentiality: Confidentiality
    event_sources: tuple[str, ...] = field(default_factory=tuple)
    # "client" (an API key) or "person" (an OpenID Connect access token, `subject` its `sub`).
    kind: str = "client"
    subject: str | None = None

    @property
    def stored_client_id(self) -> uuid.UUID | None:
        """The client to store as the author (`createdBy`, idempotency keys); None for a
        person, who is no row of `clients` and is named by the audit log instead."""
        return self.client_id if self.kind == "client" else None

    @property
    def sees_all_partners(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def readable_levels(self) -> list[str]:
        return Confidentiality.up_to(self.max_confidentiality)

    def readable(self, model: Any) -> ColumnElement[bool]:
        """The condition on a record table for what this caller may see.

        Record queries use only this, so a forgotten check cannot leak another partner's
        records or records above the caller's confidentiality ceiling.
        """
        conditions: list[ColumnElement[bool]] = []
        if not self.sees_all_partners:
            conditions.append(model.partner == self.partner)
        if self.max_confidentiality != Confidentiality.ZEER_GEHEIM:
            conditions.append(model.confidentiality.in_(self.readable_levels))
        return and_(true(), *conditions)

    @property
    def ceiling(self) -> list[str] | None:
        """The confidentiality levels aggregates may count for this caller (every partner's
        records, but none above its ceiling); None where it has no ceiling."""
        if self.max_confidentiality == Confidentiality.ZEER_GEHEIM:
            return None
        return self.readable_levels

    def may_read(self, partner: str, confidentiality: str) -> bool:
        if not self.sees_all_partners and partner != self.partner:
            return False
        return confidentiality in self.readable_levels
