"""Liveness and readiness: ``/healthz`` checks Redis and the hub's own health."""

from __future__ import annotations

from aiohttp import web

from hotline.protocol import ProtocolError

from ..appkeys import HEALTH, ROSTER, SETTINGS, STREAMS, SUPERVISOR, VIEW

__all__ = ["healthz", "readyz"]


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    node = app[STREAMS].node
    try:
        await node.ping()
        conf = await node.check_persistence(app[SETTINGS].allow_unsafe_redis)
    except ProtocolError as exc:  # Unavailable, or persistence made unsafe since start
        return web.json_response({"status": "unhealthy", **exc.to_wire()}, status=503)
    trouble = app[HEALTH].problem(app[SUPERVISOR].states())
    if trouble is not None:
        return web.json_response(trouble, status=503)
    return web.json_response(
        {
            "status": "ok",
            "appendonly": conf.get("appendonly"),
            "appendfsync": conf.get("appendfsync"),
        }
    )


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    if not app[HEALTH].ready:
        return web.json_response({"status": "starting"}, status=503)
    roster = app[ROSTER]
    return web.json_response(
        {
            "status": "ready",
            "device": app[VIEW].device,
            "instance": app[VIEW].instance,
            "roster_version": roster.current.version if roster.chain else None,
        }
    )
