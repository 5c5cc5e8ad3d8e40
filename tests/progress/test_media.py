"""Content negotiation and the CSV rendering."""

import pytest
from starlette.requests import Request

from app.progress.media import CSV, JSON, NotAcceptable, csv_text, negotiate


def request(accept: str | None) -> Request:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return Request({"type": "http", "headers": headers})


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("text/*", CSV),
        ("text/csv", CSV),
        ("text/csv;q=0.4, application/json;q=0.9", JSON),
        ("application/json, text/csv", JSON),
        ("text/html;q=1, text/csv;q=0.1", CSV),
        ("application/*;q=0.2, */*;q=0.1", JSON),
    ],
)
def test_negotiate(accept: str | None, chosen: str) -> None:
    assert negotiate(request(accept), [JSON, CSV]) == chosen


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "text/csv;q=0"])
def test_nothing_acceptable(accept: str) -> None:
    with pytest.raises(NotAcceptable):
        negotiate(request(accept), [JSON, CSV])


def test_csv_quotes_formulas_and_empties_nulls() -> None:
    text = csv_text(
        ["neighbourhood", "count"],
        [{"neighbourhood": "=HYPERLINK(1)", "count": 2}, {"neighbourhood": None, "count": 1}],
    )
    assert text.splitlines() == ["neighbourhood,count", "'=HYPERLINK(1),2", ",1"]
