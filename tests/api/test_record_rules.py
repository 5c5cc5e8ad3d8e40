"""Each record type's own rules: workflows, links, validation and defaults (SPEC §4)."""

import itertools
import uuid

import pytest

from tests.builders import body, create
from tests.conftest import ApiClient, MakeClient

WORKFLOWS = {
    "signals": (
        ["nieuw", "in-behandeling", "doorgezet", "afgesloten"],
        {
            ("nieuw", "in-behandeling"),
            ("nieuw", "afgesloten"),
            ("in-behandeling", "doorgezet"),
            ("in-behandeling", "afgesloten"),
            ("doorgezet", "afgesloten"),
        },
    ),
    "bestuurlijke-rapportages": (
        ["ontvangen", "in-behandeling", "afgehandeld"],
        {("ontvangen", "in-behandeling"), ("in-behandeling", "afgehandeld")},
    ),
    "measures": (
        ["voornemen", "opgelegd", "in-bezwaar", "uitgevoerd", "ingetrokken"],
        {
            ("voornemen", "opgelegd"),
            ("opgelegd", "in-bezwaar"),
            ("in-bezwaar", "uitgevoerd"),
            ("voornemen", "ingetrokken"),
            ("opgelegd", "ingetrokken"),
            ("in-bezwaar", "ingetrokken"),
            ("uitgevoerd", "ingetrokken"),
        },
    ),
}
TRANSITIONS = [
    (resource, old, new, (old, new) in allowed)
    for resource, (states, allowed) in WORKFLOWS.items()
    for old, new in itertools.permutations(states, 2)
]


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie")


@pytest.mark.parametrize(("resource", "old", "new", "allowed"), TRANSITIONS)
def test_every_transition(
    politie: ApiClient, resource: str, old: str, new: str, allowed: bool
) -> None:
    record = create(politie, resource, status=old)
    assert record["status"] == old
    url = f"/api/v1/{resource}/{record['id']}"
    response = politie.patch(url, json={"status": new}, headers={"If-Match": '"1"'})
    if allowed:
        assert response.status_code == 200, response.text
        assert response.json()["status"] == new
    else:
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["currentStatus"] == old
        expected = sorted(n for o, n in WORKFLOWS[resource][1] if o == old)
        assert problem["allowedTransitions"] == expected
        assert politie.get(url).json()["status"] == old


@pytest.mark.parametrize(
    ("resource", "first"),
    [("signals", "nieuw"), ("bestuurlijke-rapportages", "ontvangen"), ("measures", "voornemen")],
)
def test_status_defaults_to_the_first_state(politie: ApiClient, resource: str, first: str) -> None:
    assert create(politie, resource)["status"] == first


def test_signal_validation_reports_every_problem_at_once(politie: ApiClient) -> None:
    response = politie.post(
        "/api/v1/signals",
        json={
            "channel": "telefoon",
            "receivedOn": "2023-02-30",
            "subjectKind": "dier",
            "kvkNumber": "1234",
            "address": {"postcode": "123 AB", "street": "Voorstraat", "floor": 2},
            "theme": "fietsendiefstal",
            "confidentiality": "topgeheim",
            "description": "BSN 111222333 van de eigenaar",
            "bsn": "111222333",
            "status": "klaar",
        },
    )
    assert response.status_code == 400
    params = {p["name"]: p["code"] for p in response.json()["invalidParams"]}
    assert params == {
        "channel": "enum",
        "receivedOn": "date",
        "subjectKind": "enum",
        "kvkNumber": "pattern",
        "address.postcode": "invalid",
        "address.floor": "unknown-property",
        "theme": "unknown-theme",
        "confidentiality": "enum",
        "description": "invalid",
        "bsn": "unknown-property",
        "status": "enum",
    }
    assert politie.get("/api/v1/signals").json()["items"] == []


def test_signal_fields_round_trip(politie: ApiClient) -> None:
    created = create(
        politie,
        "signals",
        channel="meld-misdaad-anoniem",
        receivedOn="2023-02-01",
        discussedOn="2023-02-14",
        subjectKind="pand",
        kvkNumber="12345678",
        address={
            "street": "Voorstraat",
            "houseNumber": "12a",
            "postcode": "3311ab",
            "city": "Dordrecht",
        },
        neighbourhood="Binnenstad",
        description="Veel bezoek op vreemde tijden.",
    )
    assert created["address"] == {
        "street": "Voorstraat",
        "houseNumber": "12a",
        "postcode": "3311 AB",
        "city": "Dordrecht",
    }
    assert created["subjectKind"] == "pand"
    assert created["discussedOn"] == "2023-02-14"


def test_signal_discussed_before_received_is_400(politie: ApiClient) -> None:
    response = politie.post(
        "/api/v1/signals", json=body("signals", receivedOn="2023-03-01", discussedOn="2023-02-01")
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "discussedOn"


def test_a_bsn_with_dots_is_refused_but_other_numbers_pass(politie: ApiClient) -> None:
    refused = politie.post(
        "/api/v1/signals", json=body("signals", description="nummer 1112.22.333")
    )
    assert refused.status_code == 400
    # 123456789 fails the elfproef: a phone-like number is fine.
    assert (
        politie.post(
            "/api/v1/signals", json=body("signals", description="bel 123456789")
        ).status_code
        == 201
    )


def test_rapportage_links_signals_the_caller_may_see(
    politie: ApiClient, make_client: MakeClient
) -> None:
    own = create(politie, "signals")
    foreign = create(make_client("partner", "sdd"), "signals")
    missing = str(uuid.uuid4())
    response = politie.post(
        "/api/v1/bestuurlijke-rapportages",
        json=body(
            "bestuurlijke-rapportages",
            signalIds=[own["id"], foreign["id"], missing, "not-a-uuid"],
        ),
    )
    assert response.status_code == 400
    params = {p["name"]: p["code"] for p in response.json()["invalidParams"]}
    assert params == {
        "signalIds.1": "unknown-link",
        "signalIds.2": "unknown-link",
        "signalIds.3": "uuid",
    }
    linked = create(
        politie, "bestuurlijke-rapportages", signalIds=[own["id"]], drugCategory="harddrugs"
    )
    assert linked["signalIds"] == [own["id"]]
    url = f"/api/v1/bestuurlijke-rapportages/{linked['id']}"
    second = create(politie, "signals")
    patched = politie.patch(
        url, json={"signalIds": [second["id"], own["id"]]}, headers={"If-Match": '"1"'}
    )
    assert patched.json()["signalIds"] == [second["id"], own["id"]]
    assert patched.json()["version"] == 2
    listed = politie.get("/api/v1/bestuurlijke-rapportages").json()["items"][0]
    assert listed["signalIds"] == [second["id"], own["id"]]


def test_rapportage_needs_a_theme(politie: ApiClient) -> None:
    response = politie.post("/api/v1/bestuurlijke-rapportages", json={"receivedOn": "2023-02-01"})
    assert [p["name"] for p in response.json()["invalidParams"]] == ["theme"]


def test_inspection_links_and_partners(politie: ApiClient) -> None:
    signal = create(politie, "signals")
    response = politie.post(
        "/api/v1/inspections",
        json=body("inspections", partners=["politie", "brandweer"], businessesInspected=-1),
    )
    params = {p["name"]: p["code"] for p in response.json()["invalidParams"]}
    assert params == {"businessesInspected": "minimum"}
    response = politie.post(
        "/api/v1/inspections", json=body("inspections", partners=["politie", "brandweer"])
    )
    params = {p["name"]: p["code"] for p in response.json()["invalidParams"]}
    assert params == {"partners.1": "unknown-partner"}
    created = create(
        politie,
        "inspections",
        partners=["politie", "ozhz"],
        businessesInspected=6,
        sector="autobranche",
        signalIds=[signal["id"]],
    )
    assert created["signalIds"] == [signal["id"]]
    assert created["businessesInspected"] == 6


def test_measure_links_a_rapportage(politie: ApiClient, make_client: MakeClient) -> None:
    rapportage = create(politie, "bestuurlijke-rapportages")
    foreign = create(make_client("partner", "sdd"), "bestuurlijke-rapportages")
    bad = politie.post(
        "/api/v1/measures",
        json=body("measures", rapportageId=foreign["id"], durationMonths=0, legalBasis="wet"),
    )
    params = {p["name"]: p["code"] for p in bad.json()["invalidParams"]}
    assert params == {
        "rapportageId": "unknown-link",
        "durationMonths": "minimum",
        "legalBasis": "enum",
    }
    measure = create(
        politie,
        "measures",
        rapportageId=rapportage["id"],
        legalBasis="opiumwet-13b",
        drugCategory="softdrugs",
        durationMonths=3,
    )
    assert measure["rapportageId"] == rapportage["id"]
    filtered = politie.get("/api/v1/measures", params={"legalBasis": "opiumwet-13b"}).json()
    assert [m["id"] for m in filtered["items"]] == [measure["id"]]


@pytest.mark.parametrize(
    ("audiences", "pillar"),
    [
        (["handhaving", "wijkmanagers"], "p2"),
        (["ambtenaren"], "p2"),
        (["ambtenaren", "burgers"], "p3"),
        (["woningcorporaties"], "p3"),
        ([], "p3"),
    ],
)
def test_campaign_pillar_default(politie: ApiClient, audiences: list[str], pillar: str) -> None:
    assert create(politie, "campaigns", audiences=audiences)["pillar"] == pillar


def test_campaign_named_pillar_and_dates(politie: ApiClient) -> None:
    named = create(politie, "campaigns", audiences=["burgers"], pillar="p2")
    assert named["pillar"] == "p2"
    bad = politie.post(
        "/api/v1/campaigns",
        json=body("campaigns", startsOn="2023-03-01", endsOn="2023-02-01", pillar="p1"),
    )
    params = {p["name"]: p["code"] for p in bad.json()["invalidParams"]}
    assert params == {"pillar": "enum"}
    bad_dates = politie.post(
        "/api/v1/campaigns", json=body("campaigns", startsOn="2023-03-01", endsOn="2023-02-01")
    )
    assert [p["name"] for p in bad_dates.json()["invalidParams"]] == ["endsOn"]
    with_audience = create(politie, "campaigns", audiences=["handhaving"], organisations=["Motus"])
    found = politie.get("/api/v1/campaigns", params={"audience": "handhaving"}).json()["items"]
    assert [c["id"] for c in found] == [with_audience["id"]]


def test_links_to_records_above_the_callers_ceiling_are_left_out_and_kept(
    make_client: MakeClient,
) -> None:
    """SPEC §4.1: a list of link ids leaves out what the caller may not read, and a PATCH by
    that caller keeps those links unchanged."""
    coordinator = make_client("coordinator", "gemeente")
    capped = make_client("partner", "politie", maxConfidentiality="intern", name="capped")
    secret = create(coordinator, "signals", partner="politie", confidentiality="geheim")
    known = create(coordinator, "signals", partner="politie", confidentiality="intern")
    rapportage = create(
        coordinator,
        "bestuurlijke-rapportages",
        partner="politie",
        confidentiality="intern",
        signalIds=[secret["id"], known["id"]],
    )
    url = f"/api/v1/bestuurlijke-rapportages/{rapportage['id']}"
    assert capped.get(url).json()["signalIds"] == [known["id"]]
    listed = capped.get("/api/v1/bestuurlijke-rapportages").json()["items"]
    assert [item["signalIds"] for item in listed] == [[known["id"]]]

    # A change elsewhere keeps every link, in its order.
    changed = capped.patch(url, json={"summary": "Bijgewerkt"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.json()["signalIds"] == [known["id"]]
    assert coordinator.get(url).json()["signalIds"] == [secret["id"], known["id"]]

    # Emptying the list it sees removes only what it sees.
    emptied = capped.patch(url, json={"signalIds": []}, headers={"If-Match": '"2"'})
    assert emptied.status_code == 200, emptied.text
    assert emptied.json()["signalIds"] == []
    assert coordinator.get(url).json()["signalIds"] == [secret["id"]]
    history = capped.get(f"{url}/history").text
    assert secret["id"] not in history


def test_a_measure_names_the_business_it_concerns(make_client: MakeClient) -> None:
    politie = make_client("partner", "politie")
    body = {"kind": "bibob-weigering", "decidedOn": "2023-05-02", "kvkNumber": "12345678"}
    created = politie.post("/api/v1/measures", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["kvkNumber"] == "12345678"
    bad = politie.post("/api/v1/measures", json={**body, "kvkNumber": "1234"})
    assert bad.status_code == 400
    assert [p["name"] for p in bad.json()["invalidParams"]] == ["kvkNumber"]
