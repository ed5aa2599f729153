"""The feed API (``POST /v1/messages``) and per-recipient message status."""

from __future__ import annotations

from aiohttp import web

from hotline.protocol import LimitExceeded, ProtocolError, Unavailable, parse_id_text
from hotline.protocol.constants import MAX_FRAME
from hotline.runtime.clock import now_ms

from ..appkeys import INTAKE
from .auth import authenticate

__all__ = ["message_status", "post_message"]


async def post_message(request: web.Request) -> web.Response:
    """An already signed and sealed envelope (msgpack body). The envelope's own
    signature authenticates the feed; the same checks and promise as the websocket."""
    intake = request.app[INTAKE]
    if request.content_length and request.content_length > MAX_FRAME:
        raise LimitExceeded(f"body larger than {MAX_FRAME} bytes")
    data = await request.read()
    t = now_ms()
    try:
        res = await intake.submit(data, None, t)
    except ProtocolError as exc:
        if not isinstance(exc, Unavailable):
            await intake.log_rejection(exc, request.headers.get("X-Hotline-Device", "?"), t)
        raise
    return web.json_response(res.to_json(), status=200 if res.duplicate else 201)


async def message_status(request: web.Request) -> web.Response:
    dev = authenticate(request)
    mid = parse_id_text(request.match_info["id"])
    return web.json_response(await request.app[INTAKE].status(mid, dev))
