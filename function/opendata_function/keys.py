"""API keys: a public lookup id and a 256-bit secret; only the sha256 of the whole key is stored.

A key looks like ``odp_3f9a1c2b7d4e_<43 url-safe characters>``. The middle part (the prefix) finds the
account without a table scan; the hash comparison is constant-time. A key of this entropy needs no slow
hash: nobody can guess 2**256 secrets, so sha256 is enough and keeps the per-request check cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SCHEME = "odp"
_KEY = re.compile(r"^odp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once to its holder, never stored
    prefix: str
    hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> NewKey:
    prefix = secrets.token_hex(6)
    key = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key, prefix, hash_key(key))


def prefix_of(key: str) -> str | None:
    """The lookup id of a well-formed key, or None (a malformed key never reaches the store)."""
    match = _KEY.match(key)
    return match.group(1) if match else None


def matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key).encode(), stored_hash.encode())


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of the operator secret (hashing first hides the length too)."""
    return bool(expected) and hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                                                  hashlib.sha256(expected.encode()).digest())
