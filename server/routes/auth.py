"""Signed REST requests: the device headers checked against the roster."""

from __future__ import annotations

from aiohttp import web

from hotline.protocol import AuthError, ClockSkew, ProtocolError, RosterDevice
from hotline.protocol.session import http_auth_payload
from hotline.runtime.clock import now_ms

from ..appkeys import ROSTER, SETTINGS

__all__ = ["authenticate"]


def authenticate(request: web.Request) -> RosterDevice:
    """The roster device that signed this request (raises AuthError / ClockSkew)."""
    settings = request.app[SETTINGS]
    device = request.headers.get("X-Hotline-Device", "")
    try:
        at = int(request.headers.get("X-Hotline-Time", ""))
        sig = bytes.fromhex(request.headers.get("X-Hotline-Signature", ""))
    except ValueError as exc:
        raise AuthError("X-Hotline-Device, -Time and -Signature headers are required") from exc
    dev = request.app[ROSTER].current.device(device, now_ms())
    payload = http_auth_payload(settings.device, request.method, request.path, device, at)
    try:
        dev.verify_key.verify(sig, payload)
    except ProtocolError as exc:
        raise AuthError("request signature does not verify") from exc
    if abs(at - now_ms()) > settings.max_future_skew_ms:
        raise ClockSkew("request time is outside the allowed window: fix the device clock")
    return dev
