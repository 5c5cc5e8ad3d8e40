"""The reference for bench/ingest.py: one row per request, as the FastAPI/SQLModel tutorials
write it (sync endpoint, `Session(engine)`, add, commit, refresh). No authentication, no
validation beyond the body model, no audit, no inbox."""

import os
from datetime import date

from fastapi import FastAPI
from sqlmodel import Field, Session, SQLModel, create_engine

URL = os.environ.get(
    "BENCH_REFERENCE_URL", "postgresql+psycopg://postgres@127.0.0.1/bench_reference"
)


class SignalBase(SQLModel):
    channel: str = Field(max_length=40)
    received_on: date
    theme: str | None = Field(default=None, max_length=60)
    external_id: str | None = Field(default=None, max_length=200)


class ReferenceSignal(SignalBase, table=True):
    __tablename__ = "reference_signals"

    id: int | None = Field(default=None, primary_key=True)


class SignalPublic(SignalBase):
    id: int


engine = create_engine(URL)
SQLModel.metadata.create_all(engine, tables=[ReferenceSignal.__table__])  # type: ignore[attr-defined]
app = FastAPI()


@app.post("/signals", status_code=201, response_model=SignalPublic)
def create_signal(signal: SignalBase) -> ReferenceSignal:
    with Session(engine) as session:
        row = ReferenceSignal.model_validate(signal)
        session.add(row)
        session.commit()
        session.refresh(row)
        return row
