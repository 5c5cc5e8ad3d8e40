"""What every record resource does alike: create, read, list, patch, delete, history."""

import uuid

import pytest

from tests.builders import DATE_FIELD, PREFIX, RESOURCES, body, create
from tests.conftest import ApiClient, MakeClient

pytestmark = pytest.mark.parametrize("resource", RESOURCES)


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie")


@pytest.fixture
def coordinator(make_client: MakeClient) -> ApiClient:
    return make_client("coordinator", "gemeente")


def test_create_read_and_defaults(politie: ApiClient, resource: str) -> None:
    response = politie.post(f"/api/v1/{resource}", json=body(resource, externalId="X-1"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/api/v1/{resource}/{created['id']}"
    assert response.headers["etag"] == '"1"'
    assert created["partner"] == "politie"
    assert created["confidentiality"] == "vertrouwelijk"
    assert created["version"] == 1
    assert created["externalId"] == "X-1"
    assert created["reference"].startswith(f"{PREFIX[resource]}-")
    assert created["createdAt"].endswith("Z")
    read = politie.get(f"/api/v1/{resource}/{created['id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == created


def test_references_count_up(politie: ApiClient, resource: str) -> None:
    first = create(politie, resource)["reference"]
    second = create(politie, resource)["reference"]
    prefix, year, number = first.rsplit("-", 2)
    assert second == f"{prefix}-{year}-{int(number) + 1:06d}"
    assert len(number) == 6


def test_patch_needs_if_match_and_bumps_version(politie: ApiClient, resource: str) -> None:
    record = create(politie, resource)
    url = f"/api/v1/{resource}/{record['id']}"
    patch = {"theme": "witwassen"}
    missing = politie.patch(url, json=patch)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    changed = politie.patch(
        url,
        json=patch,
        headers={"If-Match": '"1"', "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["theme"] == "witwassen"
    assert changed.json()["version"] == 2
    assert changed.headers["etag"] == '"2"'
    stale = politie.patch(url, json={"theme": "drugs"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert politie.get(url).json()["theme"] == "witwassen"
    star = politie.patch(url, json={"theme": "drugs"}, headers={"If-Match": "*"})
    assert star.json()["version"] == 3


def test_patch_null_removes_and_required_stays_required(politie: ApiClient, resource: str) -> None:
    record = create(politie, resource, theme="drugs")
    url = f"/api/v1/{resource}/{record['id']}"
    date_field = DATE_FIELD[resource]
    response = politie.patch(url, json={date_field: None}, headers={"If-Match": '"1"'})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == [date_field]
    if resource != "bestuurlijke-rapportages":  # there the theme is required
        cleared = politie.patch(url, json={"theme": None}, headers={"If-Match": '"1"'})
        assert cleared.status_code == 200
        assert cleared.json()["theme"] is None


def test_patch_refuses_read_only_and_unknown_fields(politie: ApiClient, resource: str) -> None:
    record = create(politie, resource)
    url = f"/api/v1/{resource}/{record['id']}"
    response = politie.patch(
        url,
        json={"reference": "HACK-1", "version": 7, "bsn": "111222333"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"reference", "version"}
    unknown = politie.patch(url, json={"bsn": "111222333"}, headers={"If-Match": '"1"'})
    assert unknown.status_code == 400
    assert unknown.json()["invalidParams"][0]["code"] == "unknown-property"
    assert politie.get(url).json() == record


def test_patch_with_no_change_keeps_the_version(politie: ApiClient, resource: str) -> None:
    record = create(politie, resource, theme="drugs")
    url = f"/api/v1/{resource}/{record['id']}"
    same = politie.patch(url, json={"theme": "drugs"}, headers={"If-Match": '"1"'})
    assert same.json()["version"] == 1


def test_patch_wrong_content_type_is_415(politie: ApiClient, resource: str) -> None:
    record = create(politie, resource)
    response = politie.patch(
        f"/api/v1/{resource}/{record['id']}",
        content=b"theme=drugs",
        headers={"If-Match": '"1"', "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415


def test_delete_is_for_coordinators_with_if_match(
    politie: ApiClient, coordinator: ApiClient, resource: str
) -> None:
    record = create(politie, resource)
    url = f"/api/v1/{resource}/{record['id']}"
    assert politie.delete(url, headers={"If-Match": '"1"'}).status_code == 403
    assert coordinator.delete(url).status_code == 428
    assert coordinator.delete(url, headers={"If-Match": '"9"'}).status_code == 412
    assert coordinator.delete(url, headers={"If-Match": '"1"'}).status_code == 204
    assert politie.get(url).status_code == 404
    assert coordinator.delete(url, headers={"If-Match": '"1"'}).status_code == 404


def test_history_lists_who_changed_what(
    politie: ApiClient, admin: ApiClient, resource: str
) -> None:
    record = create(politie, resource, theme="drugs")
    url = f"/api/v1/{resource}/{record['id']}"
    politie.patch(url, json={"theme": "witwassen"}, headers={"If-Match": '"1"'})
    history = politie.get(f"{url}/history")
    assert history.status_code == 200
    items = history.json()["items"]
    assert [item["action"] for item in items] == ["create", "update"]
    assert items[1]["changes"] == {"theme": {"old": "drugs", "new": "witwassen"}}
    assert items[1]["clientName"] == "partner-politie"
    assert items[1]["partner"] == "politie"
    # Deleting keeps the audit entries.
    coordinator_delete = admin.delete(url, headers={"If-Match": '"2"'})
    assert coordinator_delete.status_code == 204
    audit = admin.get("/api/v1/audit-events", params={"recordId": record["id"]}).json()
    assert {"create", "update", "delete", "read-history"} <= {e["action"] for e in audit["items"]}


def test_personal_data_is_redacted_in_history(politie: ApiClient, resource: str) -> None:
    text_field = {
        "bestuurlijke-rapportages": "summary",
        "inspections": "findings",
    }.get(resource, "description")
    record = create(politie, resource, **{text_field: "Jan Jansen, Voorstraat 1"})
    url = f"/api/v1/{resource}/{record['id']}"
    politie.patch(url, json={text_field: "Piet Pietersen"}, headers={"If-Match": '"1"'})
    history = politie.get(f"{url}/history").text
    assert "Jansen" not in history
    assert "Pietersen" not in history
    assert '"redacted":true' in history


def test_partner_is_the_callers_unless_coordinator(
    politie: ApiClient, coordinator: ApiClient, resource: str
) -> None:
    other = politie.post(f"/api/v1/{resource}", json=body(resource, partner="sdd"))
    assert other.status_code == 400
    assert other.json()["invalidParams"][0]["code"] == "not-your-partner"
    own = politie.post(f"/api/v1/{resource}", json=body(resource, partner="politie"))
    assert own.status_code == 201
    named = coordinator.post(f"/api/v1/{resource}", json=body(resource, partner="sdd"))
    assert named.status_code == 201
    assert named.json()["partner"] == "sdd"
    unknown = coordinator.post(f"/api/v1/{resource}", json=body(resource, partner="nope"))
    assert unknown.json()["invalidParams"][0]["code"] == "unknown-partner"


def test_client_without_partner_must_name_one(make_client: MakeClient, resource: str) -> None:
    coordinator = make_client("coordinator")
    response = coordinator.post(f"/api/v1/{resource}", json=body(resource))
    assert response.status_code == 400
    assert response.json()["invalidParams"][0] == {
        "name": "partner",
        "code": "required",
        "reason": "This client acts for no partner; name the owning `partner`.",
    }


def test_external_id_is_unique_per_partner(
    politie: ApiClient, make_client: MakeClient, resource: str
) -> None:
    create(politie, resource, externalId="DUP-1")
    again = politie.post(f"/api/v1/{resource}", json=body(resource, externalId="DUP-1"))
    assert again.status_code == 409
    sdd = make_client("partner", "sdd")
    assert (
        sdd.post(f"/api/v1/{resource}", json=body(resource, externalId="DUP-1")).status_code == 201
    )


def test_idempotency_key_replays_and_refuses_other_bodies(
    politie: ApiClient, resource: str
) -> None:
    headers = {"Idempotency-Key": f"key-{resource}"}
    first = politie.post(f"/api/v1/{resource}", json=body(resource), headers=headers)
    second = politie.post(f"/api/v1/{resource}", json=body(resource), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    listed = politie.get(f"/api/v1/{resource}").json()["items"]
    assert len(listed) == 1
    other = politie.post(
        f"/api/v1/{resource}", json=body(resource, externalId="other"), headers=headers
    )
    assert other.status_code == 409
    assert len(politie.get(f"/api/v1/{resource}").json()["items"]) == 1


def test_idempotency_keys_are_per_client(make_client: MakeClient, resource: str) -> None:
    one, two = make_client("partner", "politie"), make_client("partner", "politie")
    headers = {"Idempotency-Key": "shared"}
    a = one.post(f"/api/v1/{resource}", json=body(resource), headers=headers)
    b = two.post(f"/api/v1/{resource}", json=body(resource), headers=headers)
    assert a.json()["id"] != b.json()["id"]


def test_failed_create_does_not_use_up_the_key(politie: ApiClient, resource: str) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    bad = politie.post(f"/api/v1/{resource}", json={"nonsense": 1}, headers=headers)
    assert bad.status_code == 400
    good = politie.post(f"/api/v1/{resource}", json=body(resource), headers=headers)
    assert good.status_code == 201


def test_cursor_paging_is_stable_while_records_are_added(politie: ApiClient, resource: str) -> None:
    existing = {create(politie, resource)["id"] for _ in range(7)}
    seen: list[str] = []
    url: str | None = f"/api/v1/{resource}?limit=3"
    pages = 0
    while url:
        response = politie.get(url)
        assert response.status_code == 200
        page = response.json()
        seen.extend(item["id"] for item in page["items"])
        create(politie, resource)  # inserted between pages
        pages += 1
        if page["nextCursor"]:
            link = response.headers["link"]
            assert link.endswith('>; rel="next"')
            assert f"cursor={page['nextCursor']}" in link
            url = f"/api/v1/{resource}?limit=3&cursor={page['nextCursor']}"
        else:
            assert "link" not in response.headers
            url = None
    assert pages >= 3
    assert len(seen) == len(set(seen))
    assert set(seen) == existing


def test_list_limits_and_filters(politie: ApiClient, resource: str) -> None:
    date_field = DATE_FIELD[resource]
    create(politie, resource, theme="drugs", **{date_field: "2023-01-10"})
    create(politie, resource, theme="witwassen", **{date_field: "2023-03-10"})
    assert politie.get(f"/api/v1/{resource}", params={"limit": 201}).status_code == 400
    assert politie.get(f"/api/v1/{resource}", params={"limit": 0}).status_code == 400
    by_theme = politie.get(f"/api/v1/{resource}", params={"theme": "drugs"}).json()["items"]
    assert [item["theme"] for item in by_theme] == ["drugs"]
    window = {"from": "2023-03-01", "to": "2023-03-10"}
    in_window = politie.get(f"/api/v1/{resource}", params=window).json()["items"]
    assert [item[date_field] for item in in_window] == ["2023-03-10"]
    bad = politie.get(
        f"/api/v1/{resource}", params={"from": "2023-13-01", "confidentiality": "x", "foo": "1"}
    )
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"from", "confidentiality", "foo"}
    assert politie.get(f"/api/v1/{resource}", params={"cursor": "!!"}).status_code == 400


def test_foreign_partner_records_are_invisible(
    politie: ApiClient, make_client: MakeClient, resource: str
) -> None:
    record = create(politie, resource)
    sdd = make_client("partner", "sdd")
    url = f"/api/v1/{resource}/{record['id']}"
    assert sdd.get(url).status_code == 404
    assert sdd.get(f"{url}/history").status_code == 404
    assert sdd.patch(url, json={"theme": "drugs"}, headers={"If-Match": '"1"'}).status_code == 404
    assert sdd.get(f"/api/v1/{resource}").json()["items"] == []
    assert sdd.get(f"/api/v1/{resource}", params={"partner": "politie"}).json()["items"] == []
    assert politie.get(url).json()["version"] == 1


def test_confidentiality_ceiling_hides_records(
    politie: ApiClient, make_client: MakeClient, resource: str
) -> None:
    secret = create(politie, resource, confidentiality="vertrouwelijk")
    internal = create(politie, resource, confidentiality="intern")
    low = make_client("partner", "politie", maxConfidentiality="intern")
    assert low.get(f"/api/v1/{resource}/{secret['id']}").status_code == 404
    assert low.get(f"/api/v1/{resource}/{internal['id']}").status_code == 200
    assert [r["id"] for r in low.get(f"/api/v1/{resource}").json()["items"]] == [internal["id"]]
    above = low.post(f"/api/v1/{resource}", json=body(resource, confidentiality="geheim"))
    assert above.status_code == 400
    assert above.json()["invalidParams"][0]["code"] == "above-ceiling"


def test_unknown_id_is_404_and_bad_id_is_400(politie: ApiClient, resource: str) -> None:
    assert politie.get(f"/api/v1/{resource}/{uuid.uuid4()}").status_code == 404
    bad = politie.get(f"/api/v1/{resource}/not-a-uuid")
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "id"


def test_analyst_has_no_record_endpoints(make_client: MakeClient, resource: str) -> None:
    analyst = make_client("analyst")
    assert analyst.get(f"/api/v1/{resource}").status_code == 403
    assert analyst.post(f"/api/v1/{resource}", json=body(resource)).status_code == 403


def test_body_must_be_an_object_of_json(politie: ApiClient, resource: str) -> None:
    assert politie.post(f"/api/v1/{resource}", json=[1, 2]).status_code == 400
    empty = politie.post(
        f"/api/v1/{resource}", content=b"", headers={"Content-Type": "application/json"}
    )
    assert empty.status_code == 400
    text = politie.post(f"/api/v1/{resource}", content=b"x", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415
    assert politie.get(f"/api/v1/{resource}").json()["items"] == []
