"""aiohttp's request handler, with the HTTP parser's own refusals as problem documents.

A request line or header that is not HTTP (too long, bad characters, a TLS hello on the
plain port) never reaches the application's middleware: aiohttp answers it itself, in
``text/plain``, and logs a traceback for each. From a hostile peer that is log noise on
demand. The hub's sites use this handler: the same answer as every other 4xx
(``routes.problems``), logged at debug level without a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from .admission import ConnectionGate, GateSeat
from .routes.problems import problem_response, safe_excerpt

__all__ = ["HubRequestHandler", "hub_handler"]

log = logging.getLogger("hotline.hub.http")


class HubRequestHandler(RequestHandler):  # type: ignore[type-arg]
    def __init__(self, *args: Any, gate: ConnectionGate | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._seat = GateSeat(gate)  # on the plain listener; the TLS protocol counts its own

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._seat.take(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._seat.give_back()
        super().connection_lost(exc)

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500:  # the application's own errors are answered by its middleware
            return super().handle_error(request, status, exc, message)
        log.debug("refused a request that is not valid HTTP: %s", safe_excerpt(message or "", 80))
        if request.writer.output_size > 0:
            raise ConnectionError("an answer is already on its way")
        code = "limit_exceeded" if status in (413, 414, 431) else "protocol_error"
        detail = "the request is not valid HTTP"
        if message:  # the parser's first line only: the rest quotes the request
            detail += ": " + message.strip().splitlines()[0]
        resp = problem_response(status, code, detail)
        resp.force_close()
        return resp


def hub_handler(
    server: web.Server, loop: asyncio.AbstractEventLoop, gate: ConnectionGate | None = None
) -> HubRequestHandler:
    """A connection's handler, with the settings aiohttp would give its own."""
    return HubRequestHandler(server, loop=loop, gate=gate, **server._kwargs)
