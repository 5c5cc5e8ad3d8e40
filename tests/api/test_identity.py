"""SPEC §7 "People sign in": OpenID Connect access tokens from a real provider on loopback
(tests/oidc/), identity mappings, the person in the audit log, and `GET /me`."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.access.schemas import ClientCreate
from app.access.service import create_client
from app.main import create_app
from app.settings import Settings
from tests.builders import body
from tests.conftest import MakeClient, clean, database_url
from tests.oidc.provider import OidcProvider, start_provider


@pytest.fixture(scope="session")
def oidc() -> Iterator[OidcProvider]:
    yield from start_provider()


def people_settings(oidc: OidcProvider, **overrides: Any) -> Settings:
    fields: dict[str, Any] = {
        "database_url": database_url(),
        "log_level": "WARNING",
        "oidc_issuer": oidc.issuer,
        "oidc_audience": oidc.audience,
        # Every unknown kid fetches the keys again (the default waits 10 s between fetches).
        "oidc_jwks_min_refresh_seconds": 0,
    }
    return Settings(**{**fields, **overrides})


@pytest.fixture(scope="session")
def people_app(oidc: OidcProvider, engine: Engine) -> FastAPI:
    return create_app(people_settings(oidc))


@pytest.fixture
def api(people_app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    with TestClient(people_app, raise_server_exceptions=False) as client:
        yield client
    clean(engine)


def new_key(engine: Engine, role: str = "admin", partner: str | None = None) -> dict[str, str]:
    with Session(engine) as session:
        _, key = create_client(
            session, ClientCreate(name=f"{role} key", role=role, partner=partner)
        )
        session.commit()
    return bearer(key)


@pytest.fixture
def admin(api: TestClient, engine: Engine) -> dict[str, str]:
    return new_key(engine)


def bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}


def add_mapping(api: TestClient, admin: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = api.post("/api/v1/identity-mappings", headers=admin, json=fields)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def audit_events(api: TestClient, admin: dict[str, str], **filters: str) -> list[dict[str, Any]]:
    response = api.get("/api/v1/audit-events", headers=admin, params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


COORDINATORS = {"claim": "groups", "value": "riec-coordinatoren", "role": "coordinator"}


# --- the good path --------------------------------------------------------------------


def test_person_signs_in_with_a_token_from_the_provider(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    add_mapping(api, admin, **COORDINATORS, partner="gemeente", maxConfidentiality="vertrouwelijk")
    token = oidc.token("jan")
    me = api.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    body_ = me.json()
    assert body_["kind"] == "person"
    assert body_["name"] == "Jan de Vries"
    assert body_["subject"] == "jan"
    assert body_["role"] == "coordinator"
    assert body_["partner"] == "gemeente"
    assert body_["maxConfidentiality"] == "vertrouwelijk"
    assert {"getMe", "listSignals", "deleteSignal", "createMilestoneUpdate"} <= set(
        body_["operations"]
    )
    assert not {"createClient", "listAuditEvents", "getStatistics"} & set(body_["operations"])
    # The role applies: a coordinator may read records but not the audit log.
    assert api.get("/api/v1/signals", headers=bearer(token)).status_code == 200
    assert api.get("/api/v1/audit-events", headers=bearer(token)).status_code == 403


def test_a_person_without_name_is_named_by_sub(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    add_mapping(api, admin, **COORDINATORS)
    me = api.get("/api/v1/me", headers=bearer(oidc.token("anoniem"))).json()
    assert (me["name"], me["subject"]) == ("anoniem", "anoniem")


def test_me_for_an_api_client(api: TestClient, engine: Engine) -> None:
    analyst = new_key(engine, "analyst")
    me = api.get("/api/v1/me", headers=analyst)
    assert me.status_code == 200, me.text
    assert me.json()["kind"] == "client"
    assert me.json()["subject"] is None
    assert me.json()["role"] == "analyst"
    operations = set(me.json()["operations"])
    assert {"getMe", "getStatistics", "getTerugblik", "listPlans"} <= operations
    assert not {"listSignals", "createClient"} & operations


def test_operations_of_me_are_those_the_role_may_call(
    api: TestClient, engine: Engine, people_app: FastAPI
) -> None:
    """`operations` is the matrix of tests/api/test_access.py, seen from each role."""
    from tests.api.test_access import POLICY, ROLES, api_routes

    existing = {operation for _, _, operation in api_routes(people_app)}
    for role in ROLES:
        headers = new_key(engine, role, "politie" if role == "partner" else None)
        operations = set(api.get("/api/v1/me", headers=headers).json()["operations"])
        assert operations == {op for op in existing if role in POLICY[op]}, role


def test_partner_events_are_for_api_clients_only(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    """An inbox entry names the client that posted it: people read and write records."""
    add_mapping(api, admin, **{**COORDINATORS, "role": "partner", "partner": "politie"})
    person = bearer(oidc.token("jan"))
    operations = api.get("/api/v1/me", headers=person).json()["operations"]
    assert "createSignal" in operations
    assert not {"postEvents", "listEvents", "getEvent"} & set(operations)
    posted = api.post("/api/v1/events", headers=person, json=[])
    assert posted.status_code == 403
    assert "API clients" in posted.json()["detail"]


def test_api_keys_still_work_beside_tokens(api: TestClient, engine: Engine) -> None:
    partner = new_key(engine, "partner", "politie")
    assert api.get("/api/v1/plans", headers=partner).status_code == 200
    assert api.get("/api/v1/plans", headers=bearer("omk_unknown")).status_code == 401


def test_without_an_issuer_a_token_is_an_unknown_key(
    http: TestClient, oidc: OidcProvider, make_client: MakeClient
) -> None:
    """The default app has no OIDC_ISSUER: a JWT is then looked up as a key, and refused."""
    admin = make_client("admin")
    token = oidc.sign({})
    response = http.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    failures = admin.get("/api/v1/audit-events", params={"action": "authenticate"}).json()
    assert failures["items"][0]["detail"] == "unknown key"


# --- refused tokens: 401 problem+json, audited ------------------------------------------


def _hs256_with_public_key(oidc: OidcProvider) -> str:
    """The classic confusion attack, forged by hand (PyJWT refuses to make it): HMAC-SHA256
    keyed with the issuer's public key in PEM."""
    secret = oidc.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": oidc.kid}
    now = int(time.time())
    payload = {"iss": oidc.issuer, "aud": oidc.audience, "sub": "jan", "exp": now + 300}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _tampered(oidc: OidcProvider) -> str:
    """The provider's own token with its payload changed (another `sub` and groups)."""
    header, payload, signature = oidc.token("piet").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(sub="jan", groups=["riec-beheer"])
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _unknown_kid(oidc: OidcProvider) -> str:
    now = int(time.time())
    claims = {"iss": oidc.issuer, "aud": oidc.audience, "sub": "jan", "exp": now + 300}
    return jwt.encode(claims, _other_key(), algorithm="RS256", headers={"kid": "not-published"})


def _our_kid_other_key(oidc: OidcProvider) -> str:
    now = int(time.time())
    claims = {"iss": oidc.issuer, "aud": oidc.audience, "sub": "jan", "exp": now + 300}
    return jwt.encode(claims, _other_key(), algorithm="RS256", headers={"kid": oidc.kid})


def _alg_none(oidc: OidcProvider) -> str:
    now = int(time.time())
    claims = {"iss": oidc.issuer, "aud": oidc.audience, "sub": "jan", "exp": now + 300}
    return jwt.encode(claims, None, algorithm="none", headers={"kid": oidc.kid})


REFUSED = {
    "expired": (lambda o: o.sign({"exp": int(time.time()) - 120}), "expired token"),
    "not yet valid": (lambda o: o.sign({"nbf": int(time.time()) + 120}), "token not yet valid"),
    "wrong issuer": (lambda o: o.sign({"iss": "http://127.0.0.1:1"}), "wrong issuer"),
    "wrong audience": (lambda o: o.sign({"aud": "https://elsewhere.test"}), "wrong audience"),
    "no expiry": (lambda o: o.sign({"exp": None}), "token lacks a required claim"),
    "alg none": (_alg_none, "algorithm not allowed"),
    "HS256 with the public key": (_hs256_with_public_key, "algorithm not allowed"),
    "unknown kid": (_unknown_kid, "unknown signing key"),
    "signed by another key": (_our_kid_other_key, "invalid token signature"),
    "tampered payload": (_tampered, "invalid token signature"),
    "100 KB": (lambda o: o.sign({"padding": "x" * 100_000}), "token too large"),
    "garbage with two dots": (lambda o: "abc.def.ghi", "malformed token"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_tokens_are_401_and_audited(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider, case: str
) -> None:
    add_mapping(api, admin, **COORDINATORS)
    add_mapping(api, admin, claim="groups", value="riec-beheer", role="admin")
    make, reason = REFUSED[case]
    token = make(oidc)
    response = api.get("/api/v1/signals", headers=bearer(token))
    assert response.status_code == 401, (case, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401
    failures = audit_events(api, admin, action="authenticate", outcome="failure")
    assert [f["detail"] for f in failures] == [reason], case
    assert failures[0]["clientId"] is None
    assert token[:40] not in json.dumps(failures)


def test_an_unknown_kid_fetches_the_keys_once_more(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    add_mapping(api, admin, **COORDINATORS)
    assert api.get("/api/v1/me", headers=bearer(oidc.token("jan"))).status_code == 200
    verifier = api.app_state["people"].verifier
    fetched = verifier.jwks_fetches
    assert fetched == 1
    # Known kid, warm cache: no fetch.
    assert api.get("/api/v1/me", headers=bearer(oidc.token("jan"))).status_code == 200
    assert verifier.jwks_fetches == fetched
    # Unknown kid: one refresh, then refused.
    assert api.get("/api/v1/me", headers=bearer(_unknown_kid(oidc))).status_code == 401
    assert verifier.jwks_fetches == fetched + 1


def test_refresh_after_an_unknown_kid_waits_the_cooldown(
    oidc: OidcProvider, engine: Engine
) -> None:
    """A stream of made-up kids cannot make the API fetch the keys on every request."""
    slow = create_app(people_settings(oidc, oidc_jwks_min_refresh_seconds=60))
    with TestClient(slow, raise_server_exceptions=False) as api:
        admin = new_key(engine)
        add_mapping(api, admin, **COORDINATORS)
        assert api.get("/api/v1/me", headers=bearer(oidc.token("jan"))).status_code == 200
        verifier = api.app_state["people"].verifier
        for _ in range(5):
            assert api.get("/api/v1/me", headers=bearer(_unknown_kid(oidc))).status_code == 401
        assert verifier.jwks_fetches == 1
    clean(engine)


def test_an_unreachable_issuer_is_503(engine: Engine, oidc: OidcProvider) -> None:
    settings = people_settings(oidc)
    settings.oidc_issuer = "http://127.0.0.1:18399"  # nothing listens there
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        admin = new_key(engine)
        response = api.get("/api/v1/me", headers=bearer(oidc.token("jan")))
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        failures = audit_events(api, admin, action="authenticate")
        assert failures[0]["detail"] == "issuer unavailable"
    clean(engine)


# --- identity mappings ------------------------------------------------------------------


def test_a_person_matching_no_mapping_is_403_and_audited(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    add_mapping(api, admin, **COORDINATORS)
    response = api.get("/api/v1/me", headers=bearer(oidc.token("piet")))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    denied = audit_events(api, admin, action="authorize", outcome="denied")
    assert denied[0]["actorKind"] == "person"
    assert denied[0]["subject"] == "piet"


def test_the_lowest_priority_wins_over_the_widest_mapping(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    """fatima is in `politie-medewerkers` and `riec-beheer`: the admin mapping is wider, but
    the partner mapping has the lower priority, so she is a partner."""
    add_mapping(api, admin, claim="groups", value="riec-beheer", role="admin", priority=50)
    add_mapping(
        api,
        admin,
        claim="groups",
        value="politie-medewerkers",
        role="partner",
        partner="politie",
        maxConfidentiality="intern",
        priority=10,
    )
    token = oidc.token("fatima")
    me = api.get("/api/v1/me", headers=bearer(token)).json()
    assert (me["role"], me["partner"], me["maxConfidentiality"]) == ("partner", "politie", "intern")
    assert api.get("/api/v1/clients", headers=bearer(token)).status_code == 403


def test_a_string_claim_matches_by_equality(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    add_mapping(api, admin, claim="client_id", value="piet", role="analyst")
    me = api.get("/api/v1/me", headers=bearer(oidc.token("piet"))).json()
    assert me["role"] == "analyst"
    add_mapping(api, admin, claim="client_id", value="pie", role="admin", priority=1)
    assert api.get("/api/v1/me", headers=bearer(oidc.token("piet"))).json()["role"] == "analyst"


def test_a_deleted_mapping_takes_effect_in_every_process(
    oidc: OidcProvider, engine: Engine
) -> None:
    """Two app instances on one database, as two worker processes: the one that deletes
    refuses at once, the other within IDENTITY_MAPPINGS_CACHE_SECONDS (here 1 s)."""
    settings = people_settings(oidc, identity_mappings_cache_seconds=1.0)
    first, second = create_app(settings), create_app(settings)
    with (
        TestClient(first, raise_server_exceptions=False) as one,
        TestClient(second, raise_server_exceptions=False) as other,
    ):
        admin = new_key(engine)
        mapping = add_mapping(one, admin, **COORDINATORS)
        token = bearer(oidc.token("jan"))
        assert one.get("/api/v1/me", headers=token).status_code == 200
        assert other.get("/api/v1/me", headers=token).status_code == 200
        deleted = one.delete(f"/api/v1/identity-mappings/{mapping['id']}", headers=admin)
        assert deleted.status_code == 204
        assert one.get("/api/v1/me", headers=token).status_code == 403
        time.sleep(1.1)
        assert other.get("/api/v1/me", headers=token).status_code == 403
    clean(engine)


def test_identity_mappings_are_listed_and_deleted(api: TestClient, admin: dict[str, str]) -> None:
    made = add_mapping(api, admin, **COORDINATORS, partner="gemeente", priority=5)
    assert made == {
        "id": made["id"],
        "claim": "groups",
        "value": "riec-coordinatoren",
        "role": "coordinator",
        "partner": "gemeente",
        "maxConfidentiality": "zeer-geheim",
        "priority": 5,
    }
    listed = api.get("/api/v1/identity-mappings", headers=admin).json()["items"]
    assert listed == [made]
    path = f"/api/v1/identity-mappings/{made['id']}"
    assert api.delete(path, headers=admin).status_code == 204
    assert api.delete(path, headers=admin).status_code == 404
    assert api.get("/api/v1/identity-mappings", headers=admin).json()["items"] == []
    audited = audit_events(api, admin, resource="identity-mappings")
    assert [a["action"] for a in audited] == ["delete", "create"]


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"claim": "groups", "value": "x", "role": "partner"}, ""),
        ({"claim": "groups", "value": "x", "role": "boss"}, "role"),
        ({"claim": "", "value": "x", "role": "admin"}, "claim"),
        ({"claim": "groups", "value": "x", "role": "admin", "priority": -1}, "priority"),
        ({"claim": "groups", "value": "x", "role": "admin", "extra": 1}, "extra"),
        ({"value": "x", "role": "admin"}, "claim"),
    ],
)
def test_invalid_mappings_are_400(
    api: TestClient, admin: dict[str, str], fields: dict[str, Any], name: str
) -> None:
    response = api.post("/api/v1/identity-mappings", headers=admin, json=fields)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(name in p["name"] for p in response.json()["invalidParams"])
    assert api.get("/api/v1/identity-mappings", headers=admin).json()["items"] == []


def test_unknown_partner_and_duplicates(api: TestClient, admin: dict[str, str]) -> None:
    unknown = api.post(
        "/api/v1/identity-mappings",
        headers=admin,
        json={"claim": "groups", "value": "x", "role": "partner", "partner": "fbi"},
    )
    assert unknown.status_code == 400
    assert unknown.json()["invalidParams"][0]["code"] == "unknown-partner"
    add_mapping(api, admin, **COORDINATORS)
    again = api.post("/api/v1/identity-mappings", headers=admin, json=COORDINATORS)
    assert again.status_code == 409


def test_only_admins_keep_mappings(
    api: TestClient, admin: dict[str, str], engine: Engine, oidc: OidcProvider
) -> None:
    add_mapping(api, admin, **COORDINATORS)
    for headers in (new_key(engine, "coordinator"), bearer(oidc.token("jan"))):
        assert api.get("/api/v1/identity-mappings", headers=headers).status_code == 403
        created = api.post("/api/v1/identity-mappings", headers=headers, json=COORDINATORS)
        assert created.status_code == 403


# --- the person in the audit log --------------------------------------------------------


def test_the_audit_log_names_the_person_for_writes_reads_and_exports(
    api: TestClient, admin: dict[str, str], oidc: OidcProvider
) -> None:
    add_mapping(api, admin, **COORDINATORS, partner="gemeente")
    person = bearer(oidc.token("jan"))
    created = api.post("/api/v1/signals", headers=person, json=body("signals", partner="gemeente"))
    assert created.status_code == 201, created.text
    signal_id = created.json()["id"]
    assert api.get(f"/api/v1/signals/{signal_id}", headers=person).status_code == 200
    exported = api.get("/api/v1/progress", headers={**person, "Accept": "text/csv"})
    assert exported.status_code == 200, exported.text
    entries = audit_events(api, admin)
    by_action = {(e["action"], e["resource"]): e for e in entries if e["actorKind"] == "person"}
    for key in (("create", "signals"), ("read", "signals"), ("export", "progress")):
        entry = by_action[key]
        assert entry["subject"] == "jan", key
        assert entry["clientName"] == "Jan de Vries", key
        assert entry["clientId"] is None, key
        assert entry["role"] == "coordinator", key
    mine = [e for e in entries if e["actorKind"] == "client"]
    assert mine
    assert all(e["subject"] is None and e["clientId"] for e in mine)


@pytest.mark.parametrize("algorithms", ["HS256", "RS256,none", "RS256,HS512", ""])
def test_symmetric_or_no_algorithm_cannot_be_configured(algorithms: str) -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        Settings(oidc_algorithms=algorithms)


def test_a_remembered_token_still_expires(oidc: OidcProvider, engine: Engine) -> None:
    """A verified token is remembered, but never past its `exp`."""
    with TestClient(
        create_app(people_settings(oidc, oidc_leeway_seconds=0)), raise_server_exceptions=False
    ) as api:
        admin = new_key(engine)
        add_mapping(api, admin, **COORDINATORS)
        token = bearer(oidc.sign({"exp": int(time.time()) + 2}))
        assert api.get("/api/v1/me", headers=token).status_code == 200
        assert api.get("/api/v1/me", headers=token).status_code == 200
        time.sleep(2.5)
        assert api.get("/api/v1/me", headers=token).status_code == 401
        failures = audit_events(api, admin, action="authenticate")
        assert failures[0]["detail"] == "expired token"
    clean(engine)
