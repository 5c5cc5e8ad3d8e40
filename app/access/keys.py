"""API keys: generated as 256-bit random secrets, stored and looked up only as a hash."""

import hashlib
import secrets

KEY_PREFIX = "omk_"
# Shorter keys are refused, ADMIN_API_KEY included (SPEC §7): generated keys have 47.
MIN_KEY_LENGTH = 32
# How much of a key `keyPrefix` shows: enough to recognise it, too little to help guess it.
SHOWN_PREFIX_LENGTH = 8


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[:SHOWN_PREFIX_LENGTH]
