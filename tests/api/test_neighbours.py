"""A record's neighbours (SPEC §4.1): reverse links, `expand`, `allowedTransitions`, what a
delete does to the records linking to it, and conditional reads (304)."""

from typing import Any

import pytest

from tests.builders import body, create
from tests.conftest import ApiClient, MakeClient

SIGNALS, RAPPORTAGES, MEASURES, INSPECTIONS, CAMPAIGNS = (
    "signals",
    "bestuurlijke-rapportages",
    "measures",
    "inspections",
    "campaigns",
)
MERGE_PATCH = "application/merge-patch+json"


@pytest.fixture
def coordinator(make_client: MakeClient) -> ApiClient:
    return make_client("coordinator", "gemeente")


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    """A partner that may read nothing above `vertrouwelijk`."""
    return make_client("partner", "politie", maxConfidentiality="vertrouwelijk")


def url(resource: str, record: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/{resource}/{record['id']}{tail}"


def read(client: ApiClient, resource: str, record: dict[str, Any], **params: str) -> Any:
    response = client.get(url(resource, record), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def listed(client: ApiClient, resource: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/{resource}", params=params)
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()["items"]}


def patch(client: ApiClient, resource: str, record: dict[str, Any], body: dict[str, Any]) -> Any:
    current = client.get(url(resource, record))
    response = client.patch(
        url(resource, record),
        json=body,
        headers={"If-Match": current.headers["etag"], "Content-Type": MERGE_PATCH},
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def web(coordinator: ApiClient) -> dict[str, Any]:
    """A politie signal and the records around it: two of politie's own (a rapportage, an
    inspection), one of sdd's and one above politie's ceiling for each link kind."""
    signal = create(coordinator, SIGNALS, partner="politie")
    other_signal = create(coordinator, SIGNALS, partner="sdd")
    secret_signal = create(coordinator, SIGNALS, partner="politie", confidentiality="geheim")
    signal_ids = [signal["id"], other_signal["id"], secret_signal["id"]]
    rapportage = create(coordinator, RAPPORTAGES, partner="politie", signalIds=signal_ids)
    inspection = create(coordinator, INSPECTIONS, partner="politie", signalIds=signal_ids)
    hidden = [
        create(coordinator, RAPPORTAGES, partner="sdd", signalIds=[signal["id"]]),
        create(
            coordinator,
            RAPPORTAGES,
            partner="politie",
            confidentiality="geheim",
            signalIds=[signal["id"]],
        ),
        create(coordinator, INSPECTIONS, partner="sdd", signalIds=[signal["id"]]),
    ]
    measure = create(coordinator, MEASURES, partner="politie", rapportageId=rapportage["id"])
    other_rapportage = create(coordinator, RAPPORTAGES, partner="sdd")
    hidden += [
        create(coordinator, MEASURES, partner="sdd", rapportageId=rapportage["id"]),
        create(
            coordinator,
            MEASURES,
            partner="politie",
            confidentiality="geheim",
            rapportageId=rapportage["id"],
        ),
    ]
    orphan = create(coordinator, MEASURES, partner="politie", rapportageId=other_rapportage["id"])
    return {
        "signal": signal,
        "other_signal": other_signal,
        "secret_signal": secret_signal,
        "rapportage": rapportage,
        "inspection": inspection,
        "measure": measure,
        "other_rapportage": other_rapportage,
        "orphan": orphan,
        "hidden": hidden,
    }


def ids(*records: dict[str, Any]) -> list[str]:
    return [record["id"] for record in records]


def test_reverse_links_on_detail_and_list(coordinator: ApiClient, web: dict[str, Any]) -> None:
    hidden = web["hidden"]
    signal = read(coordinator, SIGNALS, web["signal"])
    assert signal["rapportageIds"] == ids(web["rapportage"], hidden[0], hidden[1])
    assert signal["inspectionIds"] == ids(web["inspection"], hidden[2])
    rapportage = read(coordinator, RAPPORTAGES, web["rapportage"])
    assert rapportage["measureIds"] == ids(web["measure"], hidden[3], hidden[4])
    assert read(coordinator, SIGNALS, web["other_signal"])["rapportageIds"] == ids(
        web["rapportage"]
    )
    signals = listed(coordinator, SIGNALS)
    assert signals[web["signal"]["id"]]["rapportageIds"] == signal["rapportageIds"]
    assert signals[web["secret_signal"]["id"]]["inspectionIds"] == ids(web["inspection"])
    rapportages = listed(coordinator, RAPPORTAGES)
    assert rapportages[web["rapportage"]["id"]]["measureIds"] == rapportage["measureIds"]
    assert rapportages[web["other_rapportage"]["id"]]["measureIds"] == ids(web["orphan"])
    assert rapportages[hidden[0]["id"]]["measureIds"] == []


def test_a_partner_sees_only_the_links_it_may_read(politie: ApiClient, web: dict[str, Any]) -> None:
    signal = read(politie, SIGNALS, web["signal"])
    assert signal["rapportageIds"] == ids(web["rapportage"])
    assert signal["inspectionIds"] == ids(web["inspection"])
    rapportage = read(politie, RAPPORTAGES, web["rapportage"])
    assert rapportage["signalIds"] == ids(web["signal"])
    assert rapportage["measureIds"] == ids(web["measure"])
    assert read(politie, INSPECTIONS, web["inspection"])["signalIds"] == ids(web["signal"])
    # A single link to a record it may not read is null, like a record that is not there.
    assert read(politie, MEASURES, web["orphan"])["rapportageId"] is None
    assert read(politie, MEASURES, web["measure"])["rapportageId"] == web["rapportage"]["id"]
    listed_signal = listed(politie, SIGNALS, expand="rapportages,inspections")[web["signal"]["id"]]
    assert listed_signal["rapportageIds"] == ids(web["rapportage"])
    assert ids(*listed_signal["_embedded"]["rapportages"]) == ids(web["rapportage"])
    assert ids(*listed_signal["_embedded"]["inspections"]) == ids(web["inspection"])
    measures = listed(politie, MEASURES, expand="rapportage")
    assert measures[web["orphan"]["id"]]["rapportageId"] is None
    assert measures[web["orphan"]["id"]]["_embedded"] == {"rapportage": None}
    embedded = read(politie, RAPPORTAGES, web["rapportage"], expand="signals,measures")
    assert embedded["_embedded"] == {
        "signals": [read(politie, SIGNALS, web["signal"])],
        "measures": [read(politie, MEASURES, web["measure"])],
    }


EXPANSIONS = [
    (SIGNALS, "signal", "rapportages", "rapportage", RAPPORTAGES),
    (SIGNALS, "signal", "inspections", "inspection", INSPECTIONS),
    (RAPPORTAGES, "rapportage", "signals", "signal", SIGNALS),
    (RAPPORTAGES, "rapportage", "measures", "measure", MEASURES),
    (INSPECTIONS, "inspection", "signals", "signal", SIGNALS),
    (MEASURES, "measure", "rapportage", "rapportage", RAPPORTAGES),
]


@pytest.mark.parametrize(("resource", "record", "name", "linked", "target"), EXPANSIONS)
def test_expand_embeds_each_link_on_detail_and_list(
    coordinator: ApiClient,
    web: dict[str, Any],
    resource: str,
    record: str,
    name: str,
    linked: str,
    target: str,
) -> None:
    expected = read(coordinator, target, web[linked])
    detail = read(coordinator, resource, web[record], expand=name)
    embedded = detail["_embedded"][name]
    if name == "rapportage":
        assert embedded == expected
    else:
        assert expected in embedded
        link = name.removesuffix("s") + "Ids"
        assert ids(*embedded) == detail[link]
    assert set(detail["_embedded"]) == {name}
    plain = read(coordinator, resource, web[record])
    assert "_embedded" not in plain
    assert {k: v for k, v in detail.items() if k != "_embedded"} == plain
    page = listed(coordinator, resource, expand=name)
    assert page[web[record]["id"]]["_embedded"] == detail["_embedded"]
    assert all("_embedded" in item for item in page.values())


def test_embedded_reads_are_audited(
    coordinator: ApiClient, admin: ApiClient, web: dict[str, Any]
) -> None:
    read(coordinator, SIGNALS, web["signal"], expand="inspections")
    audit = admin.get("/api/v1/audit-events", params={"limit": 200}).json()["items"]
    reads = {
        (entry["resource"], entry["recordId"])
        for entry in audit
        if entry["action"] == "read" and entry["clientId"] == coordinator.id
    }
    assert (INSPECTIONS, web["inspection"]["id"]) in reads
    assert (INSPECTIONS, web["hidden"][2]["id"]) in reads
    assert (SIGNALS, web["signal"]["id"]) in reads


@pytest.mark.parametrize(
    ("resource", "expand"),
    [
        (SIGNALS, "bogus"),
        (SIGNALS, "measures"),  # a link name, but not a signal's
        (SIGNALS, "rapportages,bogus"),
        (MEASURES, "rapportageId"),
        (CAMPAIGNS, "signals"),
        (RAPPORTAGES, ""),
    ],
)
def test_an_unknown_expand_is_400_naming_expand(
    coordinator: ApiClient, resource: str, expand: str
) -> None:
    record = create(coordinator, resource, partner="politie")
    for target in (f"/api/v1/{resource}", url(resource, record)):
        response = coordinator.get(target, params={"expand": expand})
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [param["name"] for param in response.json()["invalidParams"]] == ["expand"]


def test_a_partner_patch_keeps_the_links_it_cannot_see(
    politie: ApiClient, coordinator: ApiClient, web: dict[str, Any]
) -> None:
    hidden_signals = ids(web["other_signal"], web["secret_signal"])
    patched = patch(politie, RAPPORTAGES, web["rapportage"], {"summary": "Bijgewerkt."})
    assert patched["signalIds"] == ids(web["signal"])
    stored = read(coordinator, RAPPORTAGES, web["rapportage"])["signalIds"]
    assert stored == [web["signal"]["id"], *hidden_signals]
    # Emptying the list it sees removes only what it sees.
    assert patch(politie, RAPPORTAGES, web["rapportage"], {"signalIds": []})["signalIds"] == []
    assert read(coordinator, RAPPORTAGES, web["rapportage"])["signalIds"] == hidden_signals
    # A single link it may not read stays, also when it sets the null it was shown.
    for change in ({"description": "Bijgewerkt."}, {"rapportageId": None}):
        patch(politie, MEASURES, web["orphan"], change)
        assert (
            read(coordinator, MEASURES, web["orphan"])["rapportageId"]
            == (web["other_rapportage"]["id"])
        )
    # One it names replaces it.
    patch(politie, MEASURES, web["orphan"], {"rapportageId": web["rapportage"]["id"]})
    assert read(coordinator, MEASURES, web["orphan"])["rapportageId"] == web["rapportage"]["id"]


# Straight from SPEC §4: per type and status, the statuses a record may move to.
WORKFLOWS = {
    SIGNALS: {
        "nieuw": ["afgesloten", "in-behandeling"],
        "in-behandeling": ["afgesloten", "doorgezet"],
        "doorgezet": ["afgesloten"],
        "afgesloten": [],
    },
    RAPPORTAGES: {
        "ontvangen": ["in-behandeling"],
        "in-behandeling": ["afgehandeld"],
        "afgehandeld": [],
    },
    MEASURES: {
        "voornemen": ["ingetrokken", "opgelegd"],
        "opgelegd": ["in-bezwaar", "ingetrokken"],
        "in-bezwaar": ["ingetrokken", "uitgevoerd"],
        "uitgevoerd": ["ingetrokken"],
        "ingetrokken": [],
    },
}
STATES = [(resource, state) for resource, states in WORKFLOWS.items() for state in states]


@pytest.mark.parametrize(("resource", "state"), STATES)
def test_allowed_transitions_per_status_and_role(
    make_client: MakeClient, coordinator: ApiClient, resource: str, state: str
) -> None:
    partner = make_client("partner", "politie")
    admin = make_client("admin")
    created = partner.post(f"/api/v1/{resource}", json=body(resource, status=state))
    assert created.status_code == 201, created.text
    record = created.json()
    expected = WORKFLOWS[resource][state]
    assert record["allowedTransitions"] == expected
    for client in (partner, coordinator, admin):
        assert read(client, resource, record)["allowedTransitions"] == expected
        assert listed(client, resource)[record["id"]]["allowedTransitions"] == expected
    for following in expected:  # every one offered is taken
        fresh = create(partner, resource, status=state)
        moved = patch(partner, resource, fresh, {"status": following})
        assert moved["allowedTransitions"] == WORKFLOWS[resource][following]
    # Another partner cannot change it (nor see it).
    sdd = make_client("partner", "sdd")
    assert sdd.get(url(resource, record)).status_code == 404
    assert record["id"] not in listed(sdd, resource)


@pytest.mark.parametrize("resource", [CAMPAIGNS, INSPECTIONS])
def test_no_workflow_no_transitions(coordinator: ApiClient, resource: str) -> None:
    record = create(coordinator, resource, partner="politie")
    assert record["allowedTransitions"] == []
    assert read(coordinator, resource, record)["allowedTransitions"] == []


def test_deleting_a_rapportage_moves_its_measures_on(
    coordinator: ApiClient, politie: ApiClient, web: dict[str, Any]
) -> None:
    rapportage = web["rapportage"]
    linking = [web["measure"], *web["hidden"][3:5]]
    before = {m["id"]: coordinator.get(url(MEASURES, m)) for m in (*linking, web["orphan"])}
    deleted = coordinator.delete(url(RAPPORTAGES, rapportage), headers={"If-Match": '"1"'})
    assert deleted.status_code == 204, deleted.text
    for measure in linking:
        old = before[measure["id"]]
        now = coordinator.get(url(MEASURES, measure))
        assert now.json()["rapportageId"] is None
        assert now.json()["version"] == old.json()["version"] + 1
        assert now.headers["etag"] != old.headers["etag"]
        assert now.json()["updatedAt"] > old.json()["updatedAt"]
        last = coordinator.get(url(MEASURES, measure, "/history")).json()["items"][-1]
        assert last["action"] == "update"
        assert last["changes"] == {"rapportageId": {"old": rapportage["id"], "new": None}}
    # The old ETag is stale now: a patch made with it is refused.
    stale = politie.patch(
        url(MEASURES, web["measure"]),
        json={"description": "x"},
        headers={"If-Match": before[web["measure"]["id"]].headers["etag"]},
    )
    assert stale.status_code == 412
    untouched = coordinator.get(url(MEASURES, web["orphan"]))
    assert untouched.json() == before[web["orphan"]["id"]].json()


def test_deleting_a_signal_moves_its_rapportages_and_inspections_on(
    coordinator: ApiClient, politie: ApiClient, web: dict[str, Any]
) -> None:
    signal = web["signal"]
    linking = [
        (RAPPORTAGES, web["rapportage"]),
        (INSPECTIONS, web["inspection"]),
        (RAPPORTAGES, web["hidden"][0]),
        (INSPECTIONS, web["hidden"][2]),
    ]
    before = {record["id"]: read(coordinator, resource, record) for resource, record in linking}
    deleted = coordinator.delete(url(SIGNALS, signal), headers={"If-Match": '"1"'})
    assert deleted.status_code == 204, deleted.text
    for resource, record in linking:
        old, now = before[record["id"]], read(coordinator, resource, record)
        assert now["version"] == old["version"] + 1
        remaining = [i for i in old["signalIds"] if i != signal["id"]]
        assert now["signalIds"] == remaining
        last = coordinator.get(url(resource, record, "/history")).json()["items"][-1]
        assert last["changes"] == {"signalIds": {"old": old["signalIds"], "new": remaining}}
    # A partner's view of the same history names only the signals it may read.
    last = politie.get(url(RAPPORTAGES, web["rapportage"], "/history")).json()["items"][-1]
    assert last["changes"] == {"signalIds": {"old": [signal["id"]], "new": []}}


def test_history_hides_a_single_link_the_caller_may_not_read(
    coordinator: ApiClient, politie: ApiClient, web: dict[str, Any]
) -> None:
    patch(coordinator, MEASURES, web["orphan"], {"rapportageId": web["rapportage"]["id"]})
    items = politie.get(url(MEASURES, web["orphan"], "/history")).json()["items"]
    assert items[-1]["changes"] == {"rapportageId": {"old": None, "new": web["rapportage"]["id"]}}
    assert web["other_rapportage"]["id"] not in str(items)


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ('"2"', 304),
        ('W/"2"', 304),
        ('"1", "2"', 304),
        ('"7",W/"2"', 304),
        ("*", 304),
        ('"1"', 200),
        ('W/"1"', 200),
        ('"2-x"', 200),
    ],
)
def test_conditional_reads(
    coordinator: ApiClient, make_client: MakeClient, if_none_match: str, status: int
) -> None:
    record = create(coordinator, SIGNALS, partner="politie")
    patch(coordinator, SIGNALS, record, {"status": "in-behandeling"})
    for target in (url(SIGNALS, record), url(SIGNALS, record, "/history")):
        response = coordinator.get(target, headers={"If-None-Match": if_none_match})
        assert response.status_code == status, response.text
        assert response.headers["etag"] == '"2"'
        if status == 304:
            assert response.content == b""
        else:
            assert response.json()
    # Another partner's record does not exist for it, also conditionally.
    sdd = make_client("partner", "sdd")
    assert sdd.get(url(SIGNALS, record), headers={"If-None-Match": "*"}).status_code == 404


def test_lists_load_neighbours_in_a_fixed_number_of_statements(
    http: Any, coordinator: ApiClient
) -> None:
    """No N+1: a page costs as many statements with one record as with several, each with
    links both ways and every neighbour expanded."""
    from sqlalchemy import event

    engine = http.app_state["engine"]

    def statements_for_page() -> int:
        counted: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            counted.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            listed(coordinator, SIGNALS, expand="rapportages,inspections")
            listed(coordinator, RAPPORTAGES, expand="signals,measures")
        finally:
            event.remove(engine, "before_cursor_execute", note)
        return len(counted)

    def grow() -> None:
        signal = create(coordinator, SIGNALS, partner="politie")
        rapportage = create(coordinator, RAPPORTAGES, partner="politie", signalIds=[signal["id"]])
        create(coordinator, INSPECTIONS, partner="politie", signalIds=[signal["id"]])
        create(coordinator, MEASURES, partner="politie", rapportageId=rapportage["id"])

    grow()
    one = statements_for_page()
    for _ in range(4):
        grow()
    assert statements_for_page() == one
