"""Domain-separated Ed25519 signing (docs/protocol.md §3.2).

Signed bytes are always ``DOMAIN ‖ canonical-msgpack(payload)``; the domain
string says what kind of object is signed, so a signature over one kind can
never be replayed as another.
"""

from __future__ import annotations

from typing import Any

from .codec import pack
from .keys import SigningKey, VerifyKey

__all__ = ["sign", "signed_bytes", "verify"]


def signed_bytes(domain: bytes, payload: Any) -> bytes:
    """The exact bytes a signature covers."""
    return domain + pack(payload)


def sign(key: SigningKey, domain: bytes, payload: Any) -> bytes:
    """Sign ``payload`` under ``domain``."""
    return key.sign(signed_bytes(domain, payload))


def verify(key: VerifyKey, signature: bytes, domain: bytes, payload: Any) -> None:
    """Raise SignatureError unless ``signature`` covers ``payload`` under ``domain``."""
    key.verify(signature, signed_bytes(domain, payload))
