"""The CloudEvents envelope of a partner event: checked against CloudEvents 1.0 (by the
CloudEvents SDK), the NL GOV profile and SPEC §5, before anything is stored or applied."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudevents.core.exceptions import (
    CloudEventValidationError,
    CustomExtensionAttributeError,
    InvalidAttributeTypeError,
    MissingRequiredAttributeError,
)
from cloudevents.core.v1.event import CloudEvent
from dateutil.parser import isoparse

from app.access.caller import Caller
from app.problems import DomainError, Forbidden, InvalidInput, InvalidParam
from app.records.kind import RecordType
from app.records.registry import BY_SINGULAR, EVENT_TYPE_PATTERN
from app.safety import checked_event

# The contract's own pattern: `nl.ondermijning.<singular>.<action>` of a registered type.
_TYPE = re.compile(EVENT_TYPE_PATTERN)
# An absolute URI or URN (RFC 3986 scheme, then something); the NL GOV profile asks for one.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_JSON_MEDIA = re.compile(r"^application/json\s*(;.*)?$", re.IGNORECASE)
MAX_ID, MAX_SOURCE, MAX_SUBJECT, MAX_TYPE = 200, 500, 200, 200


@dataclass
class Envelope:
    """One posted event, checked; `problem` is why it is rejected before being applied."""

    raw: Any
    event_id: str | None = None
    source: str | None = None
    type: str | None = None
    subject: str | None = None
    time: datetime | None = None
    record_type: RecordType | None = None
    action: str | None = None
    data: Any = None
    problem: DomainError | None = None
    # Whether it may claim (source, id): only with both present and the source the client's.
    claims: bool = False

    @property
    def key(self) -> tuple[str, str]:
        assert self.source is not None
        assert self.event_id is not None
        return self.source, self.event_id


def parse_envelope(raw: Any, caller: Caller) -> Envelope:
    """Checks one event against CloudEvents 1.0, the NL GOV profile and SPEC §5."""
    # Bad bytes and shapes (NUL, lone surrogates, depth, numbers out of range) reject the
    # event; it is kept escaped, so that storing it cannot fail the batch.
    raw, unsafe = checked_event(raw)
    envelope = Envelope(raw=raw)
    if not isinstance(raw, dict):
        envelope.problem = InvalidInput.one("event", "object", "An event must be a JSON object.")
        return envelope
    envelope.event_id = _text(raw.get("id"), MAX_ID)
    envelope.source = _text(raw.get("source"), MAX_SOURCE)
    envelope.type = _text(raw.get("type"), MAX_TYPE)
    envelope.subject = _text(raw.get("subject"), MAX_SUBJECT)

    if envelope.source is not None and envelope.source not in caller.event_sources:
        envelope.problem = Forbidden(
            f"The source `{envelope.source}` is not registered for this client; an admin "
            "registers a client's event sources."
        )
        return envelope
    if caller.partner is None:
        envelope.problem = Forbidden(
            "This client acts for no partner; events are registered for the client's partner."
        )
        return envelope
    envelope.claims = envelope.event_id is not None and envelope.source is not None

    errors = [*unsafe, *_envelope_errors(raw, envelope)]
    if errors:
        envelope.problem = InvalidInput(errors, "The event has invalid input; see invalidParams.")
    return envelope


def _text(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _envelope_errors(raw: dict[str, Any], envelope: Envelope) -> list[InvalidParam]:
    errors: list[InvalidParam] = []
    reported: set[str] = set()

    def add(name: str, code: str, reason: str) -> None:
        if name not in reported:
            reported.add(name)
            errors.append(InvalidParam(name=name, code=code, reason=reason))

    # Required by SPEC §5 beyond CloudEvents' own four (the SDK would default some).
    for name in ("specversion", "id", "source", "type", "time", "subject"):
        if raw.get(name) is None:
            add(name, "required", f"The attribute `{name}` is required.")
    attributes = {
        name: value
        for name, value in raw.items()
        if name not in ("data", "data_base64") and value is not None
    }
    time = attributes.get("time")
    if isinstance(time, str):
        try:
            attributes["time"] = envelope.time = isoparse(time)
        except ValueError:
            add("time", "date-time", "Not an RFC 3339 timestamp.")
            attributes.pop("time")
    try:
        CloudEvent(attributes, None)
    except CloudEventValidationError as error:
        for name, problems in error.errors.items():
            for problem in problems:
                add(name, _sdk_code(problem), str(problem))

    if isinstance(raw.get("id"), str) and len(raw["id"]) > MAX_ID:
        add("id", "max-length", f"At most {MAX_ID} characters.")
    source = raw.get("source")
    if isinstance(source, str) and source and not _URI.match(source):
        add("source", "uri", "Must be an absolute URI or URN, e.g. `urn:nl:politie:zhz:bvh`.")
    if isinstance(source, str) and len(source) > MAX_SOURCE:
        add("source", "max-length", f"At most {MAX_SOURCE} characters.")
    subject = raw.get("subject")
    if isinstance(subject, str) and len(subject) > MAX_SUBJECT:
        add("subject", "max-length", f"At most {MAX_SUBJECT} characters.")
    kind = raw.get("type")
    if isinstance(kind, str) and kind:
        match = _TYPE.match(kind)
        if match is None:
            add(
                "type",
                "event-type",
                "Must be `nl.ondermijning.<resource>.created` or `….updated`, with <resource> "
                f"one of {', '.join(sorted(BY_SINGULAR))}.",
            )
        else:
            envelope.record_type = BY_SINGULAR[match.group(1)]
            envelope.action = match.group(2)
    content_type = raw.get("datacontenttype")
    if content_type is not None and not (
        isinstance(content_type, str) and _JSON_MEDIA.match(content_type)
    ):
        add("datacontenttype", "media-type", "Must be `application/json`.")
    if "data_base64" in raw:
        add("data_base64", "unsupported", "Binary data is not accepted; send JSON `data`.")
    data = raw.get("data")
    if data is None:
        add("data", "required", "The event's `data` (a JSON object) is required.")
    elif not isinstance(data, dict):
        add("data", "object", "The event's `data` must be a JSON object.")
    envelope.data = data
    return errors


def _sdk_code(problem: Exception) -> str:
    if isinstance(problem, MissingRequiredAttributeError):
        return "required"
    if isinstance(problem, InvalidAttributeTypeError):
        return "type"
    if isinstance(problem, CustomExtensionAttributeError):
        return "extension-name"
    return "invalid"


def ownership_errors(
    caller: Caller, subject: str | None, data: dict[str, Any]
) -> list[InvalidParam]:
    """`partner` comes from the client and `externalId` from `subject`, never otherwise."""
    errors = []
    if data.get("partner") is not None and data["partner"] != caller.partner:
        errors.append(
            InvalidParam(
                name="data.partner",
                code="not-your-partner",
                reason="Events are registered for the client's own partner.",
            )
        )
    if data.get("externalId") is not None and data["externalId"] != subject:
        errors.append(
            InvalidParam(
                name="data.externalId",
                code="subject-mismatch",
                reason="The record's externalId is the event's `subject`.",
            )
        )
    return errors


def in_data(error: InvalidInput) -> InvalidInput:
    params = [
        InvalidParam(
            name="data" if p.name == "body" else f"data.{p.name}", code=p.code, reason=p.reason
        )
        for p in error.invalid_params
    ]
    return InvalidInput(params, "The event's data has invalid input; see invalidParams.")
