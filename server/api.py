"""REST endpoints: health, readiness, metrics, the feed API, message status, roster."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from hotline.protocol import (
    AuthError,
    ClockSkew,
    LimitExceeded,
    ProtocolError,
    Roster,
    RosterDevice,
    Unavailable,
    parse_id_text,
)
from hotline.protocol.constants import MAX_FRAME
from hotline.protocol.events import LogEvent
from hotline.protocol.session import http_auth_payload

from .hub import HUB, check_persistence, describe
from .ws import websocket_handler

__all__ = ["error_middleware", "routes"]

log = logging.getLogger("hotline.hub.api")
routes = web.RouteTableDef()
routes.get("/v1/ws")(websocket_handler)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def problem(exc: ProtocolError) -> web.Response:
    return web.json_response(exc.to_wire(), status=exc.http_status)


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """One place that maps errors to JSON problems; peers never see internals."""
    try:
        return await handler(request)
    except ProtocolError as exc:
        request.app[HUB].metrics.inc("hotline_rejections_total", code=exc.code)
        return problem(exc)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("internal error on %s %s", request.method, request.path)
        return web.json_response({"code": "internal", "message": "internal error"}, status=500)


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    try:
        await hub.streams.ping()
        conf = await check_persistence(hub.streams, hub.settings.allow_unsafe_redis)
    except ProtocolError as exc:
        return web.json_response({"status": "unhealthy", **exc.to_wire()}, status=503)
    except Exception as exc:
        return web.json_response({"status": "unhealthy", "redis": type(exc).__name__}, status=503)
    if hub.missing_accepted:
        return web.json_response(
            {
                "status": "degraded",
                "code": "missing_accepted",
                "message": "accepted messages are missing from Redis (AOF truncated?)",
                "missing_accepted": hub.missing_accepted,
            },
            status=503,
        )
    return web.json_response(
        {
            "status": "ok",
            "appendonly": conf.get("appendonly"),
            "appendfsync": conf.get("appendfsync"),
        }
    )


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    if not hub.ready:
        return web.json_response({"status": "starting"}, status=503)
    return web.json_response({"status": "ready", **describe(hub)})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    return web.Response(
        text=request.app[HUB].metrics.render(), content_type="text/plain", charset="utf-8"
    )


def authenticate(request: web.Request) -> RosterDevice:
    """Check the signed request headers against the roster."""
    hub = request.app[HUB]
    device = request.headers.get("X-Hotline-Device", "")
    try:
        at = int(request.headers.get("X-Hotline-Time", ""))
        sig = bytes.fromhex(request.headers.get("X-Hotline-Signature", ""))
    except ValueError as exc:
        raise AuthError("X-Hotline-Device, -Time and -Signature headers are required") from exc
    dev = hub.roster.current.device(device, now_ms())
    try:
        dev.verify_key.verify(
            sig, http_auth_payload(hub.settings.device, request.method, request.path, device, at)
        )
    except ProtocolError as exc:
        raise AuthError("request signature does not verify") from exc
    if abs(at - now_ms()) > hub.settings.max_future_skew_ms:
        raise ClockSkew("request time is outside the allowed window: fix the device clock")
    return dev


@routes.post("/v1/messages")
async def post_message(request: web.Request) -> web.Response:
    """Feed API: an already signed and sealed envelope (msgpack body). The envelope's
    own signature authenticates the feed; the same checks and promise as the websocket."""
    hub = request.app[HUB]
    if request.content_length and request.content_length > MAX_FRAME:
        raise LimitExceeded(f"body larger than {MAX_FRAME} bytes")
    data = await request.read()
    t = now_ms()
    try:
        res = await hub.intake.submit(data, None, t)
    except ProtocolError as exc:
        if not isinstance(exc, Unavailable):
            await hub.intake.log_rejection(exc, request.headers.get("X-Hotline-Device", "?"), t)
        raise
    return web.json_response(res.to_json(), status=200 if res.duplicate else 201)


@routes.get("/v1/messages/{id}/status")
async def message_status(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    dev = authenticate(request)
    mid = parse_id_text(request.match_info["id"])
    return web.json_response(await hub.intake.status(mid, dev))


@routes.get("/v1/roster")
async def get_roster(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    v = request.query.get("version")
    roster = hub.roster.version(int(v)) if v and v.isdigit() else hub.roster.current
    if roster is None:
        raise web.HTTPNotFound(text="no such roster version")
    return web.Response(body=roster.encode(), content_type="application/msgpack")


@routes.post("/v1/roster")
async def post_roster(request: web.Request) -> web.Response:
    """Publish the next roster version; its quorum signatures are its authority."""
    hub = request.app[HUB]
    roster = Roster.decode(await request.read())
    if hub.roster.extend(roster, now_ms()):
        await hub.streams.put_roster(roster.version, roster.encode())
        await hub.streams.append_event(
            "roster",
            LogEvent(
                "roster",
                now_ms(),
                hub.settings.device,
                roster.encode(),
                {"version": roster.version},
            ).encode(),
        )
        for d in roster.devices:
            if d.role in ("officer", "feed", "auditor", "observer"):
                await hub.streams.ensure_group(d.party, d.id)
    return web.json_response({"version": hub.roster.current.version})
