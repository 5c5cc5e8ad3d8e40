"""The seeded reference data equal SPEC §3, and every role may read them."""

import pytest

from tests.conftest import ApiClient, MakeClient

INDICATORS = {
    # code: (pillar, theme, kind, target, resource, filters)
    "p1-integrale-controles": (
        "p1",
        "ondermijnende-bedrijvigheid",
        "count",
        (10, "year"),
        "inspections",
        {"kind": ["integrale-controle"]},
    ),
    "p1-controles-seksbranche": (
        "p1",
        "mensenhandel-prostitutie",
        "count",
        None,
        "inspections",
        {"kind": ["seksbranche-controle"]},
    ),
    "p1-controles-bedrijventerreinen": (
        "p1",
        "bedrijventerreinen",
        "count",
        None,
        "inspections",
        {"kind": ["garagebox-controle", "bedrijfsverzamelgebouw-controle"]},
    ),
    "p1-drugsacties": (
        "p1",
        "drugs",
        "count",
        (4, "plan"),
        "inspections",
        {"kind": ["wijkgerichte-drugsactie"]},
    ),
    "p1-beeld-mensenhandel": ("p1", "mensenhandel-prostitutie", "milestone", None, None, None),
    "p1-dor-uitrol": ("p1", "bedrijventerreinen", "milestone", None, None, None),
    "p1-verkenning-binnenstad": ("p1", "binnenstad", "milestone", None, None, None),
    "p1-riec-zorgfraude": ("p1", "zorgfraude", "milestone", None, None, None),
    "p1-henneptrain": ("p1", "drugs", "milestone", None, None, None),
    "p1-crimescript-cocaine": ("p1", "drugs", "milestone", None, None, None),
    "p2-bewustwordingstrainingen": (
        "p2",
        None,
        "count",
        (2, "plan"),
        "campaigns",
        {"kind": ["bewustwordingstraining"], "audiences": ["handhaving", "wijkmanagers"]},
    ),
    "p2-apv-ondermijningsproof": ("p2", None, "milestone", None, None, None),
    "p3-communicatiecampagnes": (
        "p3",
        None,
        "count",
        (3, "plan"),
        "campaigns",
        {"kind": ["communicatiecampagne"]},
    ),
    "p3-sdd-weerbaarheid": ("p3", None, "milestone", None, None, None),
}


def test_plan_is_seeded(admin: ApiClient) -> None:
    assert admin.get("/api/v1/plans").json()["items"] == [
        {
            "code": "2023-2024",
            "title": "Uitvoeringsplan ondermijning 2023-2024",
            "startsOn": "2023-01-01",
            "endsOn": "2024-12-31",
        }
    ]
    assert admin.get("/api/v1/plans/2023-2024").json()["endsOn"] == "2024-12-31"
    assert admin.get("/api/v1/plans/1999").status_code == 404


def test_pillars_are_seeded(admin: ApiClient) -> None:
    items = admin.get("/api/v1/pillars", params={"plan": "2023-2024"}).json()["items"]
    assert [(p["code"], p["title"]) for p in items] == [
        ("p1", "Het aanpakken van ondermijnende criminaliteit"),
        ("p2", "Het versterken van een weerbare overheid"),
        ("p3", "Het versterken van de maatschappelijke weerbaarheid"),
    ]
    assert admin.get("/api/v1/pillars", params={"plan": "nope"}).status_code == 400


def test_themes_and_partners_are_seeded(admin: ApiClient) -> None:
    themes = {t["code"] for t in admin.get("/api/v1/themes").json()["items"]}
    assert themes == {
        "drugs",
        "mensenhandel-prostitutie",
        "ondermijnende-bedrijvigheid",
        "bedrijventerreinen",
        "binnenstad",
        "zorgfraude",
        "vastgoed",
        "witwassen",
    }
    partners = {p["code"] for p in admin.get("/api/v1/partners").json()["items"]}
    assert partners == {"gemeente", "politie", "om", "sdd", "ozhz", "riec", "mma"}


def test_indicators_are_seeded_exactly(admin: ApiClient) -> None:
    items = admin.get("/api/v1/indicators", params={"plan": "2023-2024"}).json()["items"]
    assert [i["code"] for i in items] == list(INDICATORS)
    for item in items:
        pillar, theme, kind, target, resource, filters = INDICATORS[item["code"]]
        assert (item["pillar"], item["theme"], item["kind"]) == (pillar, theme, kind)
        assert item["target"] == ({"value": target[0], "per": target[1]} if target else None)
        if resource is None:
            assert item["countingRule"] is None
        else:
            assert item["countingRule"] == {
                "resource": resource,
                "filters": filters,
                "sumField": None,
            }
        assert item["title"]


def test_one_indicator(admin: ApiClient) -> None:
    body = admin.get("/api/v1/indicators/p1-drugsacties").json()
    assert body["target"] == {"value": 4, "per": "plan"}
    assert admin.get("/api/v1/indicators/p9-niets").status_code == 404


@pytest.mark.parametrize("role", ["partner", "coordinator", "analyst", "admin"])
def test_every_role_reads_reference_data(make_client: MakeClient, role: str) -> None:
    client = make_client(role, "politie" if role == "partner" else None)
    for path in ("/plans", "/pillars", "/themes", "/partners", "/indicators"):
        assert client.get(f"/api/v1{path}").status_code == 200
