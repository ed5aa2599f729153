"""Bounded REST reads: every body is read here, with a size bound per route and a deadline.

Why here and not in each handler: a body that trickles in (one byte a second) held a
handler, and its connection, forever; one the peer aborted surfaced as a 500 with a
traceback. This middleware reads the whole body before any handler runs, within
``body_timeout_s`` (``request_timeout``, 408, and the connection is closed), and no more
than the route's bound (``limit_exceeded``, 413, refused from ``Content-Length`` before a
byte is read). Handlers then get the body from aiohttp's cache.

The bounds, chosen so that nothing large is read before its signature can be checked:
``POST /v1/messages`` takes one envelope (``MAX_FRAME``; the envelope's own signature
authenticates it, and the decoder's budgets make a bomb cheap to refuse) and
``POST /v1/roster`` one roster (``MAX_ROSTER_BODY``; its quorum signatures authenticate
it). Every other route — the ones authenticated by signed headers, whose signature
covers a digest of the body and so can only be checked after it is read — has no body
of any size: ``PREAUTH_BODY`` (4 KB, the websocket's pre-authentication frame bound).

The header deadline is aiohttp's own keep-alive timer, which runs from the moment a
connection opens (or its last response left) and which bytes do not extend: a client
that has not sent a complete request head by ``header_timeout_s`` is closed
(``handler_args`` in ``server.app``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from hotline.protocol import LimitExceeded
from hotline.protocol.constants import MAX_FRAME
from hotline.protocol.errors import RequestTimeout

from ..appkeys import METRICS, SETTINGS
from .problems import problem

__all__ = ["MAX_ROSTER_BODY", "PREAUTH_BODY", "body_limit", "read_middleware"]

PREAUTH_BODY = 4096
MAX_ROSTER_BODY = 2 * 1024 * 1024
_LIMITS = {
    ("POST", "/v1/messages"): MAX_FRAME,
    ("POST", "/v1/roster"): MAX_ROSTER_BODY,
}


def body_limit(request: web.Request) -> int:
    """The largest body this route takes (its resource's path pattern, not the URL)."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else ""
    return _LIMITS.get((request.method, canonical), PREAUTH_BODY)


@web.middleware
async def read_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if request.headers.get("Upgrade", "").lower() == "websocket" or not request.body_exists:
        return await handler(request)
    limit = body_limit(request)
    length = request.content_length
    if length is not None and length > limit:
        raise LimitExceeded(f"this route takes a body of at most {limit} bytes")
    bounded = request.clone(client_max_size=limit)
    try:
        async with asyncio.timeout(request.app[SETTINGS].body_timeout_s):
            await bounded.read()
    except TimeoutError:
        metrics = request.app[METRICS]
        metrics.inc("hotline_rest_slow_bodies_total")
        metrics.inc("hotline_rejections_total", code=RequestTimeout.code)
        seconds = request.app[SETTINGS].body_timeout_s
        resp = problem(RequestTimeout(f"the request body did not arrive within {seconds:g} s"))
        # the rest of the body is not waited for: the answer goes, then the connection
        # closes (after aiohttp's short lingering read, ``handler_args`` in server.app)
        resp.force_close()
        return resp
    except web.HTTPRequestEntityTooLarge:
        raise LimitExceeded(f"this route takes a body of at most {limit} bytes") from None
    return await handler(bounded)
