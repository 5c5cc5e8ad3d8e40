"""Authenticating a person by an OpenID Connect access token (the other path of
`authenticate`, app/access/dependencies.py).

On a warm cache (the issuer's keys and the identity mappings in memory) a token is checked
in the event loop without a thread hop, like a cached API key. Fetching keys or mappings is
blocking IO and runs in a thread. A token that passed is remembered by its SHA-256 (a
browser sends the same token for many requests, and a signature check costs about as much
as the rest of a cheap request) until it expires, for at most TOKEN_CACHE_SECONDS, and only
while the identity mappings it was matched against are the current ones.
"""

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from app.access import limits
from app.access.caller import Caller
from app.access.identity import MappingCache, MappingRule, person_caller
from app.access.tokens import (
    InvalidToken,
    IssuerUnavailable,
    KeysNeeded,
    TokenSettings,
    TokenVerifier,
)
from app.audit.service import audit_now
from app.db import request_engine
from app.problems import Forbidden, ServiceUnavailable
from app.settings import Settings

# A verified token is trusted this long at most (then its signature is checked again).
TOKEN_CACHE_SECONDS = 60.0
TOKEN_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class _Verified:
    caller: Caller
    until: float  # time.time(): the token's `exp` (with leeway) or TOKEN_CACHE_SECONDS
    rules: tuple[MappingRule, ...]  # the mappings it was matched against


@dataclass
class People:
    """Per process: the token verifier (None while OIDC_ISSUER is unset), the mappings and
    the tokens verified lately."""

    verifier: TokenVerifier | None
    mappings: MappingCache
    verified: dict[bytes, _Verified] = field(default_factory=dict)

    def remembered(self, digest: bytes) -> Caller | None:
        entry = self.verified.get(digest)
        if entry is None or time.time() >= entry.until:
            return None
        # Identity, not equality: the mappings were re-read or changed since.
        if self.mappings.rules() is not entry.rules:
            return None
        return entry.caller

    def remember(
        self, digest: bytes, caller: Caller, claims: dict[str, Any], rules: tuple[MappingRule, ...]
    ) -> None:
        if len(self.verified) >= TOKEN_CACHE_SIZE:
            self.verified.clear()
        assert self.verifier is not None
        expires = float(claims["exp"]) + self.verifier.settings.leeway_seconds
        until = min(expires, time.time() + TOKEN_CACHE_SECONDS)
        self.verified[digest] = _Verified(caller, until, rules)

    @classmethod
    def of(cls, settings: Settings) -> "People":
        token_settings = TokenSettings.of(settings)
        return cls(
            verifier=TokenVerifier(token_settings) if token_settings else None,
            mappings=MappingCache(settings.identity_mappings_cache_seconds),
        )


async def authenticate_person(request: Request, people: People, token: str, address: str) -> Caller:
    verifier = people.verifier
    assert verifier is not None
    # Too long a token is not even hashed: `claims` refuses it first.
    small = len(token) <= verifier.settings.max_token_bytes
    digest = hashlib.sha256(token.encode()).digest() if small else b""
    known = people.remembered(digest)
    if known is not None:
        return known
    engine = request_engine(request)
    try:
        try:
            claims = verifier.claims(token, fetch=False)
        except KeysNeeded:
            claims = await run_in_threadpool(verifier.claims, token, fetch=True)
    except InvalidToken as refused:
        # Counted like a bad API key: one audit entry per address and minute, 429 past the limit.
        await run_in_threadpool(
            limits.refuse_failed_authentication,
            request,
            address,
            refused.reason,
            "The access token is invalid or expired.",
        )
    except IssuerUnavailable:
        await run_in_threadpool(
            audit_now, engine, None, "authenticate", outcome="failure", detail="issuer unavailable"
        )
        raise ServiceUnavailable("The identity provider cannot be reached.") from None
    rules: tuple[MappingRule, ...] | None = people.mappings.rules()
    if rules is None:
        rules = await run_in_threadpool(people.mappings.load, engine)
    caller = person_caller(verifier.settings.issuer, claims, rules)
    if caller is None:
        await run_in_threadpool(
            audit_now,
            engine,
            None,
            "authorize",
            outcome="denied",
            detail="no identity mapping matches the person",
            subject=str(claims["sub"]),
        )
        raise Forbidden("No identity mapping gives this person a role.")
    people.remember(digest, caller, claims, rules)
    return caller
