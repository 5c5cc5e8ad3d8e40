"""Lists that screens can use (SPEC §4.1): every filter, `period=`, `sort=` with cursors
that stay stable under inserts, and `total=true`."""

from typing import Any

import pytest

from app.records.fields import OneOf
from app.records.kind import RecordType
from app.records.registry import BY_RESOURCE, RECORD_TYPES
from tests.builders import DATE_FIELD, RESOURCES, create
from tests.conftest import ApiClient, MakeClient


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie")


@pytest.fixture
def coordinator(make_client: MakeClient) -> ApiClient:
    return make_client("coordinator", "gemeente")


def _api_name(record_type: RecordType, attribute: str) -> str:
    info = record_type.query_schema.model_fields[attribute]
    return info.alias or attribute


def _values(record_type: RecordType, attribute: str) -> tuple[str, ...]:
    marker = next(
        item
        for item in record_type.query_schema.model_fields[attribute].metadata
        if isinstance(item, OneOf)
    )
    return marker.values


ENUM_FILTERS = [
    (record_type.resource, attribute)
    for record_type in RECORD_TYPES
    for attribute in (*record_type.filters.any_of, *record_type.filters.any_in_list)
]


def _ids(client: ApiClient, resource: str, **params: Any) -> list[str]:
    response = client.get(f"/api/v1/{resource}", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(("resource", "attribute"), ENUM_FILTERS)
def test_every_enum_filter_takes_several_values(
    politie: ApiClient, resource: str, attribute: str
) -> None:
    record_type = BY_RESOURCE[resource]
    name = _api_name(record_type, attribute)
    values = _values(record_type, attribute)[:3]
    # The body's field: the filter's own name, or the JSON list it looks in (`audiences`).
    listed = attribute in record_type.filters.any_in_list
    field = record_type.filters.any_in_list[attribute] if listed else None
    made = {}
    for value in values:
        fields = {field: [value]} if field else {name: value}
        made[value] = create(politie, resource, **fields)["id"]
    wanted = values[:2]
    found = _ids(politie, resource, **{name: ",".join(wanted)})
    assert sorted(found) == sorted(made[value] for value in wanted)
    assert _ids(politie, resource, **{name: values[0]}) == [made[values[0]]]
    bad = politie.get(f"/api/v1/{resource}", params={name: f"{values[0]},geen-waarde"})
    assert bad.status_code == 400
    assert [(p["name"], p["code"]) for p in bad.json()["invalidParams"]] == [(name, "enum")]
    assert politie.get(f"/api/v1/{resource}", params={name: ""}).status_code == 400


@pytest.mark.parametrize("resource", RESOURCES)
def test_common_filters(politie: ApiClient, coordinator: ApiClient, resource: str) -> None:
    mine = create(politie, resource, externalId="X-1", confidentiality="intern", theme="witwassen")
    other = create(politie, resource, externalId="X-2", confidentiality="geheim")
    sdd = create(coordinator, resource, partner="sdd", externalId="X-1")
    assert _ids(politie, resource, externalId="X-1") == [mine["id"]]
    assert _ids(coordinator, resource, externalId="X-1", partner="sdd") == [sdd["id"]]
    assert _ids(politie, resource, theme="witwassen") == [mine["id"]]
    both = _ids(politie, resource, confidentiality="intern,geheim")
    assert sorted(both) == sorted([mine["id"], other["id"]])
    assert _ids(politie, resource, confidentiality="geheim") == [other["id"]]
    assert _ids(politie, resource, partner="sdd") == []


TEXT_FILTERS = [
    (record_type.resource, attribute)
    for record_type in RECORD_TYPES
    for attribute, column in record_type.filters.equal.items()
    if not column.endswith("_id")
]
EXAMPLES = {
    "kvk_number": ("12345678", "87654321", "11111111"),
    "neighbourhood": ("Binnenstad", "Reeland", "binnenstad"),
}


@pytest.mark.parametrize(("resource", "attribute"), TEXT_FILTERS)
def test_exact_filters(politie: ApiClient, resource: str, attribute: str) -> None:
    record_type = BY_RESOURCE[resource]
    name = _api_name(record_type, attribute)
    first, second, neither = EXAMPLES.get(attribute, ("autobranche", "horeca", "Autobranche"))
    wanted = create(politie, resource, **{name: first})
    create(politie, resource, **{name: second})
    create(politie, resource)
    assert _ids(politie, resource, **{name: first}) == [wanted["id"]]
    assert _ids(politie, resource, **{name: neither}) == []


POSTCODE_TYPES = [rt.resource for rt in RECORD_TYPES if rt.filters.postcode is not None]


@pytest.mark.parametrize("resource", POSTCODE_TYPES)
def test_postcode_matches_however_it_is_written(politie: ApiClient, resource: str) -> None:
    at = create(politie, resource, address={"postcode": "3311 ab", "houseNumber": "12"})
    create(politie, resource, address={"postcode": "3312 AB", "houseNumber": "12"})
    create(politie, resource)
    for spelling in ("3311AB", "3311 ab", "3311 AB", "3311ab", " 3311aB"):
        assert _ids(politie, resource, postcode=spelling) == [at["id"]], spelling
    for bad in ("3311", "AB3311", "0311AB", "3311 ABC"):
        response = politie.get(f"/api/v1/{resource}", params={"postcode": bad})
        assert response.status_code == 400, bad
        assert response.json()["invalidParams"][0]["name"] == "postcode"


def test_measures_by_their_rapportage(politie: ApiClient) -> None:
    rapportage = create(politie, "bestuurlijke-rapportages")
    named = create(politie, "measures", rapportageId=rapportage["id"])
    create(politie, "measures")
    assert _ids(politie, "measures", rapportageId=rapportage["id"]) == [named["id"]]
    bad = politie.get("/api/v1/measures", params={"rapportageId": "nope"})
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "rapportageId"


@pytest.mark.parametrize("resource", ["bestuurlijke-rapportages", "inspections"])
def test_records_linking_a_signal(
    politie: ApiClient, coordinator: ApiClient, resource: str
) -> None:
    signal = create(politie, "signals")
    other = create(politie, "signals")
    linking = create(politie, resource, signalIds=[other["id"], signal["id"]])
    create(politie, resource, signalIds=[other["id"]])
    create(politie, resource)
    assert _ids(politie, resource, signalId=signal["id"]) == [linking["id"]]
    # A link to a signal the caller may not read is never shown, not even by filtering.
    hidden = create(coordinator, "signals", partner="sdd")
    create(coordinator, resource, partner="politie", signalIds=[hidden["id"]])
    assert _ids(politie, resource, signalId=hidden["id"]) == []
    assert len(_ids(coordinator, resource, signalId=hidden["id"])) == 1


@pytest.mark.parametrize("resource", RESOURCES)
def test_period_on_lists(politie: ApiClient, resource: str) -> None:
    date_field = DATE_FIELD[resource]
    ids = {
        day: create(politie, resource, **{date_field: day})["id"]
        for day in ("2022-12-31", "2023-01-01", "2023-03-31", "2023-04-01")
    }
    assert sorted(_ids(politie, resource, period="2023-Q1")) == sorted(
        [ids["2023-01-01"], ids["2023-03-31"]]
    )
    assert _ids(politie, resource, period="2023-04") == [ids["2023-04-01"]]
    assert len(_ids(politie, resource, period="2023")) == 3
    both = politie.get(f"/api/v1/{resource}", params={"period": "2023", "from": "2023-01-01"})
    assert both.status_code == 400
    assert both.json()["invalidParams"][0]["name"] == "period"
    bad = politie.get(f"/api/v1/{resource}", params={"period": "2023-Q5"})
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "period"


SORTS = [
    (record_type.resource, order)
    for record_type in RECORD_TYPES
    for name in record_type.sorts
    for order in (name, f"-{name}")
]


def _key(item: dict[str, Any], field: str) -> Any:
    return item[field]


@pytest.mark.parametrize(("resource", "order"), SORTS)
def test_every_sort_pages_completely_while_records_are_added(
    politie: ApiClient, resource: str, order: str
) -> None:
    date_field = DATE_FIELD[resource]
    days = ["2023-03-01", "2023-01-01", "2023-03-01", "2023-02-01", "2023-01-01"]
    existing = [create(politie, resource, **{date_field: day}) for day in days]
    # Change two, so that `updatedAt` differs from `createdAt` order.
    for record in existing[:2]:
        changed = politie.patch(
            f"/api/v1/{resource}/{record['id']}",
            json={"theme": "drugs"},
            headers={"If-Match": '"1"'},
        )
        assert changed.status_code == 200
    seen: list[dict[str, Any]] = []
    cursor = None
    inserted = 0
    while True:
        params: dict[str, Any] = {"limit": 2, "sort": order}
        if cursor:
            params["cursor"] = cursor
        page = politie.get(f"/api/v1/{resource}", params=params).json()
        seen.extend(page["items"])
        # Inserted between pages: before and after the position, in every order.
        create(politie, resource, **{date_field: ("2022-12-01", "2023-12-01")[inserted % 2]})
        inserted += 1
        cursor = page["nextCursor"]
        if not cursor:
            break
    ids = [item["id"] for item in seen]
    assert len(ids) == len(set(ids)), "a record came twice"
    assert {record["id"] for record in existing} <= set(ids), "a record was missed"
    field = order.removeprefix("-")
    keys = [(item[field], item["id"]) for item in seen]
    assert keys == sorted(keys, reverse=order.startswith("-"))


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_cursor_belongs_to_its_sort(politie: ApiClient, resource: str) -> None:
    for _ in range(3):
        create(politie, resource)
    page = politie.get(f"/api/v1/{resource}", params={"limit": 1, "sort": "reference"}).json()
    other = politie.get(
        f"/api/v1/{resource}",
        params={"limit": 1, "sort": "-reference", "cursor": page["nextCursor"]},
    )
    assert other.status_code == 400
    assert other.json()["invalidParams"][0] == {
        "name": "cursor",
        "code": "other-sort",
        "reason": other.json()["invalidParams"][0]["reason"],
    }
    default = politie.get(f"/api/v1/{resource}", params={"cursor": page["nextCursor"]})
    assert default.status_code == 400
    same = politie.get(
        f"/api/v1/{resource}",
        params={"limit": 1, "sort": "reference", "cursor": page["nextCursor"]},
    )
    assert same.status_code == 200
    assert same.json()["items"][0]["reference"] > page["items"][0]["reference"]
    for bad in ("!!", "AZLIpFjzek6b3l9KHCs9Tg", "WyJhIl0"):
        response = politie.get(f"/api/v1/{resource}", params={"cursor": bad})
        assert response.status_code == 400, bad
        assert response.json()["invalidParams"][0]["name"] == "cursor"
    wrong = politie.get(f"/api/v1/{resource}", params={"sort": "description"})
    assert wrong.status_code == 400
    assert wrong.json()["invalidParams"][0]["name"] == "sort"


def test_the_default_order_is_newest_first(politie: ApiClient) -> None:
    first = create(politie, "signals", receivedOn="2023-06-01")
    second = create(politie, "signals", receivedOn="2023-02-01")
    assert _ids(politie, "signals") == [second["id"], first["id"]]
    assert _ids(politie, "signals", sort="receivedOn") == [second["id"], first["id"]]
    assert _ids(politie, "signals", sort="-receivedOn") == [first["id"], second["id"]]


@pytest.mark.parametrize("resource", RESOURCES)
def test_total_counts_what_the_caller_may_see_and_matches(
    politie: ApiClient, coordinator: ApiClient, make_client: MakeClient, resource: str
) -> None:
    for _ in range(3):
        create(politie, resource, theme="witwassen")
    create(politie, resource, confidentiality="geheim", theme="witwassen")
    create(politie, resource, theme="drugs")
    create(coordinator, resource, partner="sdd", theme="witwassen")
    page = politie.get(
        f"/api/v1/{resource}", params={"limit": 2, "theme": "witwassen", "total": "true"}
    )
    assert page.json()["total"] == 4
    assert len(page.json()["items"]) == 2
    assert "total" not in politie.get(f"/api/v1/{resource}").json()
    assert "total" not in politie.get(f"/api/v1/{resource}", params={"total": "false"}).json()
    low = make_client("partner", "politie", maxConfidentiality="vertrouwelijk")
    assert low.get(f"/api/v1/{resource}", params={"total": "true"}).json()["total"] == 4
    assert coordinator.get(f"/api/v1/{resource}", params={"total": "true"}).json()["total"] == 6
    sdd = make_client("partner", "sdd")
    assert (
        sdd.get(f"/api/v1/{resource}", params={"total": "true", "partner": "politie"}).json()[
            "total"
        ]
        == 0
    )
    assert politie.get(f"/api/v1/{resource}", params={"total": "maybe"}).status_code == 400
