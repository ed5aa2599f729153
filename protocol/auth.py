"""What a device signs to prove who it is: the websocket handshake and REST requests.

docs/protocol.md §8.1 and §8.4. Both are Ed25519 signatures under ``DOMAIN_AUTH``; the
handshake binds the hub's identity, the connection id and a fresh nonce, so a
signature is good for one connection only; a REST signature binds the method, the
path, the canonical query, a digest of the body and a nonce the hub remembers for the
validity window, so a signed request cannot be replayed or re-aimed at another query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final
from urllib.parse import parse_qsl, urlencode

from .codec import pack
from .constants import DOMAIN_AUTH
from .errors import SchemaError

__all__ = [
    "REST_NONCE_BYTES",
    "auth_payload",
    "canonical_query",
    "rest_payload",
    "rest_payload_v1",
]

#: random bytes in every signed REST request's X-Hotline-Nonce (hex on the wire)
REST_NONCE_BYTES: Final = 16


def auth_payload(hub: str, conn: bytes, nonce: bytes, device: str, at_ms: int) -> bytes:
    """The bytes a device signs to authenticate a websocket (bound to hub and connection)."""
    return DOMAIN_AUTH + pack([hub, conn, nonce, device, at_ms])


def rest_payload_v1(hub: str, method: str, path: str, device: str, at_ms: int) -> bytes:
    """The bytes a device signs for one REST request, v1 (docs/protocol.md §8.4).

    Sent as headers ``X-Hotline-Device``, ``X-Hotline-Time`` (ms) and
    ``X-Hotline-Signature`` (hex). v1 signs neither the query nor the body and is
    replayable within the skew window: it stays readable while clients move to
    :func:`rest_payload` (v2), then goes.
    """
    return DOMAIN_AUTH + pack(["http", hub, method.upper(), path, device, at_ms])


def canonical_query(query: str | Iterable[tuple[str, str]]) -> str:
    """The query string as it is signed: pairs sorted, percent-encoded the one way.

    Why: ``?a=1&b=2`` and ``?b=2&a=1`` are the same request; the signature must not
    depend on how a client library happened to order or encode them.
    """
    if not isinstance(query, str):
        return urlencode(sorted(query))
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:  # what was signed must be what is read
        raise SchemaError("query: not valid UTF-8 after percent-decoding", field="query") from exc
    return urlencode(sorted(pairs))


def rest_payload(
    hub: str,
    method: str,
    path: str,
    query: str,
    body: bytes,
    device: str,
    at_ms: int,
    nonce: bytes,
) -> bytes:
    """The bytes a device signs for one REST request (docs/protocol.md §8.4).

    Sent as headers ``X-Hotline-Device``, ``X-Hotline-Time`` (ms), ``X-Hotline-Nonce``
    (hex) and ``X-Hotline-Signature`` (hex). ``query`` is :func:`canonical_query`'s form.

    Raises:
        SchemaError: the nonce is not ``REST_NONCE_BYTES`` long.
    """
    if len(nonce) != REST_NONCE_BYTES:
        raise SchemaError(f"nonce: must be {REST_NONCE_BYTES} bytes", field="nonce")
    digest = hashlib.sha256(body).digest()
    return DOMAIN_AUTH + pack(
        ["http/1", hub, method.upper(), path, query, digest, device, at_ms, nonce]
    )
