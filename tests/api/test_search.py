"""Full-text search on every record list (`q=`, SPEC §4.1), in the database, on SQLite and
PostgreSQL alike: words, prefixes, case, accents, identifiers, and the caller's row filter."""

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from app.cli import main as cli
from app.db import make_engine
from app.records.registry import BY_RESOURCE, RECORD_TYPES
from app.records.search import search_condition
from app.settings import Settings
from tests.api.test_retention import age
from tests.builders import create
from tests.conftest import ApiClient, MakeClient, database_url, is_postgres


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie")


@pytest.fixture
def coordinator(make_client: MakeClient) -> ApiClient:
    return make_client("coordinator", "gemeente")


def found(client: ApiClient, resource: str, q: str, **params: Any) -> list[str]:
    response = client.get(f"/api/v1/{resource}", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def signals(client: ApiClient) -> dict[str, dict[str, Any]]:
    return {
        "cafe": create(
            client,
            "signals",
            externalId="CO-2023-0007",
            kvkNumber="12345678",
            address={"street": "Voorstraat", "postcode": "3311 AB", "city": "Dordrecht"},
            neighbourhood="Binnenstad",
            description="Opvallend veel contante betalingen bij het nieuwe Café De Hoek.",
        ),
        "hennep": create(
            client,
            "signals",
            kvkNumber="12345679",
            address={"street": "Spuiweg", "postcode": "3312 CD"},
            neighbourhood="Krispijn",
            description="Geur van hennep bij een garagebox; e-mail naar info@garage.nl.",
        ),
        "woning": create(
            client,
            "signals",
            neighbourhood="Crabbehof",
            description="Woningen met veel wisselende bewoners.",
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("betalingen", {"cafe"}),  # a whole word
        ("contant", {"cafe"}),  # a word prefix
        ("VOORSTRAAT", {"cafe"}),  # case
        ("cafe", {"cafe"}),  # accent: `cafe` finds `Café`
        ("CAFÉ", {"cafe"}),
        ("hennep garagebox", {"hennep"}),  # every word must match
        ("hennep voorstraat", set()),
        ("3311AB", {"cafe"}),  # a postcode with or without its space, any case
        ("3311 ab", {"cafe"}),
        ("3312 CD", {"hennep"}),
        ("12345678", {"cafe"}),  # a KvK number matches whole, not as a prefix
        ("1234567", {"cafe", "hennep"}),  # fewer digits are a prefix like any word
        ("CO-2023-0007", {"cafe"}),  # the externalId
        ("krispijn", {"hennep"}),  # the neighbourhood
        ("spuiweg", {"hennep"}),  # the street
        ("garage.nl", {"hennep"}),  # punctuation cuts words as everywhere
        ("woning bewoner", {"woning"}),
        ("zeldzaam", set()),  # no match
        # Query syntax of either database is only words here.
        ("hennep & !cafe | x:* <-> (", set()),
        ('hennep OR cafe NEAR("x" *', set()),
        ("hennep's garage-box", set()),
    ],
)
def test_q_finds_records_by_their_words(politie: ApiClient, q: str, expected: set[str]) -> None:
    records = signals(politie)
    assert set(found(politie, "signals", q)) == {records[name]["id"] for name in expected}


def test_a_reference_matches_whole_and_pages_keep_the_search(politie: ApiClient) -> None:
    records = signals(politie)
    reference = records["hennep"]["reference"]  # e.g. SIG-2026-000002: all share SIG-2026
    assert found(politie, "signals", reference) == [records["hennep"]["id"]]
    assert found(politie, "signals", reference.lower()) == [records["hennep"]["id"]]
    assert found(politie, "signals", reference.replace("-", "")) == [records["hennep"]["id"]]
    year = reference.split("-")[1]
    assert len(found(politie, "signals", f"SIG-{year}")) == 3

    first = politie.get("/api/v1/signals", params={"q": "veel", "limit": 1}).json()
    assert first["nextCursor"] is not None
    rest = politie.get(
        "/api/v1/signals", params={"q": "veel", "limit": 1, "cursor": first["nextCursor"]}
    ).json()
    assert {first["items"][0]["id"], rest["items"][0]["id"]} == {
        records["cafe"]["id"],
        records["woning"]["id"],
    }
    assert rest["nextCursor"] is None


@pytest.mark.skipif(not is_postgres(), reason="Dutch stemming is PostgreSQL's (SPEC §4.1)")
def test_dutch_stemming_on_postgresql(politie: ApiClient) -> None:
    records = signals(politie)
    # `woningen` is no prefix of `woning`; its stem is.
    single = create(politie, "signals", description="Een woning aan de haven.")
    assert set(found(politie, "signals", "woningen")) == {records["woning"]["id"], single["id"]}


def _searchable_values(field: str, word: str) -> tuple[dict[str, Any], str]:
    """A record body part that puts a findable value in `field`, and the `q` that finds it."""
    if field == "kvkNumber":
        return {"kvkNumber": "24681357"}, "24681357"
    if field == "address.postcode":
        return {"address": {"postcode": "2971 XK"}}, "2971xk"
    if field == "address.street":
        return {"address": {"street": f"{word}straat"}}, f"{word}straat"
    return {field: f"Iets over {word}"}, word


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda t: t.resource)
def test_q_searches_every_field_each_type_declares(politie: ApiClient, record_type: Any) -> None:
    resource = record_type.resource
    other = create(politie, resource, externalId="ANDER-1")
    for field in record_type.search.all_fields:
        if field == "reference":
            record = create(politie, resource)
            assert found(politie, resource, record["reference"]) == [record["id"]]
            continue
        word = f"uniek{field.replace('.', '').lower()}"
        values, q = _searchable_values(field, word)
        record = create(politie, resource, **values)
        assert found(politie, resource, q) == [record["id"]], field
    assert other["id"] not in found(politie, resource, "uniek")


def test_q_keeps_to_the_callers_partner_and_ceiling(
    politie: ApiClient, make_client: MakeClient, coordinator: ApiClient
) -> None:
    own = create(politie, "signals", description="Schimmige autohandel", confidentiality="intern")
    secret = create(
        politie, "signals", description="Schimmige autohandel", confidentiality="geheim"
    )
    mma = make_client("partner", "mma")
    theirs = create(mma, "signals", description="Schimmige autohandel")

    assert set(found(politie, "signals", "schimmige")) == {own["id"], secret["id"]}
    assert found(mma, "signals", "schimmige") == [theirs["id"]]
    assert found(politie, "signals", theirs["reference"]) == []
    assert found(politie, "signals", "schimmige", partner="mma") == []
    low = make_client("partner", "politie", maxConfidentiality="intern")
    assert found(low, "signals", "autohandel") == [own["id"]]
    assert found(low, "signals", secret["reference"]) == []
    assert set(found(coordinator, "signals", "autohandel")) == {
        own["id"],
        secret["id"],
        theirs["id"],
    }
    capped = make_client("coordinator", "gemeente", maxConfidentiality="vertrouwelijk")
    assert set(found(capped, "signals", "autohandel")) == {own["id"], theirs["id"]}


def test_q_follows_updates_deletes_and_the_retention_purge(
    politie: ApiClient,
    coordinator: ApiClient,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = create(politie, "signals", description="Oude tekst over een shishalounge")
    url = f"/api/v1/signals/{record['id']}"
    changed = politie.patch(
        url, json={"description": "Nieuwe tekst over een nagelstudio"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert found(politie, "signals", "shishalounge") == []
    assert found(politie, "signals", "nagelstudio") == [record["id"]]

    gone = create(politie, "signals", description="Nagelstudio die verdwijnt")
    deleted = coordinator.delete(f"/api/v1/signals/{gone['id']}", headers={"If-Match": '"1"'})
    assert deleted.status_code == 204
    assert found(politie, "signals", "nagelstudio") == [record["id"]]

    from datetime import UTC, datetime, timedelta

    import app.db

    monkeypatch.setattr(app.db, "_engine", engine)
    closed = create(politie, "signals", status="afgesloten", description="Jansen zijn garage")
    age(engine, "signals", closed["id"], closed_at=datetime.now(UTC) - timedelta(days=6 * 366))
    assert found(politie, "signals", "jansen") == [closed["id"]]
    assert cli(["purge-expired"]) == 0
    assert found(politie, "signals", "jansen") == []
    assert found(politie, "signals", closed["reference"]) == [closed["id"]]


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("", "min-length"),
        ("   ", "invalid"),
        ("!?-", "invalid"),
        ("a" * 201, "max-length"),
        ("hennep\x00", "nul"),
        ("hennep\x1b[31m", "invalid"),
        (" ".join(f"w{n}" for n in range(13)), "invalid"),
    ],
)
def test_bad_q_is_400_naming_q(politie: ApiClient, q: str, code: str) -> None:
    response = politie.get("/api/v1/signals", params={"q": q})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [param] = response.json()["invalidParams"]
    assert param["name"] == "q"
    assert param["code"] == code


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda t: t.resource)
def test_bytes_that_are_not_utf8_in_q_are_400(politie: ApiClient, record_type: Any) -> None:
    response = politie.get(f"/api/v1/{record_type.resource}?q=caf%E9")
    assert response.status_code == 400, response.text
    assert [param["name"] for param in response.json()["invalidParams"]] == ["q"]


@pytest.mark.skipif(not is_postgres(), reason="the tsquery and its plans are PostgreSQL's")
def test_the_words_are_parsed_once_not_for_every_row_read(politie: ApiClient) -> None:
    """The list's query compares the index with the words' tsquery as a value: with
    `to_tsquery` in it, a plan that reads records in sort order and filters them (the
    plan for common words) parses and stems the words again for every row (at 1M records
    300 ms instead of 4 ms for two words, bench/lists.py)."""
    records = signals(politie)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        assert found(politie, "signals", "contante betalingen") == [records["cafe"]["id"]]
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    listing = [s for s in statements if "@@" in s]
    assert len(listing) == 1, statements
    assert "to_tsquery" not in listing[0]
    assert "AS TSQUERY)" in listing[0]


@pytest.mark.skipif(not is_postgres(), reason="a PostgreSQL planner setting")
def test_the_service_sets_its_random_page_cost_on_postgresql(engine: Engine) -> None:
    """`DATABASE_RANDOM_PAGE_COST` (default 1.1) on every connection the service opens;
    unset, the server's own value stays."""
    server = engine.connect()
    try:
        default = server.execute(text("SHOW random_page_cost")).scalar()
    finally:
        server.close()
    for setting, expected in ((None, default), (2.5, "2.5"), (1.1, "1.1")):
        tuned = make_engine(database_url(), random_page_cost=setting)
        try:
            with tuned.connect() as connection:
                assert connection.execute(text("SHOW random_page_cost")).scalar() == expected
                connection.rollback()
                assert connection.execute(text("SHOW random_page_cost")).scalar() == expected
        finally:
            tuned.dispose()
    assert Settings().database_random_page_cost == 1.1
    assert Settings(database_random_page_cost="").database_random_page_cost is None
    with pytest.raises(ValidationError):
        Settings(database_random_page_cost=0)


def test_the_s_of_a_plural_with_an_apostrophe_adds_no_word(politie: ApiClient) -> None:
    """`camera's` finds the cameras and the camera: the `'s` is no word that must match too
    (as a one-letter prefix it matched every word beginning with s, and took a partner's
    two-word search at 1M records to 70 ms). Measures (`MR-…`): no reference starts with s."""
    plural = create(politie, "measures", description="Twee camera's bij de ingang.")
    single = create(politie, "measures", description="Een camera boven de deur.")
    create(politie, "measures", description="Een sleutel onder de mat.")
    assert set(found(politie, "measures", "camera's")) == {plural["id"], single["id"]}
    assert set(found(politie, "measures", "camera\u2019s deur")) == {single["id"]}


@pytest.mark.skipif(not is_postgres(), reason="a PostgreSQL planner setting")
def test_a_search_plans_its_transaction_for_its_own_words(engine: Engine) -> None:
    """A prepared statement's generic plan guesses how many records the words match; a
    search's transaction plans every statement for its parameters, and only that one."""
    with Session(engine) as session:
        assert session.scalar(text("SHOW plan_cache_mode")) == "auto"
        search_condition(session, BY_RESOURCE["signals"], "contante betalingen")
        assert session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
        session.commit()
        assert session.scalar(text("SHOW plan_cache_mode")) == "auto"
