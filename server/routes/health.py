"""Liveness and readiness: ``/healthz`` checks Redis and the hub's own health.

A 503 is a problem document (``routes.problems``) whose ``health`` member is the state
(``unhealthy``, ``degraded``, ``failed``, ``starting``), with any detail beside it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hotline.protocol import ProtocolError

from ..appkeys import HEALTH, ROSTER, SETTINGS, STREAMS, SUPERVISOR, VIEW
from .problems import problem_response

__all__ = ["healthz", "readyz"]


def _unhealthy(code: str, message: str, extra: dict[str, Any]) -> web.Response:
    """A 503 as a problem document like every other error; ``health`` says which state."""
    return problem_response(503, code, message, extra=extra)


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    node = app[STREAMS].node
    try:
        await node.ping()
        conf = await node.check_persistence(app[SETTINGS].allow_unsafe_redis)
    except ProtocolError as exc:  # Unavailable, or persistence made unsafe since start
        return _unhealthy(exc.code, exc.message, {"health": "unhealthy"})
    trouble = app[HEALTH].problem(app[SUPERVISOR].states())
    if trouble is not None:
        code, message = trouble.pop("code"), trouble.pop("message")
        trouble["health"] = trouble.pop("status")
        return _unhealthy(code, message, trouble)
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
        return _unhealthy("unavailable", "the hub is starting: retry", {"health": "starting"})
    roster = app[ROSTER]
    return web.json_response(
        {
            "status": "ready",
            "device": app[VIEW].device,
            "instance": app[VIEW].instance,
            "roster_version": roster.current.version if roster.chain else None,
        }
    )
