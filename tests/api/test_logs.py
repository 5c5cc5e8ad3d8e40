"""Error logs carry no request values (SPEC §8): SQLAlchemy never shows its parameters, and
the log of a failing request (its traceback, its access line) holds none of its body or
query values."""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from app.db import make_engine
from app.records import service as records
from tests.builders import body
from tests.conftest import ApiClient, database_url, is_postgres

SECRET_TEXT = "Geheimgracht-Pietersen"
SECRET_KVK = "87654321"
SECRET_STREET = "Verbodenstraat"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the app's own log handler writes (INFO and up, so the access line too)."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]
    assert handlers, "configure_logging installs the JSON handler"
    handler = handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    output = io.StringIO()
    previous_stream, previous_level = handler.setStream(output), root.level
    root.setLevel(logging.INFO)
    try:
        yield output
    finally:
        root.setLevel(previous_level)
        handler.setStream(previous_stream)


def failing_insert(session: Session, values: dict[str, Any]) -> None:
    """A real statement that fails, with the request's values as its parameters."""
    session.execute(
        text("INSERT INTO no_such_table (a, b) VALUES (:a, :b)"),
        {"a": values.get("description"), "b": values.get("kvkNumber")},
    )


def test_the_engine_hides_its_parameters(engine: Engine) -> None:
    own = make_engine(database_url())
    try:
        assert own.hide_parameters is True
        with pytest.raises(DBAPIError) as raised, Session(own) as session:
            failing_insert(session, {"description": SECRET_TEXT, "kvkNumber": SECRET_KVK})
        assert SECRET_TEXT not in str(raised.value)
        assert SECRET_KVK not in str(raised.value)
    finally:
        own.dispose()
    assert engine.hide_parameters is True


def lines(output: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.getvalue().splitlines() if line.strip()]


def assert_no_values(output: io.StringIO, *values: str) -> None:
    written = output.getvalue()
    for value in values:
        assert value not in written, written


def post_signal(client: ApiClient) -> Any:
    document = body(
        "signals",
        partner="politie",
        description=SECRET_TEXT,
        kvkNumber=SECRET_KVK,
        address={"street": SECRET_STREET, "city": "Dordrecht"},
    )
    return client.post("/api/v1/signals", json=document)


def test_a_failing_statement_logs_no_values(
    admin: ApiClient, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def create_record(session: Session, _caller: Any, _type: Any, document: Any, **_: Any) -> Any:
        failing_insert(session, document)

    monkeypatch.setattr(records, "create_record", create_record)
    response = post_signal(admin)
    assert response.status_code == 500
    assert SECRET_TEXT not in response.text
    logged = lines(log_output)
    errors = [line for line in logged if line["level"] == "ERROR"]
    assert errors, logged
    assert "Traceback" in errors[0]["exc_info"]
    assert "DBAPIError" in errors[0]["exc_info"] or "Error" in errors[0]["exc_info"]
    access = [line for line in logged if line["message"] == "request"]
    assert access[0]["status"] == 500
    assert access[0]["route"] == "/signals"
    assert_no_values(log_output, SECRET_TEXT, SECRET_KVK, SECRET_STREET)


def test_an_error_whose_message_holds_values_logs_none_of_them(
    admin: ApiClient, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database's own message holds values (`DETAIL: Key (…)=(…)`); so may any other."""

    def create_record(_session: Session, _caller: Any, _type: Any, document: Any, **_: Any) -> Any:
        try:
            raise ValueError(f"could not store {document['description']}")
        except ValueError as error:
            raise IntegrityError(
                "INSERT INTO signals (description, kvk_number) VALUES (%s, %s)",
                (document["description"], document["kvkNumber"]),
                Exception(
                    f"duplicate key value\nDETAIL: Key (kvk_number)=({document['kvkNumber']})"
                ),
            ) from error

    monkeypatch.setattr(records, "create_record", create_record)
    assert post_signal(admin).status_code == 500
    logged = log_output.getvalue()
    assert "IntegrityError" in logged
    assert "ValueError" in logged  # the exception it came from: by type, with its frames
    assert "duplicate key value" not in logged
    assert_no_values(log_output, SECRET_TEXT, SECRET_KVK, SECRET_STREET)


@pytest.mark.skipif(not is_postgres(), reason="PostgreSQL's messages quote the input")
def test_a_database_message_quoting_the_input_is_not_logged(
    admin: ApiClient, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def create_record(session: Session, _caller: Any, _type: Any, document: Any, **_: Any) -> Any:
        session.execute(text("SELECT CAST(:v AS integer)"), {"v": document["description"]})

    monkeypatch.setattr(records, "create_record", create_record)
    assert post_signal(admin).status_code == 500
    assert "SQLSTATE 22P02" in log_output.getvalue()
    assert_no_values(log_output, SECRET_TEXT, SECRET_KVK, SECRET_STREET)


def test_a_failing_list_logs_no_query_values(
    admin: ApiClient, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def list_records(session: Session, *_: Any) -> Any:
        session.execute(text("SELECT * FROM no_such_table WHERE a = :a"), {"a": SECRET_TEXT})

    monkeypatch.setattr(records, "list_records", list_records)
    response = admin.get("/api/v1/signals", params={"theme": SECRET_TEXT})
    assert response.status_code == 500
    access = [line for line in lines(log_output) if line["message"] == "request"]
    assert access[0]["route"] == "/signals"
    assert_no_values(log_output, SECRET_TEXT)
