"""Response bodies of the audit log."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from app.schemas import ApiModel
from app.vocabularies.labels import LabelledEnum


class Outcome(LabelledEnum):
    """How an audited request ended."""

    SUCCESS = "success", "Gelukt", "Het verzoek is uitgevoerd."
    FAILURE = (
        "failure",
        "Mislukt",
        "De authenticatie is mislukt of het verzoek kon niet worden uitgevoerd.",
    )
    DENIED = "denied", "Geweigerd", "De rol van de aanroeper mag dit niet."
    NOT_FOUND = (
        "not-found",
        "Niet gevonden",
        "Het record bestaat niet, of niet voor deze aanroeper (andere partner of boven "
        "het vertrouwelijkheidsplafond).",
    )
    INVALID = (
        "invalid",
        "Ongeldig",
        "De invoer was ongeldig (400); de waarden zelf zijn niet bewaard.",
    )


class ActorKind(LabelledEnum):
    """Who acted: an API client or a person signed in through the identity provider."""

    CLIENT = "client", "Client", "Een systeem met een API-sleutel."
    PERSON = (
        "person",
        "Persoon",
        "Een medewerker die is aangemeld via de identity provider van de gemeente "
        "(OpenID Connect).",
    )


class AuditEventRead(ApiModel):
    """One entry of the append-only audit log (after the Logboek Dataverwerkingen)."""

    id: uuid.UUID = Field(
        description="The entry's id.", examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]
    )
    occurred_at: datetime = Field(
        description="When it happened (UTC).", examples=["2024-03-01T09:30:00Z"]
    )
    client_id: uuid.UUID | None = Field(
        description="Who: the client; null for a person and for a failed authentication.",
        examples=["0190c8a4-1111-7a4e-9bde-5f4a1c2b3d4e"],
    )
    client_name: str | None = Field(
        description="The client's name, or the person's `name` (else `sub`) from the token.",
        examples=["Politie Zuid-Holland Zuid"],
    )
    actor_kind: ActorKind | None = Field(
        description="`client` (an API key) or `person` (an access token); null for a failed "
        "authentication.",
        examples=["client"],
    )
    subject: str | None = Field(
        description="The person's `sub` from the access token; null for a client.",
        examples=[None],
    )
    role: str | None = Field(description="Role of the actor.", examples=["partner"])
    partner: str | None = Field(description="Partner of the actor.", examples=["politie"])
    action: str = Field(
        description="What: create, read, update, delete, export, authenticate, authorize, ….",
        examples=["update"],
    )
    resource: str | None = Field(
        description="The resource acted on (e.g. `signals`).", examples=["signals"]
    )
    record_id: str | None = Field(
        description="The record acted on, if any.",
        examples=["0190c8a4-2222-7a4e-9bde-5f4a1c2b3d4e"],
    )
    changes: dict[str, Any] | None = Field(
        description="Per changed field its old and new value; personal data only as redacted.",
        examples=[{"status": {"old": "nieuw", "new": "in-behandeling"}}],
    )
    request_id: str | None = Field(
        description="The request's `X-Request-ID`.", examples=["8fe9a4486f524b0888956579e598579b"]
    )
    trace_id: str | None = Field(
        description="The W3C `traceparent` trace id of the request, when it had one.",
        examples=["4bf92f3577b34da6a3ce929d0e0e4736"],
    )
    outcome: Outcome = Field(description="How the request ended.", examples=["success"])
    detail: str | None = Field(
        description="What was done, without values of personal-data fields.", examples=[None]
    )
    client_address: str | None = Field(
        description="The address the request came from (after trusted proxies).",
        examples=["192.0.2.10"],
    )
    count: int = Field(
        description="How many times it happened: failed authentications from one address "
        "within a minute are one entry.",
        examples=[1],
    )
