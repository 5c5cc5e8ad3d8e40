"""Request and response bodies of the clients endpoints."""

import uuid
from datetime import datetime

from pydantic import AwareDatetime, Field, field_validator, model_validator

from app.db import utcnow
from app.schemas import ApiInput, ApiModel, Confidentiality, Role


class ClientCreate(ApiInput):
    name: str = Field(
        description="A name for the client, e.g. the partner system.",
        min_length=1,
        max_length=200,
        examples=["Politie Zuid-Holland Zuid"],
    )
    role: Role = Field(description="What the client may do.", examples=["partner"])
    partner: str | None = Field(
        default=None,
        max_length=40,
        description="Required for role `partner`.",
        examples=["politie"],
    )
    event_sources: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="CloudEvents `source` URIs this client may post events from.",
        examples=[["urn:nl:politie:zhz:bvh"]],
    )
    max_confidentiality: Confidentiality = Field(
        default=Confidentiality.ZEER_GEHEIM,
        description="The most confidential level this client may see.",
    )
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="When the key stops working; must lie in the future.",
        examples=["2027-12-31T23:59:59Z"],
    )

    @field_validator("expires_at")
    @classmethod
    def expires_in_the_future(cls, value: AwareDatetime | None) -> AwareDatetime | None:
        if value is not None and value <= utcnow():
            raise ValueError("`expiresAt` must lie in the future.")
        return value

    @model_validator(mode="after")
    def partner_role_needs_partner(self) -> "ClientCreate":
        if self.role == Role.PARTNER and not self.partner:
            raise ValueError("A client with role `partner` needs a `partner`.")
        return self


class ClientRead(ApiModel):
    id: uuid.UUID = Field(
        description="The client's id.", examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]
    )
    name: str = Field(description="The client's name.", examples=["Politie Zuid-Holland Zuid"])
    role: Role = Field(description="What the client may do.", examples=["partner"])
    partner: str | None = Field(
        description="The partner it acts for; null for roles that see every partner.",
        examples=["politie"],
    )
    event_sources: list[str] = Field(
        description="CloudEvents `source` URIs this client may post events from.",
        examples=[["urn:nl:politie:zhz:bvh"]],
    )
    max_confidentiality: Confidentiality = Field(
        description="The most confidential level this client may see.",
        examples=["zeer-geheim"],
    )
    key_prefix: str = Field(
        description="The first characters of the key (at most 8), to recognise it.",
        examples=["omk_y9F7"],
    )
    created_at: datetime = Field(
        description="When the client was made (UTC).", examples=["2024-03-01T09:30:00Z"]
    )
    expires_at: datetime | None = Field(
        description="When its key stops working (UTC); null for never.",
        examples=["2027-12-31T23:59:59Z"],
    )
    revoked_at: datetime | None = Field(
        description="When the key was revoked; null while it is valid.", examples=[None]
    )
    last_used_at: datetime | None = Field(
        description="Last successful use of the key, to the minute.",
        examples=["2024-03-04T08:15:00Z"],
    )


class ClientCreated(ClientRead):
    api_key: str = Field(
        description="The API key. Shown this once; only its hash is stored.",
        examples=["omk_y9F7sOea0fHEMe8MbHg45HoDlQL0xvD2hf-4aAh3B4Y"],
    )
