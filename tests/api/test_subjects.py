"""`GET /subjects` (SPEC §4.2): everything the caller may read about one business or
premises, across the record types, with the counts and the earlier measures."""

from typing import Any

import pytest

from tests.builders import create
from tests.conftest import ApiClient, MakeClient

KVK = "12345678"
ADDRESS = {"street": "Voorstraat", "houseNumber": "12", "postcode": "3311 AB", "city": "Dordrecht"}


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie")


@pytest.fixture
def coordinator(make_client: MakeClient) -> ApiClient:
    return make_client("coordinator", "gemeente")


def _story(client: ApiClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/subjects", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _refs(items: list[dict[str, Any]]) -> list[str]:
    return [item["reference"] for item in items]


def test_a_business_by_its_kvk_number(politie: ApiClient) -> None:
    signal = create(politie, "signals", kvkNumber=KVK, receivedOn="2023-01-10")
    rapportage = create(politie, "bestuurlijke-rapportages", kvkNumber=KVK, receivedOn="2023-02-01")
    # A measure with no KvK number of its own, about the business through its rapportage.
    through = create(politie, "measures", rapportageId=rapportage["id"], decidedOn="2023-03-01")
    own = create(politie, "measures", kvkNumber=KVK, decidedOn="2023-06-01", kind="sluiting")
    create(politie, "signals", kvkNumber="87654321")
    create(politie, "measures", rapportageId=create(politie, "bestuurlijke-rapportages")["id"])
    story = _story(politie, kvkNumber=KVK)
    assert story["subject"]["kvkNumber"] == KVK
    assert story["counts"] == {
        "signals": 1,
        "bestuurlijkeRapportages": 1,
        "measures": 2,
        "campaigns": 0,
        "inspections": 0,
    }
    # Newest first by each record's own date.
    assert _refs(story["items"]) == [
        own["reference"],
        through["reference"],
        rapportage["reference"],
        signal["reference"],
    ]
    first = story["items"][0]
    assert first["resource"] == "measures"
    assert first["id"] == own["id"]
    assert first["date"] == "2023-06-01"
    assert first["status"] == "voornemen"
    assert first["kind"] == "sluiting"
    assert "description" not in first
    assert "address" not in first
    assert story["items"][3]["channel"] == "casusoverleg"
    # The Damocles ladder: the measures before the latest one.
    assert _refs(story["earlierMeasures"]) == [through["reference"]]
    assert story["nextCursor"] is None


def test_premises_by_postcode_and_house_number(politie: ApiClient) -> None:
    at_12 = create(politie, "signals", address=ADDRESS)
    at_12a = create(politie, "measures", address={**ADDRESS, "houseNumber": "12-a"})
    create(politie, "signals", address={**ADDRESS, "houseNumber": "120"})
    create(politie, "signals", address={**ADDRESS, "postcode": "3311 AC"})
    create(politie, "bestuurlijke-rapportages", address={**ADDRESS, "houseNumber": "14"})
    for postcode in ("3311AB", "3311 ab", "3311 AB"):
        story = _story(politie, postcode=postcode, houseNumber="12")
        assert sorted(_refs(story["items"])) == sorted([at_12["reference"], at_12a["reference"]])
        assert story["subject"] == {"kvkNumber": None, "postcode": "3311 AB", "houseNumber": "12"}
    with_addition = _story(politie, postcode="3311AB", houseNumber="12A")
    assert _refs(with_addition["items"]) == [at_12a["reference"]]
    assert _refs(_story(politie, postcode="3311AB", houseNumber="12 a")["items"]) == [
        at_12a["reference"]
    ]
    assert _story(politie, postcode="3311AB", houseNumber="13")["items"] == []


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, {"kvkNumber"}),
        ({"kvkNumber": KVK, "postcode": "3311AB", "houseNumber": "12"}, {"kvkNumber"}),
        ({"postcode": "3311AB"}, {"houseNumber"}),
        ({"houseNumber": "12"}, {"postcode"}),
        ({"kvkNumber": "1234"}, {"kvkNumber"}),
        ({"postcode": "33", "houseNumber": "x"}, {"postcode", "houseNumber"}),
        ({"kvkNumber": KVK, "limit": "0"}, {"limit"}),
        ({"kvkNumber": KVK, "cursor": "!!"}, {"cursor"}),
        ({"kvkNumber": KVK, "q": "x"}, {"q"}),
    ],
)
def test_bad_lookups_are_400(politie: ApiClient, params: dict[str, str], names: set[str]) -> None:
    response = politie.get("/api/v1/subjects", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {param["name"] for param in response.json()["invalidParams"]} == names


def test_pages_newest_first_with_a_cursor(politie: ApiClient) -> None:
    made = [
        create(politie, resource, kvkNumber=KVK, **{field: day})
        for resource, field, day in (
            ("signals", "receivedOn", "2023-01-01"),
            ("measures", "decidedOn", "2023-01-01"),
            ("bestuurlijke-rapportages", "receivedOn", "2023-02-01"),
            ("measures", "decidedOn", "2023-03-01"),
            ("signals", "receivedOn", "2023-04-01"),
        )
    ]
    seen: list[str] = []
    params: dict[str, Any] = {"kvkNumber": KVK, "limit": 2}
    while True:
        response = politie.get("/api/v1/subjects", params=params)
        story = response.json()
        seen.extend(_refs(story["items"]))
        create(politie, "signals", kvkNumber=KVK, receivedOn="2024-01-01")  # newer: not here
        if not story["nextCursor"]:
            break
        assert 'rel="next"' in response.headers["link"]
        params["cursor"] = story["nextCursor"]
    assert sorted(seen) == sorted(record["reference"] for record in made)
    assert seen[0] == made[4]["reference"]
    assert len(seen) == len(set(seen))
    other = politie.get("/api/v1/signals", params={"cursor": params["cursor"]})
    assert other.status_code == 400


def test_partners_see_their_own_within_their_ceiling(
    politie: ApiClient, coordinator: ApiClient, make_client: MakeClient
) -> None:
    mine = create(politie, "signals", kvkNumber=KVK)
    secret = create(politie, "measures", kvkNumber=KVK, confidentiality="geheim")
    theirs = create(coordinator, "signals", partner="sdd", kvkNumber=KVK)
    # Another partner's rapportage about the business does not bring politie's measure in
    # for a caller who may not read that rapportage, nor show the rapportage itself.
    hidden_rapportage = create(
        coordinator, "bestuurlijke-rapportages", partner="sdd", kvkNumber=KVK
    )
    linked = create(
        coordinator, "measures", partner="politie", rapportageId=hidden_rapportage["id"]
    )

    story = _story(politie, kvkNumber=KVK)
    assert sorted(_refs(story["items"])) == sorted([mine["reference"], secret["reference"]])
    assert story["counts"]["signals"] == 1
    assert story["counts"]["bestuurlijkeRapportages"] == 0
    low = make_client("partner", "politie", maxConfidentiality="vertrouwelijk")
    low_story = _story(low, kvkNumber=KVK)
    assert _refs(low_story["items"]) == [mine["reference"]]
    assert low_story["counts"]["measures"] == 0
    assert low_story["earlierMeasures"] == []
    sdd = make_client("partner", "sdd")
    assert sorted(_refs(_story(sdd, kvkNumber=KVK)["items"])) == sorted(
        [theirs["reference"], hidden_rapportage["reference"]]
    )
    everything = _story(coordinator, kvkNumber=KVK)
    assert everything["counts"]["measures"] == 2
    assert linked["reference"] in _refs(everything["items"])
    assert len(everything["items"]) == 5


def test_analysts_may_not_and_strangers_are_401(make_client: MakeClient, http: Any) -> None:
    analyst = make_client("analyst")
    assert analyst.get("/api/v1/subjects", params={"kvkNumber": KVK}).status_code == 403
    assert http.get("/api/v1/subjects", params={"kvkNumber": KVK}).status_code == 401


def test_withdrawn_measures_are_not_on_the_ladder(politie: ApiClient) -> None:
    first = create(politie, "measures", kvkNumber=KVK, decidedOn="2022-01-01", status="opgelegd")
    create(politie, "measures", kvkNumber=KVK, decidedOn="2022-06-01", status="ingetrokken")
    second = create(politie, "measures", kvkNumber=KVK, decidedOn="2023-01-01", status="opgelegd")
    latest = create(politie, "measures", kvkNumber=KVK, decidedOn="2024-01-01")
    story = _story(politie, kvkNumber=KVK)
    assert _refs(story["earlierMeasures"]) == [second["reference"], first["reference"]]
    assert story["items"][0]["reference"] == latest["reference"]
    assert story["counts"]["measures"] == 4


def test_the_read_is_audited_like_a_list(politie: ApiClient, admin: ApiClient) -> None:
    create(politie, "signals", kvkNumber=KVK)
    _story(politie, kvkNumber=KVK)
    entries = admin.get("/api/v1/audit-events", params={"resource": "subjects"}).json()["items"]
    assert [(entry["action"], entry["outcome"]) for entry in entries] == [("list", "success")]
    assert KVK not in str(entries)
