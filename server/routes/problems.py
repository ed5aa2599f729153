"""Every REST error is an RFC 9457 problem (``application/problem+json``), never internals.

One middleware turns whatever a handler raises into a problem document: the project's
``ProtocolError`` (its stable ``code`` and status, docs/protocol.md §10.2), aiohttp's own
``HTTPException`` (no route 404, wrong method 405, body too large 413, …) and anything
else (500 ``internal_error``, logged here with its traceback, never shown). The same
function renders the health probes' 503s, so no 4xx/5xx of the hub is plain text.

The document: ``type`` (a URI per code), ``title`` (per code, never per occurrence),
``status``, ``detail`` (the one-line message, escaped and cut short: it may quote what
the peer sent), ``code``; ``message`` repeats ``detail`` for clients of before 1.0 and
``field`` names the offending field. A body whose read the peer aborts is counted
(``hotline_rest_aborted_total``), not logged and not a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from hotline.protocol import ProtocolError

from ..appkeys import METRICS

__all__ = ["PROBLEM_TYPE", "error_middleware", "problem", "problem_response", "safe_excerpt"]

log = logging.getLogger("hotline.hub.api")
PROBLEM_TYPE = "https://cbm-hotline.example/errors/"
CONTENT_TYPE = "application/problem+json"
MAX_DETAIL = 200

#: aiohttp's own refusals, by status, as the project's codes
_HTTP_CODES = {
    400: "protocol_error",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    413: "limit_exceeded",
    414: "limit_exceeded",
    429: "rate_limited",
    431: "limit_exceeded",
    503: "unavailable",
}
_HTTP_DETAILS = {
    404: "no such resource: see docs/openapi.yaml for the hub's routes",
    405: "this resource does not take that method: see the Allow header",
    413: "the request body is larger than this route accepts",
}


def safe_excerpt(text: str, limit: int = MAX_DETAIL) -> str:
    """``text`` cut to ``limit`` characters, anything outside printable ASCII escaped."""
    out = text.encode("ascii", "backslashreplace").decode("ascii")
    out = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in out)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    field: str | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """One problem document (RFC 9457) with the project's ``code``."""
    text = safe_excerpt(detail)
    body: dict[str, Any] = {
        **(extra or {}),
        "type": PROBLEM_TYPE + code,
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": text,
        "code": code,
        "message": text,
    }
    if field is not None:
        body["field"] = safe_excerpt(field, 64)
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=True).encode(),
        content_type=CONTENT_TYPE,
        headers=headers,
    )


def problem(exc: ProtocolError) -> web.Response:
    return problem_response(exc.http_status, exc.code, exc.message, field=exc.field)


def _http_problem(exc: web.HTTPException) -> web.Response:
    status = exc.status
    code = _HTTP_CODES.get(status, "protocol_error" if status < 500 else "internal_error")
    detail = _HTTP_DETAILS.get(status) or exc.reason or code
    keep = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
    return problem_response(status, code, detail, headers=keep)


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ProtocolError as exc:
        request.app[METRICS].inc("hotline_rejections_total", code=exc.code)
        return problem(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # a redirect or a success raised as an exception: aiohttp sends it
        request.app[METRICS].inc("hotline_rejections_total", code=f"http_{exc.status}")
        return _http_problem(exc)
    except ConnectionError:
        # the peer went away mid-request (an aborted body, a closed export): nothing to
        # answer, nothing wrong with the hub
        request.app[METRICS].inc("hotline_rest_aborted_total")
        return problem_response(400, "protocol_error", "the connection was closed mid-request")
    except Exception:  # the last resort for a bug: logged with its traceback, a 500 out
        log.exception("internal error on %s %s", request.method, safe_excerpt(request.path, 80))
        request.app[METRICS].inc("hotline_internal_errors_total")
        return problem_response(500, "internal_error", "internal error on the hub: retry later")
