"""The test session's OpenID Connect provider: the certified `oidc-provider` package
(tests/oidc/provider.mjs) run with the machine's Node.js on loopback.

The tests make its signing key (an RSA key the provider publishes in its JWKS and signs its
access tokens with), so that they can also sign tokens with claims the provider would never
issue (expired, for another audience, …) and see the API refuse them for that reason and
not for their signature.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

HERE = Path(__file__).resolve().parent
PORTS = range(18310, 18399)
AUDIENCE = "https://ondermijningsmonitor.test/api"
KID = "test-signing-key"
START_SECONDS = 30.0

# The provider's client-credentials clients, standing in for people: their tokens carry
# `name` and `groups` as a municipality's identity provider would put them.
PEOPLE: dict[str, dict[str, Any]] = {
    "jan": {"name": "Jan de Vries", "groups": ["riec-coordinatoren"]},
    "fatima": {"name": "Fatima el Amrani", "groups": ["politie-medewerkers", "riec-beheer"]},
    "piet": {"name": "Piet Onbekend", "groups": ["kantine"]},
    "anoniem": {"groups": ["riec-coordinatoren"]},
}


@dataclass
class OidcProvider:
    issuer: str
    audience: str
    token_endpoint: str
    private_key: rsa.RSAPrivateKey
    kid: str

    def token(self, person: str, **form: str) -> str:
        """An access token from the provider by the client-credentials grant."""
        response = httpx.post(
            self.token_endpoint,
            data={
                "grant_type": "client_credentials",
                "client_id": person,
                "client_secret": _secret(person),
                "resource": self.audience,
                "scope": "api",
                **form,
            },
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        """A token signed with the provider's own key, with whatever claims a test needs."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": "jan",
            "iat": now,
            "exp": now + 300,
            "groups": ["riec-coordinatoren"],
            **claims,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(
            payload, self.private_key, algorithm="RS256", headers={"kid": self.kid, **header}
        )


def _secret(person: str) -> str:
    return f"test-secret-of-{person}-0123456789abcdef"


def _free_port() -> int:
    # pytest-xdist workers start their own provider: each from its own offset, so that two
    # of them do not probe the same free port at the same moment.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    offset = (int(worker) * 10 if worker.isdigit() else 0) % len(PORTS)
    for port in [*PORTS[offset:], *PORTS[:offset]]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the OpenID Connect provider")


def start_provider() -> Iterator[OidcProvider]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "Node.js and npm are not installed: the OpenID Connect provider cannot run"
        if os.environ.get("OIDC_PROVIDER_REQUIRED"):  # .ci/run: never skip there
            pytest.fail(reason)
        pytest.skip(reason)
    if not (HERE / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # the provider selects its keys by `use`
    jwk.update(kid=KID, alg="RS256", use="sig")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_SIGNING_JWK": json.dumps(jwk),
        "OIDC_CLIENTS": json.dumps(
            {person: {**claims, "secret": _secret(person)} for person, claims in PEOPLE.items()}
        ),
    }
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        discovery = _wait_for_discovery(issuer, process)
        yield OidcProvider(issuer, AUDIENCE, discovery["token_endpoint"], key, KID)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"the OpenID Connect provider stopped: {errors[-2000:]}")
        try:
            response = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if response.status_code == 200:
                return dict(response.json())
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the OpenID Connect provider did not answer its discovery in time")
