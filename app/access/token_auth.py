"""Authenticating a person by an OpenID Connect access token (the other path of
`authenticate`, app/access/dependencies.py).

On a warm cache (the issuer's keys and the identity mappings in memory) a token is checked
in the event loop without a thread hop, like a cached API key: the signature check is a
few tens of microseconds. Fetching keys or mappings is blocking IO and runs in a thread.
"""

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

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
from app.problems import Forbidden, ServiceUnavailable, Unauthorized
from app.settings import Settings


@dataclass
class People:
    """Per process: the token verifier (None while OIDC_ISSUER is unset) and the mappings."""

    verifier: TokenVerifier | None
    mappings: MappingCache

    @classmethod
    def of(cls, settings: Settings) -> "People":
        token_settings = TokenSettings.of(settings)
        return cls(
            verifier=TokenVerifier(token_settings) if token_settings else None,
            mappings=MappingCache(settings.identity_mappings_cache_seconds),
        )


async def authenticate_person(request: Request, people: People, token: str) -> Caller:
    verifier = people.verifier
    assert verifier is not None
    engine = request_engine(request)
    try:
        try:
            claims = verifier.claims(token, fetch=False)
        except KeysNeeded:
            claims = await run_in_threadpool(verifier.claims, token, fetch=True)
    except InvalidToken as refused:
        await run_in_threadpool(
            audit_now, engine, None, "authenticate", outcome="failure", detail=refused.reason
        )
        raise Unauthorized("The access token is invalid or expired.") from None
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
    return caller
