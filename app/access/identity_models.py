"""The identity_mappings table: which people (by a token claim) get which role."""

import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class IdentityMapping(SQLModel, table=True):
    __tablename__ = "identity_mappings"
    __table_args__ = (UniqueConstraint("claim", "value"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    claim: str = Field(max_length=100)
    value: str = Field(max_length=200)
    role: str = Field(max_length=20)  # partner | coordinator | analyst | admin
    partner: str | None = Field(default=None, foreign_key="partners.code", max_length=40)
    max_confidentiality: str = Field(default="zeer-geheim", max_length=20)
    # Where several mappings match a person, the lowest priority applies.
    priority: int = Field(default=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
