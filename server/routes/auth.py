"""Signed REST requests (docs/protocol.md §8.4): the device headers checked against the roster.

The signature covers the method, the path, the canonical query, a digest of the body
and a nonce; the hub remembers every nonce for the validity window, so a request
cannot be replayed — nor its headers reused with another query — while its time is
still acceptable. The body is read (bounded by the app's ``client_max_size``) and
hashed before anything of it is decoded.
"""

from __future__ import annotations

from aiohttp import web

from hotline.protocol import AuthError, ClockSkew, ProtocolError, ReplayError, RosterDevice
from hotline.protocol.auth import REST_NONCE_BYTES, canonical_query, rest_payload
from hotline.runtime.clock import now_ms

from ..appkeys import NONCES, ROSTER, SETTINGS

__all__ = ["authenticate"]

_HEADERS = "X-Hotline-Device, -Time, -Nonce and -Signature headers are required"


async def authenticate(request: web.Request) -> RosterDevice:
    """The roster device that signed this request.

    Raises:
        AuthError: headers missing or malformed, or the signature does not verify.
        ClockSkew: the request time is outside the window.
        ReplayError: this nonce was used before.
    """
    settings = request.app[SETTINGS]
    h = request.headers
    device = h.get("X-Hotline-Device", "")
    try:
        at = int(h.get("X-Hotline-Time", ""))
        nonce = bytes.fromhex(h.get("X-Hotline-Nonce", ""))
        sig = bytes.fromhex(h.get("X-Hotline-Signature", ""))
    except ValueError as exc:
        raise AuthError(_HEADERS) from exc
    if len(nonce) != REST_NONCE_BYTES or len(sig) != 64 or not 0 < len(device) <= 64:
        raise AuthError(_HEADERS)
    dev = request.app[ROSTER].current.device(device, now_ms())
    body = await request.read()
    payload = rest_payload(
        settings.device,
        request.method,
        request.path,
        canonical_query(request.query_string),
        body,
        device,
        at,
        nonce,
    )
    try:
        dev.verify_key.verify(sig, payload)
    except ProtocolError as exc:
        raise AuthError("the request signature does not verify") from exc
    if abs(at - now_ms()) > settings.max_future_skew_ms:
        raise ClockSkew("the request time is outside the allowed window: fix the device clock")
    if not request.app[NONCES].fresh(nonce):
        raise ReplayError("this signed request was already used: sign each request anew")
    return dev
