"""API keys: generated as 256-bit random secrets, stored and looked up only as a hash."""

import hashlib
import secrets

KEY_PREFIX = "omk_"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[:10]
