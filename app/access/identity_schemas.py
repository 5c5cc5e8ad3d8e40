"""Request and response bodies of the identity mappings and of `GET /me`."""

import uuid

from pydantic import Field, model_validator

from app.schemas import ApiInput, ApiModel, Confidentiality, Role
from app.vocabularies.labels import LabelledEnum


class IdentityMappingCreate(ApiInput):
    claim: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:/-]+$",
        description="The access token claim to look at; a string or a list of strings.",
        examples=["groups"],
    )
    value: str = Field(
        min_length=1,
        max_length=200,
        description="The value the claim must be, or contain when it is a list.",
        examples=["riec-coordinatoren"],
    )
    role: Role = Field(description="The role a matching person gets.", examples=["coordinator"])
    partner: str | None = Field(
        default=None,
        max_length=40,
        description="Required for role `partner`.",
        examples=["gemeente"],
    )
    max_confidentiality: Confidentiality = Field(
        default=Confidentiality.ZEER_GEHEIM,
        description="The most confidential level the person may see.",
    )
    priority: int = Field(
        strict=True,
        default=100,
        ge=0,
        le=1_000_000,
        description="Where several mappings match a person, the lowest priority applies.",
        examples=[10],
    )

    @model_validator(mode="after")
    def partner_role_needs_partner(self) -> "IdentityMappingCreate":
        if self.role == Role.PARTNER and not self.partner:
            raise ValueError("A mapping with role `partner` needs a `partner`.")
        return self


class IdentityMappingRead(ApiModel):
    id: uuid.UUID = Field(
        description="The mapping's id.", examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]
    )
    claim: str = Field(description="The token claim compared (e.g. `groups`).", examples=["groups"])
    value: str = Field(
        description="The value the claim must be, or contain when it is a list.",
        examples=["riec-coordinatoren"],
    )
    role: Role = Field(description="The role a matching person gets.", examples=["coordinator"])
    partner: str | None = Field(
        description="The partner a matching person acts for; null for none.", examples=["gemeente"]
    )
    max_confidentiality: Confidentiality = Field(
        description="The highest confidentiality level a matching person may read.",
        examples=["zeer-geheim"],
    )
    priority: int = Field(
        description="Where several mappings match, the lowest priority applies.", examples=[10]
    )


class CallerKind(LabelledEnum):
    """Who is calling: an API client or a person signed in through the identity provider."""

    CLIENT = "client", "Client", "Een systeem met een API-sleutel."
    PERSON = (
        "person",
        "Persoon",
        "Een medewerker die is aangemeld via de identity provider van de gemeente "
        "(OpenID Connect).",
    )


class MeRead(ApiModel):
    """Who the caller is and what it may do."""

    kind: CallerKind = Field(
        description="`client` for an API key, `person` for an access token.", examples=["person"]
    )
    name: str = Field(
        description="The client's name, or the person's name or `sub`.", examples=["Jan de Vries"]
    )
    subject: str | None = Field(
        description="The token's `sub` for a person; null for a client.",
        examples=["248289761001"],
    )
    role: Role = Field(description="The caller's role.", examples=["coordinator"])
    partner: str | None = Field(
        description="The partner the caller acts for; null for none.", examples=["gemeente"]
    )
    max_confidentiality: Confidentiality = Field(
        description="The highest confidentiality level the caller may read.",
        examples=["zeer-geheim"],
    )
    operations: list[str] = Field(
        description="The operationIds of the contract this caller's role may call.",
        examples=[["listSignals", "createSignal", "getMe"]],
    )
