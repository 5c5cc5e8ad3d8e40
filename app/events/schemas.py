"""Bodies of the partner-event endpoints: the CloudEvent, the outcomes and the inbox entry."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.problems import InvalidParam
from app.records.registry import EVENT_TYPE_PATTERN
from app.schemas import ApiModel
from app.vocabularies.labels import LabelledEnum

MAX_BATCH = 1000


class EventStatus(LabelledEnum):
    """What happened to an event. `duplicate` is only an answer: a redelivery stores nothing."""

    ACCEPTED = (
        "accepted",
        "Verwerkt",
        "Het event is verwerkt: het record is aangemaakt of bijgewerkt.",
    )
    DUPLICATE = (
        "duplicate",
        "Dubbel",
        "Dit event (zelfde `source` en `id`) was al ontvangen; er is niets opnieuw opgeslagen.",
    )
    PENDING = (
        "pending",
        "In afwachting",
        "Het event wacht op een eerder event waarnaar het verwijst en wordt later verwerkt.",
    )
    REJECTED = "rejected", "Afgewezen", "Het event is afgewezen; de reden staat erbij."


class StoredStatus(LabelledEnum):
    """The status an event has in the inbox."""

    ACCEPTED = (
        "accepted",
        "Verwerkt",
        "Het event is verwerkt: het record is aangemaakt of bijgewerkt.",
    )
    PENDING = (
        "pending",
        "In afwachting",
        "Het event wacht op een eerder event waarnaar het verwijst en wordt later verwerkt.",
    )
    REJECTED = "rejected", "Afgewezen", "Het event is afgewezen; de reden staat erbij."


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event in the structured JSON format, after the NL GOV profile."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "description": "A CloudEvents 1.0 event (NL GOV profile). Extension attributes "
            "(lowercase letters and digits) are allowed and kept."
        },
    )

    specversion: str = Field(description="Always `1.0`.", examples=["1.0"])
    id: str = Field(
        min_length=1,
        max_length=200,
        description="Unique per `source`: a redelivery with the same source and id is a duplicate.",
        examples=["b7d3c2e0-5c1a-4f7e-9a51-0c6f1e2d3a4b"],
    )
    source: str = Field(
        min_length=1,
        max_length=500,
        description="A URI registered for the client (its `eventSources`).",
        examples=["urn:nl:politie:zhz:bvh"],
    )
    type: str = Field(
        pattern=EVENT_TYPE_PATTERN,
        description="`nl.ondermijning.<resource>.created` or `….updated`.",
        examples=["nl.ondermijning.signal.created"],
    )
    time: datetime = Field(
        description="When it happened at the partner (RFC 3339, with offset).",
        examples=["2024-03-01T09:30:00Z"],
    )
    subject: str = Field(
        min_length=1,
        max_length=200,
        description="The partner's own id of the record (`externalId`).",
        examples=["BVH-2024-0042"],
    )
    datacontenttype: str = Field(
        default="application/json",
        description="`application/json`.",
        examples=["application/json"],
    )
    dataschema: str | None = Field(
        default=None, description="Optional URI of the data's schema.", examples=[None]
    )
    data: dict[str, Any] = Field(
        description="For `*.created` the record's fields as in the POST body of its resource "
        "(`externalId` and `partner` come from `subject` and the client); for `*.updated` a "
        "JSON merge patch as in its PATCH.",
        examples=[{"channel": "partnermelding", "receivedOn": "2024-03-01", "theme": "drugs"}],
    )


class EventError(ApiModel):
    """Why an event was rejected: a problem (RFC 9457) without `instance`."""

    type: str = Field(
        description="Problem type URI.",
        examples=["urn:nl:ondermijningsmonitor:problem:invalid-input"],
    )
    title: str = Field(description="Short summary of the problem.", examples=["Bad Request"])
    status: int = Field(description="The HTTP status this problem stands for.", examples=[400])
    detail: str = Field(
        description="What was wrong with this event.",
        examples=["The event has invalid input; see invalidParams."],
    )
    invalid_params: list[InvalidParam] | None = Field(
        description="Every invalid input of the event.",
        default=None,
        examples=[[{"name": "data.receivedOn", "code": "required", "reason": "Field required"}]],
    )


class EventResult(ApiModel):
    """The outcome of one event, in a batch's `results` and as the answer to one event."""

    id: str | None = Field(
        default=None,
        description="The event's `id`.",
        examples=["b7d3c2e0-5c1a-4f7e-9a51-0c6f1e2d3a4b"],
    )
    source: str | None = Field(
        default=None, description="The event's `source`.", examples=["urn:nl:politie:zhz:bvh"]
    )
    status: EventStatus = Field(description="What happened to the event.", examples=["accepted"])
    record_id: uuid.UUID | None = Field(
        default=None,
        description="The record the event made or changed (for a duplicate: the first delivery's).",
        examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
    )
    error: EventError | None = Field(
        default=None,
        description="Why it was rejected (for a duplicate: why the first delivery was).",
        examples=[None],
    )
    inbox_id: uuid.UUID | None = Field(
        default=None,
        description="The stored event, at `/api/v1/events/{inboxId}`; null when the "
        "first delivery belongs to another partner.",
        examples=["0190c8a4-1111-7a4e-9bde-5f4a1c2b3d4e"],
    )
    inbox_status: StoredStatus | None = Field(
        default=None,
        description="The stored event's status as it stands (for a duplicate: the first "
        "delivery's outcome, e.g. `accepted` once a pending update was applied).",
        examples=["accepted"],
    )


class EventResults(ApiModel):
    """The outcome of every event of a batch, in input order."""

    results: list[EventResult] = Field(description="One result per event sent, in the order sent.")


class InboxEventRead(ApiModel):
    """One stored event: its envelope and outcome (never its `data`, which is personal)."""

    id: uuid.UUID = Field(
        description="The inbox entry's id.", examples=["0190c8a4-1111-7a4e-9bde-5f4a1c2b3d4e"]
    )
    event_id: str | None = Field(
        description="The CloudEvents `id`; null when the event had none or could not claim "
        "it (a source not registered for the client).",
        examples=["b7d3c2e0-5c1a-4f7e-9a51-0c6f1e2d3a4b"],
    )
    source: str | None = Field(
        description="The event's `source`.", examples=["urn:nl:politie:zhz:bvh"]
    )
    type: str | None = Field(
        description="The event's `type`.", examples=["nl.ondermijning.signal.created"]
    )
    subject: str | None = Field(
        description="The event's `subject` (the partner's own id of the record).",
        examples=["BVH-2024-0042"],
    )
    resource: str | None = Field(
        description="The record resource the event is about.", examples=["signals"]
    )
    partner: str | None = Field(description="The partner that sent it.", examples=["politie"])
    client_id: uuid.UUID = Field(
        description="The client that sent it.", examples=["0190c8a4-2222-7a4e-9bde-5f4a1c2b3d4e"]
    )
    time: datetime | None = Field(
        description="The event's `time`.", examples=["2024-03-01T09:30:00Z"]
    )
    received_at: datetime = Field(
        description="When it was received (UTC).", examples=["2024-03-01T09:30:02Z"]
    )
    status: StoredStatus = Field(description="Its status in the inbox.", examples=["rejected"])
    error: EventError | None = Field(
        description="Why it was rejected; null otherwise.", examples=[None]
    )
    record_id: uuid.UUID | None = Field(
        description="The record it made or changed, if any.",
        examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
    )
    decided_at: datetime | None = Field(
        description="When it was accepted or rejected; null while pending.",
        examples=["2024-03-01T09:30:02Z"],
    )
