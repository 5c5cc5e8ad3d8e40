"""An example partner client: posts CloudEvents to the Ondermijningsmonitor with retries.

Retrying is safe because the monitor stores each (source, id) once: a copy that did arrive
answers `duplicate`. Set MONITOR_URL and MONITOR_KEY (a `partner` client's key whose
eventSources include SOURCE).
"""

import os
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

SOURCE = os.environ.get("MONITOR_SOURCE", "urn:nl:politie:zhz:bvh")
BATCH = "application/cloudevents-batch+json"
MAX_BATCH = 1000
RETRY_STATUSES = {429, 500, 502, 503, 504}


def cloud_event(kind: str, subject: str, data: dict[str, Any]) -> dict[str, Any]:
    """`kind` is e.g. `signal.created`; the id is made once and kept for every retry."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": f"nl.ondermijning.{kind}",
        "time": datetime.now(UTC).isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data,
    }


def post_batch(client: httpx.Client, events: list[dict[str, Any]], attempts: int = 6) -> Any:
    """Posts one batch, retrying transport errors, 429 and 5xx with exponential backoff."""
    for attempt in range(attempts):
        try:
            response = client.post("/api/v1/events", json=events, headers={"Content-Type": BATCH})
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
        else:
            if response.status_code not in RETRY_STATUSES:
                response.raise_for_status()  # 4xx other than 429: fix the request, don't retry
                return response.json()["results"]
            if attempt == attempts - 1:
                response.raise_for_status()
            retry_after = response.headers.get("Retry-After")
            if retry_after and retry_after.isdigit():
                time.sleep(int(retry_after))
                continue
        time.sleep(min(30.0, 0.5 * 2**attempt))
    raise AssertionError("unreachable")


def send(client: httpx.Client, events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    pending = list(events)
    results: list[dict[str, Any]] = []
    for start in range(0, len(pending), MAX_BATCH):
        results += post_batch(client, pending[start : start + MAX_BATCH])
    return results


def main() -> int:
    url, key = os.environ.get("MONITOR_URL"), os.environ.get("MONITOR_KEY")
    if not url or not key:
        print("set MONITOR_URL and MONITOR_KEY", file=sys.stderr)
        return 2
    events = [
        cloud_event(
            "signal.created",
            "BVH-2024-0042",
            {"channel": "partnermelding", "receivedOn": "2024-03-01", "theme": "drugs"},
        ),
        cloud_event("signal.updated", "BVH-2024-0042", {"status": "in-behandeling"}),
    ]
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for event, result in zip(events, send(client, events), strict=True):
            print(f"{event['type']:<40} {event['subject']:<16} {result['status']}")
            if result["status"] == "rejected":
                print(f"  {result['error']['detail']}: {result['error'].get('invalidParams')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
