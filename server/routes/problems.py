"""One middleware maps every error to a JSON problem; peers never see internals."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from hotline.protocol import ProtocolError

from ..appkeys import METRICS

__all__ = ["error_middleware", "problem"]

log = logging.getLogger("hotline.hub.api")


def problem(exc: ProtocolError) -> web.Response:
    return web.json_response(exc.to_wire(), status=exc.http_status)


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ProtocolError as exc:
        request.app[METRICS].inc("hotline_rejections_total", code=exc.code)
        return problem(exc)
    except web.HTTPException:
        raise
    except Exception:  # the last resort for a bug: logged with its traceback, a 500 out
        log.exception("internal error on %s %s", request.method, request.path)
        return web.json_response({"code": "internal", "message": "internal error"}, status=500)
