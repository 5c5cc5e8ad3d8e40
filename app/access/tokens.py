"""OpenID Connect access tokens: the issuer's keys (discovered, cached) and token validation.

Everything that parses or verifies a JWT is PyJWT's (`jwt.decode`, `PyJWKClient`); this
module only chooses the rules: the issuer and audience of the settings, an allow-list of
asymmetric algorithms (never `none`, never HS*: a public key must not become an HMAC
secret), `exp`/`nbf`/`iss`/`aud` required or enforced, and a size limit checked before
anything is decoded. The issuer's JWKS is found through its discovery document, kept for
OIDC_JWKS_CACHE_SECONDS and fetched again at once, at most every
OIDC_JWKS_MIN_REFRESH_SECONDS, when a token names a `kid` it does not hold (key rotation).
"""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKClient

from app.settings import ASYMMETRIC_ALGORITHMS, Settings

logger = logging.getLogger("app.access")

DISCOVERY_PATH = "/.well-known/openid-configuration"
HTTP_TIMEOUT_SECONDS = 5.0


def looks_like_jwt(credential: str) -> bool:
    """A JWS in compact form has three dot-separated parts; API keys have no dots."""
    return credential.count(".") == 2


class InvalidToken(Exception):
    """The token is refused; `reason` goes to the audit log (never the token itself)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeysNeeded(Exception):
    """The issuer's keys are not cached: validation has to fetch them (blocking IO)."""


class IssuerUnavailable(Exception):
    """The issuer's discovery document or keys could not be fetched."""


@dataclass(frozen=True)
class TokenSettings:
    issuer: str
    audience: str
    algorithms: tuple[str, ...]
    leeway_seconds: int
    jwks_cache_seconds: int
    jwks_min_refresh_seconds: float
    max_token_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> "TokenSettings | None":
        if settings.oidc_issuer is None or settings.oidc_audience is None:
            return None
        return cls(
            issuer=settings.oidc_issuer.rstrip("/"),
            audience=settings.oidc_audience,
            algorithms=tuple(a for a in settings.oidc_algorithms if a in ASYMMETRIC_ALGORITHMS),
            leeway_seconds=settings.oidc_leeway_seconds,
            jwks_cache_seconds=settings.oidc_jwks_cache_seconds,
            jwks_min_refresh_seconds=settings.oidc_jwks_min_refresh_seconds,
            max_token_bytes=settings.oidc_max_token_bytes,
        )


# PyJWT's exceptions, most specific first, as the reason the audit log gives.
_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "expired token"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim"),
    (jwt.InvalidAlgorithmError, "algorithm not allowed"),
    (jwt.InvalidSignatureError, "invalid token signature"),
    (jwt.DecodeError, "malformed token"),
)


def _reason(error: jwt.PyJWTError) -> str:
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return "invalid token"


class TokenVerifier:
    """Validates access tokens of one issuer for one audience; one per process."""

    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._jwks: _CountingJWKClient | None = None
        self._discovery_failed_at = -float("inf")

    def claims(self, token: str, *, fetch: bool) -> dict[str, Any]:
        """The verified claims of `token`, or InvalidToken. Without `fetch` no IO is done:
        KeysNeeded says that the keys have to be (re)fetched first, in a thread."""
        if len(token) > self.settings.max_token_bytes:
            raise InvalidToken("token too large")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken(_reason(error)) from None
        if header.get("alg") not in self.settings.algorithms:
            raise InvalidToken("algorithm not allowed")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken("malformed token")
        key = self._key(kid, fetch=fetch)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=list(self.settings.algorithms),
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(_reason(error)) from None

    def _key(self, kid: str | None, *, fetch: bool) -> PyJWK:
        client = self._jwks
        cached = client.jwk_set_cache.get() if client and client.jwk_set_cache else None
        if cached is not None:
            key = _match(cached.keys, kid)
            if key is not None:
                return key
        if not fetch:
            raise KeysNeeded()
        client = self._client()
        if kid is None:
            key = _match(self._signing_keys(client, refresh=False), None)
            if key is None:
                raise InvalidToken("unknown signing key")
            return key
        try:
            # PyJWT refreshes the set once for an unknown kid (no more often than the
            # cooldown), so a rotated key is picked up and a made-up kid costs one fetch.
            return client.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as error:
            raise IssuerUnavailable(str(error)) from None
        except jwt.PyJWKClientError:
            raise InvalidToken("unknown signing key") from None

    def _signing_keys(self, client: PyJWKClient, *, refresh: bool) -> list[PyJWK]:
        try:
            return client.get_signing_keys(refresh=refresh)
        except jwt.PyJWKClientConnectionError as error:
            raise IssuerUnavailable(str(error)) from None
        except jwt.PyJWKClientError:
            raise InvalidToken("unknown signing key") from None

    @property
    def jwks_fetches(self) -> int:
        """How often the keys were fetched (for tests and the benchmark)."""
        return self._jwks.fetches if self._jwks is not None else 0

    def _client(self) -> "_CountingJWKClient":
        """The JWKS client, made from the issuer's discovery document on first use."""
        if self._jwks is not None:
            return self._jwks
        with self._lock:
            if self._jwks is not None:
                return self._jwks
            # A failing issuer is asked again only after the refresh interval, not per request.
            if (
                time.monotonic() - self._discovery_failed_at
                < self.settings.jwks_min_refresh_seconds
            ):
                raise IssuerUnavailable("discovery failed recently")
            try:
                jwks_uri = self._discover()
            except (httpx.HTTPError, ValueError, KeyError) as error:
                self._discovery_failed_at = time.monotonic()
                logger.warning("OpenID Connect discovery failed: %s", type(error).__name__)
                raise IssuerUnavailable("discovery failed") from None
            self._jwks = _CountingJWKClient(
                jwks_uri,
                cache_jwk_set=True,
                lifespan=self.settings.jwks_cache_seconds,
                timeout=HTTP_TIMEOUT_SECONDS,
                cooldown_duration=self.settings.jwks_min_refresh_seconds,
            )
            return self._jwks

    def _discover(self) -> str:
        url = self.settings.issuer + DISCOVERY_PATH
        response = httpx.get(url, timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False)
        response.raise_for_status()
        document = response.json()
        # The document must speak for the configured issuer (OpenID Connect Discovery §4.3).
        if document["issuer"].rstrip("/") != self.settings.issuer:
            raise ValueError("discovery document names another issuer")
        jwks_uri = document["jwks_uri"]
        if not isinstance(jwks_uri, str):
            raise ValueError("no jwks_uri")
        return jwks_uri


class _CountingJWKClient(PyJWKClient):
    fetches = 0

    def fetch_data(self) -> Any:
        self.fetches += 1
        return super().fetch_data()


def _match(keys: list[PyJWK], kid: str | None) -> PyJWK | None:
    signing = [k for k in keys if k.public_key_use in (None, "sig")]
    if kid is None:
        return signing[0] if len(signing) == 1 else None
    return next((k for k in signing if k.key_id == kid), None)
