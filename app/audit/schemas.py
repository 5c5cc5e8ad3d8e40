"""Response bodies of the audit log."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.schemas import ApiModel


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEventRead(ApiModel):
    id: uuid.UUID
    occurred_at: datetime
    client_id: uuid.UUID | None
    client_name: str | None
    role: str | None
    partner: str | None
    action: str
    resource: str | None
    record_id: str | None
    changes: dict[str, Any] | None
    request_id: str | None
    trace_id: str | None
    outcome: Outcome
    detail: str | None
