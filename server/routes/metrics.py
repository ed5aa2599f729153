"""Prometheus text exposition of the hub's metrics."""

from __future__ import annotations

from aiohttp import web

from ..appkeys import METRICS

__all__ = ["metrics"]


async def metrics(request: web.Request) -> web.Response:
    text = request.app[METRICS].render()
    return web.Response(text=text, content_type="text/plain", charset="utf-8")
