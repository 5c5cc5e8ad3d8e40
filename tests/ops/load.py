"""A partner's event delivery, as the operations tests drive it: single events and batches,
each retried with the same ids on 503 and connection errors until accepted."""

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"


def event(source: str, event_id: str | None = None) -> dict[str, Any]:
    event_id = event_id or str(uuid.uuid4())
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": "nl.ondermijning.signal.created",
        "time": "2024-03-01T09:30:00Z",
        "subject": f"S-{event_id}",
        "datacontenttype": "application/json",
        "data": {"channel": "partnermelding", "receivedOn": "2024-03-01", "theme": "drugs"},
    }


@dataclass
class Delivery:
    """What one partner thread saw."""

    accepted: set[str] = field(default_factory=set)  # event ids answered 2xx
    statuses: Counter[int] = field(default_factory=Counter)
    bad_503: list[str] = field(default_factory=list)  # 503s without Retry-After/problem+json
    other: list[str] = field(default_factory=list)  # anything but 2xx and a proper 503
    connection_errors: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


def deliver(
    client: httpx.Client, key: str, events: list[dict[str, Any]], result: Delivery, deadline: float
) -> None:
    """Posts one event (a list of one) or a batch until it is answered 2xx."""
    batch = len(events) > 1
    body: Any = events if batch else events[0]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": BATCH if batch else SINGLE}
    ids = [e["id"] for e in events]
    while time.monotonic() < deadline:
        try:
            response = client.post("/api/v1/events", json=body, headers=headers, timeout=30)
        except httpx.TransportError as error:
            result.connection_errors.append(type(error).__name__)
            time.sleep(0.2)
            continue
        result.statuses[response.status_code] += 1
        if response.status_code == 503:
            if "retry-after" not in response.headers or not response.headers.get(
                "content-type", ""
            ).startswith("application/problem+json"):
                result.bad_503.append(response.text[:200])
            time.sleep(min(float(response.headers.get("retry-after", 1)), 0.5))
            continue
        if not response.is_success:
            result.other.append(f"{response.status_code} {response.text[:200]}")
            return
        if batch:
            outcomes = response.json()["results"]
            good = [o["id"] for o in outcomes if o["status"] in ("accepted", "duplicate")]
            if len(good) != len(ids):
                result.other.append(f"batch outcomes {[o['status'] for o in outcomes]}")
            result.accepted.update(good)
        else:
            result.accepted.update(ids)
        return
    result.given_up.extend(ids)
