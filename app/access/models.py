"""The clients table: who may call, with which role, for which partner, up to which level."""

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import JSONType, UTCDateTime, new_id, utcnow


class Client(SQLModel, table=True):
    __tablename__ = "clients"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # partner | coordinator | analyst | admin
    partner: str | None = Field(default=None, foreign_key="partners.code", max_length=40)
    event_sources: list[str] = Field(default_factory=list, sa_type=JSONType)
    max_confidentiality: str = Field(default="zeer-geheim", max_length=20)
    # SHA-256 of the key: keys are 256-bit random secrets, so a fast hash is enough and lets
    # the lookup go through a unique index.
    key_hash: str = Field(max_length=64, unique=True)
    key_prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
